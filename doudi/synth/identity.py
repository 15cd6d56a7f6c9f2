"""Identity numbers: civil-date arithmetic, GB 11643 ID numbers (check characters, `IdAllocator`
for unique sequence codes), and phone and bank-card numbers (a keyed Feistel bijection of person
ids; cards end in a Luhn check digit). Numbers are built as ASCII byte matrices from digit LUTs."""

from __future__ import annotations

import math
from datetime import date

import numpy as np

from doudi.synth.config import MAX_AGE, REFERENCE_DATE, SynthError

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


def id_numbers(
    addr: np.ndarray,
    addr_ascii: dict[int, np.ndarray],
    by: np.ndarray,
    mmdd: np.ndarray,
    seq: np.ndarray,
) -> np.ndarray:
    """(n, 18) ASCII matrix of ID numbers: address code (`addr`, spelled by `addr_ascii`), birth
    date (year `by`, month·100 + day `mmdd`), sequence code `seq`, check character."""
    n_p = seq.shape[0]
    id_mat = np.empty((n_p, 18), dtype=np.uint8)
    addr_sum = np.zeros(n_p, dtype=np.int64)
    for a_code, digits in addr_ascii.items():
        sel = addr == a_code
        id_mat[sel, :6] = digits
        addr_sum[sel] = int((digits.astype(np.int64) - 48) @ _ID_WEIGHTS[:6])
    digits = _ascii_groups(by, mmdd, seq)
    id_mat[:, 6:14] = digits[:, :8]
    id_mat[:, 14:17] = digits[:, 9:12]
    id_mat[:, 17] = _CHECK_CHARS[(addr_sum + _W_YEAR[by] + _W_MMDD[mmdd] + _W_SEQ[seq]) % 11]
    return id_mat


def phone_numbers(pid: np.ndarray, round_tables: np.ndarray) -> np.ndarray:
    """(n, 11) ASCII matrix of phone numbers: PHONE_PREFIX, then 8 digits unique per person id."""
    n_p = pid.shape[0]
    phone = _feistel((pid - 1) % 10**8, round_tables)
    phone_mat = np.empty((n_p, 11), dtype=np.uint8)
    phone_mat[:, :3] = np.frombuffer(PHONE_PREFIX.encode(), dtype=np.uint8)
    phone_mat[:, 3:11] = _ascii_groups(phone // 10**4, phone % 10**4)
    return phone_mat


def bank_cards(pid: np.ndarray, round_tables: np.ndarray, random4: np.ndarray) -> np.ndarray:
    """(n, 19) ASCII matrix of bank card numbers: BANK_PREFIX, 4 random digits (`random4`, values
    0…9999), 8 digits that are unique per person id, then the Luhn check digit."""
    n_p = pid.shape[0]
    card = _feistel((pid - 1) % 10**8, round_tables)
    g = (random4, card // 10**4, card % 10**4)
    card_mat = np.empty((n_p, 19), dtype=np.uint8)
    card_mat[:, :6] = np.frombuffer(BANK_PREFIX.encode(), dtype=np.uint8)
    card_mat[:, 6:18] = _ascii_groups(*g)
    luhn = 54 + _LUHN4[g[0]] + _LUHN4[g[1]] + _LUHN4[g[2]]  # 54: the prefix 999999
    card_mat[:, 18] = (10 - luhn % 10) % 10 + 48
    return card_mat
