"""Run configuration: `SynthConfig`, `SynthError`, the run-wide constants (reference date, maximum
age, seed range) and the split of persons across counties."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

import numpy as np

from doudi.synth.villages import DIVISIONS_DIR, NO_RESIDENT_COUNTIES, fujian_counties

GENERATOR_VERSION = "1"
REFERENCE_DATE = date(2024, 6, 30)  # ages, schooling and incomes are "as of" this date
MAX_AGE = 104
DEFAULT_CHUNK_HOUSEHOLDS = 50_000
MAX_SEED = 2**63 - 1


class SynthError(ValueError):
    """A bad argument (unknown county, persons < 1 …); the message is in Chinese."""


@dataclass(frozen=True)
class SynthConfig:
    counties: tuple[str, ...]
    persons: int
    seed: int = 7
    chunk_households: int = DEFAULT_CHUNK_HOUSEHOLDS

    def __post_init__(self) -> None:
        if self.persons < 1:
            raise SynthError(f"人数必须至少为 1（收到 {self.persons}）")
        if not 0 <= self.seed <= MAX_SEED:
            raise SynthError(f"随机种子必须是 0 到 2^63-1 之间的整数（收到 {self.seed}）")
        if self.chunk_households < 1:
            raise SynthError(f"每批户数必须至少为 1（收到 {self.chunk_households}）")
        object.__setattr__(self, "counties", validate_counties(self.counties))


def validate_counties(codes: Iterable[str]) -> tuple[str, ...]:
    """The codes, de-duplicated in order; SynthError (Chinese message) naming the first bad one."""
    counties = fujian_counties()
    out: list[str] = []
    for raw in codes:
        code = str(raw).strip()
        if code in counties:
            if code not in out:
                out.append(code)
            continue
        if code in NO_RESIDENT_COUNTIES:
            raise SynthError(f"金门县（{code}）不由福建省实际管辖、没有户籍人口，不能生成合成数据")
        other = _national_county_name(code)
        if other is not None:
            raise SynthError(
                f"区划代码 {code}（{other}）不是福建省的县级区划，只能生成福建省的县（市、区）"
            )
        raise SynthError(f"未知的县级区划代码：{code}（应为 6 位福建省县级区划代码，如 350112）")
    if not out:
        raise SynthError("至少需要一个县级区划代码（--counties）")
    return tuple(out)


def _national_county_name(code: str) -> str | None:
    with (DIVISIONS_DIR / "areas.csv").open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            if row["code"] == code:
                return row["name"]
    return None


def split_persons(counties: tuple[str, ...], persons: int) -> list[int]:
    """Persons per county, proportional to the population weight (largest remainder, exact sum)."""
    table = fujian_counties()
    weights = np.array([table[c].population_weight for c in counties], dtype=np.float64)
    quota = persons * weights / weights.sum()
    base = np.floor(quota).astype(np.int64)
    order = np.argsort(-(quota - base), kind="stable")
    base[order[: persons - int(base.sum())]] += 1
    return [int(x) for x in base]
