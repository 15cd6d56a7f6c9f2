"""Column-wise checking of every column but the ID number: cells in the usual shape for the
column type are checked and converted in bulk with Arrow compute and numpy; every other distinct
cell goes through the per-cell rules (`cells.py`) once (no Django imports)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from doudi.exchange.schemas import Column, ColumnType
from doudi.exchange.validation.arrays import (
    _EARLIEST_DAY,
    NO_PROBLEM,
    _as_strings,
    _distinct,
    _empty_cells,
    _integers,
    _mask,
    _matches,
    _Messages,
    _string_emptiness,
    _today_day,
    _ymd_days,
)
from doudi.exchange.validation.cells import (
    ARROW_TYPES,
    FALSE_WORDS,
    TRUE_WORDS,
    YUAN_TYPE,
    ValueProblem,
    _convert,
)

_DATE_SHAPE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"

_MONTH_SHAPE = r"^[0-9]{4}-[0-9]{2}$"

_AMOUNT_SHAPE = r"^[0-9]{1,16}(?:\.[0-9]{1,2})?$"

_INTEGER_SHAPE = r"^-?[0-9]{1,5}$"

_REGION_SHAPE = r"^(?:[0-9]{6}|[0-9]{9}|[0-9]{12})$"

# Spellings checked in bulk; any other spelling goes through `_boolean` itself.
_BOOLEAN_WORDS = {
    word: word.lower() in TRUE_WORDS
    for base in TRUE_WORDS | FALSE_WORDS
    for word in (base, base.upper(), base.capitalize())
    if word.lower() in TRUE_WORDS | FALSE_WORDS
}


def _bulk_strings(column: Column, strings: pa.Array, today: dt.date) -> tuple[np.ndarray, pa.Array]:
    """Cells (already non-empty, no surrounding whitespace) in the usual shape for the column type:
    (accepted per cell, their values). Anything not accepted here goes through `_convert`."""
    kind = column.type
    if kind is ColumnType.TEXT:
        ok = np.asarray(pc.utf8_length(strings), dtype=np.int64) <= column.max_length
        return ok, strings.filter(_mask(ok))
    if kind is ColumnType.CODE:
        aliases: dict[str, str] = {}
        for code, label in column.choices:
            aliases.setdefault(code, code)
            aliases.setdefault(label, code)
        index = pc.index_in(strings, value_set=pa.array(list(aliases), pa.string()))
        ok = np.asarray(index.is_valid(), dtype=bool)
        codes = pa.array(list(aliases.values()), pa.string())
        return ok, codes.take(index.filter(_mask(ok)))
    if kind is ColumnType.REGION:
        ok = _matches(strings, _REGION_SHAPE)
        return ok, strings.filter(_mask(ok))
    if kind in (ColumnType.DATE, ColumnType.MONTH):
        shaped = _matches(strings, _DATE_SHAPE if kind is ColumnType.DATE else _MONTH_SHAPE)
        ok = np.zeros(len(strings), dtype=bool)
        if not shaped.any():
            return ok, pa.array([], pa.date32())
        candidates = strings.filter(_mask(shaped))
        years = _integers(candidates, 0, 4)
        months = _integers(candidates, 5, 7)
        if kind is ColumnType.DATE:
            real, days = _ymd_days(years, months, _integers(candidates, 8, 10))
            latest = _today_day(today)
        else:
            real, days = _ymd_days(years, months, np.ones_like(years))
            latest = _today_day(today.replace(day=1))
        accepted = real & (days >= _EARLIEST_DAY) & (days <= latest)
        ok[np.flatnonzero(shaped)[accepted]] = True
        return ok, pa.array(days[accepted].astype(np.int32), pa.int32()).cast(pa.date32())
    if kind in (ColumnType.YUAN, ColumnType.DECIMAL):
        ok = _matches(strings, _AMOUNT_SHAPE)
        return ok, strings.filter(_mask(ok)).cast(YUAN_TYPE)
    if kind is ColumnType.INTEGER:
        shaped = _matches(strings, _INTEGER_SHAPE)
        numbers = np.zeros(len(strings), dtype=np.int64)
        if shaped.any():
            numbers[shaped] = np.asarray(strings.filter(_mask(shaped)).cast(pa.int64()))
        low = -(2**15) if column.minimum is None else column.minimum
        high = 2**15 - 1 if column.maximum is None else column.maximum
        ok = shaped & (numbers >= low) & (numbers <= high)
        return ok, pa.array(numbers[ok], pa.int16())
    if kind is ColumnType.BOOLEAN:
        words = pa.array(list(_BOOLEAN_WORDS), pa.string())
        index = pc.index_in(strings, value_set=words)
        ok = np.asarray(index.is_valid(), dtype=bool)
        meanings = pa.array(list(_BOOLEAN_WORDS.values()), pa.bool_())
        return ok, meanings.take(index.filter(_mask(ok)))
    return np.zeros(len(strings), dtype=bool), pa.array([], ARROW_TYPES[kind])


def _bulk_typed(column: Column, raw: pa.Array, today: dt.date) -> tuple[np.ndarray, pa.Array]:
    """Typed Parquet cells (non-null) checked in bulk: dates and booleans."""
    kind = column.type
    present = np.asarray(raw.is_valid(), dtype=bool)
    if pa.types.is_date32(raw.type) and kind in (ColumnType.DATE, ColumnType.MONTH):
        days = np.asarray(pc.fill_null(raw, 0).cast(pa.int32()), dtype=np.int64)
        latest = _today_day(today)
        if kind is ColumnType.MONTH:
            days = days.astype("datetime64[D]").astype("datetime64[M]").astype("datetime64[D]")
            days = days.astype(np.int64)
            latest = _today_day(today.replace(day=1))
        ok = present & (days >= _EARLIEST_DAY) & (days <= latest)
        return ok, pa.array(days[ok].astype(np.int32), pa.int32()).cast(pa.date32())
    if pa.types.is_boolean(raw.type) and kind is ColumnType.BOOLEAN:
        return present, raw.filter(_mask(present))
    return np.zeros(len(raw), dtype=bool), pa.array([], ARROW_TYPES[kind])


def _check_column(
    column: Column, raw: Any, length: int, today: dt.date, messages: _Messages
) -> tuple[pa.Array, np.ndarray]:
    """(normalised values, null where empty or wrong; problem index per row or NO_PROBLEM)."""
    arrow_type = ARROW_TYPES[column.type]
    errors = np.full(length, NO_PROBLEM, dtype=np.int32)
    if raw is None:  # optional column absent from the file
        if column.required:
            errors[:] = messages.code("必填项为空")
        return pa.nulls(length, arrow_type), errors
    bulk = np.zeros(length, dtype=bool)
    bulk_values = pa.array([], arrow_type)
    strings = _as_strings(raw)
    if strings is not None:
        empty, edge = _string_emptiness(strings)
        plain = ~empty & ~edge
        if plain.any():
            accepted, bulk_values = _bulk_strings(column, strings.filter(_mask(plain)), today)
            bulk[np.flatnonzero(plain)[accepted]] = True
    else:
        empty = _empty_cells(raw, length)
        if isinstance(raw, pa.Array):
            bulk, bulk_values = _bulk_typed(column, raw, today)
    rest = ~empty & ~bulk
    distinct, index = _distinct(raw, rest)
    values: list[Any] = []
    problems = np.full(len(distinct), NO_PROBLEM, dtype=np.int32)
    for position, cell in enumerate(distinct):
        try:
            values.append(_convert(column, cell, today))
        except ValueProblem as error:
            values.append(None)
            problems[position] = messages.code(str(error))
    errors[rest] = problems[index]
    if column.required:
        errors[empty] = messages.code("必填项为空")
    if bulk.all():
        return bulk_values.cast(arrow_type), errors
    taken = np.full(length, len(bulk_values) + len(index), dtype=np.int64)
    taken[bulk] = np.arange(len(bulk_values))
    taken[rest] = len(bulk_values) + np.arange(len(index))
    parts = [
        bulk_values.cast(arrow_type),
        pa.array(values, arrow_type).take(pa.array(index, pa.int64())),
        pa.nulls(1, arrow_type),
    ]
    return pa.concat_arrays(parts).take(pa.array(taken)), errors
