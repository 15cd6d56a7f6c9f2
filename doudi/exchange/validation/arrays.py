"""Array helpers of column-wise checking: masks, regex matches, emptiness, dates as days, the
distinct cells left for the per-cell rules, and problem texts by index (no Django imports)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from doudi.exchange.readers import blank_strings
from doudi.exchange.validation.cells import EARLIEST_DATE, _is_empty

NO_PROBLEM = -1

_EARLIEST_DAY = (EARLIEST_DATE - dt.date(1970, 1, 1)).days


class _Messages:
    """Distinct problem texts, referred to by index from per-row int32 arrays."""

    def __init__(self) -> None:
        self.texts: list[str] = []
        self._index: dict[str, int] = {}

    def code(self, text: str) -> int:
        index = self._index.get(text)
        if index is None:
            index = self._index[text] = len(self.texts)
            self.texts.append(text)
        return index


def _mask(values: Any) -> pa.Array:
    return pa.array(np.asarray(values, dtype=bool), pa.bool_())


def _bools(array: pa.Array) -> np.ndarray:
    return np.asarray(pc.fill_null(array, False), dtype=bool)


def _matches(strings: pa.Array, pattern: str) -> np.ndarray:
    return _bools(pc.match_substring_regex(strings, pattern))


def _as_strings(raw: Any) -> pa.Array | None:
    """The cells as Arrow strings when that is how `_text` sees them (text, whole numbers)."""
    if not isinstance(raw, pa.Array):
        return None
    if pa.types.is_string(raw.type) or pa.types.is_large_string(raw.type):
        return raw.cast(pa.string())
    if pa.types.is_integer(raw.type):
        return raw.cast(pa.string())  # str(int) is what `_text` gives
    return None


def _string_emptiness(strings: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """(`_is_empty` per cell, cell starts or ends with whitespace) for a string array."""
    return blank_strings(strings)


def _empty_cells(raw: Any, length: int) -> np.ndarray:
    if isinstance(raw, pa.Array):
        return np.asarray(raw.is_null(), dtype=bool)
    return np.fromiter((_is_empty(cell) for cell in raw), dtype=bool, count=length)


def _ymd_days(
    years: np.ndarray, months: np.ndarray, days: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """(is a real date, days since 1970-01-01) for year/month/day integers."""
    real = (years >= 1) & (months >= 1) & (months <= 12) & (days >= 1)
    month_start = (
        (np.where(real, years, 1970) - 1970) * 12 + np.where(real, months, 1) - 1
    ).astype("datetime64[M]")
    first = month_start.astype("datetime64[D]").astype(np.int64)
    following = (month_start + 1).astype("datetime64[D]").astype(np.int64)
    real &= days <= following - first
    return real, first + days - 1


def _integers(strings: pa.Array, start: int, stop: int) -> np.ndarray:
    part = pc.utf8_slice_codeunits(strings, start, stop)
    return np.asarray(part.cast(pa.int64()), dtype=np.int64)


def _today_day(today: dt.date) -> int:
    return (today - dt.date(1970, 1, 1)).days


def _distinct(raw: Any, mask: np.ndarray) -> tuple[list[Any], np.ndarray]:
    """The distinct cells where `mask` is set (as Python values) and each such cell's index."""
    if isinstance(raw, pa.Array):
        subset = raw.filter(_mask(mask))
        try:
            encoded = subset.dictionary_encode()
        except pa.ArrowNotImplementedError:
            return subset.to_pylist(), np.arange(len(subset))
        return encoded.dictionary.to_pylist(), np.asarray(encoded.indices, dtype=np.int64)
    cells = [raw[i] for i in np.flatnonzero(mask)]
    return cells, np.arange(len(cells))
