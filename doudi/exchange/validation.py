"""Validate a whole department file against its feed schema and normalise it into an Arrow table.

Every problem of the file is collected (up to `PROBLEMS_KEPT`; all are counted). The result is
usable only when there is no problem: ingestion then keeps the table, never a part of it.

What rejects a file: unreadable/empty/truncated file, unknown, duplicate or missing required
columns, a value of the wrong type, a negative amount, a date in the future, a code outside the
list, a row whose natural key repeats an earlier row, and in `strict` feeds (公安) an invalid or
missing ID number. What does not: in `flag` feeds a missing or mistyped ID number; the record is
kept with `id_status` = `missing` / `invalid` for identity resolution, provided name and birth date
are given.

Validation is column by column (Arrow compute and numpy), not row by row. Each column's cells
in the usual shape (`2024-01-31`, `1234.50`, an 18-digit ID number with a right check character)
are checked and converted in bulk. Every other cell (another accepted spelling, or a wrong
value) goes through the per-cell rules below (`_convert`, `idcard.parse`) once per distinct
value, so its value or its Chinese message is the per-cell rule's own. The bulk paths accept only
cells the per-cell rules accept, with the same value; `tests/test_validation_equivalence.py`
compares the result with the former row-by-row validator (`tests/oracle_validation.py`).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from doudi.core import divisions, idcard
from doudi.core.id_hashing import KeyedHasher
from doudi.exchange.readers import Columns, Problem, Table, blank_strings
from doudi.exchange.schemas import Column, ColumnType, FeedSchema, IdPolicy

PROBLEMS_KEPT = 1000
EARLIEST_DATE = dt.date(1880, 1, 1)
CENT = Decimal("0.01")
YUAN_TYPE = pa.decimal128(18, 2)
ARROW_TYPES = {
    ColumnType.TEXT: pa.string(),
    ColumnType.CODE: pa.string(),
    ColumnType.REGION: pa.string(),
    ColumnType.DATE: pa.date32(),
    ColumnType.MONTH: pa.date32(),
    ColumnType.YUAN: YUAN_TYPE,
    ColumnType.DECIMAL: YUAN_TYPE,
    ColumnType.INTEGER: pa.int16(),
    ColumnType.BOOLEAN: pa.bool_(),
}
TRUE_WORDS = {"是", "true", "1", "y", "yes", "t"}
FALSE_WORDS = {"否", "false", "0", "n", "no", "f"}
_DATE_PATTERNS = (
    re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00)?)?$"),
    re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$"),
)
_MONTH_PATTERNS = (
    re.compile(r"^(\d{4})-(\d{1,2})$"),
    re.compile(r"^(\d{4})/(\d{1,2})$"),
    re.compile(r"^(\d{4})(\d{2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月$"),
)


class ValueProblem(Exception):
    """A cell's value is unacceptable; the message is Chinese."""


@dataclass
class ValidationResult:
    problems: list[Problem] = field(default_factory=list)
    problem_count: int = 0
    row_count: int = 0
    id_counts: dict[str, int] = field(
        default_factory=lambda: {"valid": 0, "missing": 0, "invalid": 0}
    )
    table: pa.Table | None = None
    format: str = ""

    @property
    def is_valid(self) -> bool:
        return self.problem_count == 0

    def add(self, problem: Problem) -> None:
        self.problem_count += 1
        if len(self.problems) < PROBLEMS_KEPT:
            self.problems.append(problem)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _date(value: Any, today: dt.date) -> dt.date:
    if isinstance(value, dt.datetime):
        if value.time() != dt.time(0):
            raise ValueProblem(f"日期不应含时间：{value}")
        result = value.date()
    elif isinstance(value, dt.date):
        result = value
    else:
        text = _text(value)
        for pattern in _DATE_PATTERNS:
            match = pattern.match(text)
            if match:
                try:
                    result = dt.date(*(int(part) for part in match.groups()))
                except ValueError as error:
                    raise ValueProblem(f"不是有效日期：{text}") from error
                break
        else:
            raise ValueProblem(f"日期格式不正确：{text}（应为 YYYY-MM-DD）")
    return _date_in_range(result, today)


def _date_in_range(result: dt.date, today: dt.date) -> dt.date:
    if result > today:
        raise ValueProblem(f"日期 {result.isoformat()} 晚于今天（{today.isoformat()}）")
    if result < EARLIEST_DATE:
        raise ValueProblem(f"日期 {result.isoformat()} 早于 1880-01-01")
    return result


def _month(value: Any, today: dt.date) -> dt.date:
    if isinstance(value, dt.date):
        result = (value.date() if isinstance(value, dt.datetime) else value).replace(day=1)
    else:
        text = _text(value)
        for pattern in _MONTH_PATTERNS:
            match = pattern.match(text)
            if match and int(match.group(1)) >= 1 and 1 <= int(match.group(2)) <= 12:
                result = dt.date(int(match.group(1)), int(match.group(2)), 1)
                break
        else:
            raise ValueProblem(f"月份格式不正确：{text}（应为 YYYY-MM）")
    if result > today.replace(day=1):
        raise ValueProblem(f"月份 {result:%Y-%m} 晚于本月（{today:%Y-%m}）")
    return _date_in_range(result, today)


def _amount(value: Any, *, what: str) -> Decimal:
    if isinstance(value, Decimal):
        amount = value
    else:
        text = _text(value).replace(",", "")
        try:
            amount = Decimal(repr(value) if isinstance(value, float) else text)
        except InvalidOperation as error:
            raise ValueProblem(f"{what}格式不正确：{text}") from error
    if not amount.is_finite():
        raise ValueProblem(f"{what}格式不正确：{value}")
    if amount != amount.quantize(CENT):
        raise ValueProblem(f"{what}最多两位小数：{value}")
    if amount < 0:
        raise ValueProblem(f"{what}不能为负数：{amount}")
    if amount >= Decimal(10) ** 16:
        raise ValueProblem(f"{what}超出范围：{amount}")
    return amount.quantize(CENT)


def _integer(value: Any, column: Column) -> int:
    text = _text(value)
    if not re.fullmatch(r"-?\d+", text):
        raise ValueProblem(f"应为整数：{text}")
    number = int(text)
    if (column.minimum is not None and number < column.minimum) or (
        column.maximum is not None and number > column.maximum
    ):
        raise ValueProblem(f"应在 {column.minimum}–{column.maximum} 之间：{number}")
    return number


def _boolean(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = _text(value).lower()
    if text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS:
        return False
    raise ValueProblem(f"应为“是”或“否”：{text}")


def _code(value: Any, column: Column) -> str:
    text = _text(value)
    for code, label in column.choices:
        if text in (code, label):
            return code
    allowed = "、".join(label for _, label in column.choices)
    raise ValueProblem(f"不在代码表中：{text}（可选：{allowed}）")


def _region(value: Any) -> str:
    text = _text(value)
    if not (text.isdigit() and text.isascii() and len(text) in (6, 9, 12)):
        raise ValueProblem(f"区划代码应为 6、9 或 12 位数字：{text}")
    return text


def _convert(column: Column, value: Any, today: dt.date) -> Any:
    kind = column.type
    if kind is ColumnType.TEXT:
        text = _text(value)
        if len(text) > column.max_length:
            raise ValueProblem(f"长度超过 {column.max_length} 个字符")
        return text
    if kind is ColumnType.CODE:
        return _code(value, column)
    if kind is ColumnType.REGION:
        return _region(value)
    if kind is ColumnType.DATE:
        return _date(value, today)
    if kind is ColumnType.MONTH:
        return _month(value, today)
    if kind is ColumnType.YUAN:
        return _amount(value, what="金额")
    if kind is ColumnType.DECIMAL:
        return _amount(value, what="数值")
    if kind is ColumnType.INTEGER:
        return _integer(value, column)
    if kind is ColumnType.BOOLEAN:
        return _boolean(value)
    raise AssertionError(kind)


def _is_empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and value.strip() == "")


def _where(column: Column) -> str:
    return f"{column.label}（{column.name}）"


def _map_header(
    schema: FeedSchema, header: list[str], result: ValidationResult
) -> dict[str, int] | None:
    """Column name -> position. Headers may use the English name or the Chinese label."""
    by_alias = {}
    for column in schema.columns:
        by_alias[column.name] = column
        by_alias[column.label] = column
    positions: dict[str, int] = {}
    for index, cell in enumerate(header):
        column = by_alias.get(cell)
        if column is None:
            shown = cell or f"第 {index + 1} 列（空表头）"
            result.add(Problem(1, shown, "未知列：不在本数据源的数据规范中"))
        elif column.name in positions:
            result.add(Problem(1, _where(column), "列重复出现"))
        else:
            positions[column.name] = index
    for column in schema.columns:
        if column.name not in positions and (
            column.required or column.type is ColumnType.ID_NUMBER
        ):
            result.add(Problem(1, _where(column), "缺少必需的列"))
    return positions if result.is_valid else None


# --- Column-wise checking -------------------------------------------------------------------

NO_PROBLEM = -1
VALID, MISSING, INVALID = 0, 1, 2
STATUS_NAMES = ("valid", "missing", "invalid")
_EARLIEST_DAY = (EARLIEST_DATE - dt.date(1970, 1, 1)).days
_ID_SHAPE = r"^[0-9]{17}[0-9X]$"
_ID_WEIGHTS = np.array(idcard.WEIGHTS, dtype=np.int64)
_ID_CHECK_BYTES = np.frombuffer(idcard.CHECK_CHARACTERS.encode("ascii"), dtype=np.uint8)
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
    normalized_rest: list[str | None] = []
    masked_rest: list[str] = []
    key_rest: list[str] = []
    status_rest = np.empty(len(distinct), dtype=np.int8)
    errors_rest = np.full(len(distinct), NO_PROBLEM, dtype=np.int32)
    for position, cell in enumerate(distinct):
        parsed = idcard.parse(str(cell), today=today)
        status_rest[position] = VALID if parsed.valid else INVALID
        normalized = parsed.normalized if parsed.valid else None
        normalized_rest.append(normalized)
        masked_rest.append(idcard.mask(str(cell)))
        key_rest.append(normalized or idcard.normalize(_text(cell)))
        if strict and not parsed.valid:
            reasons = "；".join(e.message for e in parsed.errors)
            errors_rest[position] = messages.code(
                f"身份证号码无效（{idcard.mask(str(cell))}）：{reasons}"
            )
    status[rest] = status_rest[index]
    errors[rest] = errors_rest[index]

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
        normalized=assemble(plain, normalized_rest, None),
        masked=assemble(masked_bulk, masked_rest, None),
        key=assemble(plain, key_rest, ""),
        errors=errors,
    )


def _hasher(id_hash: Callable[[str], str]) -> Callable[[list[str]], list[str]]:
    """Hash many values: a `KeyedHasher` (what ingestion passes, with the registry's key) hashes
    them with its prepared HMAC states; any other function is called per value."""
    if isinstance(id_hash, KeyedHasher):
        return id_hash.many
    return lambda values: [id_hash(value) for value in values]


def _string_order(strings: pa.Array) -> np.ndarray:
    """Indices sorting a string array without nulls bytewise, as Arrow sorts strings. Strings of
    one width (hex digests) are sorted as a fixed-width byte view of the Arrow buffer."""
    if not len(strings):
        return np.array([], dtype=np.int64)
    lengths = pc.binary_length(strings)
    width = pc.max(lengths).as_py()
    if width and pc.min(lengths).as_py() == width and strings.offset == 0:
        data = strings.buffers()[2]
        start = int(np.frombuffer(strings.buffers()[1], dtype=np.int32)[0])
        view = np.frombuffer(data, dtype=f"S{width}", count=len(strings), offset=start)
        if b"\0" not in data.to_pybytes()[start : start + width * len(strings)]:
            return np.argsort(view, kind="stable")
    return np.asarray(pc.sort_indices(strings), dtype=np.int64)


def _hash_array(
    values: pa.Array, hash_many: Callable[[list[str]], list[str]]
) -> tuple[pa.Array, np.ndarray]:
    """Hash each distinct non-null value once; nulls stay null. Also returns each row's rank in
    the sort order of the hashes (nulls after all others)."""
    encoded = values.dictionary_encode()
    digests = hash_many(encoded.dictionary.to_pylist())
    hashed = pa.array(digests, pa.string())
    order = _string_order(hashed)
    rank = np.empty(len(digests) + 1, dtype=np.int64)
    rank[order] = np.arange(len(digests))
    rank[len(digests)] = len(digests)
    indices = np.asarray(pc.fill_null(encoded.indices, len(digests)), dtype=np.int64)
    return hashed.take(encoded.indices), rank[indices]


def _first_occurrence(keys: list[pa.Array], eligible: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Among `eligible` rows: (their positions, position of the first eligible row with an
    equal key). Nulls compare equal, like `None` in a tuple."""
    positions = np.flatnonzero(eligible)
    codes = np.zeros(len(positions), dtype=np.int64)
    selector = _mask(eligible)
    for number, array in enumerate(keys):
        encoded = array.filter(selector).dictionary_encode(null_encoding="encode")
        codes = codes * len(encoded.dictionary) + np.asarray(encoded.indices, dtype=np.int64)
        if number < len(keys) - 1:
            codes = np.unique(codes, return_inverse=True)[1].ravel()
    _, first, inverse = np.unique(codes, return_index=True, return_inverse=True)
    return positions, positions[first[inverse.ravel()]]


def validate_table(
    schema: FeedSchema,
    table: Table,
    *,
    today: dt.date,
    id_hash: Callable[[str], str],
) -> ValidationResult:
    """Validate every row; build the normalised Arrow table only when nothing is wrong."""
    result = ValidationResult(format=table.format)
    for problem in table.problems:
        result.add(problem)
    if not table.header:
        return result
    positions = _map_header(schema, table.header, result)
    if positions is None:
        return result
    return _validate_columns(schema, table.load_columns(), positions, result, today, id_hash)


def _validate_columns(
    schema: FeedSchema,
    loaded: Columns,
    positions: dict[str, int],
    result: ValidationResult,
    today: dt.date,
    id_hash: Callable[[str], str],
) -> ValidationResult:
    length = len(loaded)
    result.row_count = length
    strict = schema.id_policy is IdPolicy.STRICT
    messages = _Messages()
    columns = [c for c in schema.columns if c.type is not ColumnType.ID_NUMBER]
    values: dict[str, pa.Array] = {}
    errors: dict[str, np.ndarray] = {}
    for column in columns:
        position = positions.get(column.name)
        raw = loaded.cells[position] if position is not None else None
        values[column.name], errors[column.name] = _check_column(
            column, raw, length, today, messages
        )
    identity = _check_identity(
        loaded.cells[positions["id_number"]], length, today, strict=strict, messages=messages
    )

    column_problem = np.zeros(length, dtype=bool)
    for column in columns:
        column_problem |= errors[column.name] != NO_PROBLEM
    id_problem = identity.errors != NO_PROBLEM
    birth_rule = np.zeros(length, dtype=bool)
    if not strict:
        birth_missing = np.asarray(values["birth_date"].is_null(), dtype=bool)
        birth_rule = (identity.status != VALID) & birth_missing & ~column_problem & ~id_problem

    # A duplicate is reported whenever its key columns are readable, whatever else is wrong.
    bad_key = np.zeros(length, dtype=bool)
    keys = []
    for name in schema.natural_key:
        if name == "id_number":
            bad_key |= id_problem
            keys.append(identity.key)
        else:
            bad_key |= errors[name] != NO_PROBLEM
            keys.append(values[name])
    duplicate = np.zeros(length, dtype=bool)
    first_row = np.zeros(length, dtype=np.int64)
    if length:
        eligible_rows, first = _first_occurrence(keys, ~bad_key)
        repeated = first != eligible_rows
        duplicate[eligible_rows[repeated]] = True
        first_row[eligible_rows[repeated]] = loaded.row_numbers[first[repeated]]

    per_row = id_problem.astype(np.int64) + birth_rule + duplicate
    for column in columns:
        per_row += errors[column.name] != NO_PROBLEM
    reader_problems = loaded.problems
    result.problem_count += len(reader_problems) + int(per_row.sum())
    _list_problems(
        schema,
        loaded,
        result,
        columns,
        errors,
        identity,
        birth_rule,
        duplicate,
        first_row,
        per_row,
        messages,
    )

    # What the row-by-row validator counted: rows up to the first problem of the file.
    problem_rows = np.flatnonzero(per_row)
    stop = min([length, *problem_rows[:1].tolist(), *(before for before, _ in reader_problems)])
    counted = np.bincount(identity.status[:stop], minlength=3)
    result.id_counts = {name: int(counted[i]) for i, name in enumerate(STATUS_NAMES)}

    if not result.is_valid:
        return result
    if length == 0:
        result.add(Problem(None, None, "文件没有数据行"))
        return result
    hash_many = _hasher(id_hash)
    output = {}
    for column in columns:
        output[column.name] = (
            _hash_array(values[column.name], hash_many)[0]
            if column.is_hashed
            else values[column.name]
        )
    person_key, person_rank = _hash_array(identity.normalized, hash_many)
    arrays = {
        "person_key": person_key,
        "id_status": pa.array(STATUS_NAMES, pa.string()).take(pa.array(identity.status)),
        "id_number_masked": identity.masked,
        **output,
        "source_row": pa.array(loaded.row_numbers, pa.int64()),
    }
    normalised = pa.table(arrays)
    # Sorted by person key (nulls last), then source row, so that row-group statistics prune a
    # lookup by person to one group. Hex digests sort alike as Python and Arrow strings.
    order = np.lexsort((loaded.row_numbers, person_rank))
    result.table = normalised.take(pa.array(order))
    return result


def _list_problems(
    schema: FeedSchema,
    loaded: Columns,
    result: ValidationResult,
    columns: list[Column],
    errors: dict[str, np.ndarray],
    identity: _Identity,
    birth_rule: np.ndarray,
    duplicate: np.ndarray,
    first_row: np.ndarray,
    per_row: np.ndarray,
    messages: _Messages,
) -> None:
    """Keep the first `PROBLEMS_KEPT` problems in the order the department reads its file: by
    row; in a row, the columns in schema order, then the ID number, the birth-date rule and the
    duplicate; a reading problem before the row it was met ahead of."""
    room = PROBLEMS_KEPT - len(result.problems)
    kept: list[Problem] = []
    reader_problems = loaded.problems
    pending = 0
    wheres = [(_where(column), errors[column.name]) for column in columns]
    id_where = _where(schema.id_column)
    birth_where = f"{schema.column_by_name['birth_date'].label}（birth_date）"
    labels = "、".join(schema.column_by_name[n].label for n in schema.natural_key)
    texts = messages.texts
    for index in np.flatnonzero(per_row):
        if len(kept) >= room:
            break
        while pending < len(reader_problems) and reader_problems[pending][0] <= index:
            kept.append(reader_problems[pending][1])
            pending += 1
        number = int(loaded.row_numbers[index])
        for where, problems in wheres:
            if problems[index] != NO_PROBLEM:
                kept.append(Problem(number, where, texts[problems[index]]))
        if identity.errors[index] != NO_PROBLEM:
            kept.append(Problem(number, id_where, texts[identity.errors[index]]))
        if birth_rule[index]:
            kept.append(
                Problem(number, birth_where, "身份证号码缺失或无效时，出生日期必填（供身份比对）")
            )
        if duplicate[index]:
            kept.append(
                Problem(number, None, f"重复记录：与第 {first_row[index]} 行的{labels}相同")
            )
    kept.extend(problem for _, problem in reader_problems[pending:])
    result.problems.extend(kept[: max(room, 0)])
