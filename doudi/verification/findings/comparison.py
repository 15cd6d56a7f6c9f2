"""The comparison of what the sources show with the declaration and the limits, its flags and
the conclusion (no Django imports; the rules are listed in `findings/__init__.py`)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

from doudi.core.money import quantize_yuan
from doudi.policy.codes import COUNTED_INCOME_TYPES, INCOME_TYPES
from doudi.verification import sources as S
from doudi.verification.findings.model import (
    COMPLIANT,
    FLAG_LABELS,
    NON_COMPLIANT,
    SUSPECT,
    ZERO,
    Declaration,
    Item,
    Limits,
    Member,
)

# The flags that make a report 疑似, in order of precedence.
SUSPECT_RULES = (
    "income_undeclared",
    "income_underdeclared",
    "asset_undeclared",
    "source_not_checked",
)


def flag(code: str, message: str, person_id: int | None = None, **figures: Any) -> dict[str, Any]:
    return {
        "code": code,
        "label": FLAG_LABELS[code],
        "message": message,
        "person_id": person_id,
        "figures": {k: str(v) for k, v in figures.items()},
    }


def found_incomes(items: list[Item]) -> dict[int, dict[str, Decimal]]:
    """Income found per member and type. An estimate (a feed `counted_unless_in` another) is
    left out, and marked `counted: False`, where that other feed shows the same type."""
    shown = {(i.source, i.person_id, i.category) for i in items if i.kind == "income"}
    found: dict[int, dict[str, Decimal]] = defaultdict(lambda: defaultdict(lambda: ZERO))
    for item in items:
        if item.kind != "income":
            continue
        meaning = S.SOURCE_BY_NAME[item.source].meaning
        other = getattr(meaning, "counted_unless_in", "")
        if other and (other, item.person_id, item.category) in shown:
            item.detail["counted"] = False
            continue
        found[item.person_id][item.category] += item.amount or ZERO
    return found


def income_comparison(
    members: Sequence[Member],
    found: dict[int, dict[str, Decimal]],
    declaration: Declaration | None,
    checked: set[str],
    tolerance: Decimal,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(one row per member and income type declared or found, the income flags)."""
    rows: list[dict[str, Any]] = []
    flags: list[dict[str, Any]] = []
    declared_incomes = declaration.incomes if declaration else {}
    for member in members:
        declared = declared_incomes.get(member.public_id, {})
        for income_type in sorted(set(declared) | set(found[member.person_id])):
            declared_amount = declared.get(income_type, ZERO)
            found_amount = found[member.person_id].get(income_type, ZERO)
            rows.append(
                {
                    "person_id": member.person_id,
                    "name": member.name,
                    "type": income_type,
                    "label": INCOME_TYPES.get(income_type, income_type),
                    "declared": str(declared_amount) if declaration else None,
                    "found": str(found_amount),
                    "counted": income_type in COUNTED_INCOME_TYPES,
                }
            )
            if declaration is None or income_type not in COUNTED_INCOME_TYPES:
                continue
            label = INCOME_TYPES[income_type]
            if found_amount > declared_amount * (1 + tolerance):
                code = "income_undeclared" if declared_amount == ZERO else "income_underdeclared"
                flags.append(
                    flag(
                        code,
                        f"{member.name}{label}：申报 {declared_amount} 元/月，"
                        f"核对查到 {found_amount} 元/月",
                        member.person_id,
                        declared=declared_amount,
                        found=found_amount,
                    )
                )
            elif declared_amount > ZERO and found_amount == ZERO:
                possible = S.INCOME_TYPE_SOURCES.get(income_type, ())
                if possible and all(source in checked for source in possible):
                    flags.append(
                        flag(
                            "declared_not_found",
                            f"{member.name}{label}：申报 {declared_amount} 元/月，"
                            "已核对的数据源中未查到",
                            member.person_id,
                            declared=declared_amount,
                        )
                    )
    return rows, flags


def household_assets(items: list[Item]) -> dict[str, Decimal]:
    """Household totals of the limited categories. Counts are of distinct items (a jointly
    owned dwelling or vehicle appears once per owner in the feed but is one asset)."""
    financial = ZERO
    distinct: dict[str, set[Any]] = {
        category: set() for category in S.LIMITED_ASSETS if category not in S.VALUED_ASSETS
    }
    for item in items:
        if item.kind != "asset":
            continue
        if item.category == S.FINANCIAL:
            financial += item.amount or ZERO
        elif item.category in distinct:
            distinct[item.category].add(item.detail.get("key"))
    totals = {S.FINANCIAL: financial}
    totals.update({category: Decimal(len(keys)) for category, keys in distinct.items()})
    return totals


def _shown(category: str) -> Callable[[Decimal], str]:
    """How a household total of `category` is written: yuan for amounts, a count for items."""
    if category == S.FINANCIAL:
        return lambda value: str(quantize_yuan(value))
    return lambda value: str(int(value))


def _asset_flags(
    category: str,
    total: Decimal,
    limit: Decimal,
    limits: Limits,
    declared: Decimal | None,
    *,
    fully_checked: bool,
    tolerance: Decimal,
) -> list[dict[str, Any]]:
    """The flags of one limited category: above its limit; found above the declared value (with
    the tolerance for amounts) or declared but found nowhere (`declared` None: no declaration)."""
    label = S.ASSET_LABELS[category]
    is_amount = category == S.FINANCIAL
    shown = _shown(category)
    unit = "元" if is_amount else "项"
    flags = []
    if total > limit:
        detail = (
            f"（{limits.financial_months} 个月 × 低保标准 {limits.standard} 元 × "
            f"{limits.counted_members} 人）"
            if is_amount
            else ""
        )
        flags.append(
            flag(
                "asset_limit_breach",
                f"家庭{label}：查到 {shown(total)} {unit}，超过限额 {shown(limit)} {unit}{detail}",
                found=shown(total),
                limit=shown(limit),
            )
        )
    if declared is None:
        return flags
    margin = declared * (1 + tolerance) if is_amount else declared
    if total > margin:
        flags.append(
            flag(
                "asset_undeclared",
                f"家庭{label}：申报 {shown(declared)} {unit}，核对查到 {shown(total)} {unit}",
                declared=shown(declared),
                found=shown(total),
            )
        )
    elif declared > ZERO and total == ZERO and fully_checked:
        flags.append(
            flag(
                "declared_not_found",
                f"家庭{label}：申报 {shown(declared)} {unit}，已核对的数据源中未查到",
                declared=shown(declared),
            )
        )
    return flags


def asset_comparison(
    items: list[Item],
    limits: Limits,
    declaration: Declaration | None,
    checked: set[str],
    tolerance: Decimal,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(one row per limited category, the asset flags: limit breaches, undeclared, not found)."""
    totals = household_assets(items)
    limit_values = {
        S.FINANCIAL: limits.financial_limit,
        S.VEHICLES: Decimal(limits.vehicles_max),
        S.REAL_ESTATE: Decimal(limits.real_estate_max),
        S.BUSINESS_REGISTRATIONS: Decimal(limits.business_registrations_max),
    }
    declared_assets = declaration.assets if declaration else {}
    rows: list[dict[str, Any]] = []
    flags: list[dict[str, Any]] = []
    for category in S.LIMITED_ASSETS:
        total, limit = totals[category], limit_values[category]
        shown = (
            (lambda v: str(quantize_yuan(v)))
            if category == S.FINANCIAL
            else (lambda v: str(int(v)))
        )
        fully_checked = all(s in checked for s in S.ASSET_SOURCES[category])
        declared_value = declared_assets.get(category, ZERO)
        rows.append(
            {
                "category": category,
                "label": S.ASSET_LABELS[category],
                "declared": shown(declared_value) if declaration else None,
                "found": shown(total),
                "limit": shown(limit),
                "fully_checked": fully_checked,
            }
        )
        flags += _asset_flags(
            category,
            total,
            limit,
            limits,
            declared_value if declaration else None,
            fully_checked=fully_checked,
            tolerance=tolerance,
        )
    return rows, flags


def conclusion(flags: list[dict[str, Any]], *, has_declaration: bool) -> tuple[str, str, str]:
    """(conclusion, the rule that produced it, the Chinese reason)."""
    codes = [f["code"] for f in flags]
    if "asset_limit_breach" in codes:
        result, rule = NON_COMPLIANT, "asset_limit_breach"
    else:
        rule = next((code for code in SUSPECT_RULES if code in codes), "consistent")
        result = COMPLIANT if rule == "consistent" else SUSPECT
    decisive = [f["message"] for f in flags if f["code"] == rule]
    reason = (
        "；".join(decisive)
        if decisive
        else "各数据源查到的收入、财产与申报一致，且未超过财产限额"
        if has_declaration
        else "各数据源查到的财产未超过限额（无申报，未作收入比对）"
    )
    return result, rule, reason
