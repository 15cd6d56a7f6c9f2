"""The columns of a feed: name, Chinese label, type, and how a value is checked (no Django)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class ColumnType(StrEnum):
    ID_NUMBER = "id_number"  # 公民身份号码: normalised, stored only as keyed HMAC (+ masked form)
    TEXT = "text"
    CODE = "code"  # one of `choices`
    REGION = "region"  # administrative division code, 6, 9 or 12 digits
    DATE = "date"  # not in the future
    MONTH = "month"  # YYYY-MM, stored as the first day; not in the future
    YUAN = "yuan"  # Decimal yuan, 2 decimals, never negative
    DECIMAL = "decimal"  # non-negative number with up to 2 decimals (areas)
    INTEGER = "integer"  # between `minimum` and `maximum`
    BOOLEAN = "boolean"  # 是/否, true/false, 1/0


@dataclass(frozen=True)
class Column:
    name: str
    label: str
    type: ColumnType
    required: bool = True
    unit: str = ""
    choices: tuple[tuple[str, str], ...] = ()  # (code, Chinese label); either is accepted
    max_length: int = 200
    minimum: int | None = None
    maximum: int | None = None
    # The value embeds an ID number (the 残疾人证号 is the holder's number + type + grade): it is
    # stored only as the keyed HMAC, like the ID number itself.
    is_hashed: bool = False

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(code for code, _ in self.choices)


C = Column
T = ColumnType

IDENTITY_COLUMNS = ("id_number", "name", "birth_date", "region_code")


def identity_columns(*, strict: bool = False) -> tuple[Column, ...]:
    """The identity columns every feed starts with (`IDENTITY_COLUMNS`): what identity
    resolution links on. In `strict` feeds the ID number and the birth date are required."""
    return (
        C("id_number", "公民身份号码", T.ID_NUMBER, required=strict),
        C("name", "姓名", T.TEXT, max_length=50),
        C("birth_date", "出生日期", T.DATE, required=strict),
        C("region_code", "所在区划代码", T.REGION, required=False),
    )
