"""Column-wise checking of the ID number: an 18-character number of 17 digits plus a digit or X
is checked in numpy (MOD 11-2 check character, known address code, real birth date in range);
any other distinct number goes through `idcard.parse` once (no Django imports)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from doudi.core import divisions, idcard
from doudi.exchange.validation.arrays import (
    NO_PROBLEM,
    _as_strings,
    _distinct,
    _empty_cells,
    _mask,
    _matches,
    _Messages,
    _string_emptiness,
    _today_day,
    _ymd_days,
)
from doudi.exchange.validation.cells import _text

VALID, MISSING, INVALID = 0, 1, 2

STATUS_NAMES = ("valid", "missing", "invalid")

_ID_SHAPE = r"^[0-9]{17}[0-9X]$"

_ID_WEIGHTS = np.array(idcard.WEIGHTS, dtype=np.int64)

_ID_CHECK_BYTES = np.frombuffer(idcard.CHECK_CHARACTERS.encode("ascii"), dtype=np.uint8)


@dataclass
class _Identity:
    status: np.ndarray  # VALID / MISSING / INVALID per row
    normalized: pa.Array  # the 18-character number when valid, else null
    masked: pa.Array
    key: pa.Array  # what the natural key compares: normalised number, or the cleaned input
    errors: np.ndarray


def _valid_shaped_numbers(numbers: pa.Array, today: dt.date) -> np.ndarray:
    """For 18-character numbers already of the shape 17 digits + digit/X: does `idcard.parse`
    find nothing wrong (check character, known address code, real birth date in range)?"""
    buffers = numbers.buffers()
    offsets = np.frombuffer(buffers[1], dtype=np.int32)[numbers.offset :][: len(numbers) + 1]
    raw = np.frombuffer(buffers[2], dtype=np.uint8)[offsets[0] : offsets[-1]].reshape(-1, 18)
    digits = raw[:, :17].astype(np.int64) - 48
    check_ok = raw[:, 17] == _ID_CHECK_BYTES[(digits @ _ID_WEIGHTS) % 11]
    address = digits[:, :6] @ (10 ** np.arange(5, -1, -1, dtype=np.int64))
    codes, where = np.unique(address, return_inverse=True)
    known = np.array(
        [divisions.address_code_status(f"{code:06d}") is not None for code in codes], dtype=bool
    )
    years = digits[:, 6:10] @ np.array([1000, 100, 10, 1])
    real, born = _ymd_days(years, digits[:, 10:12] @ [10, 1], digits[:, 12:14] @ [10, 1])
    earliest = (idcard.EARLIEST_BIRTH_DATE - dt.date(1970, 1, 1)).days
    birth_ok = real & (born >= earliest) & (born <= _today_day(today))
    return check_ok & known[where.ravel()] & birth_ok


@dataclass
class _Parsed:
    """The distinct numbers left for `idcard.parse`, each one's results."""

    status: np.ndarray
    errors: np.ndarray
    normalized: list[str | None]
    masked: list[str]
    key: list[str]


def _parse_distinct(
    distinct: list[Any], today: dt.date, *, strict: bool, messages: _Messages
) -> _Parsed:
    """Parse each distinct number once: its status, its problem (strict feeds), the normalised
    number, the masked form and what the natural key compares."""
    parsed_all = _Parsed(
        status=np.empty(len(distinct), dtype=np.int8),
        errors=np.full(len(distinct), NO_PROBLEM, dtype=np.int32),
        normalized=[],
        masked=[],
        key=[],
    )
    for position, cell in enumerate(distinct):
        parsed = idcard.parse(str(cell), today=today)
        parsed_all.status[position] = VALID if parsed.valid else INVALID
        normalized = parsed.normalized if parsed.valid else None
        parsed_all.normalized.append(normalized)
        parsed_all.masked.append(idcard.mask(str(cell)))
        parsed_all.key.append(normalized or idcard.normalize(_text(cell)))
        if strict and not parsed.valid:
            reasons = "；".join(e.message for e in parsed.errors)
            parsed_all.errors[position] = messages.code(
                f"身份证号码无效（{idcard.mask(str(cell))}）：{reasons}"
            )
    return parsed_all


def _check_identity(
    raw: Any, length: int, today: dt.date, *, strict: bool, messages: _Messages
) -> _Identity:
    status = np.full(length, INVALID, dtype=np.int8)
    errors = np.full(length, NO_PROBLEM, dtype=np.int32)
    bulk = np.zeros(length, dtype=bool)
    strings = _as_strings(raw)
    if strings is not None:
        empty, _ = _string_emptiness(strings)
        shaped = _matches(strings, _ID_SHAPE) & ~empty
        if shaped.any():
            bulk[np.flatnonzero(shaped)] = _valid_shaped_numbers(
                strings.filter(_mask(shaped)), today
            )
    else:
        empty = _empty_cells(raw, length)
    status[empty] = MISSING
    status[bulk] = VALID
    if strict:
        errors[empty] = messages.code("必填项为空")
    rest = ~empty & ~bulk
    distinct, index = _distinct(raw, rest)
    parsed = _parse_distinct(distinct, today, strict=strict, messages=messages)
    status[rest] = parsed.status[index]
    errors[rest] = parsed.errors[index]

    count = int(bulk.sum())
    taken = np.full(length, count + len(index), dtype=np.int64)  # missing: the last slot
    taken[bulk] = np.arange(count)
    taken[rest] = count + np.arange(len(index))
    taken = pa.array(taken)
    rest_index = pa.array(index, pa.int64())
    plain = strings.filter(_mask(bulk)) if count else pa.array([], pa.string())
    masked_bulk = pc.binary_join_element_wise(
        pc.utf8_slice_codeunits(plain, 0, 4), "*" * 10, pc.utf8_slice_codeunits(plain, 14, 18), ""
    )

    def assemble(bulk_part: pa.Array, rest_part: list[Any], last: str | None) -> pa.Array:
        """Per row: the bulk value, the parsed distinct value, or `last` for a missing one."""
        if count == length:
            return bulk_part
        parts = [
            bulk_part,
            pa.array(rest_part, pa.string()).take(rest_index),
            pa.array([last], pa.string()),
        ]
        return pa.concat_arrays(parts).take(taken)

    return _Identity(
        status=status,
        normalized=assemble(plain, parsed.normalized, None),
        masked=assemble(masked_bulk, parsed.masked, None),
        key=assemble(plain, parsed.key, ""),
        errors=errors,
    )
