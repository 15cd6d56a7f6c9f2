"""Households: the flattened per-county model (townships, villages, address prefixes, predecessor
address codes), the block size, the per-block household plan (location, template, member counts,
cut at the county's person count), household assets, addresses and the households table."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from doudi.synth.distributions import (
    _ESTATE_LUT,
    _ROLE_LUT,
    _TYPE_LUT,
    _VEHICLE_LUT,
    HOUSEHOLD_TYPES,
    LUT2_SHIFT,
    LUT_SIZE,
    T_EXTENDED,
    _Draw,
    _fen,
    _lut,
)
from doudi.synth.identity import _ascii_groups, days_from_civil
from doudi.synth.schema import (
    _AREA_ARR,
    _D8,
    _D16,
    _HOUSEHOLD_WIRE,
    _dict,
    _dictarr,
    _strings_var,
)
from doudi.synth.villages import County, fujian_counties

MAX_BLOCK_HOUSEHOLDS = 16_384
MIN_BLOCK_HOUSEHOLDS = 256

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

_TYPE_ARR = _dict(t[0] for t in HOUSEHOLD_TYPES)  # household_type column values
_HAO = np.frombuffer("号".encode(), dtype=np.uint8)  # ends every address


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

    @property
    def n_households(self) -> int:
        return int(self.size.shape[0])


def plan_block(
    m: _CountyModel,
    block_no: int,
    n_hh: int,
    remaining: int,
    seq_no: int,
    *,
    seed: int,
    first_person_id: int,
    first_household_id: int,
) -> _Plan:
    """Draw a block of `n_hh` households (the block's random stream is seeded by (seed, county,
    block number)), cut short so that it holds at most `remaining` persons."""
    rnd = _Draw(np.random.default_rng([seed, m.code_int, block_no, 0x5D]))
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
    return _Plan(
        model=m,
        rnd=rnd,
        seq_no=seq_no,
        first_person_id=first_person_id,
        first_household_id=first_household_id,
        township=township,
        village=village,
        urban=urban,
        htype=htype,
        counts=counts,
        size=size,
    )


def household_assets(
    rnd: _Draw, urban: np.ndarray, hardship: np.ndarray, asset_rich: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per household: financial assets (yuan), vehicles, vehicle value (yuan), real estate count."""
    n_hh = urban.shape[0]
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
    return fin, vehicles, vvalue, estate


def addresses(rnd: _Draw, m: _CountyModel, village: np.ndarray, urban: np.ndarray) -> pa.Array:
    """Household addresses: county + township + village name, then a house number 1…399 (urban) or
    1…199 (rural), written without leading zeros, then 号."""
    n_hh = village.shape[0]
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
    return _strings_var(addr_mat, (plen + n_digits + 3).astype(np.int32))


def household_table(
    plan: _Plan,
    hid: np.ndarray,
    address: pa.Array,
    hardship: np.ndarray,
    fin: np.ndarray,
    vehicles: np.ndarray,
    vvalue: np.ndarray,
    estate: np.ndarray,
    registrations: np.ndarray,
) -> pa.Table:
    """The block's households in the wire schema (money in yuan is converted to fen here)."""
    m, n_hh = plan.model, plan.n_households
    return pa.Table.from_arrays(
        [
            pa.array(hid),
            _dictarr(np.zeros(n_hh, dtype=np.int8), m.county_arr, _D8),
            _dictarr(plan.township, m.township_code, _D16),
            _dictarr(plan.village, m.village_code, _D16),
            _dictarr(m.village_name_idx[plan.village], m.village_name, _D16),
            address,
            _dictarr(plan.urban, _AREA_ARR, _D8),
            pa.array(plan.size.astype(np.int16)),
            pa.array(hardship),
            pa.array(_fen(fin)),
            pa.array(vehicles.astype(np.int8)),
            pa.array(_fen(vvalue)),
            pa.array(estate.astype(np.int8)),
            pa.array(registrations.astype(np.int8)),
            pa.array(np.ones(n_hh, dtype=bool)),
            _dictarr(plan.htype, _TYPE_ARR, _D8),
        ],
        schema=_HOUSEHOLD_WIRE,
    )
