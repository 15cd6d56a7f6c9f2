"""Reasons for the statuses without cash: marginal and rigid-expenditure households."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from doudi.policy import sources
from doudi.policy.explain.common import assets_sentence, per_capita_text
from doudi.policy.explain.context import Context
from doudi.policy.money import yuan_value_to_fen
from doudi.policy.results import ProgrammeResult

NO_CASH = "该认定本身不发放现金，可据此申请医疗、教育、住房、就业等专项救助和临时救助"


def _blocked(ctx: Context) -> str | None:
    if ctx.h("dibao_household_eligible"):
        return "家庭已符合低保条件"
    if ctx.h("dibao_phase_out"):
        return "家庭处于低保渐退期"
    if ctx.h("tekun_eligible"):
        return "家庭中有成员认定为特困人员"
    if ctx.h("dibao_member_count") == 0:
        return "家庭中没有可计算的成员"
    return None


def explain_marginal(ctx: Context) -> ProgrammeResult:
    blocked = _blocked(ctx)
    if blocked:
        return ProgrammeResult(
            False, ctx.decimal(0), (f"{blocked}，不再认定低保边缘家庭（{sources.MARGINAL_RULES}）",)
        )
    line = ctx.h("marginal_income_line")
    members = ctx.h("dibao_member_count")
    below = ctx.h("dibao_assessed_income") < line * members
    ratio = ctx.times("marginal_household.income_ratio")
    reasons = [
        f"家庭不符合低保、特困条件；{per_capita_text(ctx)}，{'低于' if below else '不低于'}低保边缘收入线 "
        f"{ctx.yuan(line)}（低保标准 {ctx.yuan(ctx.h('dibao_standard'))} × {ratio}"
        f"{ctx.mark('marginal_household.income_ratio')}）（{sources.MARGINAL_RULES}；{sources.MARGINAL_NOTICE_2020}）",
        assets_sentence(ctx),
    ]
    eligible = bool(ctx.h("marginal_household_eligible"))
    reasons.append(("认定为低保边缘家庭；" + NO_CASH) if eligible else "不认定为低保边缘家庭")
    return ProgrammeResult(eligible, ctx.decimal(0), tuple(reasons))


def explain_rigid(ctx: Context) -> ProgrammeResult:
    blocked = _blocked(ctx)
    if blocked is None and ctx.h("dibao_eligible"):
        blocked = "家庭有成员享受低保"
    if blocked is None and ctx.h("marginal_household_eligible"):
        blocked = "家庭已认定为低保边缘家庭"
    if blocked:
        return ProgrammeResult(
            False,
            ctx.decimal(0),
            (f"{blocked}，不再认定刚性支出困难家庭（{sources.MARGINAL_RULES}）",),
        )
    expenses = ctx.situation.expenses
    total = ctx.h("rigid_expenses_12m")
    income_12m = 12 * ctx.h("dibao_gross_income")
    if income_12m:
        share = (Decimal(total) * 100 / Decimal(income_12m)).quantize(Decimal("0.1"), ROUND_HALF_UP)
        share_text = f"占家庭近12个月收入 {ctx.yuan(income_12m)}的 {share}%"
    else:
        share_text = "家庭近12个月没有计入的收入"
    heavy_ratio = ctx.percent("rigid_expenditure_household.expense_ratio")
    disposable = ctx.value("rigid_expenditure_household.disposable_income")
    assert disposable is not None
    members = ctx.h("dibao_member_count")
    annual = 12 * ctx.h("dibao_assessed_income")
    below = ctx.h("below_disposable_income")
    reasons = [
        f"近12个月刚性支出 {ctx.yuan(total)}（医疗 {ctx.yuan(int(expenses.medical_12m * 100))}、教育 "
        f"{ctx.yuan(int(expenses.education_12m * 100))}、残疾康复 {ctx.yuan(int(expenses.rehabilitation_12m * 100))}），"
        f"{share_text}，规定比例 {heavy_ratio}{ctx.mark('rigid_expenditure_household.expense_ratio')}"
        f"（{sources.MARGINAL_RULES}）",
        f"年人均收入 {ctx.yuan(ctx.per_capita(annual, members))}，{'低于' if below else '不低于'}上年度居民人均可支配收入 "
        f"{ctx.yuan(int(yuan_value_to_fen(disposable.value)))}{ctx.mark('rigid_expenditure_household.disposable_income')}",
        assets_sentence(ctx),
    ]
    eligible = bool(ctx.h("rigid_expenditure_household_eligible"))
    reasons.append(
        ("认定为刚性支出困难家庭；" + NO_CASH) if eligible else "不认定为刚性支出困难家庭"
    )
    return ProgrammeResult(eligible, ctx.decimal(0), tuple(reasons))
