"""What a report is made of: the household's members, what each source gave, the limits, the
declaration, and the items, flags and conclusion found (no Django imports)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from doudi.core.money import quantize_yuan
from doudi.policy.codes import INCOME_TYPES
from doudi.verification import sources as S
from doudi.verification.snapshots import LINK_METHOD_LABELS, Record

ZERO = Decimal("0.00")
NOT_CHECKED_LABEL = "未报送/未核对"

COMPLIANT, NON_COMPLIANT, SUSPECT = "compliant", "non_compliant", "suspect"
CONCLUSION_LABELS = {COMPLIANT: "符合", NON_COMPLIANT: "不符合", SUSPECT: "疑似"}

FLAG_LABELS = {
    "asset_limit_breach": "财产超过限额",
    "income_undeclared": "未申报收入",
    "income_underdeclared": "少报收入",
    "asset_undeclared": "未申报财产",
    "source_not_checked": "数据源未报送，未核对",
    "declared_not_found": "申报项目未查到",
}


@dataclass(frozen=True)
class Member:
    person_id: int  # registry.Person.pk
    public_id: str  # the id used in the declared situation
    name: str
    person_key: str  # registry.Person.id_number_hash


@dataclass(frozen=True)
class SourceRead:
    """One source for this household: its snapshot (None = not sent) and the records found."""

    source: str
    snapshot_id: int | None
    snapshot_date: dt.date | None
    records: Sequence[Record] = ()


@dataclass(frozen=True)
class Limits:
    """The policy engine's parameters in force for the month and region."""

    standard: Decimal  # dibao.standard, yuan/month
    financial_months: int
    vehicles_max: int
    real_estate_max: int
    business_registrations_max: int
    counted_members: int

    @property
    def financial_limit(self) -> Decimal:
        return quantize_yuan(self.standard * self.financial_months * self.counted_members)


@dataclass(frozen=True)
class Declaration:
    incomes: dict[str, dict[str, Decimal]]  # member public_id → type → monthly yuan
    assets: dict[str, Decimal]  # category → value (financial) or count


@dataclass
class Item:
    person_id: int
    source: str
    kind: str  # income / asset / not_checked
    category: str
    amount: Decimal | None
    quantity: int | None
    snapshot_id: int | None
    snapshot_date: dt.date | None
    link_method: str
    detail: dict[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {
            "person_id": self.person_id,
            "source": self.source,
            "source_label": S.SOURCE_BY_NAME[self.source].label,
            "kind": self.kind,
            "category": self.category,
            "category_label": category_label(self.kind, self.category),
            "amount": None if self.amount is None else str(self.amount),
            "quantity": self.quantity,
            "snapshot_date": self.snapshot_date.isoformat() if self.snapshot_date else None,
            "snapshot_label": (
                self.snapshot_date.isoformat() if self.snapshot_date else NOT_CHECKED_LABEL
            ),
            "link_method": self.link_method,
            "link_method_label": LINK_METHOD_LABELS.get(self.link_method, self.link_method),
            "detail": self.detail,
        }


@dataclass(frozen=True)
class Findings:
    items: list[Item]
    comparison: dict[str, Any]
    flags: list[dict[str, Any]]
    conclusion: str
    rule: str
    reason: str


def category_label(kind: str, category: str) -> str:
    if kind == "income":
        return INCOME_TYPES.get(category, category)
    if kind == "asset":
        return S.ASSET_LABELS.get(category, category)
    return NOT_CHECKED_LABEL


def income_window(month: str, months: int) -> tuple[dt.date, dt.date]:
    """The `months` whole months before `month` ('YYYY-MM'): [first, end)."""
    end = dt.date.fromisoformat(f"{month}-01")
    index = end.year * 12 + end.month - 1 - months
    return dt.date(index // 12, index % 12 + 1, 1), end


def money(value: Any) -> Decimal:
    return ZERO if value is None else quantize_yuan(Decimal(value))
