"""The former report rules, kept verbatim as a test oracle (`test_findings_equivalence.py`):
one if/elif per source turned a source's records into items, before the items were derived from
each feed's declared meaning (`findings/items.py`). Only the imports differ.

The former module's docstring:

From snapshot records to a report: items per member and source, the comparison with the
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
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from doudi.core.money import quantize_yuan
from doudi.policy.codes import COUNTED_INCOME_TYPES, INCOME_TYPES
from doudi.verification import sources as _sources
from doudi.verification.snapshots import DIRECT_METHOD, LINK_METHOD_LABELS, Record


class S:
    """The former `verification.sources` names this module used."""

    SOURCE_BY_NAME = _sources.SOURCE_BY_NAME
    ASSET_LABELS = _sources.ASSET_LABELS
    LIMITED_ASSETS = _sources.LIMITED_ASSETS
    FINANCIAL = _sources.FINANCIAL
    VEHICLES = _sources.VEHICLES
    REAL_ESTATE = _sources.REAL_ESTATE
    BUSINESS_REGISTRATIONS = _sources.BUSINESS_REGISTRATIONS
    NON_RESIDENTIAL = _sources.NON_RESIDENTIAL
    EXEMPT_VEHICLE = _sources.EXEMPT_VEHICLE
    HOUSING_FUND = _sources.HOUSING_FUND
    # 个人所得税 所得项目 → policy income type. 劳务报酬 is 工资性收入 (POLICY.md §2.4).
    TAX_INCOME_TYPE = {
        "wage": "wage",
        "labour": "wage",
        "business": "business",
        "property": "property",
        "other": "other",
    }
    # 养老金 待遇类别 → policy income type (the resident pension is the excluded basic pension).
    PENSION_INCOME_TYPE = {"employee": "pension", "resident": "basic_pension"}


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

# Which sources could show each income type or asset category (for declared_not_found).
INCOME_TYPE_SOURCES = {
    "wage": ("tax", "social_insurance_contributions"),
    "business": ("tax",),
    "property": ("tax",),
    "other": ("tax",),
    "pension": ("pensions",),
    "basic_pension": ("pensions",),
    "unemployment": ("unemployment_benefits",),
}
ASSET_SOURCES = {
    S.FINANCIAL: ("bank_deposits", "securities", "commercial_insurance"),
    S.VEHICLES: ("vehicles",),
    S.REAL_ESTATE: ("real_estate",),
    S.BUSINESS_REGISTRATIONS: ("business_registration",),
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


def _money(value: Any) -> Decimal:
    return ZERO if value is None else quantize_yuan(Decimal(value))


def _link(record: Record) -> dict[str, Any]:
    if record.link_method == DIRECT_METHOD:
        return {}
    return {"match_probability": record.match_probability}


def _income_items(read: SourceRead, members: dict[str, Member], window, months) -> list[Item]:
    first, end = window
    sums: dict[tuple[str, str, str], Decimal] = defaultdict(lambda: ZERO)
    periods: dict[tuple[str, str, str], set[str]] = defaultdict(set)
    probability: dict[tuple[str, str, str], Any] = {}
    for record in read.records:
        values = record.values
        period = values.get("period")
        if period is None or not (first <= period < end):
            continue
        if read.source == "tax":
            income_type = S.TAX_INCOME_TYPE[values["income_type"]]
            amount = values["income_amount"]
        elif read.source == "pensions":
            income_type = S.PENSION_INCOME_TYPE[values["pension_type"]]
            amount = values["amount"]
        elif read.source == "unemployment_benefits":
            income_type, amount = "unemployment", values["amount"]
        else:  # social_insurance_contributions: the employee scheme's base, a wage proxy
            if values["scheme"] != "employee_pension":
                continue
            income_type, amount = "wage", values["contribution_base"]
        key = (record.person_key, income_type, record.link_method)
        sums[key] += _money(amount)
        periods[key].add(period.strftime("%Y-%m"))
        probability[key] = record.match_probability
    items = []
    for (person_key, income_type, method), total in sorted(sums.items()):
        detail: dict[str, Any] = {
            "total": str(total),
            "months": months,
            "periods": sorted(periods[(person_key, income_type, method)]),
        }
        if read.source == "social_insurance_contributions":
            detail["basis"] = "职工养老保险缴费基数（工资收入推算）"
        if method != DIRECT_METHOD:
            detail["match_probability"] = probability[(person_key, income_type, method)]
        items.append(
            Item(
                members[person_key].person_id,
                read.source,
                "income",
                income_type,
                quantize_yuan(total / months),
                None,
                read.snapshot_id,
                read.snapshot_date,
                method,
                detail,
            )
        )
    return items


def _latest(records: Sequence[Record], group: str, date_column: str) -> list[Record]:
    """Per person and `group` value, the record with the latest `date_column`."""
    best: dict[tuple[str, Any], Record] = {}
    for record in records:
        key = (record.person_key, record.values[group])
        current = best.get(key)
        if current is None or record.values[date_column] > current.values[date_column]:
            best[key] = record
    return sorted(best.values(), key=lambda r: (r.person_key, r.source_row))


def _asset_items(read: SourceRead, members: dict[str, Member]) -> list[Item]:
    def item(record: Record, category: str, amount, quantity, detail) -> Item:  # type: ignore[no-untyped-def]
        return Item(
            members[record.person_key].person_id,
            read.source,
            "asset",
            category,
            None if amount is None else _money(amount),
            quantity,
            read.snapshot_id,
            read.snapshot_date,
            record.link_method,
            {**detail, **_link(record)},
        )

    items = []
    source = read.source
    if source in ("bank_deposits", "securities"):
        value_column = "balance" if source == "bank_deposits" else "market_value"
        for record in _latest(read.records, "institution", "as_of"):
            v = record.values
            items.append(
                item(
                    record,
                    S.FINANCIAL,
                    v[value_column],
                    None,
                    {"institution": v["institution"], "as_of": v["as_of"].isoformat()},
                )
            )
    elif source == "housing_fund":
        latest: dict[str, Record] = {}
        for record in read.records:
            current = latest.get(record.person_key)
            if current is None or record.values["period"] > current.values["period"]:
                latest[record.person_key] = record
        for record in sorted(latest.values(), key=lambda r: r.person_key):
            items.append(
                item(
                    record,
                    S.HOUSING_FUND,
                    record.values["balance"],
                    None,
                    {"period": record.values["period"].strftime("%Y-%m")},
                )
            )
    else:
        for record in read.records:
            v = record.values
            if source == "commercial_insurance":
                items.append(
                    item(
                        record,
                        S.FINANCIAL,
                        v["cash_value"],
                        None,
                        {"key": v["policy_number"], "product_type": v["product_type"]},
                    )
                )
            elif source == "vehicles":
                category = S.EXEMPT_VEHICLE if v["vehicle_type"] == "motorcycle" else S.VEHICLES
                items.append(
                    item(
                        record,
                        category,
                        v["assessed_value"],
                        1,
                        {"key": v["plate_number"], "vehicle_type": v["vehicle_type"]},
                    )
                )
            elif source == "real_estate":
                category = S.REAL_ESTATE if v["usage"] == "residential" else S.NON_RESIDENTIAL
                items.append(
                    item(
                        record,
                        category,
                        None,
                        1,
                        {"key": v["certificate_number"], "floor_area": str(v["floor_area"])},
                    )
                )
            elif source == "business_registration" and v["status"] == "active":
                items.append(
                    item(
                        record,
                        S.BUSINESS_REGISTRATIONS,
                        v["registered_capital"],
                        1,
                        {"key": v["credit_code"], "business_name": v["business_name"]},
                    )
                )
    return items


def _flag(code: str, message: str, person_id: int | None = None, **figures: Any) -> dict[str, Any]:
    return {
        "code": code,
        "label": FLAG_LABELS[code],
        "message": message,
        "person_id": person_id,
        "figures": {k: str(v) for k, v in figures.items()},
    }


def _household_assets(items: list[Item]) -> dict[str, Decimal]:
    """Household totals of the limited categories. Counts are of distinct items (a jointly
    owned dwelling or vehicle appears once per owner in the feed but is one asset)."""
    financial = ZERO
    distinct: dict[str, set[Any]] = {
        S.VEHICLES: set(),
        S.REAL_ESTATE: set(),
        S.BUSINESS_REGISTRATIONS: set(),
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
    by_key = {member.person_key: member for member in members}
    names = {member.person_id: member.name for member in members}
    window = income_window(month, income_months)
    checked = {read.source for read in reads if read.snapshot_id is not None}
    items: list[Item] = []
    flags: list[dict[str, Any]] = []
    for read in reads:
        spec = S.SOURCE_BY_NAME[read.source]
        if read.snapshot_id is None:
            for member in members:
                items.append(
                    Item(
                        member.person_id, read.source, "not_checked", "", None, None, None, None, ""
                    )
                )
            flags.append(
                _flag(
                    "source_not_checked",
                    f"“{spec.label}”尚未报送数据，该项未核对（不作为零值）",
                )
            )
            continue
        if spec.kind == "income":
            items.extend(_income_items(read, by_key, window, income_months))
        else:
            items.extend(_asset_items(read, by_key))

    # incomes found per member and type; the contribution base only where tax shows no wage
    found: dict[int, dict[str, Decimal]] = defaultdict(lambda: defaultdict(lambda: ZERO))
    taxed_wage = {i.person_id for i in items if i.source == "tax" and i.category == "wage"}
    for item in items:
        if item.kind != "income":
            continue
        if item.source == "social_insurance_contributions" and item.person_id in taxed_wage:
            item.detail["counted"] = False
            continue
        found[item.person_id][item.category] += item.amount or ZERO

    income_rows = []
    declared_incomes = declaration.incomes if declaration else {}
    for member in members:
        declared = declared_incomes.get(member.public_id, {})
        for income_type in sorted(set(declared) | set(found[member.person_id])):
            declared_amount = declared.get(income_type, ZERO)
            found_amount = found[member.person_id].get(income_type, ZERO)
            row = {
                "person_id": member.person_id,
                "name": member.name,
                "type": income_type,
                "label": INCOME_TYPES.get(income_type, income_type),
                "declared": str(declared_amount) if declaration else None,
                "found": str(found_amount),
                "counted": income_type in COUNTED_INCOME_TYPES,
            }
            income_rows.append(row)
            if declaration is None or income_type not in COUNTED_INCOME_TYPES:
                continue
            label = INCOME_TYPES[income_type]
            if found_amount > declared_amount * (1 + tolerance):
                code = "income_undeclared" if declared_amount == ZERO else "income_underdeclared"
                flags.append(
                    _flag(
                        code,
                        f"{member.name}{label}：申报 {declared_amount} 元/月，"
                        f"核对查到 {found_amount} 元/月",
                        member.person_id,
                        declared=declared_amount,
                        found=found_amount,
                    )
                )
            elif declared_amount > ZERO and found_amount == ZERO:
                possible = INCOME_TYPE_SOURCES.get(income_type, ())
                if possible and all(source in checked for source in possible):
                    flags.append(
                        _flag(
                            "declared_not_found",
                            f"{member.name}{label}：申报 {declared_amount} 元/月，"
                            "已核对的数据源中未查到",
                            member.person_id,
                            declared=declared_amount,
                        )
                    )

    totals = _household_assets(items)
    limit_values = {
        S.FINANCIAL: limits.financial_limit,
        S.VEHICLES: Decimal(limits.vehicles_max),
        S.REAL_ESTATE: Decimal(limits.real_estate_max),
        S.BUSINESS_REGISTRATIONS: Decimal(limits.business_registrations_max),
    }
    declared_assets = declaration.assets if declaration else {}
    asset_rows = []
    for category in S.LIMITED_ASSETS:
        label = S.ASSET_LABELS[category]
        total, limit = totals[category], limit_values[category]
        is_amount = category == S.FINANCIAL
        shown = (lambda v: str(quantize_yuan(v))) if is_amount else (lambda v: str(int(v)))
        sources_checked = all(s in checked for s in ASSET_SOURCES[category])
        declared_value = declared_assets.get(category, ZERO)
        asset_rows.append(
            {
                "category": category,
                "label": label,
                "declared": shown(declared_value) if declaration else None,
                "found": shown(total),
                "limit": shown(limit),
                "fully_checked": sources_checked,
            }
        )
        unit = "元" if is_amount else "项"
        if total > limit:
            detail = (
                f"（{limits.financial_months} 个月 × 低保标准 {limits.standard} 元 × "
                f"{limits.counted_members} 人）"
                if is_amount
                else ""
            )
            flags.append(
                _flag(
                    "asset_limit_breach",
                    f"家庭{label}：查到 {shown(total)} {unit}，超过限额 {shown(limit)} {unit}{detail}",
                    found=shown(total),
                    limit=shown(limit),
                )
            )
        if declaration is None:
            continue
        margin = declared_value * (1 + tolerance) if is_amount else declared_value
        if total > margin:
            flags.append(
                _flag(
                    "asset_undeclared",
                    f"家庭{label}：申报 {shown(declared_value)} {unit}，核对查到 {shown(total)} {unit}",
                    declared=shown(declared_value),
                    found=shown(total),
                )
            )
        elif declared_value > ZERO and total == ZERO and sources_checked:
            flags.append(
                _flag(
                    "declared_not_found",
                    f"家庭{label}：申报 {shown(declared_value)} {unit}，已核对的数据源中未查到",
                    declared=shown(declared_value),
                )
            )

    codes = [flag["code"] for flag in flags]
    if "asset_limit_breach" in codes:
        conclusion, rule = NON_COMPLIANT, "asset_limit_breach"
    else:
        rule = next(
            (
                code
                for code in (
                    "income_undeclared",
                    "income_underdeclared",
                    "asset_undeclared",
                    "source_not_checked",
                )
                if code in codes
            ),
            "consistent",
        )
        conclusion = COMPLIANT if rule == "consistent" else SUSPECT
    decisive = [flag["message"] for flag in flags if flag["code"] == rule]
    reason = (
        "；".join(decisive)
        if decisive
        else "各数据源查到的收入、财产与申报一致，且未超过财产限额"
        if declaration
        else "各数据源查到的财产未超过限额（无申报，未作收入比对）"
    )
    comparison = {
        "income_window": {
            "from": window[0].strftime("%Y-%m"),
            "to": (window[1] - dt.timedelta(days=1)).strftime("%Y-%m"),
            "months": income_months,
        },
        "has_declaration": declaration is not None,
        "incomes": income_rows,
        "assets": asset_rows,
        "members": {str(pid): name for pid, name in names.items()},
    }
    return Findings(items, comparison, flags, conclusion, rule, reason)
