"""Fujian counties and townships (real, from the vendored NBS table) and synthetic villages.

Pure Python + numpy: no Django. The village layer is synthetic: the NBS 12-digit village codes are
not vendored, so each real township gets 2–25 invented villages/communities with codes
`township_code + 001…` and names built from two syllables. Villages depend only on the township
code (never on the run's seed), so the same township always has the same villages.
"""

from __future__ import annotations

import csv
import functools
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from doudi.synth.names import VILLAGE_FIRST, VILLAGE_SECOND

DIVISIONS_DIR = Path(__file__).resolve().parent.parent / "core" / "data" / "divisions"

# 2020 census resident population per prefecture (万人), used only to split persons across counties
# (recalled figures, they add up to the published provincial total of 4,154 万; 平潭 is in 福州).
PREFECTURE_POPULATION: dict[str, float] = {
    "3501": 829.1, "3502": 516.4, "3503": 321.1, "3504": 248.6, "3505": 878.2,
    "3506": 505.4, "3507": 268.1, "3508": 272.4, "3509": 314.7,
}  # fmt: skip

# 金门县 is nominal: no residents are administered by Fujian (POLICY.md §8.1).
NO_RESIDENT_COUNTIES: frozenset[str] = frozenset({"350527"})

# Township kinds and their relative population weight (a proxy: 街道 are dense, 乡 sparse, farms and
# development zones small).
KIND_WEIGHT: dict[str, float] = {"street": 4.0, "town": 2.0, "xiang": 1.0, "other": 0.3}
KIND_VILLAGES: dict[str, tuple[int, int]] = {
    "street": (8, 20), "town": (10, 25), "xiang": (8, 18), "other": (2, 6),
}  # fmt: skip

VILLAGE_SEED = 0x0D0D1_5EED


@dataclass(frozen=True, slots=True)
class Village:
    code: str  # 12 digits: township code + 3 digits
    name: str  # e.g. 兴华社区, 东坑村
    urban: bool  # 社区 → urban, 村 → rural


@dataclass(frozen=True, slots=True)
class Township:
    code: str  # 9 digits
    name: str
    kind: str  # street (街道) | town (镇) | xiang (乡) | other (农场, 开发区…)
    weight: float  # relative share of the county's households
    villages: tuple[Village, ...]
    village_weights: tuple[float, ...]


@dataclass(frozen=True, slots=True)
class County:
    code: str  # 6 digits
    name: str
    city_code: str  # 4 digits, as in cities.csv
    townships: tuple[Township, ...]
    population_weight: float  # relative; see `county_population_weights`


def township_kind(name: str) -> str:
    if name.endswith("街道"):
        return "street"
    if name.endswith("镇"):
        return "town"
    if name.endswith("乡"):
        return "xiang"
    return "other"


def _village_names(rng: np.random.Generator, count: int) -> list[str]:
    pairs = len(VILLAGE_FIRST) * len(VILLAGE_SECOND)
    picks = rng.choice(pairs, size=count, replace=False)
    return [
        VILLAGE_FIRST[p // len(VILLAGE_SECOND)] + VILLAGE_SECOND[p % len(VILLAGE_SECOND)]
        for p in picks
    ]


def build_township(code: str, name: str) -> Township:
    """A township with its synthetic villages; deterministic in `code` alone."""
    kind = township_kind(name)
    rng = np.random.default_rng([VILLAGE_SEED, int(code)])
    lo, hi = KIND_VILLAGES[kind]
    count = int(rng.integers(lo, hi + 1))
    if kind == "street":
        urban = rng.random(count) < 0.9  # a few 城中村 remain 村
        urban[0] = True
    elif kind == "town":
        urban = np.arange(count) < int(rng.integers(2, 5))  # the town seat's 社区
    elif kind == "xiang":
        urban = np.zeros(count, dtype=bool)
    else:
        urban = np.ones(count, dtype=bool)
    names = _village_names(rng, count)
    villages = tuple(
        Village(
            code=f"{code}{i + 1:03d}",
            name=names[i] + ("社区" if urban[i] else "村"),
            urban=bool(urban[i]),
        )
        for i in range(count)
    )
    vweights = rng.lognormal(0.0, 0.5, size=count) * np.where(urban, 4.0, 1.0)
    tweight = KIND_WEIGHT[kind] * float(rng.lognormal(0.0, 0.4))
    return Township(
        code=code,
        name=name,
        kind=kind,
        weight=tweight,
        villages=villages,
        village_weights=tuple(float(w) for w in vweights),
    )


def _read_csv(name: str) -> list[dict[str, str]]:
    with (DIVISIONS_DIR / name).open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@functools.cache
def fujian_counties() -> dict[str, County]:
    """Every Fujian county-level unit with residents, keyed by 6-digit code (83 units)."""
    streets: dict[str, list[tuple[str, str]]] = {}
    for row in _read_csv("streets_fujian.csv"):
        streets.setdefault(row["areaCode"], []).append((row["code"], row["name"]))
    areas = [
        r
        for r in _read_csv("areas.csv")
        if r["provinceCode"] == "35" and r["code"] not in NO_RESIDENT_COUNTIES
    ]
    proxy = {
        r["code"]: sum(KIND_WEIGHT[township_kind(n)] for _, n in streets.get(r["code"], []))
        for r in areas
    }
    city_proxy: dict[str, float] = {}
    for r in areas:
        city_proxy[r["cityCode"]] = city_proxy.get(r["cityCode"], 0.0) + proxy[r["code"]]
    counties = {}
    for r in areas:
        code, city = r["code"], r["cityCode"]
        weight = PREFECTURE_POPULATION[city] * proxy[code] / city_proxy[city]
        townships = tuple(build_township(c, n) for c, n in sorted(streets.get(code, [])))
        counties[code] = County(
            code=code, name=r["name"], city_code=city, townships=townships, population_weight=weight
        )
    return counties
