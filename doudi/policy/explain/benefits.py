"""Reasons for the benefits that stack: temporary assistance, disability subsidies, orphans."""

from __future__ import annotations

from doudi.policy import codes, sources
from doudi.policy.explain.context import Context
from doudi.policy.money import yuan_value_to_fen
from doudi.policy.results import ProgrammeResult


def explain_temporary(ctx: Context) -> ProgrammeResult:
    temporary = ctx.situation.temporary
    if temporary is None:
        return ProgrammeResult(False, ctx.decimal(0), ("未申请临时救助",))
    label = codes.TEMPORARY_LABELS[temporary.kind]
    requested = int(temporary.requested * 100)
    cap = ctx.h("temporary_assistance_cap")
    reasons = [f"申请{label}临时救助（事由：{temporary.reason}），申请金额 {ctx.yuan(requested)}"]
    if temporary.kind == "emergency":
        months = "temporary_assistance.emergency_cap_months"
        reasons.append(
            f"急难型救助不作收入审核；上限 {ctx.yuan(cap)}（低保标准 {ctx.yuan(ctx.h('dibao_standard'))} × "
            f"{int(ctx.number(months))}{ctx.mark(months)}）（{sources.INTERIM_MEASURES_ART_47}；"
            f"{sources.TEMPORARY_OPINION_2020}）"
        )
    else:
        months = "temporary_assistance.expenditure_cap_months"
        below = ctx.h("below_disposable_income")
        assets = ctx.h("assets_within_limits")
        reasons.append(
            f"支出型救助：家庭人均收入{'低于' if below else '不低于'}上年度居民人均可支配收入，"
            f"家庭财产{'符合' if assets else '不符合'}规定（{sources.INTERIM_MEASURES_ART_47}）"
        )
        reasons.append(
            f"上限 {ctx.yuan(cap)}（低保标准 {ctx.yuan(ctx.h('dibao_standard'))} × {int(ctx.number(months))}"
            f"{ctx.mark(months)} × {ctx.h('counted_member_count')} 人）"
        )
    if temporary.repeat_within_year:
        if temporary.repeat_justification:
            reasons.append(
                f"同一事由一年内已获救助，已说明再次救助的理由：{temporary.repeat_justification}"
            )
        else:
            reasons.append("同一事由一年内已获救助，且未说明再次救助的理由，不予重复救助")
    eligible = bool(ctx.h("temporary_assistance_eligible"))
    amount = ctx.h("temporary_assistance_amount")
    county = bool(ctx.h("temporary_requires_county_approval"))
    if eligible:
        limit = int(yuan_value_to_fen(ctx.number("temporary_assistance.township_approval_limit")))
        mark = ctx.mark("temporary_assistance.township_approval_limit")
        reasons.append(f"核定临时救助金 {ctx.yuan(amount)}（一次性）")
        if county:
            reasons.append(
                f"超过乡镇（街道）审批额度 {ctx.yuan(limit)}{mark}，需报县级民政部门审批（{sources.INTERIM_MEASURES_ART_48}）"
            )
        else:
            reasons.append(
                f"不超过乡镇（街道）审批额度 {ctx.yuan(limit)}{mark}，可由乡镇（街道）审批、先行救助（{sources.INTERIM_MEASURES_ART_48}）"
            )
    else:
        reasons.append("不符合临时救助条件")
    return ProgrammeResult(
        eligible, ctx.decimal(amount), tuple(reasons), requires_county_approval=county
    )


def explain_disability_living(ctx: Context) -> ProgrammeResult:
    reasons, amounts = [], {}
    origin = (
        ctx.origin_text("disability_living_subsidy.amount")
        or "（省级标准：不低于省定低保最低标准月额的25%）"
    )
    for index in ctx.counted_indexes():
        member = ctx.members[index]
        if member.disability is None:
            continue
        paid = ctx.p("disability_living_subsidy_person", index)
        if paid:
            if ctx.p("dibao_covered", index):
                why = "享受低保"
            elif ctx.h("disability_income_band"):
                why = "重度残疾，家庭人均收入在低保标准的100%至130%之间"
            else:
                why = "重度残疾，年满60周岁且本人无固定收入"
            reasons.append(
                f"{ctx.who(index)}{ctx.disability_text(index)}，{why}，生活补贴 {ctx.yuan(paid)}/月{origin}（{sources.DISABILITY_FUJIAN}）"
            )
            amounts[member.id] = ctx.decimal(paid)
        elif ctx.p("is_tekun", index):
            reasons.append(f"{ctx.who(index)}为特困人员，基本生活已由特困供养保障，不发生活补贴")
        else:
            reasons.append(
                f"{ctx.who(index)}{ctx.disability_text(index)}，未享受低保，且不属于低保标准100%–130%家庭或60岁以上无固定收入的重度残疾人"
                f"（{sources.DISABILITY_FUJIAN}）"
            )
    if not reasons:
        reasons.append("家庭中没有持证残疾人")
    total = ctx.h("disability_living_subsidy_amount")
    return ProgrammeResult(bool(total), ctx.decimal(total), tuple(reasons), member_amounts=amounts)


def explain_disability_care(ctx: Context) -> ProgrammeResult:
    reasons, amounts = [], {}
    for index in ctx.counted_indexes():
        member = ctx.members[index]
        if member.disability is None or member.disability.grade > 2:
            continue
        hardship = ctx.p("dibao_covered", index) or ctx.p("is_tekun", index)
        grade = member.disability.grade
        name = f"disability_care_subsidy.{'hardship' if hardship else 'other'}_grade_{grade}"
        origin = ctx.origin_text(name) or (
            f"（省级标准：不低于省定低保最低标准月额的{30 if grade == 1 else 25}%）"
            if hardship
            else ""
        )
        paid = ctx.p("disability_care_subsidy_person", index)
        status = "生活困难（享受低保或特困供养）" if hardship else "非生活困难"
        reasons.append(
            f"{ctx.who(index)}{ctx.disability_text(index)}，{status}，护理补贴 {ctx.yuan(paid)}/月{origin}（{sources.DISABILITY_FUJIAN}）"
        )
        amounts[member.id] = ctx.decimal(paid)
    if not reasons:
        reasons.append(f"家庭中没有一级、二级残疾人（{sources.DISABILITY_FUJIAN}）")
    total = ctx.h("disability_care_subsidy_amount")
    return ProgrammeResult(bool(total), ctx.decimal(total), tuple(reasons), member_amounts=amounts)


def explain_orphan(ctx: Context) -> ProgrammeResult:
    reasons, amounts = [], {}
    for index in ctx.counted_indexes():
        member = ctx.members[index]
        if member.orphan is None:
            continue
        kind = codes.ORPHAN_LABELS[member.orphan.kind]
        paid = ctx.p("orphan_person_amount", index)
        mode = "集中养育" if member.orphan.institution else "社会散居"
        name = "orphan.institution" if member.orphan.institution else "orphan.community"
        if paid:
            found = ctx.value(name)
            since = f"，{found.since} 起" if found else ""
            reasons.append(
                f"{ctx.who(index)}为{kind}（{mode}），按省定最低养育标准发放 {ctx.yuan(paid)}/月"
                f"{since}{ctx.mark(name)}（{sources.ORPHAN_FUJIAN}）"
            )
            amounts[member.id] = ctx.decimal(paid)
        elif ctx.p("is_tekun", index):
            reasons.append(f"{ctx.who(index)}为{kind}，已按特困人员供养（未选择孤儿保障）")
        else:
            reasons.append(
                f"{ctx.who(index)}为{kind}，已年满{int(ctx.number('orphan.maximum_age'))}周岁，不再发放基本生活费"
            )
    if not reasons:
        reasons.append("家庭中没有孤儿或事实无人抚养儿童")
    total = ctx.h("orphan_amount")
    return ProgrammeResult(bool(total), ctx.decimal(total), tuple(reasons), member_amounts=amounts)
