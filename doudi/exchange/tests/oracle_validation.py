"""THE ROW-BY-ROW VALIDATOR AS IT WAS BEFORE VECTORISATION, kept verbatim as a test oracle.

`doudi.exchange.validation` (vectorised) must give byte-for-byte the same problems, counts and
normalised table as this module on every file: `test_validation_equivalence.py` compares them on
random files with injected errors. Do not "improve" this file: it pins the behaviour.

Original docstring: Validate a whole department file against its feed schema and normalise it into an Arrow table.

Every problem of the file is collected (up to `PROBLEMS_KEPT`; all are counted). The result is
usable only when there is no problem: ingestion then keeps the table, never a part of it.

What rejects a file: unreadable/empty/truncated file, unknown, duplicate or missing required
columns, a value of the wrong type, a negative amount, a date in the future, a code outside the
list, a row whose natural key repeats an earlier row, and in `strict` feeds (公安) an invalid or
missing ID number. What does not: in `flag` feeds a missing or mistyped ID number; the record is
kept with `id_status` = `missing` / `invalid` for identity resolution, provided name and birth date
are given.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

import pyarrow as pa

from doudi.core import idcard
from doudi.exchange.readers import Problem, Table
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


def validate_table(
    schema: FeedSchema,
    table: Table,
    *,
    today: dt.date,
    id_hash: Callable[[str], str],
) -> ValidationResult:
    """Validate every row; build the normalised Arrow table only when nothing is wrong."""
    result = ValidationResult(format=table.format)
    flushed = 0

    def flush_reader_problems() -> None:
        # The reader reports unreadable rows while it is iterated; keep them in row order.
        nonlocal flushed
        for problem in table.problems[flushed:]:
            result.add(problem)
        flushed = len(table.problems)

    flush_reader_problems()
    if not table.header:
        return result
    positions = _map_header(schema, table.header, result)
    if positions is None:
        return result

    columns = [c for c in schema.columns if c.type is not ColumnType.ID_NUMBER]
    out: dict[str, list[Any]] = {c.name: [] for c in columns}
    person_keys: list[str | None] = []
    id_statuses: list[str] = []
    masked: list[str | None] = []
    source_rows: list[int] = []
    seen: dict[tuple[Any, ...], int] = {}
    id_column = schema.id_column
    strict = schema.id_policy is IdPolicy.STRICT

    for number, cells in table.rows:
        flush_reader_problems()
        result.row_count += 1
        values: dict[str, Any] = {}
        bad: set[str] = set()
        row_ok = True
        for column in columns:
            position = positions.get(column.name)
            raw = cells[position] if position is not None else None
            if _is_empty(raw):
                if column.required:
                    result.add(Problem(number, _where(column), "必填项为空"))
                    row_ok = False
                    bad.add(column.name)
                values[column.name] = None
                continue
            try:
                values[column.name] = _convert(column, raw, today)
            except ValueProblem as error:
                result.add(Problem(number, _where(column), str(error)))
                row_ok = False
                bad.add(column.name)
                values[column.name] = None

        raw_id = cells[positions["id_number"]]
        normalized_id: str | None = None
        if _is_empty(raw_id):
            status = "missing"
        else:
            parsed = idcard.parse(str(raw_id), today=today)
            status = "valid" if parsed.valid else "invalid"
            normalized_id = parsed.normalized if parsed.valid else None
            if not parsed.valid and strict:
                reasons = "；".join(e.message for e in parsed.errors)
                result.add(
                    Problem(
                        number,
                        _where(id_column),
                        f"身份证号码无效（{idcard.mask(str(raw_id))}）：{reasons}",
                    )
                )
                row_ok = False
                bad.add("id_number")
        if status == "missing" and strict:
            result.add(Problem(number, _where(id_column), "必填项为空"))
            row_ok = False
            bad.add("id_number")
        if status != "valid" and not strict and values.get("birth_date") is None and row_ok:
            result.add(
                Problem(
                    number,
                    f"{schema.column_by_name['birth_date'].label}（birth_date）",
                    "身份证号码缺失或无效时，出生日期必填（供身份比对）",
                )
            )
            row_ok = False

        key = tuple(
            (normalized_id or idcard.normalize(_text(raw_id)))
            if name == "id_number"
            else values.get(name)
            for name in schema.natural_key
        )
        # A duplicate is reported whenever its key columns are readable, whatever else is wrong.
        if not bad.intersection(schema.natural_key):
            first = seen.get(key)
            if first is not None:
                labels = "、".join(schema.column_by_name[n].label for n in schema.natural_key)
                result.add(Problem(number, None, f"重复记录：与第 {first} 行的{labels}相同"))
                row_ok = False
            else:
                seen[key] = number
        if not row_ok or not result.is_valid:
            continue
        result.id_counts[status] += 1
        for name, value in values.items():
            hashed = value is not None and schema.column_by_name[name].is_hashed
            out[name].append(id_hash(value) if hashed else value)
        person_keys.append(id_hash(normalized_id) if normalized_id else None)
        id_statuses.append(status)
        masked.append(idcard.mask(str(raw_id)) if not _is_empty(raw_id) else None)
        source_rows.append(number)

    flush_reader_problems()
    if not result.is_valid:
        return result
    if result.row_count == 0:
        result.add(Problem(None, None, "文件没有数据行"))
        return result
    arrays = {
        "person_key": pa.array(person_keys, pa.string()),
        "id_status": pa.array(id_statuses, pa.string()),
        "id_number_masked": pa.array(masked, pa.string()),
        **{c.name: pa.array(out[c.name], ARROW_TYPES[c.type]) for c in columns},
        "source_row": pa.array(source_rows, pa.int64()),
    }
    normalised = pa.table(arrays)
    # Sorted by person key so that row-group statistics prune a lookup by person to one group.
    result.table = normalised.sort_by([("person_key", "ascending"), ("source_row", "ascending")])
    return result
