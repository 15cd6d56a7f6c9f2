"""Deterministic synthetic population for Fujian counties (numpy + pyarrow only, no Django).

Design (docs/synth.md documents the columns and the distributions):

* Persons are split across the requested counties in proportion to a rough population weight
  (`County.population_weight`). Each county is generated in *blocks* of households, and every block
  has its own random stream seeded by (seed, county code, block number). So the data do not depend
  on `chunk_households`, which only decides how many blocks go into one Parquet row group.
* Everything on the hot path is vectorised. Households are drawn from 11 household templates.
  Members are placed role by role (a loop over at most 20 (role, k) pairs, never over persons).
  Categorical draws use 65,536-entry lookup tables instead of `searchsorted`, and normal deviates
  use a table of normal quantiles. Dates use integer civil-calendar arithmetic, not datetime64
  conversions. Strings are assembled as byte matrices (ID numbers, names, phones, bank cards) or
  as dictionary arrays over small per-county tables (codes, relation, schooling, ...).
* ID numbers are unique by construction. A counter per (address code, birth date, sex) hands out
  the sequence codes through a per-slot bijection, so no set of issued numbers is kept and memory
  stays constant (180 kB of counters per address code) whatever the scale.
* The run stops at exactly `persons` rows: the household that crosses the target is cut short.
* Blocks are planned (household counts, ids) in order, then their persons are generated in a thread
  pool; each block waits for its turn only for the ID allocation. One writer thread per file
  encodes the row groups. The output does not depend on the number of threads.
"""

from __future__ import annotations

import csv
import math
import os
import queue
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from doudi.synth import names as N
from doudi.synth.villages import DIVISIONS_DIR, NO_RESIDENT_COUNTIES, County, fujian_counties

GENERATOR_VERSION = "1"
REFERENCE_DATE = date(2024, 6, 30)  # ages, schooling and incomes are "as of" this date
MAX_AGE = 104
MAX_BLOCK_HOUSEHOLDS = 16_384
MIN_BLOCK_HOUSEHOLDS = 256
DEFAULT_CHUNK_HOUSEHOLDS = 50_000
HARDSHIP_SHARE = 0.04
MAX_SEED = 2**63 - 1

# Retired predecessor address codes (python-stdnum's historical GB/T 2260 table) and the first birth
# year that always gets the current code. Persons born earlier carry the old code with probability
# PREDECESSOR_SHARE, because a real ID number keeps the code that was valid when it was issued.
RETIRED_PREDECESSORS: dict[str, tuple[tuple[str, ...], int]] = {
    "350404": (("350402", "350403"), 2021),  # 梅列区 + 三元区 → 三元区
    "350405": (("350427",), 2021),  # 沙县 → 沙县区
    "350604": (("350681",), 2021),  # 龙海市 → 龙海区
    "350605": (("350625",), 2021),  # 长泰县 → 长泰区
    "350112": (("350182",), 2017),  # 长乐市 → 长乐区
    "350703": (("350784",), 2014),  # 建阳市 → 建阳区
    "350803": (("350822",), 2014),  # 永定县 → 永定区
}
PREDECESSOR_SHARE = 0.6

RELATIONS = (
    "head", "spouse", "parent", "grandparent", "child", "child_in_law", "grandchild", "sibling",
    "other_relative",
)  # fmt: skip
R_HEAD, R_SPOUSE, R_PARENT, R_GRANDPARENT, R_CHILD, R_CHILD_IN_LAW, R_GRANDCHILD, R_SIBLING, R_OTHER = range(9)  # fmt: skip

EXCLUSION_REASONS = ("clergy_3y", "prison", "missing", "other")
DISABILITY_TYPES = ("physical", "visual", "hearing", "speech", "intellectual", "mental", "multiple")
SCHOOLING = (
    "none", "preschool", "compulsory", "high_school", "secondary_vocational", "undergraduate", "postgraduate",
)  # fmt: skip
S_NONE = 0
AREA_TYPES = ("rural", "urban")  # index = urban flag

# ---------------------------------------------------------------------------------------------------
# Household templates: name, share among urban / rural households, head age range, P(head male),
# age range of a "child" member, relative hardship risk.
# ---------------------------------------------------------------------------------------------------
HOUSEHOLD_TYPES = (
    # name                urban  rural  head age  male  child age  hardship
    ("single_adult",       0.175, 0.140, 18, 59,  0.64, 0, 0,    0.040),
    ("single_elderly",     0.085, 0.120, 60, 100, 0.38, 0, 0,    0.100),
    ("couple_young",       0.100, 0.080, 21, 59,  0.80, 0, 0,    0.012),
    ("couple_elderly",     0.085, 0.095, 60, 95,  0.86, 0, 0,    0.050),
    ("nuclear",            0.290, 0.240, 24, 62,  0.80, 0, 40,   0.020),
    ("single_parent",      0.055, 0.045, 24, 62,  0.32, 0, 40,   0.090),
    ("three_generation",   0.075, 0.085, 26, 58,  0.82, 0, 40,   0.025),
    ("stem_down",          0.060, 0.100, 48, 82,  0.78, 20, 50,  0.035),
    ("skipped_generation", 0.020, 0.055, 50, 85,  0.55, 0, 0,    0.120),
    ("with_parent",        0.040, 0.030, 20, 62,  0.66, 0, 0,    0.040),
    ("extended",           0.020, 0.015, 26, 62,  0.80, 0, 40,   0.030),
)  # fmt: skip
T_STEM, T_SKIPPED, T_EXTENDED = 7, 8, 10

# Member counts: per template, P(count = 0, 1, 2, 3) for the roles spouse, parent, grandparent,
# child, child_in_law, grandchild, sibling, other_relative (the order of RELATIONS[1:]).
_Z = (1.0, 0.0, 0.0, 0.0)
_ONE = (0.0, 1.0, 0.0, 0.0)
ROLE_COUNT_P = (
    (_Z, _Z, _Z, _Z, _Z, _Z, _Z, _Z),
    (_Z, _Z, _Z, _Z, _Z, _Z, _Z, _Z),
    (_ONE, _Z, _Z, _Z, _Z, _Z, _Z, _Z),
    (_ONE, _Z, _Z, _Z, _Z, _Z, _Z, _Z),
    (_ONE, _Z, _Z, (0, 0.58, 0.37, 0.05), _Z, _Z, _Z, _Z),
    (_Z, _Z, _Z, (0, 0.70, 0.27, 0.03), _Z, _Z, _Z, _Z),
    ((0.08, 0.92, 0, 0), (0, 0.55, 0.45, 0), (0.95, 0.05, 0, 0), (0.12, 0.45, 0.36, 0.07), _Z, _Z, _Z, _Z),
    ((0.25, 0.75, 0, 0), _Z, _Z, (0, 0.85, 0.15, 0), (0.2, 0.8, 0, 0), (0.15, 0.45, 0.33, 0.07), _Z, _Z),
    ((0.4, 0.6, 0, 0), _Z, _Z, _Z, _Z, (0, 0.65, 0.30, 0.05), _Z, _Z),
    ((0.75, 0.25, 0, 0), (0, 0.6, 0.4, 0), _Z, _Z, _Z, _Z, _Z, _Z),
    ((0.1, 0.9, 0, 0), _Z, _Z, (0.2, 0.45, 0.3, 0.05), _Z, _Z, (0.4, 0.6, 0, 0), (0.5, 0.4, 0.1, 0)),
)  # fmt: skip

# Age shape (age at REFERENCE_DATE), 5-year groups 0–4 … 100–104, in per cent: roughly Fujian's
# 2020 census pyramid moved on four years. Every member is drawn from this shape restricted to the
# age range its role allows, so cohort sizes (the 1960s and late-1980s peaks, the fall in births
# after 2017) carry through to the marginal distribution.
AGE_GROUP_SHARES = (
    4.4, 6.0, 6.8, 6.3, 5.2, 5.6, 7.4, 8.6, 7.6, 7.2, 7.6, 7.4, 5.3, 4.4, 3.5, 2.2, 1.4, 0.8, 0.3, 0.08, 0.01,
)  # fmt: skip

# Disability prevalence by age (China's 2006 disability sample survey: 6.3 %, rising steeply with
# age); serious illness by age; type distributions for minors and adults; grade 1 (most severe) … 4.
DISABILITY_BY_AGE_POINTS = (
    (0, 0.011), (15, 0.02), (30, 0.032), (45, 0.055), (60, 0.10), (70, 0.17), (80, 0.26),
)  # fmt: skip
SERIOUS_ILLNESS_BY_AGE_POINTS = ((0, 0.003), (15, 0.006), (45, 0.02), (60, 0.04), (75, 0.07))
DISABILITY_TYPE_P_CHILD = (0.25, 0.06, 0.12, 0.08, 0.30, 0.04, 0.15)
DISABILITY_TYPE_P_ADULT = (0.30, 0.15, 0.24, 0.02, 0.06, 0.08, 0.15)
DISABILITY_GRADE_P = (0.10, 0.18, 0.30, 0.42)

# Incomes (yuan per month). Wage medians before the age / sex / stability factors.
WAGE_BASE_URBAN, WAGE_BASE_RURAL, WAGE_SIGMA = 5100.0, 3800.0, 0.45
MIN_STABLE_WAGE = 1900.0
EMPLOYEE_PENSION_URBAN, EMPLOYEE_PENSION_RURAL = 3000.0, 2200.0
RESIDENT_PENSION_RANGE = (160.0, 280.0)
HARDSHIP_INCOME_CAP_RANGE = (250.0, 880.0)  # per capita per month, drawn per hardship household
NON_HARDSHIP_FLOOR = 1100.0  # per capita per month for non-hardship households (or asset-rich)


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


# ---------------------------------------------------------------------------------------------------
# Schemas. The public schemas are what the Parquet files contain (and what `generate_tables`
# returns). Internally the categorical columns are dictionary arrays (`_WIRE` schemas): they cost
# nothing to build and the Parquet writer encodes them without hashing strings. The files are
# written without the Arrow schema blob, so readers see plain `string` columns.
# ---------------------------------------------------------------------------------------------------
def _f(name: str, typ: pa.DataType, nullable: bool = False) -> pa.Field:
    return pa.field(name, typ, nullable=nullable)


_D8 = pa.dictionary(pa.int8(), pa.string())
_D16 = pa.dictionary(pa.int16(), pa.string())

_HOUSEHOLD_COLUMNS = (
    ("household_id", pa.int64(), None, False),
    ("county_code", pa.string(), _D8, False),
    ("township_code", pa.string(), _D16, False),
    ("village_code", pa.string(), _D16, False),
    ("village_name", pa.string(), _D16, False),
    ("address", pa.string(), None, False),
    ("area_type", pa.string(), _D8, False),
    ("size", pa.int16(), None, False),
    ("hardship", pa.bool_(), None, False),
    ("financial_assets_fen", pa.int64(), None, False),
    ("vehicles", pa.int8(), None, False),
    ("vehicle_value_fen", pa.int64(), None, False),
    ("real_estate_count", pa.int8(), None, False),
    ("business_registrations", pa.int8(), None, False),
    # additional columns
    ("village_is_synthetic", pa.bool_(), None, False),
    ("household_type", pa.string(), _D8, False),
)
_PERSON_COLUMNS = (
    ("person_id", pa.int64(), None, False),
    ("household_id", pa.int64(), None, False),
    ("id_number", pa.string(), None, False),
    ("name", pa.string(), None, False),
    ("sex", pa.string(), _D8, False),
    ("birth_date", pa.date32(), None, False),
    ("relation", pa.string(), _D8, False),
    ("counted", pa.bool_(), None, False),
    ("exclusion_reason", pa.string(), _D8, True),
    ("hukou_region_code", pa.string(), _D16, False),
    ("hukou_type", pa.string(), _D8, False),
    ("residence_region_code", pa.string(), _D16, False),
    ("phone", pa.string(), None, True),
    ("disability_type", pa.string(), _D8, True),
    ("disability_grade", pa.int8(), None, True),
    ("labour_capacity", pa.bool_(), None, False),
    ("schooling", pa.string(), _D8, False),
    ("vital_status", pa.string(), _D8, False),
    ("serious_illness", pa.bool_(), None, False),
    ("wage_monthly_fen", pa.int64(), None, False),
    ("wage_stable", pa.bool_(), None, False),
    ("business_monthly_fen", pa.int64(), None, False),
    ("pension_monthly_fen", pa.int64(), None, False),
    ("other_income_monthly_fen", pa.int64(), None, False),
    ("bank_account", pa.string(), None, True),
    # additional columns
    ("date_of_death", pa.date32(), None, True),
)
HOUSEHOLD_SCHEMA = pa.schema([_f(n, t, null) for n, t, _, null in _HOUSEHOLD_COLUMNS])
PERSON_SCHEMA = pa.schema([_f(n, t, null) for n, t, _, null in _PERSON_COLUMNS])
_HOUSEHOLD_WIRE = pa.schema([_f(n, w or t, null) for n, t, w, null in _HOUSEHOLD_COLUMNS])
_PERSON_WIRE = pa.schema([_f(n, w or t, null) for n, t, w, null in _PERSON_COLUMNS])


# ---------------------------------------------------------------------------------------------------
# Lookup tables and vectorised helpers
# ---------------------------------------------------------------------------------------------------
LUT_SIZE = 1 << 16  # categorical draws: index = table[uint16]; resolution 1/65,536
LUT2_SHIFT = 4  # conditional (2-D) tables use 4,096 bins: index = table[cond, uint16 >> 4]


def _probs(weights: Iterable[float]) -> np.ndarray:
    w = np.asarray(list(weights), dtype=np.float64)
    return w / w.sum()


def _lut(weights: Iterable[float], size: int = LUT_SIZE) -> np.ndarray:
    """Inverse-CDF table: `lut[u]` for uniform integer u in [0, size) is a category index."""
    cdf = np.cumsum(_probs(weights))
    idx = np.searchsorted(cdf, (np.arange(size) + 0.5) / size, side="right")
    return np.minimum(idx, len(cdf) - 1).astype(np.int16)


def _lut2(rows: Iterable[Iterable[float]]) -> np.ndarray:
    return np.stack([_lut(r, LUT_SIZE >> LUT2_SHIFT) for r in rows])


def _normal_lut() -> np.ndarray:
    """Standard-normal quantiles at (i + 0.5) / 65,536 (Acklam's rational approximation)."""
    p = (np.arange(LUT_SIZE) + 0.5) / LUT_SIZE
    a = (-3.969683028665376e01, 2.209460984245205e02, -2.759285104469687e02, 1.383577518672690e02,
         -3.066479806614716e01, 2.506628277459239e00)  # fmt: skip
    b = (-5.447609879822406e01, 1.615858368580409e02, -1.556989798598866e02, 6.680131188771972e01,
         -1.328068155288572e01)  # fmt: skip
    c = (-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e00, -2.549732539343734e00,
         4.374664141464968e00, 2.938163982698783e00)  # fmt: skip
    d = (7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e00, 3.754408661907416e00)
    q = np.minimum(p, 1 - p)
    t = np.sqrt(-2 * np.log(q))
    tail = (((((c[0] * t + c[1]) * t + c[2]) * t + c[3]) * t + c[4]) * t + c[5]) / (
        (((d[0] * t + d[1]) * t + d[2]) * t + d[3]) * t + 1
    )
    r = (p - 0.5) ** 2
    mid = (
        (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5])
        * (p - 0.5)
        / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1)
    )
    return np.where(q < 0.02425, np.where(p < 0.5, -tail, tail), mid)


NORMAL_LUT = _normal_lut()


def _by_age(points: tuple[tuple[int, float], ...]) -> np.ndarray:
    out = np.zeros(MAX_AGE + 1)
    for (start, p), nxt in zip(points, [*points[1:], (MAX_AGE + 1, 0.0)], strict=True):
        out[start : nxt[0]] = p
    return out


DISABILITY_BY_AGE = _by_age(DISABILITY_BY_AGE_POINTS)
SERIOUS_ILLNESS_BY_AGE = _by_age(SERIOUS_ILLNESS_BY_AGE_POINTS)


def _schooling_p() -> np.ndarray:
    """P(schooling category | age), shape (MAX_AGE + 1, 7)."""
    p = np.zeros((MAX_AGE + 1, len(SCHOOLING)))
    p[:, 0] = 1.0
    p[3:6] = (0.10, 0.90, 0, 0, 0, 0, 0)
    p[6:15] = (0, 0, 1.0, 0, 0, 0, 0)
    p[15] = (0.03, 0, 0.60, 0.25, 0.12, 0, 0)
    p[16:18] = (0.10, 0, 0, 0.55, 0.35, 0, 0)
    p[18] = (0.25, 0, 0, 0.25, 0.10, 0.40, 0)
    p[19:22] = (0.45, 0, 0, 0, 0, 0.55, 0)
    p[22] = (0.65, 0, 0, 0, 0, 0.30, 0.05)
    p[23:27] = (0.96, 0, 0, 0, 0, 0, 0.04)
    p[27:31] = (0.995, 0, 0, 0, 0, 0, 0.005)
    return p


SCHOOLING_LUT = _lut2(_schooling_p())
AGE_CDF = np.concatenate(
    [[0.0], np.cumsum(np.repeat(np.asarray(AGE_GROUP_SHARES) / 5.0, 5)[: MAX_AGE + 1])]
)
_TYPE_LUT = _lut2(
    [[t[2] for t in HOUSEHOLD_TYPES], [t[1] for t in HOUSEHOLD_TYPES]]
)  # rural, urban
_TYPE_HEAD_LO = np.array([t[3] for t in HOUSEHOLD_TYPES], dtype=np.int64)
_TYPE_HEAD_HI = np.array([t[4] for t in HOUSEHOLD_TYPES], dtype=np.int64)
_TYPE_HEAD_MALE = np.array([t[5] for t in HOUSEHOLD_TYPES])
_TYPE_CHILD_LO = np.array([t[6] for t in HOUSEHOLD_TYPES], dtype=np.int64)
_TYPE_CHILD_HI = np.array([t[7] for t in HOUSEHOLD_TYPES], dtype=np.int64)
_TYPE_HARDSHIP = np.array([t[8] for t in HOUSEHOLD_TYPES])
_ROLE_LUT = np.stack([_lut2(per_type) for per_type in ROLE_COUNT_P])  # (types, 8 roles, 4096)
_SURNAME_LUT = _lut(w for _, w in N.SURNAMES)
# [sex: 0 = female, 1 = male][era] → index into _GIVEN_BYTES (female rows first)
_GIVEN_LUT = np.stack(
    [
        np.stack([_lut(row[1 + era] for row in table) + offset for era in range(3)])
        for table, offset in ((N.FEMALE_GIVEN, 0), (N.MALE_GIVEN, len(N.FEMALE_GIVEN)))
    ]
)
_DIS_TYPE_LUT = _lut2([DISABILITY_TYPE_P_ADULT, DISABILITY_TYPE_P_CHILD])
_DIS_GRADE_LUT = _lut(DISABILITY_GRADE_P)
_REASON_LUT = _lut2([(0.15, 0.15, 0.20, 0.50), (0.10, 0.55, 0.12, 0.23)])  # [female, male]
_VEHICLE_LUT = _lut2([(0.68, 0.25, 0.06, 0.01), (0.62, 0.29, 0.08, 0.01)])  # [rural, urban]
_ESTATE_LUT = _lut((0.10, 0.62, 0.22, 0.06))


def _utf8_matrix(chars: Iterable[str]) -> np.ndarray:
    rows = [c.encode("utf-8") for c in chars]
    if any(len(r) != 3 for r in rows):
        raise ValueError("name tables must hold single BMP CJK characters (3 bytes in UTF-8)")
    return np.frombuffer(b"".join(rows), dtype=np.uint8).reshape(-1, 3)


_SURNAME_BYTES = _utf8_matrix(s for s, _ in N.SURNAMES)
_GIVEN_BYTES = _utf8_matrix(c for c, *_ in (*N.FEMALE_GIVEN, *N.MALE_GIVEN))

# ASCII digits of 0…9999 (4 columns) and GB 11643 / Luhn partial sums, for LUT-based number strings.
_DIGITS = np.array(
    [[(v // 10**k) % 10 for k in (3, 2, 1, 0)] for v in range(10_000)], dtype=np.uint8
)
_ASCII4 = _DIGITS + 48
_ASCII4_U32 = np.ascontiguousarray(_ASCII4).view(np.uint32).ravel()  # 4 ASCII digits in one word


def _ascii_groups(*groups: np.ndarray) -> np.ndarray:
    """Values 0…9999 → (n, 4·len(groups)) ASCII digit matrix (one 32-bit gather per group)."""
    words = np.empty((groups[0].shape[0], len(groups)), dtype=np.uint32)
    for i, g in enumerate(groups):
        words[:, i] = _ASCII4_U32[g]
    return words.view(np.uint8)


_ID_WEIGHTS = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2], dtype=np.int64)
_W_YEAR = _DIGITS.astype(np.int64) @ _ID_WEIGHTS[6:10]
_W_MMDD = _DIGITS.astype(np.int64) @ _ID_WEIGHTS[10:14]
_W_SEQ = _DIGITS[:1000, 1:].astype(np.int64) @ _ID_WEIGHTS[14:17]
_CHECK_CHARS = np.frombuffer(b"10X98765432", dtype=np.uint8)
_LUHN_DBL = np.array([0, 2, 4, 6, 8, 1, 3, 5, 7, 9], dtype=np.int64)
_LUHN4 = _DIGITS[:, 0] + _LUHN_DBL[_DIGITS[:, 1]] + _DIGITS[:, 2] + _LUHN_DBL[_DIGITS[:, 3]]
_HAO = np.frombuffer("号".encode(), dtype=np.uint8)
BANK_PREFIX = "999999"
PHONE_PREFIX = "100"


def days_from_civil(y: int, m: int, d: int) -> int:
    """Days since 1970-01-01 (proleptic Gregorian)."""
    return (date(y, m, d) - date(1970, 1, 1)).days


def civil_from_days(z: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(year, month, day) arrays from days since 1970-01-01 (H. Hinnant's algorithm, z ≥ -719468)."""
    z = z.astype(np.int64) + 719_468
    era = z // 146_097
    doe = z - era * 146_097
    yoe = (doe - doe // 1460 + doe // 36_524 - doe // 146_096) // 365
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    d = doy - (153 * mp + 2) // 5 + 1
    m = np.where(mp < 10, mp + 3, mp - 9)
    y = yoe + era * 400 + (m <= 2)
    return y, m, d


_REF_DAYS = days_from_civil(REFERENCE_DATE.year, REFERENCE_DATE.month, REFERENCE_DATE.day)
_DAY0 = days_from_civil(
    1900, 1, 1
)  # ID counters cover births from 1900-01-01 to the reference date
_N_DAYS = _REF_DAYS - _DAY0 + 1
# The birthday in the reference year's calendar for each age: a person of age a is born in
# (_BASE_DAYS[a] - 364, _BASE_DAYS[a]], so the age at REFERENCE_DATE is exactly a.
_BASE_DAYS = np.array(
    [
        days_from_civil(REFERENCE_DATE.year - a, REFERENCE_DATE.month, REFERENCE_DATE.day)
        for a in range(MAX_AGE + 1)
    ],
    dtype=np.int64,
)
_REF_MMDD = REFERENCE_DATE.month * 100 + REFERENCE_DATE.day


def sample_age(lo: np.ndarray, hi: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Ages in [lo, hi] (inclusive, clipped to 0…MAX_AGE) following the population age shape."""
    hi = np.clip(hi, 0, MAX_AGE)
    lo = np.clip(np.minimum(lo, hi), 0, MAX_AGE)
    a, b = AGE_CDF[lo], AGE_CDF[hi + 1]
    age = np.searchsorted(AGE_CDF, a + u * (b - a), side="right") - 1
    return np.clip(age, lo, hi)


def _strings_fixed(matrix: np.ndarray, valid: np.ndarray | None = None) -> pa.Array:
    """(n, w) uint8 matrix of UTF-8 bytes → pyarrow string array (null where ~valid)."""
    n, w = matrix.shape
    if valid is None:
        offsets = np.arange(0, (n + 1) * w, w, dtype=np.int32)
        return pa.StringArray.from_buffers(
            n, pa.py_buffer(offsets), pa.py_buffer(np.ascontiguousarray(matrix))
        )
    offsets = np.zeros(n + 1, dtype=np.int32)
    np.cumsum(valid * np.int32(w), out=offsets[1:])
    data = np.ascontiguousarray(matrix[valid])
    bitmap = np.packbits(valid, bitorder="little")
    nulls = int(n - np.count_nonzero(valid))
    return pa.StringArray.from_buffers(
        n, pa.py_buffer(offsets), pa.py_buffer(data), pa.py_buffer(bitmap), nulls
    )


def _strings_var(matrix: np.ndarray, lengths: np.ndarray) -> pa.Array:
    """(n, w) uint8 matrix whose row i holds `lengths[i]` meaningful bytes → string array."""
    n, w = matrix.shape
    offsets = np.zeros(n + 1, dtype=np.int32)
    np.cumsum(lengths, out=offsets[1:])
    data = matrix[np.arange(w) < lengths[:, None]]
    return pa.StringArray.from_buffers(n, pa.py_buffer(offsets), pa.py_buffer(data))


def _dictarr(
    indices: np.ndarray, dictionary: pa.Array, typ: pa.DataType, null: np.ndarray | None = None
) -> pa.Array:
    idx = pa.array(indices.astype(typ.index_type.to_pandas_dtype()), mask=null)
    return pa.DictionaryArray.from_arrays(idx, dictionary, safe=False)


def _dict(values: Iterable[str]) -> pa.Array:
    return pa.array(list(values), type=pa.string())


_RELATION_ARR = _dict(RELATIONS)
_SEX_ARR = _dict(("F", "M"))
_AREA_ARR = _dict(AREA_TYPES)
_EXCL_ARR = _dict(EXCLUSION_REASONS)
_DIS_ARR = _dict(DISABILITY_TYPES)
_SCHOOL_ARR = _dict(SCHOOLING)
_VITAL_ARR = _dict(("alive", "deceased"))
_TYPE_ARR = _dict(t[0] for t in HOUSEHOLD_TYPES)


def _splitmix64(x: np.ndarray) -> np.ndarray:
    z = x.astype(np.uint64) + np.uint64(0x9E3779B97F4A7C15)
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


FEISTEL_HALF = 10_000


def _feistel(x: np.ndarray, round_tables: np.ndarray) -> np.ndarray:
    """A keyed bijection of [0, 10⁸): balanced Feistel rounds over two base-10⁴ digits, with
    random round functions given as tables (shape (rounds, 10⁴)). Turns person ids into phone and
    card numbers that look random but never repeat."""
    left, right = (x // FEISTEL_HALF).astype(np.int32), (x % FEISTEL_HALF).astype(np.int32)
    for table in round_tables:
        mixed = left + table[right]
        left, right = right, mixed - FEISTEL_HALF * (mixed >= FEISTEL_HALF)
    return left.astype(np.int64) * FEISTEL_HALF + right


class IdAllocator:
    """Hands out ID sequence codes, unique per (address code, birth date) across the whole run.

    A counter per (address code, day since 1900, sex) counts the numbers issued. The k-th number of
    a slot is `2·p + 1` for men (p = perm(k) over 0…499) or `2·p + 2` for women (p over 0…498, so
    000 is never used). perm is an affine bijection whose coefficients are drawn per slot (from the
    seed and the address code), so the sequence codes look random yet never repeat. A full slot (more than 500 men or
    499 women born on one day with one address code, which does not happen below ~2 million persons
    per county) moves the person's birth date one day earlier and tries again."""

    CAPACITY = (499, 500)  # women, men
    _UNITS_500 = np.array([a for a in range(1, 500) if math.gcd(a, 500) == 1], dtype=np.int64)

    def __init__(self, seed: int) -> None:
        self.seed = seed
        self._counters: dict[int, np.ndarray] = {}  # address code → uint16 count per slot
        self.shifted = 0  # persons whose birth date was moved because their slot was full

    def allocate(self, addr: int, days: np.ndarray, male: np.ndarray) -> np.ndarray:
        """Sequence codes for persons with address code `addr`, in array order. `days` (days since
        1970-01-01) is modified in place for persons moved off a full slot."""
        counters = self._counters.get(addr)
        if counters is None:
            counters = self._counters[addr] = np.zeros(_N_DAYS * 2, dtype=np.uint16)
        salt = np.int64(addr) * np.int64(1 << 20) + np.int64(self.seed & 0x7FFF_FFFF_FFFF)
        if days.size and (days.min() < _DAY0 or days.max() > _REF_DAYS):
            raise ValueError("birth date outside 1900-01-01 … reference date")
        seq = np.empty(days.shape[0], dtype=np.int64)
        male_i = male.astype(np.int64)
        cap = np.array(self.CAPACITY, dtype=np.int64)
        pending = np.arange(days.shape[0])
        while pending.size:
            slot = (days[pending] - _DAY0) * 2 + male_i[pending]
            order = np.argsort(slot, kind="stable")
            ss = slot[order]
            new = np.empty(ss.shape[0], dtype=bool)
            new[0] = True
            np.not_equal(ss[1:], ss[:-1], out=new[1:])
            idx = np.arange(ss.shape[0])
            k = counters[ss].astype(np.int64) + idx - np.maximum.accumulate(np.where(new, idx, 0))
            starts = np.flatnonzero(new)
            run_len = np.diff(np.append(starts, ss.shape[0]))
            counters[ss[starts]] = np.minimum(counters[ss[starts]].astype(np.int64) + run_len, 500)
            sex = ss & 1
            ok = k < cap[sex]
            who = pending[order]
            s_ok, sex_ok = ss[ok], sex[ok]
            h = _splitmix64(s_ok + salt)  # per-slot coefficients of the bijection
            a = np.where(
                sex_ok == 1,
                self._UNITS_500[(h % np.uint64(self._UNITS_500.size)).astype(np.int64)],
                (h % np.uint64(498)).astype(np.int64) + 1,  # 499 is prime: any a in 1…498 is a unit
            )
            b = ((h >> np.uint64(32)) % np.uint64(499)).astype(np.int64)
            p = (a * k[ok] + b) % cap[sex_ok]
            seq[who[ok]] = 2 * p + 2 - sex_ok  # men 2p + 1 (odd), women 2p + 2 (even, never 000)
            pending = who[~ok]
            if pending.size:
                self.shifted += int(pending.size)
                days[pending] -= 1
                if days[pending].min() < _DAY0:
                    raise SynthError("同一县级区划的人数过多，身份证号码顺序码已用尽")
        return seq


# ---------------------------------------------------------------------------------------------------
# County model (flattened arrays for vectorised sampling)
# ---------------------------------------------------------------------------------------------------
@dataclass
class _CountyModel:
    county: County
    township_lut: np.ndarray
    village_cum: np.ndarray  # township index + cumulative share within the township
    village_urban: np.ndarray
    village_township: np.ndarray
    village_code: pa.Array
    village_name: pa.Array  # distinct names (a dictionary must not repeat values)
    village_name_idx: np.ndarray  # village → index into village_name
    prefix_bytes: np.ndarray  # per village: UTF-8 of county + township + village name, zero-padded
    prefix_len: np.ndarray
    township_code: pa.Array
    county_arr: pa.Array
    code_int: int
    addr_ascii: dict[int, np.ndarray]  # address code → 6 ASCII digits
    predecessors: tuple[int, ...] = ()
    predecessor_until_days: int = 0


def _county_model(code: str) -> _CountyModel:
    county = fujian_counties()[code]
    cum, urban, tidx, vcodes, vnames, prefix = [], [], [], [], [], []
    for t_i, t in enumerate(county.townships):
        w = np.asarray(t.village_weights)
        c = np.cumsum(w / w.sum())
        c[-1] = 1.0
        cum.extend(t_i + c)
        for v in t.villages:
            urban.append(v.urban)
            tidx.append(t_i)
            vcodes.append(v.code)
            vnames.append(v.name)
            prefix.append(county.name + t.name + v.name)
    distinct_names = sorted(set(vnames))
    name_index = {name: i for i, name in enumerate(distinct_names)}
    encoded = [p.encode("utf-8") for p in prefix]
    prefix_len = np.array([len(e) for e in encoded], dtype=np.int64)
    prefix_bytes = np.zeros((len(encoded), int(prefix_len.max())), dtype=np.uint8)
    for i, e in enumerate(encoded):
        prefix_bytes[i, : len(e)] = np.frombuffer(e, dtype=np.uint8)
    preds, until = RETIRED_PREDECESSORS.get(code, ((), 1900))
    codes = (int(code), *(int(p) for p in preds))
    return _CountyModel(
        county=county,
        township_lut=_lut(t.weight for t in county.townships),
        village_cum=np.asarray(cum),
        village_urban=np.asarray(urban, dtype=bool),
        village_township=np.asarray(tidx, dtype=np.int64),
        village_code=_dict(vcodes),
        village_name=_dict(distinct_names),
        village_name_idx=np.array([name_index[v] for v in vnames], dtype=np.int64),
        prefix_bytes=prefix_bytes,
        prefix_len=prefix_len,
        township_code=_dict(t.code for t in county.townships),
        county_arr=_dict([code]),
        code_int=int(code),
        addr_ascii={c: np.frombuffer(str(c).encode(), dtype=np.uint8) for c in codes},
        predecessors=tuple(int(p) for p in preds),
        predecessor_until_days=days_from_civil(until, 1, 1),
    )


def block_households(persons_in_county: int) -> int:
    """Households per generation block: the whole county in one block when it is small (a power of
    two, at least 256), at most 16,384."""
    est = max(1, math.ceil(persons_in_county / 2.6 * 1.05))
    return int(min(MAX_BLOCK_HOUSEHOLDS, max(MIN_BLOCK_HOUSEHOLDS, 1 << (est - 1).bit_length())))


def _fen(yuan: np.ndarray) -> np.ndarray:
    return np.rint(yuan * 100.0).astype(np.int64)


class _Draw:
    """Random draws for one block: uniform floats, 16-bit integers for table lookups, normals."""

    def __init__(self, rng: np.random.Generator) -> None:
        self.rng = rng

    def u(self, n: int | tuple[int, ...]) -> np.ndarray:
        return self.rng.random(n)

    def bits(self, n: int | tuple[int, ...]) -> np.ndarray:
        return self.rng.integers(0, LUT_SIZE, n, dtype=np.uint16)

    def bits2(self, n: int | tuple[int, ...]) -> np.ndarray:
        return self.bits(n) >> np.uint16(LUT2_SHIFT)

    def normal(self, n: int) -> np.ndarray:
        return NORMAL_LUT[self.bits(n)]

    def lognormal(self, median: float | np.ndarray, sigma: float, n: int) -> np.ndarray:
        return median * np.exp(sigma * self.normal(n))


@dataclass
class Block:
    households: pa.Table  # wire schema (dictionary-encoded categorical columns)
    persons: pa.Table
    county_code: str


@dataclass
class _Plan:
    """A block's households, drawn sequentially (the cut at the county's person count depends on the
    blocks before it); its persons are then generated by `_Run._persons`, possibly in a thread."""

    model: _CountyModel
    rnd: _Draw
    seq_no: int  # position of the block in the run (ID numbers are allocated in this order)
    first_person_id: int
    first_household_id: int
    township: np.ndarray
    village: np.ndarray
    urban: np.ndarray
    htype: np.ndarray
    counts: np.ndarray
    size: np.ndarray

    @property
    def n_persons(self) -> int:
        return int(self.size.sum())


class _Aborted(Exception):
    """Another block failed; this one stops waiting for its turn."""


@dataclass
class _Run:
    config: SynthConfig
    workers: int = 1
    allocator: IdAllocator = field(init=False)
    next_household_id: int = 1
    next_person_id: int = 1
    _turn: int = 0
    _aborted: bool = False
    _cond: threading.Condition = field(default_factory=threading.Condition)
    _phone_rounds: np.ndarray = field(init=False)
    _card_rounds: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        self.allocator = IdAllocator(self.config.seed)
        rng = np.random.default_rng([self.config.seed, 0xF1_57E1])
        self._phone_rounds = rng.integers(0, FEISTEL_HALF, (4, FEISTEL_HALF), dtype=np.int32)
        self._card_rounds = rng.integers(0, FEISTEL_HALF, (4, FEISTEL_HALF), dtype=np.int32)

    def _plans(self) -> Iterator[_Plan]:
        counties = self.config.counties
        seq_no = 0
        for code, n_c in zip(counties, split_persons(counties, self.config.persons), strict=True):
            if n_c == 0:
                continue
            model = _county_model(code)
            bsize = block_households(n_c)
            remaining, block_no = n_c, 0
            while remaining > 0:
                plan = self._plan(model, block_no, bsize, remaining, seq_no)
                remaining -= plan.n_persons
                block_no += 1
                seq_no += 1
                yield plan

    def blocks(self) -> Iterator[Block]:
        """Blocks in order. With workers > 1 the persons of several blocks are generated in threads
        (numpy releases the GIL); ID numbers are still allocated in block order, so the output is
        identical whatever the number of workers."""
        if self.workers <= 1:
            for plan in self._plans():
                yield self._persons(plan)
            return
        pending: deque[Future[Block]] = deque()
        with ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix="synth-gen") as pool:
            try:
                for plan in self._plans():
                    pending.append(pool.submit(self._persons, plan))
                    while len(pending) > self.workers:
                        yield pending.popleft().result()
                while pending:
                    yield pending.popleft().result()
            finally:
                if pending:  # failed or abandoned: let waiting blocks give up, drop queued ones
                    with self._cond:
                        self._aborted = True
                        self._cond.notify_all()
                    for fut in pending:
                        fut.cancel()

    def _allocate_in_turn(self, seq_no: int, fn: Callable[[], None]) -> None:
        """Run `fn` (the ID allocation) when all earlier blocks have run theirs."""
        with self._cond:
            while self._turn != seq_no and not self._aborted:
                self._cond.wait()
            if self._aborted:
                raise _Aborted
            try:
                fn()
            finally:
                self._turn += 1
                self._cond.notify_all()

    def _plan(
        self, m: _CountyModel, block_no: int, n_hh: int, remaining: int, seq_no: int
    ) -> _Plan:
        rnd = _Draw(np.random.default_rng([self.config.seed, m.code_int, block_no, 0x5D]))
        # ---- households: township, village, template, member counts -----------------------------
        township = m.township_lut[rnd.bits(n_hh)].astype(np.int64)
        village = np.minimum(
            np.searchsorted(m.village_cum, township + rnd.u(n_hh), side="right"),
            m.village_cum.size - 1,
        )
        urban = m.village_urban[village]
        htype = _TYPE_LUT[urban.astype(np.int64), rnd.bits2(n_hh)].astype(np.int64)
        flat = (htype[:, None] * 8 + np.arange(8)) * (LUT_SIZE >> LUT2_SHIFT) + rnd.bits2((n_hh, 8))
        counts = _ROLE_LUT.ravel()[flat].astype(np.int64)
        ext = (htype == T_EXTENDED) & (counts[:, 6] + counts[:, 7] == 0)
        counts[ext, 7] = 1
        size = 1 + counts.sum(axis=1)

        # ---- stop at exactly `remaining` persons ----------------------------------------------------
        csum = np.cumsum(size)
        if csum[-1] >= remaining:
            last = int(np.searchsorted(csum, remaining))  # first household reaching the target
            n_hh = last + 1
            township, village, urban, htype = (
                township[:n_hh],
                village[:n_hh],
                urban[:n_hh],
                htype[:n_hh],
            )
            counts, size = counts[:n_hh], size[:n_hh]
            excess = int(csum[last] - remaining)
            for r in range(7, -1, -1):  # drop the last roles of the last household
                take = min(excess, int(counts[last, r]))
                counts[last, r] -= take
                excess -= take
            size[last] = 1 + counts[last].sum()
        plan = _Plan(
            model=m,
            rnd=rnd,
            seq_no=seq_no,
            first_person_id=self.next_person_id,
            first_household_id=self.next_household_id,
            township=township,
            village=village,
            urban=urban,
            htype=htype,
            counts=counts,
            size=size,
        )
        self.next_household_id += n_hh
        self.next_person_id += plan.n_persons
        return plan

    def _persons(self, plan: _Plan) -> Block:
        try:
            return self._persons_unguarded(plan)
        except BaseException:
            with self._cond:  # later blocks must not wait for this one's turn
                self._aborted = True
                self._cond.notify_all()
            raise

    def _persons_unguarded(self, plan: _Plan) -> Block:  # noqa: C901, PLR0915
        m, rnd = plan.model, plan.rnd
        township, village, urban, htype = plan.township, plan.village, plan.urban, plan.htype
        counts, size = plan.counts, plan.size
        n_hh = size.shape[0]
        n_p = int(size.sum())
        offsets = np.zeros(n_hh, dtype=np.int64)
        np.cumsum(size[:-1], out=offsets[1:])
        role_start = 1 + np.cumsum(counts, axis=1) - counts  # (n_hh, 8), relative to the head
        hh_of = np.repeat(np.arange(n_hh), size)

        # ---- members: relation, age, sex --------------------------------------------------------------
        age = np.empty(n_p, dtype=np.int64)
        male = np.empty(n_p, dtype=bool)
        role = np.empty(n_p, dtype=np.int8)
        head_age = sample_age(_TYPE_HEAD_LO[htype], _TYPE_HEAD_HI[htype], rnd.u(n_hh))
        head_male = rnd.u(n_hh) < _TYPE_HEAD_MALE[htype]
        age[offsets], male[offsets], role[offsets] = head_age, head_male, R_HEAD
        spouse_age = np.full(n_hh, -1, dtype=np.int64)
        parent0_age = np.zeros(n_hh, dtype=np.int64)
        child0_age = np.zeros(n_hh, dtype=np.int64)
        child0_male = np.zeros(n_hh, dtype=bool)
        p_boy = 1.06 / 2.06  # sex ratio at birth 106

        for col, rel in enumerate(range(R_SPOUSE, R_OTHER + 1)):
            c_col = counts[:, col]
            for k in range(int(c_col.max(initial=0))):
                sel = np.flatnonzero(c_col > k)
                pos = offsets[sel] + role_start[sel, col] + k
                h, n = head_age[sel], sel.size
                if rel == R_SPOUSE:
                    mu = np.where(head_male[sel], -2.0, 2.0)
                    a = np.clip(h + np.rint(mu + 2.5 * rnd.normal(n)).astype(np.int64), 20, MAX_AGE)
                    s = ~head_male[sel]
                    spouse_age[sel] = a
                elif rel == R_PARENT:
                    if k == 0:
                        a = sample_age(h + 20, np.minimum(h + 42, MAX_AGE), rnd.u(n))
                        s = (counts[sel, col] == 2) | (
                            rnd.u(n) < 0.32
                        )  # a lone parent: mostly mothers
                        parent0_age[sel] = a
                    else:
                        d = np.rint(2.0 + 2.5 * rnd.normal(n)).astype(np.int64)
                        a = np.clip(parent0_age[sel] - d, np.minimum(h + 18, MAX_AGE), MAX_AGE)
                        s = np.zeros(n, dtype=bool)
                elif rel == R_GRANDPARENT:
                    a = sample_age(h + 42, h + 68, rnd.u(n))
                    s = rnd.u(n) < 0.3
                elif rel == R_CHILD:
                    sp = spouse_age[sel]
                    young = np.where(sp >= 0, np.minimum(h, sp), h)
                    t = htype[sel]
                    lo = np.maximum(_TYPE_CHILD_LO[t], young - 42)
                    hi = np.minimum(_TYPE_CHILD_HI[t], young - 20)
                    a = sample_age(lo, np.maximum(hi, 0), rnd.u(n))
                    s = rnd.u(n) < np.where(
                        (t == T_STEM) & (k == 0), 0.75, p_boy
                    )  # married son at home
                    if k == 0:
                        child0_age[sel], child0_male[sel] = a, s
                elif rel == R_CHILD_IN_LAW:
                    mu = np.where(child0_male[sel], -2.0, 2.0)
                    a = np.clip(
                        child0_age[sel] + np.rint(mu + 2.5 * rnd.normal(n)).astype(np.int64),
                        20,
                        MAX_AGE,
                    )
                    s = ~child0_male[sel]
                elif rel == R_GRANDCHILD:
                    skipped = htype[sel] == T_SKIPPED
                    c = child0_age[sel]
                    lo = np.where(skipped, h - 78, c - 42)
                    hi = np.where(skipped, np.minimum(17, h - 40), c - 20)
                    a = sample_age(lo, hi, rnd.u(n))
                    s = rnd.u(n) < p_boy
                elif rel == R_SIBLING:
                    a = sample_age(h - 12, h + 12, rnd.u(n))
                    s = rnd.u(n) < 0.5
                else:  # other relative (nephew, aunt, cousin …)
                    a = sample_age(h - 40, h + 30, rnd.u(n))
                    s = rnd.u(n) < 0.5
                age[pos], male[pos], role[pos] = a, s, rel

        # ---- birth dates, address codes, ID numbers ---------------------------------------------------
        birth_days = _BASE_DAYS[age] - rnd.rng.integers(0, 365, n_p)
        addr = np.full(n_p, m.code_int, dtype=np.int64)
        if m.predecessors:
            old = (birth_days < m.predecessor_until_days) & (rnd.u(n_p) < PREDECESSOR_SHARE)
            pick = rnd.rng.integers(0, len(m.predecessors), n_p)
            addr[old] = np.asarray(m.predecessors, dtype=np.int64)[pick[old]]
        seq = np.empty(n_p, dtype=np.int64)

        def allocate() -> None:
            for (
                a_code
            ) in m.addr_ascii:  # current code first, then predecessors; person order within
                sel = np.flatnonzero(addr == a_code) if m.predecessors else np.arange(n_p)
                if sel.size == 0:
                    continue
                d = birth_days[sel]
                seq[sel] = self.allocator.allocate(a_code, d, male[sel])
                birth_days[sel] = d

        self._allocate_in_turn(plan.seq_no, allocate)
        by, bm, bd = civil_from_days(birth_days)
        mmdd = bm * 100 + bd
        age = np.clip(
            REFERENCE_DATE.year - by - (mmdd > _REF_MMDD), 0, MAX_AGE
        )  # exact (a moved date may cross a birthday)
        id_mat = np.empty((n_p, 18), dtype=np.uint8)
        addr_sum = np.zeros(n_p, dtype=np.int64)
        for a_code, digits in m.addr_ascii.items():
            sel = addr == a_code
            id_mat[sel, :6] = digits
            addr_sum[sel] = int((digits.astype(np.int64) - 48) @ _ID_WEIGHTS[:6])
        digits = _ascii_groups(by, mmdd, seq)
        id_mat[:, 6:14] = digits[:, :8]
        id_mat[:, 14:17] = digits[:, 9:12]
        id_mat[:, 17] = _CHECK_CHARS[(addr_sum + _W_YEAR[by] + _W_MMDD[mmdd] + _W_SEQ[seq]) % 11]

        # ---- names: family surname for the paternal line, own surname otherwise; era-typical given names
        family = _SURNAME_LUT[rnd.bits(n_hh)]
        own = _SURNAME_LUT[rnd.bits(n_p)]
        patri = np.isin(role, (R_CHILD, R_GRANDCHILD, R_SIBLING)) | (
            male & np.isin(role, (R_HEAD, R_SPOUSE, R_PARENT, R_GRANDPARENT))
        )
        surname = np.where(patri & (rnd.u(n_p) < 0.92), family[hh_of], own)
        era = (by >= N.ERA_LIMITS[0]).astype(np.int64) + (by >= N.ERA_LIMITS[1])
        sex_i = male.astype(np.int64)
        g1 = _GIVEN_LUT[sex_i, era, rnd.bits(n_p)]
        g2 = _GIVEN_LUT[sex_i, era, rnd.bits(n_p)]
        single = rnd.u(n_p) < np.asarray(N.SINGLE_GIVEN_SHARE)[era]
        name_mat = np.empty((n_p, 9), dtype=np.uint8)
        name_mat[:, :3] = _SURNAME_BYTES[surname]
        name_mat[:, 3:6] = _GIVEN_BYTES[g1]
        name_mat[:, 6:9] = _GIVEN_BYTES[g2]
        name_arr = _strings_var(name_mat, np.where(single, 6, 9).astype(np.int32))

        # ---- hardship (household ground truth) ---------------------------------------------------------
        p_h = _TYPE_HARDSHIP[htype] * np.where(urban, 0.8, 1.6)
        p_h = np.minimum(p_h * (HARDSHIP_SHARE / p_h.mean()), 0.6)
        hardship = rnd.u(n_hh) < p_h
        hard_p = hardship[hh_of]
        urban_p = urban[hh_of]

        # ---- counted / exclusion (民发〔2021〕57号 第七条) ------------------------------------------------
        excluded = (role != R_HEAD) & (age >= 18) & (age <= 70) & (rnd.u(n_p) < 0.013)
        counted = ~excluded
        reason = _REASON_LUT[sex_i, rnd.bits2(n_p)]

        # ---- health, disability, labour capacity, schooling --------------------------------------------
        disabled = rnd.u(n_p) < np.minimum(
            DISABILITY_BY_AGE[age] * np.where(hard_p, 3.0, 1.0), 0.85
        )
        dis_type = _DIS_TYPE_LUT[(age < 18).astype(np.int64), rnd.bits2(n_p)]
        dis_grade = (_DIS_GRADE_LUT[rnd.bits(n_p)] + 1).astype(np.int8)
        ill = rnd.u(n_p) < np.minimum(SERIOUS_ILLNESS_BY_AGE[age] * np.where(hard_p, 4.0, 1.0), 0.5)
        severe = disabled & (dis_grade <= 2)
        mental3 = (
            disabled & (dis_grade == 3) & ((dis_type == 4) | (dis_type == 5)) & (rnd.u(n_p) < 0.7)
        )
        older_ok = (age < 70) & (rnd.u(n_p) < np.where(urban_p, 0.10, 0.25))
        labour = (age >= 16) & ((age < 60) | older_ok) & ~severe & ~mental3 & ~ill
        school = SCHOOLING_LUT[age, rnd.bits2(n_p)]
        school = np.where(severe & (age >= 15), S_NONE, school)

        # ---- residence: ≈ 8 % live in another village (one that has households in this block) ----------
        away = counted & (rnd.u(n_p) < np.where((age >= 16) & (age < 60), 0.13, 0.02))
        res_village = np.where(away, village[rnd.rng.integers(0, n_hh, n_p)], village[hh_of])

        # ---- incomes (yuan per month) ------------------------------------------------------------------
        works_age = (age >= 16) & (age <= 64) & labour & (school == S_NONE) & counted
        p_emp = np.select(
            [age < 20, age < 25, age < 50, age < 60],
            [0.35, 0.65, np.where(male, 0.92, 0.80), np.where(male, 0.80, 0.55)],
            default=0.35,
        )
        p_emp = p_emp * np.where(urban_p, 1.0, 0.85) * np.where(hard_p, 0.45, 1.0)
        employed = works_age & (rnd.u(n_p) < p_emp)
        unstable = employed & (rnd.u(n_p) < np.where(hard_p, 0.8, 0.2))
        age_f = np.select([age < 25, age < 35, age < 50], [0.72, 1.0, 1.12], default=0.92)
        wage = (
            rnd.lognormal(np.where(urban_p, WAGE_BASE_URBAN, WAGE_BASE_RURAL), WAGE_SIGMA, n_p)
            * age_f
            * np.where(male, 1.0, 0.88)
            * np.where(unstable, 0.7, 1.0)
            * np.where(hard_p, 0.55, 1.0)
        )
        wage = np.where(unstable, wage, np.maximum(wage, MIN_STABLE_WAGE)) * employed
        getihu = works_age & (age >= 20) & ~hard_p & (rnd.u(n_p) < np.where(urban_p, 0.10, 0.07))
        farm = works_age & ~urban_p & ~employed & ~getihu & (age >= 30) & (rnd.u(n_p) < 0.55)
        business = getihu * rnd.lognormal(4000.0, 0.8, n_p) + farm * rnd.lognormal(900.0, 0.6, n_p)
        hukou_urban_h = np.where(rnd.u(n_hh) < np.where(urban, 0.10, 0.04), ~urban, urban)
        hukou_urban = hukou_urban_h[hh_of]
        pension_age = (age >= 60) | (~male & (age >= 55) & hukou_urban)
        employee_pension = pension_age & ~hard_p & (rnd.u(n_p) < np.where(hukou_urban, 0.80, 0.15))
        pension = (
            np.where(
                employee_pension,
                rnd.lognormal(
                    np.where(hukou_urban, EMPLOYEE_PENSION_URBAN, EMPLOYEE_PENSION_RURAL), 0.35, n_p
                ),
                (age >= 60) * rnd.rng.uniform(*RESIDENT_PENSION_RANGE, n_p),
            )
            * counted
        )
        other = (rnd.u(n_p) < 0.05) * counted * rnd.lognormal(800.0, 0.7, n_p)
        wage_f, bus_f, pen_f, oth_f = _fen(wage), _fen(business), _fen(pension), _fen(other)

        # ---- household income rules: hardship below the line; others above it or asset-rich -----------
        counted_n = np.bincount(hh_of, weights=counted, minlength=n_hh)
        total = np.add.reduceat((wage_f + bus_f + pen_f + oth_f) * counted, offsets)
        per_cap = total / np.maximum(counted_n, 1) / 100.0
        cap_yuan = rnd.rng.uniform(*HARDSHIP_INCOME_CAP_RANGE, n_hh)
        factor = np.where(
            hardship & (per_cap > cap_yuan), cap_yuan / np.maximum(per_cap, 1e-9), 1.0
        )[hh_of]
        wage_f = np.floor(wage_f * factor).astype(np.int64)
        bus_f = np.floor(bus_f * factor).astype(np.int64)
        pen_f = np.floor(pen_f * factor).astype(np.int64)
        oth_f = np.floor(oth_f * factor).astype(np.int64)
        low = ~hardship & (per_cap < NON_HARDSHIP_FLOOR)
        asset_rich = low & (rnd.u(n_hh) < 0.25)
        target = rnd.rng.uniform(NON_HARDSHIP_FLOOR, 2 * NON_HARDSHIP_FLOOR, n_hh)
        # support from relatives living elsewhere, booked on the head
        oth_f[offsets] += _fen(np.where(low & ~asset_rich, (target - per_cap) * counted_n, 0.0))

        # ---- household assets --------------------------------------------------------------------------
        fin = np.where(
            hardship,
            (rnd.u(n_hh) >= 0.2) * np.minimum(rnd.lognormal(2500.0, 0.9, n_hh), 25_000.0),
            (rnd.u(n_hh) >= 0.05)
            * np.minimum(rnd.lognormal(np.where(urban, 50_000.0, 25_000.0), 1.3, n_hh), 2e7),
        )
        fin = np.where(asset_rich, rnd.rng.uniform(150_000.0, 600_000.0, n_hh), fin)
        vehicles = np.where(
            hardship, rnd.u(n_hh) < 0.02, _VEHICLE_LUT[urban.astype(np.int64), rnd.bits2(n_hh)]
        )
        vvalue = np.where(
            hardship,
            rnd.rng.uniform(3_000.0, 15_000.0, n_hh),
            rnd.lognormal(90_000.0, 0.6, n_hh) * (1.0 + 0.6 * np.maximum(vehicles - 1, 0)),
        ) * (vehicles > 0)
        estate = np.where(hardship, rnd.u(n_hh) >= 0.3, _ESTATE_LUT[rnd.bits(n_hh)])
        registrations = np.minimum(np.bincount(hh_of, weights=getihu & counted, minlength=n_hh), 3)

        # ---- phones, bank cards, vital status ----------------------------------------------------------
        pid = np.arange(plan.first_person_id, plan.first_person_id + n_p, dtype=np.int64)
        has_phone = rnd.u(n_p) < np.select(
            [age < 12, age < 18, age < 75], [0.0, 0.7, 0.97], default=0.6
        )
        phone = _feistel((pid - 1) % 10**8, self._phone_rounds)
        phone_mat = np.empty((n_p, 11), dtype=np.uint8)
        phone_mat[:, :3] = np.frombuffer(PHONE_PREFIX.encode(), dtype=np.uint8)
        phone_mat[:, 3:11] = _ascii_groups(phone // 10**4, phone % 10**4)
        p_bank = np.where(
            age < 16, 0.0, np.where(hard_p, 0.85, 0.92) * np.where(age >= 75, 0.8, 1.0)
        )
        has_bank = rnd.u(n_p) < p_bank
        # 4 random digits, then 8 digits that are unique per person
        card = _feistel((pid - 1) % 10**8, self._card_rounds)
        g = (rnd.rng.integers(0, 10_000, n_p), card // 10**4, card % 10**4)
        card_mat = np.empty((n_p, 19), dtype=np.uint8)
        card_mat[:, :6] = np.frombuffer(BANK_PREFIX.encode(), dtype=np.uint8)
        card_mat[:, 6:18] = _ascii_groups(*g)
        luhn = 54 + _LUHN4[g[0]] + _LUHN4[g[1]] + _LUHN4[g[2]]  # 54: the prefix 999999
        card_mat[:, 18] = (10 - luhn % 10) % 10 + 48
        deceased = (role != R_HEAD) & (age >= 75) & (rnd.u(n_p) < 0.015)
        death_days = np.where(deceased, _REF_DAYS - rnd.rng.integers(0, 365, n_p), 0)

        # ---- assemble ------------------------------------------------------------------------------------
        hid = np.arange(plan.first_household_id, plan.first_household_id + n_hh, dtype=np.int64)
        # house number 1…399 (urban) or 1…199 (rural), written without leading zeros, then 号
        number = rnd.rng.integers(1, np.where(urban, 400, 200))
        n_digits = 1 + (number >= 10) + (number >= 100)
        plen = m.prefix_len[village]
        addr_mat = np.zeros((n_hh, m.prefix_bytes.shape[1] + 6), dtype=np.uint8)
        addr_mat[:, : m.prefix_bytes.shape[1]] = m.prefix_bytes[village]
        num_ascii = _ascii_groups(number)
        rows = np.arange(n_hh)
        for j in range(3):  # the number's digits without leading zeros, then 号
            has = j < n_digits
            addr_mat[rows[has], plen[has] + j] = num_ascii[has, 4 - n_digits[has] + j]
        for j in range(3):
            addr_mat[rows, plen + n_digits + j] = _HAO[j]
        households = pa.Table.from_arrays(
            [
                pa.array(hid),
                _dictarr(np.zeros(n_hh, dtype=np.int8), m.county_arr, _D8),
                _dictarr(township, m.township_code, _D16),
                _dictarr(village, m.village_code, _D16),
                _dictarr(m.village_name_idx[village], m.village_name, _D16),
                _strings_var(addr_mat, (plen + n_digits + 3).astype(np.int32)),
                _dictarr(urban, _AREA_ARR, _D8),
                pa.array(size.astype(np.int16)),
                pa.array(hardship),
                pa.array(_fen(fin)),
                pa.array(vehicles.astype(np.int8)),
                pa.array(_fen(vvalue)),
                pa.array(estate.astype(np.int8)),
                pa.array(registrations.astype(np.int8)),
                pa.array(np.ones(n_hh, dtype=bool)),
                _dictarr(htype, _TYPE_ARR, _D8),
            ],
            schema=_HOUSEHOLD_WIRE,
        )
        persons = pa.Table.from_arrays(
            [
                pa.array(pid),
                pa.array(hid[hh_of]),
                _strings_fixed(id_mat),
                name_arr,
                _dictarr(male, _SEX_ARR, _D8),
                pa.array(birth_days.astype(np.int32)).view(pa.date32()),
                _dictarr(role, _RELATION_ARR, _D8),
                pa.array(counted),
                _dictarr(reason, _EXCL_ARR, _D8, null=counted),
                _dictarr(village[hh_of], m.village_code, _D16),
                _dictarr(hukou_urban, _AREA_ARR, _D8),
                _dictarr(res_village, m.village_code, _D16),
                _strings_fixed(phone_mat, has_phone),
                _dictarr(dis_type, _DIS_ARR, _D8, null=~disabled),
                pa.array(dis_grade, mask=~disabled, type=pa.int8()),
                pa.array(labour),
                _dictarr(school, _SCHOOL_ARR, _D8),
                _dictarr(deceased, _VITAL_ARR, _D8),
                pa.array(ill),
                pa.array(wage_f),
                pa.array(employed & ~unstable & (wage_f > 0)),
                pa.array(bus_f),
                pa.array(pen_f),
                pa.array(oth_f),
                _strings_fixed(card_mat, has_bank),
                pa.array(death_days.astype(np.int32), mask=~deceased).view(pa.date32()),
            ],
            schema=_PERSON_WIRE,
        )
        return Block(households=households, persons=persons, county_code=m.county.code)


def iter_blocks(config: SynthConfig, workers: int = 1) -> Iterator[Block]:
    """Generation blocks in order (households and persons with consecutive ids). The tables use
    dictionary arrays for categorical columns; `to_public` casts them to the file schema."""
    return _Run(config, workers=workers).blocks()


def to_public(households: pa.Table, persons: pa.Table) -> tuple[pa.Table, pa.Table]:
    """Cast block tables (dictionary-encoded categorical columns) to the file schemas."""
    return households.cast(HOUSEHOLD_SCHEMA), persons.cast(PERSON_SCHEMA)


def generate_tables(config: SynthConfig) -> tuple[pa.Table, pa.Table]:
    """The whole population in memory, in the file schemas (for tests and small runs):
    (households, persons)."""
    blocks = list(iter_blocks(config))
    households, persons = to_public(
        pa.concat_tables([b.households for b in blocks]),
        pa.concat_tables([b.persons for b in blocks]),
    )
    return households.combine_chunks(), persons.combine_chunks()


# ---------------------------------------------------------------------------------------------------
# Parquet output
# ---------------------------------------------------------------------------------------------------
PERSONS_FILE = "persons.parquet"
HOUSEHOLDS_FILE = "households.parquet"
_DELTA_COLUMNS = ("person_id", "household_id", "birth_date")
_STATS_COLUMNS = ("person_id", "household_id", "county_code", "township_code", "village_code")


@dataclass(frozen=True)
class SynthResult:
    persons: int
    households: int
    hardship_households: int
    seconds: float
    persons_path: Path
    households_path: Path
    bytes_written: int
    birth_dates_moved: int  # persons moved one day off a full ID slot (0 below ~2M per county)

    @property
    def persons_per_second(self) -> float:
        return self.persons / self.seconds if self.seconds > 0 else float("inf")


def file_metadata(config: SynthConfig) -> dict[str, str]:
    """Key-value metadata stored in both files."""
    return {
        "doudi.synth.version": GENERATOR_VERSION,
        "doudi.synth.seed": str(config.seed),
        "doudi.synth.persons": str(config.persons),
        "doudi.synth.counties": ",".join(config.counties),
        "doudi.synth.reference_date": REFERENCE_DATE.isoformat(),
    }


def _parquet_writer(path: Path, wire: pa.Schema) -> pq.ParquetWriter:
    dict_cols = [f.name for f in wire if pa.types.is_dictionary(f.type)]
    return pq.ParquetWriter(
        str(path),
        wire,
        compression="zstd",
        compression_level=1,
        use_dictionary=dict_cols,
        column_encoding={c: "DELTA_BINARY_PACKED" for c in _DELTA_COLUMNS if c in wire.names},
        store_schema=False,  # readers then see plain `string` for the dictionary-typed columns
        write_statistics=[c for c in _STATS_COLUMNS if c in wire.names],  # row-group pruning on ids
    )


class _FileWriter(threading.Thread):
    """Writes row groups of one file from a queue, in its own thread (pyarrow releases the GIL)."""

    def __init__(self, path: Path, wire: pa.Schema, metadata: dict[str, str]) -> None:
        super().__init__(name=f"synth-writer-{path.name}", daemon=True)
        self.path, self.wire, self.metadata = path, wire, metadata
        self.jobs: queue.Queue[list[pa.Table] | None] = queue.Queue(maxsize=3)
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            with _parquet_writer(self.path, self.wire) as writer:
                while (parts := self.jobs.get()) is not None:
                    writer.write_table(pa.concat_tables(parts), row_group_size=1 << 30)
                writer.add_key_value_metadata(self.metadata)
        except BaseException as exc:  # noqa: BLE001 - reported to the producing thread
            self.error = exc
            while self.jobs.get() is not None:  # unblock the producer
                pass


def write_parquet(
    config: SynthConfig,
    out_dir: str | os.PathLike[str],
    progress: Callable[[int], None] | None = None,
    workers: int | None = None,
) -> SynthResult:
    """Generate and write `persons.parquet` and `households.parquet` into `out_dir` (created if
    missing). Both files are written under temporary names in `out_dir` and renamed at the end, so
    a failed run leaves no partial file. `progress(n)` is called with each block's person count.

    `workers` threads generate blocks (default: the number of CPUs, at most 4) and one thread per
    file encodes and writes the row groups; the output does not depend on the number of threads. A row group holds whole blocks, at least
    `chunk_households` households, and never mixes counties."""
    if workers is None:
        workers = min(4, os.cpu_count() or 1)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    tag = f".tmp-{os.getpid()}-{threading.get_ident()}"
    tmp_p, tmp_h = out / (PERSONS_FILE + tag), out / (HOUSEHOLDS_FILE + tag)
    meta = file_metadata(config)
    started = time.perf_counter()
    writers = (_FileWriter(tmp_h, _HOUSEHOLD_WIRE, meta), _FileWriter(tmp_p, _PERSON_WIRE, meta))
    n_p = n_h = n_hard = 0
    run = _Run(config, workers=workers)
    try:
        for w in writers:
            w.start()
        try:
            parts: tuple[list[pa.Table], list[pa.Table]] = ([], [])
            pending, county = 0, ""
            for block in run.blocks():
                if any(w.error for w in writers):
                    break
                if parts[0] and (pending >= config.chunk_households or block.county_code != county):
                    for w, p in zip(writers, parts, strict=True):
                        w.jobs.put(p)
                    parts, pending = ([], []), 0
                county = block.county_code
                parts[0].append(block.households)
                parts[1].append(block.persons)
                pending += block.households.num_rows
                n_p += block.persons.num_rows
                n_h += block.households.num_rows
                n_hard += int(np.count_nonzero(block.households.column("hardship").to_numpy()))
                if progress is not None:
                    progress(block.persons.num_rows)
            if parts[0] and not any(w.error for w in writers):
                for w, p in zip(writers, parts, strict=True):
                    w.jobs.put(p)
        finally:
            for w in writers:
                w.jobs.put(None)
            for w in writers:
                w.join()
        for w in writers:
            if w.error is not None:
                raise w.error
        os.replace(tmp_h, out / HOUSEHOLDS_FILE)
        os.replace(tmp_p, out / PERSONS_FILE)
    except BaseException:
        for tmp in (tmp_p, tmp_h):
            tmp.unlink(missing_ok=True)
        raise
    seconds = time.perf_counter() - started
    pp, hp = out / PERSONS_FILE, out / HOUSEHOLDS_FILE
    return SynthResult(
        persons=n_p,
        households=n_h,
        hardship_households=n_hard,
        seconds=seconds,
        persons_path=pp,
        households_path=hp,
        bytes_written=pp.stat().st_size + hp.stat().st_size,
        birth_dates_moved=run.allocator.shifted,
    )
