"""What `doudi.policy.simulation.simulate` returns: changes by county and programme, and each
county's dibao standard against its minimum wage. Money in int64 fen; yuan only as Decimal."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import numpy as np
from numpy.typing import NDArray

from doudi.policy.codes import PROGRAMMES as PROGRAMME_LABELS
from doudi.policy.money import fen_to_decimal

SHARE_PLACES = Decimal("0.0001")
PERCENT_PLACES = Decimal("0.01")
DEMO_WARNING = (
    "规则库中标有“演示值”的参数（多数县的低保标准及其起始日期、33个县的最低工资档次、"
    "2022年4月前的最低工资、省定低保最低标准2022年起的数值等）不是当地正式文件的数值；"
    "合成人口不是真实人员。测算结果只用于演示和比较方案，不能作为决策依据。"
)


def yuan(fen: int) -> Decimal:
    """Whole fen as Decimal yuan with two decimals."""
    return fen_to_decimal(fen)


def percent(share: Decimal | None) -> str:
    """0.44897… → '44.90%'; None → '—'."""
    if share is None:
        return "—"
    return f"{(share * 100).quantize(PERCENT_PLACES, rounding=ROUND_HALF_UP)}%"


def _share(share: Decimal | None) -> str | None:
    return None if share is None else str(share.quantize(SHARE_PLACES, rounding=ROUND_HALF_UP))


@dataclass(frozen=True)
class ProgrammeChange:
    """One programme in one county (or a total): coverage and monthly cost, before → after.

    Entrants are households covered after but not before, leavers the reverse; increased and
    decreased count households covered in both whose monthly amount changed."""

    county: str
    county_name: str
    programme: str
    households_before: int
    households_after: int
    persons_before: int
    persons_after: int
    entrants: int
    leavers: int
    increased: int
    decreased: int
    cost_before_fen: int
    cost_after_fen: int

    @property
    def programme_label(self) -> str:
        return PROGRAMME_LABELS.get(self.programme, self.programme)

    @property
    def cost_difference_fen(self) -> int:
        return self.cost_after_fen - self.cost_before_fen

    @property
    def cost_before(self) -> Decimal:
        return yuan(self.cost_before_fen)

    @property
    def cost_after(self) -> Decimal:
        return yuan(self.cost_after_fen)

    @property
    def cost_difference(self) -> Decimal:
        return yuan(self.cost_difference_fen)

    def to_json(self) -> dict[str, Any]:
        counts = {f.name: getattr(self, f.name) for f in fields(self) if f.name[-4:] != "_fen"}
        return {
            **counts,
            "programme_label": self.programme_label,
            "cost_before": str(self.cost_before),
            "cost_after": str(self.cost_after),
            "cost_difference": str(self.cost_difference),
        }


def total(rows: Iterable[ProgrammeChange], *, county: str, name: str, key: str) -> ProgrammeChange:
    """The sum of rows (counts and fen added exactly)."""
    sums = dict.fromkeys([f.name for f in fields(ProgrammeChange)][3:], 0)
    for row in rows:
        for column in sums:
            sums[column] += getattr(row, column)
    return ProgrammeChange(county, name, key, **sums)


@dataclass(frozen=True)
class CountyStandard:
    """A county's minimum-wage tier, its dibao standard before → after, and the checks:
    the target share (default the seed's 44 %), the 42–48 % band and the provincial floor."""

    county: str
    county_name: str
    tier: int
    tier_is_demo: bool
    minimum_wage_fen: int
    minimum_wage_after_fen: int
    standard_before_fen: int
    standard_after_fen: int
    standard_source: str
    standard_is_demo: bool
    persons: int
    floor_before_fen: int | None  # 省定低保最低标准, fen per person per year
    floor_after_fen: int | None
    target_share: Decimal
    band: tuple[Decimal, Decimal]

    @property
    def changed(self) -> bool:
        return self.standard_after_fen != self.standard_before_fen

    @property
    def share_before(self) -> Decimal:
        return Decimal(self.standard_before_fen) / Decimal(self.minimum_wage_fen)

    @property
    def share_after(self) -> Decimal:
        return Decimal(self.standard_after_fen) / Decimal(self.minimum_wage_after_fen)

    @property
    def meets_target_before(self) -> bool:
        return self.share_before >= self.target_share

    @property
    def meets_target_after(self) -> bool:
        return self.share_after >= self.target_share

    @property
    def within_band_before(self) -> bool:
        return self.band[0] <= self.share_before <= self.band[1]

    @property
    def within_band_after(self) -> bool:
        return self.band[0] <= self.share_after <= self.band[1]

    @property
    def meets_floor_before(self) -> bool | None:
        floor = self.floor_before_fen
        return None if floor is None else self.standard_before_fen * 12 >= floor

    @property
    def meets_floor_after(self) -> bool | None:
        floor = self.floor_after_fen
        return None if floor is None else self.standard_after_fen * 12 >= floor

    @property
    def minimum_wage(self) -> Decimal:
        return yuan(self.minimum_wage_fen)

    @property
    def standard_before(self) -> Decimal:
        return yuan(self.standard_before_fen)

    @property
    def standard_after(self) -> Decimal:
        return yuan(self.standard_after_fen)

    @property
    def share_before_percent(self) -> str:
        return percent(self.share_before)

    @property
    def share_after_percent(self) -> str:
        return percent(self.share_after)

    def to_json(self) -> dict[str, Any]:
        return {
            "county": self.county,
            "county_name": self.county_name,
            "minimum_wage_tier": self.tier,
            "minimum_wage_tier_is_demo": self.tier_is_demo,
            "minimum_wage": str(self.minimum_wage),
            "minimum_wage_after": str(yuan(self.minimum_wage_after_fen)),
            "standard_before": str(self.standard_before),
            "standard_after": str(self.standard_after),
            "standard_source": self.standard_source,
            "standard_is_demo": self.standard_is_demo,
            "share_before": _share(self.share_before),
            "share_after": _share(self.share_after),
            "meets_target_before": self.meets_target_before,
            "meets_target_after": self.meets_target_after,
            "within_band_before": self.within_band_before,
            "within_band_after": self.within_band_after,
            "meets_floor_before": self.meets_floor_before,
            "meets_floor_after": self.meets_floor_after,
            "persons": self.persons,
        }


@dataclass(frozen=True)
class CountyCost:
    county: str
    county_name: str
    cost_before_fen: int
    cost_after_fen: int

    @property
    def cost_before(self) -> Decimal:
        return yuan(self.cost_before_fen)

    @property
    def cost_after(self) -> Decimal:
        return yuan(self.cost_after_fen)

    @property
    def cost_difference(self) -> Decimal:
        return yuan(self.cost_after_fen - self.cost_before_fen)


@dataclass(frozen=True)
class SimulationReport:
    """Baseline versus proposal for one month.

    Averages of standard ÷ minimum wage are over the counties of the population: `mean` gives
    every county the same weight; `weighted` weights each county by its persons in the population
    (those existing in the month), so it reflects the people the standards apply to."""

    month: str
    proposal: Any
    proposal_description: str
    rule_version: str
    target_share: Decimal
    band: tuple[Decimal, Decimal]
    floor_before_fen: int | None
    floor_after_fen: int | None
    programmes: tuple[str, ...]
    rows: tuple[ProgrammeChange, ...]
    standards: tuple[CountyStandard, ...]
    household_count: int
    person_count: int
    source: str = ""
    timings: dict[str, float] = field(default_factory=dict)
    demo_warning: str = DEMO_WARNING

    def rows_of(self, programme: str) -> tuple[ProgrammeChange, ...]:
        return tuple(row for row in self.rows if row.programme == programme)

    def programme_totals(self) -> tuple[ProgrammeChange, ...]:
        return tuple(
            total(self.rows_of(key), county="", name="合计", key=key) for key in self.programmes
        )

    def county_costs(self) -> tuple[CountyCost, ...]:
        """Monthly cost of all reported programmes together, by county."""
        costs = []
        for standard in self.standards:
            rows = [row for row in self.rows if row.county == standard.county]
            costs.append(
                CountyCost(
                    standard.county,
                    standard.county_name,
                    sum(row.cost_before_fen for row in rows),
                    sum(row.cost_after_fen for row in rows),
                )
            )
        return tuple(costs)

    @property
    def total_cost_before_fen(self) -> int:
        return sum(row.cost_before_fen for row in self.rows)

    @property
    def total_cost_after_fen(self) -> int:
        return sum(row.cost_after_fen for row in self.rows)

    def average_share(self, *, after: bool, weighted: bool) -> Decimal | None:
        shares = [(s.share_after if after else s.share_before, s.persons) for s in self.standards]
        if not shares:
            return None
        if not weighted:
            return sum((share for share, _ in shares), Decimal(0)) / len(shares)
        weight = sum(persons for _, persons in shares)
        if weight == 0:
            return None
        return sum((share * persons for share, persons in shares), Decimal(0)) / weight

    @property
    def averages(self) -> dict[str, Decimal | None]:
        return {
            f"{kind}_{when}": self.average_share(after=when == "after", weighted=kind == "weighted")
            for kind in ("mean", "weighted")
            for when in ("before", "after")
        }

    def meets_target(self, *, after: bool, weighted: bool) -> bool | None:
        share = self.average_share(after=after, weighted=weighted)
        return None if share is None else share >= self.target_share

    def to_json(self) -> dict[str, Any]:
        return {
            "month": self.month,
            "proposal": self.proposal_description,
            "rule_version": self.rule_version,
            "source": self.source,
            "households": self.household_count,
            "persons": self.person_count,
            "target_share": str(self.target_share),
            "band": [str(self.band[0]), str(self.band[1])],
            "provincial_floor_before": None
            if self.floor_before_fen is None
            else str(yuan(self.floor_before_fen)),
            "provincial_floor_after": None
            if self.floor_after_fen is None
            else str(yuan(self.floor_after_fen)),
            "average_share": {key: _share(value) for key, value in self.averages.items()},
            "meets_target": {
                f"{kind}_{when}": self.meets_target(
                    after=when == "after", weighted=kind == "weighted"
                )
                for kind in ("mean", "weighted")
                for when in ("before", "after")
            },
            "total_cost_before": str(yuan(self.total_cost_before_fen)),
            "total_cost_after": str(yuan(self.total_cost_after_fen)),
            "programme_totals": [row.to_json() for row in self.programme_totals()],
            "rows": [row.to_json() for row in self.rows],
            "standards": [standard.to_json() for standard in self.standards],
            "demo_warning": self.demo_warning,
        }


def _group_sum(index: NDArray[np.intp], values: NDArray[np.int64], size: int) -> NDArray[np.int64]:
    total = np.zeros(size, dtype=np.int64)
    np.add.at(total, index, values)
    return total


def changes_by_county(
    counties: NDArray[np.int64],
    names: list[str],
    county_index: NDArray[np.intp],
    programmes: tuple[str, ...],
    before: Mapping[str, tuple[NDArray[Any], ...]],
    after: Mapping[str, tuple[NDArray[Any], ...]],
) -> tuple[ProgrammeChange, ...]:
    size = len(counties)

    def count(mask: NDArray[np.bool_]) -> NDArray[np.int64]:
        return np.bincount(county_index[mask], minlength=size)

    columns = {}
    for key in programmes:
        (covered_b, amount_b, persons_b), (covered_a, amount_a, persons_a) = before[key], after[key]
        both = covered_b & covered_a
        columns[key] = (
            count(covered_b),
            count(covered_a),
            _group_sum(county_index, persons_b, size),
            _group_sum(county_index, persons_a, size),
            count(covered_a & ~covered_b),
            count(covered_b & ~covered_a),
            count(both & (amount_a > amount_b)),
            count(both & (amount_a < amount_b)),
            _group_sum(county_index, amount_b, size),
            _group_sum(county_index, amount_a, size),
        )
    return tuple(
        ProgrammeChange(str(code), names[i], key, *(int(column[i]) for column in columns[key]))
        for i, code in enumerate(counties)
        for key in programmes
    )
