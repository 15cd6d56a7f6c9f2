"""What a feed means for verification (docs/verification.md), declared with its columns.

An income feed's rows are monthly income; an asset feed's rows are items a person holds. The
meaning names the columns that hold the amount or value and the month or date, maps department
codes to the policy engine's income types (`doudi.policy.codes.INCOME_TYPES`) or to the asset
categories below, says which rows count and which row is the latest. The verification report's
items (`verification.findings.items`), the batch screen's SQL (`verification.batch`) and the
synthetic feeds (`synth.feeds`) are all derived from it.

No Django, and no import of the policy engine (it is heavy to load): income types are written as
its codes, and `doudi.verification.sources` checks them against `INCOME_TYPES` when it loads.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import ClassVar

from doudi.exchange.schemas.columns import Column, ColumnType

# Asset categories. The first four are those the policy engine limits (`assets.*`, and the
# policy situation's `assets` block); the others are reported for information only.
FINANCIAL = "financial"
VEHICLES = "vehicles"
REAL_ESTATE = "real_estate"
BUSINESS_REGISTRATIONS = "business_registrations"
NON_RESIDENTIAL = "non_residential"  # 非住宅房产: reported, no limit in the policy engine
EXEMPT_VEHICLE = "exempt_vehicle"  # 摩托车: not a vehicle that must be declared (docs/policy.md)
HOUSING_FUND = "housing_fund"  # 住房公积金余额: reported, not a financial asset

ASSET_LABELS = {
    FINANCIAL: "金融资产",
    VEHICLES: "机动车辆",
    REAL_ESTATE: "住房",
    BUSINESS_REGISTRATIONS: "市场主体登记",
    NON_RESIDENTIAL: "非住宅房产（仅供参考）",
    EXEMPT_VEHICLE: "无须申报的车辆（摩托车，仅供参考）",
    HOUSING_FUND: "住房公积金账户余额（仅供参考）",
}
LIMITED_ASSETS = (FINANCIAL, VEHICLES, REAL_ESTATE, BUSINESS_REGISTRATIONS)
# Valued in yuan and summed; items of every other category are counted (quantity 1 each, a
# jointly held item once per household).
VALUED_ASSETS = (FINANCIAL, HOUSING_FUND)


@dataclass(frozen=True)
class Rows:
    """Only the rows whose code column `column` holds one of `codes` count."""

    column: str
    codes: tuple[str, ...]


@dataclass(frozen=True)
class ByCode:
    """A value (income type or asset category) chosen by the code in `column`: `pairs` holds
    (code, value) for every code the column declares."""

    column: str
    pairs: tuple[tuple[str, str], ...]
    _by_code: dict[str, str] = field(init=False, repr=False, compare=False, hash=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_code", dict(self.pairs))

    def value(self, code: str) -> str:
        return self._by_code[code]

    def codes_for(self, value: str) -> tuple[str, ...]:
        """The codes that mean `value`, in declared order."""
        return tuple(code for code, meant in self.pairs if meant == value)

    @property
    def values(self) -> tuple[str, ...]:
        """The distinct values, in the order of their first code."""
        return tuple(dict.fromkeys(meant for _, meant in self.pairs))


def by_code(column: str, mapping: Mapping[str, str]) -> ByCode:
    return ByCode(column, tuple(mapping.items()))


@dataclass(frozen=True)
class Latest:
    """Only each person's latest row counts (per value of the `per` columns, e.g. per bank): the
    greatest `by`; among rows with the same `by`, the first one read."""

    by: str
    per: tuple[str, ...] = ()


@dataclass(frozen=True)
class IncomeMeaning:
    """Each row is income of one month: `amount` yuan in the month `period`, of `income_type`.
    A report sums a person's rows of the reference months per income type and divides the sum
    by the number of months."""

    kind: ClassVar[str] = "income"

    period: str
    amount: str
    income_type: str | ByCode  # a policy income type, or one per code
    rows: Rows | None = None
    # An estimate of income that `counted_unless_in` (another feed) reports directly: counted
    # only for a person that feed shows no income of the same type for. Batch screening, which
    # compares no types per person, does not read it.
    counted_unless_in: str = ""
    basis: str = ""  # how the amount was arrived at, shown with the item

    @property
    def income_types(self) -> tuple[str, ...]:
        return _chosen_values(self.income_type)

    @property
    def columns(self) -> frozenset[str]:
        """The feed columns a report reads."""
        return frozenset(
            {
                self.period,
                self.amount,
                *_chooser_columns(self.income_type),
                *_row_columns(self.rows),
            }
        )


@dataclass(frozen=True)
class AssetMeaning:
    """Each row is one asset item of the person, of `category`."""

    kind: ClassVar[str] = "asset"

    category: str | ByCode  # an asset category, or one per code
    value: str | None = None  # the column of its value in yuan (None: shown without an amount)
    key: str | None = None  # the column naming the item (plate, certificate, credit code)
    detail: tuple[str, ...] = ()  # columns shown with the item, after the key
    rows: Rows | None = None
    latest: Latest | None = None

    @property
    def categories(self) -> tuple[str, ...]:
        return _chosen_values(self.category)

    @property
    def columns(self) -> frozenset[str]:
        """The feed columns a report reads."""
        named = [self.value, self.key, *self.detail, *_chooser_columns(self.category)]
        if self.latest is not None:
            named += [self.latest.by, *self.latest.per]
        return frozenset({name for name in named if name} | set(_row_columns(self.rows)))


Meaning = IncomeMeaning | AssetMeaning


def _chosen_values(choice: str | ByCode) -> tuple[str, ...]:
    return choice.values if isinstance(choice, ByCode) else (choice,)


def _chooser_columns(choice: str | ByCode) -> tuple[str, ...]:
    return (choice.column,) if isinstance(choice, ByCode) else ()


def _row_columns(rows: Rows | None) -> tuple[str, ...]:
    return (rows.column,) if rows is not None else ()


def meaning_problems(meaning: Meaning, columns: Mapping[str, Column]) -> list[str]:
    """What is wrong with `meaning` for a feed with `columns` (empty when nothing is)."""
    problems = [f"names unknown column {name!r}" for name in sorted(meaning.columns - set(columns))]
    if problems:
        return problems

    def typed(name: str | None, *types: ColumnType) -> None:
        if name is not None and columns[name].type not in types:
            problems.append(f"column {name!r} should be of type {'/'.join(types)}")

    choices = [meaning.income_type if isinstance(meaning, IncomeMeaning) else meaning.category]
    for choice in choices:
        if isinstance(choice, ByCode):
            typed(choice.column, ColumnType.CODE)
            declared = columns[choice.column].codes
            if sorted(code for code, _ in choice.pairs) != sorted(declared):
                problems.append(f"{choice.column!r} maps codes other than its declared {declared}")
    if meaning.rows is not None:
        typed(meaning.rows.column, ColumnType.CODE)
        unknown = set(meaning.rows.codes) - set(columns[meaning.rows.column].codes)
        if unknown:
            problems.append(f"rows name undeclared codes {sorted(unknown)}")
    if isinstance(meaning, IncomeMeaning):
        typed(meaning.period, ColumnType.MONTH)
        typed(meaning.amount, ColumnType.YUAN)
        return problems
    typed(meaning.value, ColumnType.YUAN)
    if meaning.latest is not None:
        typed(meaning.latest.by, ColumnType.DATE, ColumnType.MONTH)
    for category in meaning.categories:
        if category not in ASSET_LABELS:
            problems.append(f"unknown asset category {category!r}")
        elif category in VALUED_ASSETS and meaning.value is None:
            problems.append(f"items of {category!r} are valued, so they need a value column")
        elif category not in VALUED_ASSETS and meaning.key is None:
            problems.append(f"items of {category!r} are counted, so they need a key column")
    return problems
