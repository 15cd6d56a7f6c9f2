"""Reasons for dibao: who is counted, income, assets, and how the amount was reached."""

from __future__ import annotations

from doudi.policy import sources
from doudi.policy.explain.common import (
    assets_sentence,
    income_sentences,
    members_sentence,
    per_capita_text,
)
from doudi.policy.explain.context import Context
from doudi.policy.results import ProgrammeResult

CATEGORIES = (
    ("serious_illness", "重病患者"),
    ("severe_disability", "重度残疾人"),
    ("elderly", "老年人"),
    ("minor", "未成年人"),
)


def explain_dibao(ctx: Context) -> ProgrammeResult:
    reasons = [members_sentence(ctx)]
    members = ctx.h("dibao_member_count")
    if members == 0:
        reasons.append("家庭中没有可纳入低保计算的成员，不适用低保")
        return ProgrammeResult(False, ctx.decimal(0), tuple(reasons))
    reasons.append(ctx.standard_text())
    reasons.extend(income_sentences(ctx))
    standard = ctx.h("dibao_standard")
    income = ctx.h("dibao_assessed_income")
    below = ctx.h("dibao_income_below_standard")
    reasons.append(
        f"{per_capita_text(ctx)}，{'低于' if below else '不低于'}当地低保标准 {ctx.yuan(standard)}"
        f"（{sources.INTERIM_MEASURES_ART_9}；{sources.DIBAO_RULES_ART_23}）"
    )
    reasons.append(assets_sentence(ctx))
    basis = ""
    if ctx.h("dibao_household_eligible"):
        basis = "household"
        reasons.extend(_gap_sentences(ctx, members, standard, income))
    elif ctx.h("dibao_phase_out"):
        basis = "phase_out"
        reasons.extend(_phase_out_sentences(ctx))
    else:
        reasons.append("家庭不符合低保条件")
        covered = [
            index for index in range(len(ctx.members)) if ctx.p("individual_coverage", index)
        ]
        if covered:
            basis = "individual_coverage"
            reasons.extend(_individual_sentences(ctx, covered))
        elif ctx.h("marginal_household_eligible"):
            reasons.extend(_individual_refusals(ctx))
    reasons.extend(_supplement_sentences(ctx))
    amount = ctx.h("dibao_amount")
    eligible = bool(ctx.h("dibao_eligible"))
    if eligible:
        reasons.append(f"合计月低保金 {ctx.yuan(amount)}")
    member_amounts = {
        member.id: ctx.decimal(
            ctx.p("individual_coverage_amount", index) + ctx.p("category_supplement", index)
        )
        for index, member in enumerate(ctx.members)
        if ctx.p("individual_coverage", index)
    }
    return ProgrammeResult(
        eligible, ctx.decimal(amount), tuple(reasons), basis, member_amounts=member_amounts
    )


def _gap_sentences(ctx: Context, members: int, standard: int, income: int) -> list[str]:
    gap = standard * members - income
    sentences = [
        f"月低保金 = {ctx.yuan(standard)} × {members} 人 − {ctx.yuan(income)} = {ctx.yuan(gap)}"
        f"（{sources.INTERIM_MEASURES_ART_12}；{sources.DIBAO_RULES_ART_23}）"
    ]
    paid = ctx.h("dibao_gap_amount")
    if paid != gap:
        sentences.append(
            f"差额低于最低补助，按每人低保标准的 {ctx.percent('dibao.minimum_payment.share')}"
            f"{ctx.mark('dibao.minimum_payment.share')}发放，计 {ctx.yuan(paid)}"
        )
    return sentences


def _phase_out_sentences(ctx: Context) -> list[str]:
    phase_out = ctx.situation.phase_out
    assert phase_out is not None
    members = ctx.h("dibao_member_count")
    line = ctx.h("marginal_income_line")
    income = ctx.h("dibao_assessed_income")
    if income < line * members:
        why = f"月人均收入仍低于低保边缘收入线 {ctx.yuan(line)}，仍属低收入家庭"
    else:
        why = "仍有实际医疗、教育或就业困难"
    month = phase_out.months_since_exit
    share_name = f"dibao.phase_out.payment_schedule.month_{month:02d}"
    return [
        f"家庭已不符合低保条件，但{why}，自认定次月起进入渐退期：第 {month} 个月"
        f"（共 {int(ctx.number('dibao.phase_out.months'))} 个月{ctx.mark('dibao.phase_out.months')}）"
        f"（{sources.FUJIAN_EIGHT_MEASURES}）",
        f"渐退期按退出前月低保金 {ctx.yuan(int(phase_out.previous_amount * 100))}的 "
        f"{ctx.percent(share_name)}{ctx.mark(share_name)}发放，计 {ctx.yuan(ctx.h('dibao_phase_out_amount'))}",
    ]


def _individual_sentences(ctx: Context, covered: list[int]) -> list[str]:
    standard = ctx.h("dibao_standard")
    share = ctx.percent("dibao.individual_coverage.floor_share")
    mark = ctx.mark("dibao.individual_coverage.floor_share")
    sentences = []
    for index in covered:
        member = ctx.members[index]
        what = (
            "重病患者" if member.serious_illness else f"重度残疾人（{ctx.disability_text(index)}）"
        )
        own = ctx.p("assessed_income", index)
        sentences.append(
            f"家庭为低保边缘家庭，{member.label} 为{what}，单独纳入低保（单人保）："
            f"本人认定收入 {ctx.yuan(own)}，按低保标准 {ctx.yuan(standard)}补差，且不低于低保标准的 "
            f"{share}{mark}，计 {ctx.yuan(ctx.p('individual_coverage_amount', index))}"
            f"（{sources.DIBAO_RULES_ART_8}；{sources.FUJIAN_EIGHT_MEASURES}）"
        )
    return sentences


def _individual_refusals(ctx: Context) -> list[str]:
    return [
        f"{member.label} 本人认定收入 {ctx.yuan(ctx.p('assessed_income', index))}不低于低保标准，"
        f"不能单独纳入低保（{sources.DIBAO_RULES_ART_8}）"
        for index, member in enumerate(ctx.members)
        if ctx.p("dibao_member", index)
        and (member.serious_illness or ctx.p("is_severely_disabled", index))
    ]


def _supplement_sentences(ctx: Context) -> list[str]:
    sentences = []
    for index, member in enumerate(ctx.members):
        amount = ctx.p("category_supplement", index)
        if not amount:
            continue
        applying = []
        age = ctx.p("age", index)
        checks = {
            "serious_illness": member.serious_illness,
            "severe_disability": ctx.p("is_severely_disabled", index),
            "elderly": age >= ctx.number("dibao.category_supplement.elderly_age"),
            "minor": age < 18,
        }
        for key, label in CATEGORIES:
            if checks[key]:
                applying.append(f"{label} {ctx.percent(f'dibao.category_supplement.{key}')}")
        rule = "各项相加" if ctx.number("dibao.category_supplement.sum_all") else "取最高一项"
        sentences.append(
            f"分类施保：{member.label}（{'、'.join(applying)}，{rule}{ctx.mark('dibao.category_supplement.sum_all')}）"
            f"增发 {ctx.yuan(amount)}（{sources.INTERIM_MEASURES_ART_12}）"
        )
    return sentences
