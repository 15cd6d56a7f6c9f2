"""Reasons for tekun: the three "nos" member by member, and the support standard."""

from __future__ import annotations

from doudi.policy import codes, sources
from doudi.policy.codes import SELF_CARE_LABELS, SELF_CARE_LEVELS
from doudi.policy.explain.context import Context
from doudi.policy.results import ProgrammeResult

SCHOOL_CODES = {
    codes.SCHOOLING[key] for key in ("compulsory", "high_school", "secondary_vocational")
}


def explain_tekun(ctx: Context) -> ProgrammeResult:
    reasons: list[str] = []
    amounts = {}
    for index in ctx.counted_indexes():
        if not ctx.p("tekun_no_labour_capacity", index):
            continue
        member = ctx.members[index]
        grounds = _labour_grounds(ctx, index)
        if ctx.p("is_tekun", index):
            reasons.append(
                f"{ctx.who(index)}认定为特困人员：{grounds}，视为无劳动能力；本人认定收入 "
                f"{ctx.yuan(ctx.p('assessed_income', index))}，低于当地低保标准 "
                f"{ctx.yuan(ctx.h('dibao_standard'))}，且家庭财产符合规定，视为无生活来源；"
                f"无法定义务人或义务人无履行能力（{sources.INTERIM_MEASURES_ART_14}；"
                f"{sources.TEKUN_RULES}；{sources.TEKUN_FUJIAN}）"
            )
            reasons.append(_amount_sentence(ctx, index))
            amounts[member.id] = ctx.decimal(ctx.p("tekun_person_amount", index))
        else:
            reasons.append(
                f"{ctx.who(index)}{grounds}，但{'；'.join(_failures(ctx, index))}，不认定为特困人员"
            )
    if not reasons:
        reasons.append(
            f"没有成员符合无劳动能力条件（年满60周岁、未满16周岁、在校就读或规定等级的残疾）"
            f"（{sources.TEKUN_RULES}；{sources.TEKUN_FUJIAN}）"
        )
    if amounts:
        reasons.append(f"合计月供养金 {ctx.yuan(ctx.h('tekun_amount'))}")
    return ProgrammeResult(
        bool(ctx.h("tekun_eligible")),
        ctx.decimal(ctx.h("tekun_amount")),
        tuple(reasons),
        member_amounts=amounts,
    )


def _labour_grounds(ctx: Context, index: int) -> str:
    member = ctx.members[index]
    age = ctx.p("age", index)
    grounds = []
    if age >= ctx.number("tekun.elderly_age"):
        grounds.append(f"年满{int(ctx.number('tekun.elderly_age'))}周岁")
    if age < ctx.number("tekun.minor_age"):
        grounds.append(f"未满{int(ctx.number('tekun.minor_age'))}周岁")
    elif member.tekun.recognised and age < ctx.number("tekun.continuation_age"):
        grounds.append(
            f"已认定特困的未成年人，可享受至{int(ctx.number('tekun.continuation_age'))}周岁"
        )
    if codes.SCHOOLING[member.in_school] in SCHOOL_CODES and ctx.situation.month >= "2021-12":
        grounds.append(f"在{codes.SCHOOLING_LABELS[member.in_school]}就读")
    if member.disability is not None and not grounds:
        grounds.append(ctx.disability_text(index))
    return "、".join(grounds) or ctx.disability_text(index)


def _failures(ctx: Context, index: int) -> list[str]:
    member = ctx.members[index]
    failures = []
    if ctx.p("assessed_income", index) >= ctx.h("dibao_standard"):
        failures.append(
            f"本人认定收入 {ctx.yuan(ctx.p('assessed_income', index))}不低于当地低保标准 "
            f"{ctx.yuan(ctx.h('dibao_standard'))}"
        )
    if not ctx.h("assets_within_limits"):
        failures.append("家庭财产不符合规定")
    if not member.tekun.supporters_unable:
        failures.append("未确认无法定义务人或义务人无履行能力")
    if member.orphan is not None and member.orphan.chooses_orphan_scheme:
        failures.append(f"本人选择{codes.ORPHAN_LABELS[member.orphan.kind]}保障")
    return failures or ["不符合特困条件"]


def _amount_sentence(ctx: Context, index: int) -> str:
    member = ctx.members[index]
    level = SELF_CARE_LEVELS[ctx.p("self_care_level", index)]
    mode = "集中供养" if member.tekun.centralised else "分散供养"
    care = (
        f"{mode}，生活自理能力{SELF_CARE_LABELS[level]}"
        f"（6项日常生活活动中 {member.self_care_failed_items} 项不能自主完成）"
    )
    amount = ctx.p("tekun_person_amount", index)
    mode_key = "centralised" if member.tekun.centralised else "dispersed"
    total_name = f"tekun.total_standard.{mode_key}.{level}"
    if ctx.p("tekun_local_total", index) >= 0:
        return f"{member.label} {care}：当地供养标准 {ctx.yuan(amount)}/月{ctx.origin_text(total_name)}"
    basic = ctx.p("tekun_basic_standard", index)
    care_amount = ctx.p("tekun_care_standard", index)
    share_name = f"tekun.care.{mode_key}.{level}"
    return (
        f"{member.label} {care}：基本生活标准 {ctx.yuan(basic)}（低保标准 × {ctx.times('tekun.basic_ratio')}，"
        f"{sources.FUJIAN_OPINION_2014}）+ 照料护理标准 {ctx.yuan(care_amount)}（月最低工资标准 "
        f"{ctx.yuan(ctx.h('minimum_wage'))} × {ctx.percent(share_name)}{ctx.mark(share_name)}）"
        f"= {ctx.yuan(amount)}/月"
    )
