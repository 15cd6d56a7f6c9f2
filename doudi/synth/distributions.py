"""The population model's numbers: household templates, member-count probabilities, the age pyramid,
disability / illness / income parameters, and the lookup tables built from them (inverse-CDF LUTs,
normal quantiles, name characters). `_Draw` is a block's random stream; `sample_age` draws ages."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from doudi.synth import names as N
from doudi.synth.config import MAX_AGE
from doudi.synth.schema import SCHOOLING

HARDSHIP_SHARE = 0.04  # share of households that are hardship households

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


def _fen(yuan: np.ndarray) -> np.ndarray:
    return np.rint(yuan * 100.0).astype(np.int64)


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


def sample_age(lo: np.ndarray, hi: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Ages in [lo, hi] (inclusive, clipped to 0…MAX_AGE) following the population age shape."""
    hi = np.clip(hi, 0, MAX_AGE)
    lo = np.clip(np.minimum(lo, hi), 0, MAX_AGE)
    a, b = AGE_CDF[lo], AGE_CDF[hi + 1]
    age = np.searchsorted(AGE_CDF, a + u * (b - a), side="right") - 1
    return np.clip(age, lo, hi)


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
