"""公民身份号码 (GB 11643-1999): normalise, validate and decode, without Django.

Why not `stdnum.cn.ric.validate` alone (see LIBRARIES.md and `docs/idcard.md`): it rejects retired
address codes (350402 梅列区), accepts birth dates in the future, stops at the first problem, and
checks that the address code existed in the birth year, which is wrong: a number carries the code
valid when it was *issued*, not at birth. This module checks everything against our own division
table (current and retired codes) and a caller-supplied `today`, and reports every problem found.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any, Literal

from doudi.core import divisions

# ISO 7064 MOD 11-2 (POLICY.md §9): W_i = 2^(17-i) mod 11; the check character for S mod 11 = 0..10.
WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARACTERS = "10X98765432"
# The standard's own oldest example is 440524188001010014 (born 1880-01-01).
EARLIEST_BIRTH_DATE = datetime.date(1880, 1, 1)

Sex = Literal["M", "F"]

_TO_ASCII = str.maketrans(
    {chr(0xFF10 + digit): str(digit) for digit in range(10)} | {"Ｘ": "X", "ｘ": "X", "x": "X"}
)
_DIGITS = frozenset("0123456789")


@dataclass(frozen=True, slots=True)
class IdCardError:
    """One problem: `code` is a stable English identifier, `message` is Chinese and names the field."""

    code: str
    message: str


@dataclass(frozen=True, slots=True)
class IdCardResult:
    """What could be decoded from the input, and every problem found.

    Decoded fields are filled in as far as the characters allow even when `valid` is False (a
    caseworker fixing a typo wants to see them); consumers must check `valid` before relying on
    them. `normalized` is the 18-character number (upgraded from 15 digits) when the input has a
    valid shape, else None."""

    valid: bool
    input: str
    normalized: str | None = None
    sex: Sex | None = None
    birth_date: datetime.date | None = None
    address_code: str | None = None
    region_name: str | None = None
    address_code_status: divisions.AddressCodeStatus | None = None
    was_legacy_15: bool = False
    errors: tuple[IdCardError, ...] = field(default=())

    @property
    def error_codes(self) -> tuple[str, ...]:
        return tuple(error.code for error in self.errors)

    def age_on(self, on_date: datetime.date) -> int:
        """Completed years on `on_date`. Raises ValueError for an invalid number, so that an age
        threshold (16/18/60/70) is never decided from a number that failed validation."""
        if not self.valid or self.birth_date is None:
            raise ValueError("身份证号码无效，不能计算年龄")
        return age_on(self.birth_date, on_date)

    def to_json_dict(self) -> dict[str, Any]:
        """The `doudi idcard` output: plain JSON types, Chinese error messages."""
        return {
            "valid": self.valid,
            "normalized": self.normalized,
            "sex": self.sex,
            "birth_date": self.birth_date.isoformat() if self.birth_date else None,
            "address_code": self.address_code,
            "region_name": self.region_name,
            "address_code_status": self.address_code_status,
            "was_legacy_15": self.was_legacy_15,
            "errors": [error.message for error in self.errors],
        }


def normalize(raw: str) -> str:
    """Remove all whitespace (full-width space included), turn full-width digits and Ｘ/ｘ into
    ASCII, and upper-case x: what people type or paste from Chinese input methods."""
    return "".join(raw.split()).translate(_TO_ASCII)


def _is_digits(text: str) -> bool:
    return bool(text) and set(text) <= _DIGITS


def check_character(first17: str) -> str:
    """The ISO 7064 MOD 11-2 check character of the first 17 digits ('0'-'9' or 'X').

    Computed here rather than with `stdnum.cn.ric.calc_check_digit`, which expects the full 18
    characters and silently drops the last one: passing it 17 digits gives a wrong answer."""
    if len(first17) != 17 or not _is_digits(first17):
        raise ValueError(f"需要 17 位数字，实为 {first17!r}")
    total = sum(int(digit) * weight for digit, weight in zip(first17, WEIGHTS, strict=True))
    return CHECK_CHARACTERS[total % 11]


def upgrade_legacy(number15: str) -> str:
    """Upgrade a GB 11643-1989 15-digit number: insert "19" before the 2-digit birth year and
    append the check character. The century is always 19: 15-digit numbers were issued from 1984
    to the early 2000s, so a holder born before 1900 is upgraded wrongly (no way to tell)."""
    if len(number15) != 15 or not _is_digits(number15):
        raise ValueError(f"旧版身份证号码需要 15 位数字，实为 {number15!r}")
    first17 = number15[:6] + "19" + number15[6:]
    return first17 + check_character(first17)


def age_on(birth_date: datetime.date, on_date: datetime.date) -> int:
    """Completed years on `on_date`. Someone born on 29 February turns a year older on 1 March in
    non-leap years (their birthday has not yet come on 28 February)."""
    if on_date < birth_date:
        raise ValueError(f"日期 {on_date.isoformat()} 早于出生日期 {birth_date.isoformat()}")
    has_had_birthday = (on_date.month, on_date.day) >= (birth_date.month, birth_date.day)
    return on_date.year - birth_date.year - (0 if has_had_birthday else 1)


def mask(number: str) -> str:
    """Masked form for display and logs: first 4 and last 4 characters (3501**********1234).
    Anything that is not 15 or 18 characters after normalising is masked completely."""
    normalized = normalize(number)
    if len(normalized) in (15, 18):
        return normalized[:4] + "*" * (len(normalized) - 8) + normalized[-4:]
    return "*" * len(normalized)


def _bad_positions(number: str) -> list[int]:
    """1-based positions of characters not allowed at their place: only the 18th character of an
    18-character number may be X."""
    last = len(number) - 1
    allow_x = len(number) != 15
    return [
        position + 1
        for position, character in enumerate(number)
        if character not in _DIGITS and not (allow_x and position == last and character == "X")
    ]


def _character_error(number: str, positions: list[int]) -> IdCardError:
    rule = {
        18: "前 17 位应为数字，第 18 位应为数字或 X",
        15: "旧版 15 位号码应全部为数字",
    }.get(len(number), "只能包含数字，仅末位可为 X")
    where = "、".join(str(position) for position in positions)
    return IdCardError("characters", f"身份证号码含非法字符（第 {where} 位）：{rule}")


def _birth_date_errors(
    digits: str, today: datetime.date
) -> tuple[datetime.date | None, list[IdCardError]]:
    try:
        birth_date = datetime.date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))
    except ValueError:
        return None, [IdCardError("birth_date_invalid", f"出生日期 {digits} 不是有效日期")]
    if birth_date > today:
        message = f"出生日期 {birth_date.isoformat()} 晚于当前日期 {today.isoformat()}"
        return birth_date, [IdCardError("birth_date_future", message)]
    if birth_date < EARLIEST_BIRTH_DATE:
        message = f"出生日期 {birth_date.isoformat()} 早于 {EARLIEST_BIRTH_DATE.isoformat()}"
        return birth_date, [IdCardError("birth_date_too_early", message)]
    return birth_date, []


def _region_name(code: str, status: divisions.AddressCodeStatus) -> str | None:
    name = divisions.full_name(code)
    record = divisions.get_division(code)
    if name is None or record is None or status == "current":
        return name
    # A code with an end year was abolished; an open-ended one is only missing from the NBS table
    # (市辖区 rows, codes created after 2022, 香港/澳门/台湾).
    return name + ("（已撤销）" if record.valid_to_year is not None else "（未列入现行区划表）")


def parse(raw: str, *, today: datetime.date) -> IdCardResult:
    """Validate and decode an 18-digit (or legacy 15-digit) number, reporting every problem:
    length, characters, unknown address code (current and retired codes are known), birth date
    (real date, not after `today`, not before 1880-01-01) and check character."""
    number = normalize(raw)
    was_legacy_15 = len(number) == 15
    errors: list[IdCardError] = []
    if len(number) not in (15, 18):
        message = f"身份证号码长度错误：应为 18 位（旧版 15 位），实为 {len(number)} 位"
        errors.append(IdCardError("length", message))
    bad_positions = _bad_positions(number)
    if bad_positions:
        errors.append(_character_error(number, bad_positions))
    if len(number) not in (15, 18):
        return IdCardResult(valid=False, input=raw, errors=tuple(errors))

    # Work on the 17 leading characters of the 18-digit form, so both lengths decode alike.
    first17 = number[:6] + "19" + number[6:] if was_legacy_15 else number[:17]
    normalized: str | None = None
    if not bad_positions:
        normalized = first17 + check_character(first17) if was_legacy_15 else number

    address_code = first17[:6] if _is_digits(first17[:6]) else None
    status = divisions.address_code_status(address_code) if address_code else None
    if address_code and status is None:
        errors.append(
            IdCardError(
                "address_code_unknown",
                f"地址码 {address_code} 不是已知的行政区划代码（现行或已撤销）",
            )
        )

    birth_date: datetime.date | None = None
    if _is_digits(first17[6:14]):
        birth_date, date_errors = _birth_date_errors(first17[6:14], today)
        errors.extend(date_errors)

    sex: Sex | None = None
    if first17[16] in _DIGITS:
        sex = "M" if int(first17[16]) % 2 else "F"

    if not was_legacy_15 and not bad_positions:
        expected = check_character(first17)
        if number[17] != expected:
            message = f"身份证号码校验位错误：应为 {expected}，实为 {number[17]}"
            errors.append(IdCardError("check_character", message))

    return IdCardResult(
        valid=not errors,
        input=raw,
        normalized=normalized,
        sex=sex,
        birth_date=birth_date,
        address_code=address_code,
        region_name=_region_name(address_code, status) if address_code and status else None,
        address_code_status=status,
        was_legacy_15=was_legacy_15,
        errors=tuple(errors),
    )


def is_valid(raw: str, *, today: datetime.date) -> bool:
    """True if `parse` finds no problem."""
    return parse(raw, today=today).valid
