"""Money in yuan as Decimal, rounded in exactly one place."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from doudi.core.exceptions import ApplicationError

CENT = Decimal("0.01")


def quantize_yuan(amount: Decimal | int | str) -> Decimal:
    """Round an amount of yuan to the fen (0.01), half up: the platform's only rounding rule."""
    return Decimal(amount).quantize(CENT, rounding=ROUND_HALF_UP)


def parse_yuan(value: str | int | Decimal) -> Decimal:
    """Parse a yuan amount from input; refuses floats (binary fractions) and more than 2 decimals."""
    if isinstance(value, float):
        raise TypeError("金额不能用浮点数表示")
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation as error:
        raise ValueError(f"金额格式不正确：{value!r}") from error
    if not amount.is_finite():
        raise ValueError(f"金额格式不正确：{value!r}")
    if amount != amount.quantize(CENT):
        raise ValueError(f"金额最多两位小数：{value!r}")
    return amount.quantize(CENT)


def fen_to_yuan(fen: int) -> Decimal:
    """Integer fen (as stored in Parquet and the rules engine) to yuan."""
    return (Decimal(int(fen)) / 100).quantize(CENT)


def yuan_to_fen(amount: Decimal) -> int:
    """Yuan to integer fen; the amount must already be a whole number of fen."""
    quantized = quantize_yuan(amount)
    if quantized != amount:
        raise ValueError(f"金额最多两位小数：{amount}")
    return int(quantized * 100)


def format_yuan(amount: Decimal) -> str:
    """'1234.5' -> '1,234.50 元' for display."""
    return f"{quantize_yuan(amount):,.2f} 元"


def amount_parse(
    value: Any, *, field: str, label: str, maximum: Decimal = Decimal("10000000000")
) -> Decimal:
    """A positive amount of yuan with at most two decimals, below ``maximum``; otherwise an
    `ApplicationError` on ``field`` that names the amount by its ``label``."""
    if value is None or (isinstance(value, str) and not value.strip()):
        raise ApplicationError(f"请填写{label}", field=field)
    try:
        amount = parse_yuan(value)
    except (TypeError, ValueError) as error:
        raise ApplicationError(
            f"{label}格式不正确：{value}（元，最多两位小数）", field=field
        ) from error
    if amount <= 0:
        raise ApplicationError(f"{label}必须大于0，不能为 {format_yuan(amount)}", field=field)
    if amount >= maximum:
        raise ApplicationError(f"{label}过大：{format_yuan(amount)}", field=field)
    return amount
