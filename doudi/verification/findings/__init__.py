"""From snapshot records to a report: items per member and source, the comparison with the
declaration, the flags and the conclusion (no Django imports; docs/verification.md).

Rules (each flag names its rule code; the conclusion names the rule that produced it):

* `asset_limit_breach` → 不符合: a household total above the policy engine's limit for the month
  and region (`assets.financial_months` × `dibao.standard` × counted members for financial
  assets; `assets.vehicles_max`, `assets.real_estate_max`, `assets.business_registrations_max`).
* `income_undeclared` / `income_underdeclared` / `asset_undeclared` → 疑似: found more than
  declared (beyond the tolerance for amounts) of a counted income type or a limited asset.
* `source_not_checked` → 疑似: a source has no snapshot, so part of the picture is missing.
* `declared_not_found`: declared but not in any checked source; reported, no effect.
* otherwise `consistent` → 符合.

How a source's rows become items is the feed's declared meaning (`items.py`); the comparison,
flags and conclusion are in `comparison.py`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from doudi.verification import sources as S
from doudi.verification.findings.comparison import (
    asset_comparison,
    conclusion,
    flag,
    found_incomes,
    income_comparison,
)
from doudi.verification.findings.items import source_items
from doudi.verification.findings.model import (
    COMPLIANT,
    CONCLUSION_LABELS,
    FLAG_LABELS,
    NON_COMPLIANT,
    NOT_CHECKED_LABEL,
    SUSPECT,
    ZERO,
    Declaration,
    Findings,
    Item,
    Limits,
    Member,
    SourceRead,
    category_label,
    income_window,
)

__all__ = [
    "COMPLIANT",
    "CONCLUSION_LABELS",
    "FLAG_LABELS",
    "NON_COMPLIANT",
    "NOT_CHECKED_LABEL",
    "SUSPECT",
    "ZERO",
    "Declaration",
    "Findings",
    "Item",
    "Limits",
    "Member",
    "S",
    "SourceRead",
    "assemble",
    "category_label",
    "income_window",
]


def _items(
    reads: Sequence[SourceRead],
    members: Sequence[Member],
    window: tuple[dt.date, dt.date],
    income_months: int,
) -> tuple[list[Item], list[dict[str, Any]]]:
    """Every source's items, and a `source_not_checked` flag (with one `not_checked` item per
    member) for each source without a snapshot."""
    by_key = {member.person_key: member for member in members}
    items: list[Item] = []
    flags: list[dict[str, Any]] = []
    for read in reads:
        if read.snapshot_id is not None:
            items.extend(source_items(read, by_key, window, income_months))
            continue
        for member in members:
            items.append(
                Item(member.person_id, read.source, "not_checked", "", None, None, None, None, "")
            )
        label = S.SOURCE_BY_NAME[read.source].label
        flags.append(flag("source_not_checked", f"“{label}”尚未报送数据，该项未核对（不作为零值）"))
    return items, flags


def assemble(
    *,
    month: str,
    members: Sequence[Member],
    reads: Sequence[SourceRead],
    limits: Limits,
    declaration: Declaration | None,
    income_months: int,
    tolerance: Decimal,
) -> Findings:
    window = income_window(month, income_months)
    checked = {read.source for read in reads if read.snapshot_id is not None}
    items, flags = _items(reads, members, window, income_months)
    found = found_incomes(items)
    income_rows, income_flags = income_comparison(members, found, declaration, checked, tolerance)
    asset_rows, asset_flags = asset_comparison(items, limits, declaration, checked, tolerance)
    flags += income_flags + asset_flags
    result, rule, reason = conclusion(flags, has_declaration=declaration is not None)
    comparison = {
        "income_window": {
            "from": window[0].strftime("%Y-%m"),
            "to": (window[1] - dt.timedelta(days=1)).strftime("%Y-%m"),
            "months": income_months,
        },
        "has_declaration": declaration is not None,
        "incomes": income_rows,
        "assets": asset_rows,
        "members": {str(member.person_id): member.name for member in members},
    }
    return Findings(items, comparison, flags, result, rule, reason)
