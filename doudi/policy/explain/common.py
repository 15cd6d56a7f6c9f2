"""Sentences shared by several programmes: household composition, income, assets."""

from __future__ import annotations

from collections import defaultdict

from doudi.policy import codes, sources
from doudi.policy.explain.context import Context
from doudi.policy.money import round_fen


def members_sentence(ctx: Context) -> str:
    counted = ctx.counted_indexes()
    parts = [f"共同生活家庭成员 {len(counted)} 人，低保计算 {ctx.h('dibao_member_count')} 人"]
    excluded = [member.label for member in ctx.members if not member.counted]
    if excluded:
        parts.append(f"{'、'.join(excluded)} 不计入共同生活家庭成员")
    tekun = [ctx.members[index].label for index in counted if ctx.p("is_tekun", index)]
    if tekun:
        parts.append(f"{'、'.join(tekun)} 已认定为特困人员，不计入低保计算单位")
    orphans = [
        ctx.members[index].label for index in counted if ctx.p("orphan_person_amount", index)
    ]
    if orphans:
        parts.append(f"{'、'.join(orphans)} 领取孤儿基本生活费，不计入低保计算单位")
    return "；".join(parts) + f"（{sources.DIBAO_RULES_ART_7}）"


def income_sentences(ctx: Context) -> list[str]:
    """Income by type of the dibao unit, exclusions, imputation and deductions."""
    counted, excluded, imputed = _incomes_by_type(ctx)
    items = "、".join(f"{label} {ctx.yuan(fen)}" for label, fen in counted.items() if fen)
    gross = ctx.h("dibao_gross_income")
    sentences = [
        f"家庭月收入 {ctx.yuan(gross)}"
        + (f"：{items}" if items else "")
        + f"（{sources.DIBAO_RULES_INCOME}）",
        *imputed,
    ]
    if excluded:
        items = "、".join(f"{label} {ctx.yuan(fen)}" for label, fen in excluded.items())
        sentences.append(f"不计入家庭收入：{items}（{sources.DIBAO_RULES_INCOME}）")
    for index in ctx.dibao_indexes():
        if ctx.p("employment_cost_deduction", index):
            sentences.append(_employment_cost_sentence(ctx, index))
    if ctx.h("rigid_expense_deduction"):
        sentences.append(_rigid_expense_sentence(ctx))
    return sentences


def _incomes_by_type(ctx: Context) -> tuple[dict[str, int], dict[str, int], list[str]]:
    """Counted and excluded fen by income label over the dibao unit, and a sentence for each
    member whose unstable work is assessed at the minimum wage."""
    counted: dict[str, int] = defaultdict(int)
    excluded: dict[str, int] = defaultdict(int)
    pension_excluded = bool(ctx.number("dibao.exclude_basic_pension"))
    imputed: list[str] = []
    for index in ctx.dibao_indexes():
        member = ctx.members[index]
        stable_wage = 0
        for income in member.incomes:
            fen = int(income.monthly * 100)
            if income.type == "wage" and not income.stable:
                continue
            if income.type == "wage":
                stable_wage += fen
            if income.type in codes.COUNTED_INCOME_TYPES or (
                income.type == codes.BASIC_PENSION and not pension_excluded
            ):
                counted[codes.INCOME_TYPES[income.type]] += fen
            else:
                excluded[codes.INCOME_TYPES[income.type]] += fen
        unstable = [
            income for income in member.incomes if income.type == "wage" and not income.stable
        ]
        if unstable:
            reported = sum(int(income.monthly * 100) for income in unstable)
            assessed = ctx.p("assessed_wage_income", index) - stable_wage
            counted[codes.INCOME_TYPES["wage"]] += assessed
            if assessed > reported:
                imputed.append(
                    f"{member.label} 不稳定就业，申报工资 {ctx.yuan(reported)}，按当地最低工资标准 "
                    f"{ctx.yuan(ctx.h('minimum_wage'))}认定（{sources.FUJIAN_EIGHT_MEASURES}）"
                )
    return counted, excluded, imputed


def _employment_cost_sentence(ctx: Context, index: int) -> str:
    """The member's employment cost deduction: a share of the wage (or of the minimum wage), or
    the disabled worker's share of the minimum wage when that is what was deducted."""
    deduction = ctx.p("employment_cost_deduction", index)
    wage = ctx.p("assessed_wage_income", index)
    on_minimum_wage = ctx.number("dibao.employment_cost_on_minimum_wage")
    basis_fen = ctx.h("minimum_wage") if on_minimum_wage else wage
    cost = min(int(round_fen(ctx.number("dibao.employment_cost_rate") * basis_fen)), wage)
    if deduction != cost:
        how = f"残疾人就业，扣减当地最低工资标准的 {ctx.percent('dibao.disabled_worker_deduction_share')}"
    else:
        basis = "当地最低工资标准" if on_minimum_wage else "就业收入"
        how = f"扣减{basis}的 {ctx.percent('dibao.employment_cost_rate')}{ctx.mark('dibao.employment_cost_rate')}"
    return (
        f"{ctx.members[index].label} 就业收入 {ctx.yuan(wage)}，{how}，计 {ctx.yuan(deduction)}"
        f"（{sources.FUJIAN_EIGHT_MEASURES}）"
    )


def _rigid_expense_sentence(ctx: Context) -> str:
    expenses = int(
        (ctx.situation.expenses.medical_12m + ctx.situation.expenses.rehabilitation_12m) * 100
    )
    return (
        f"家庭有重病或重度残疾成员，扣减刚性支出 {ctx.yuan(ctx.h('rigid_expense_deduction'))}"
        f"（近12个月医疗、康复支出 {ctx.yuan(expenses)} ÷ 12；{sources.FUJIAN_EIGHT_MEASURES}）"
    )


def per_capita_text(ctx: Context) -> str:
    members = ctx.h("dibao_member_count")
    income = ctx.h("dibao_assessed_income")
    return (
        f"认定家庭月收入 {ctx.yuan(income)}，月人均收入 {ctx.yuan(ctx.per_capita(income, members))}"
    )


def assets_sentence(ctx: Context) -> str:
    assets = ctx.situation.assets
    financial = int(assets.financial * 100)
    limit = ctx.h("financial_assets_limit")
    months = ctx.h("asset_financial_months")
    limits = {
        "vehicles": int(ctx.number("assets.vehicles_max")),
        "real_estate": int(ctx.number("assets.real_estate_max")),
        "business_registrations": int(ctx.number("assets.business_registrations_max")),
    }
    demo = ctx.mark("assets.financial_months") or ctx.mark("assets.vehicles_max")
    financial_text = (
        f"金融资产 {ctx.yuan(financial)}，{'不超过' if financial <= limit else '超过'}上限 "
        f"{ctx.yuan(limit)}（人均 {months} 个月低保标准）"
    )
    counts = [
        ("机动车", assets.vehicles, limits["vehicles"], "辆"),
        ("住房", assets.real_estate, limits["real_estate"], "套"),
        ("商事登记", assets.business_registrations, limits["business_registrations"], "个"),
    ]
    if ctx.h("assets_within_limits"):
        items = "，".join(
            f"{label} {count} {unit}（上限 {cap} {unit}）" for label, count, cap, unit in counts
        )
        return f"家庭财产符合规定：{financial_text}，{items}{demo}（{sources.DIBAO_RULES_ASSETS}）"
    problems = [financial_text] if financial > limit else []
    problems += [
        f"{label} {count} {unit}，超过上限 {cap} {unit}"
        for label, count, cap, unit in counts
        if count > cap
    ]
    return f"家庭财产不符合规定：{'；'.join(problems)}{demo}（{sources.INTERIM_MEASURES_ART_9}；{sources.DIBAO_RULES_ASSETS}）"
