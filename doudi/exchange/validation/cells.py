"""The per-cell rules: each accepted spelling of a value of each column type, its normalised
value, or the Chinese message of why it is not accepted (no Django imports).

Column-wise checking (`columns.py`) accepts the usual shapes in bulk and sends every other
distinct cell here, so a value or a message is always the one these rules give."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import Any

import pyarrow as pa

from doudi.exchange.schemas import Column, ColumnType

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
