"""What a public notice (公示) may show about a household.

POLICY.md §2.7 (publication of name, number covered and amount [V3]; Changle: minors are not
published [V]), §4.2 ("谁救助谁公示、救助谁公示谁": 低保边缘 and 刚性支出 recognitions are not
published [V3]) and §11.5 (masked ID numbers). The masker is passed in, so this module stays
pure; the platform passes ``doudi.core.idcard.mask``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from doudi import programmes

ADULT_AGE = 18


@dataclass(frozen=True, slots=True)
class NoticeMember:
    """A covered member. ``birth_date`` None (unknown) is treated as a minor: never shown."""

    name: str
    id_number: str
    birth_date: dt.date | None
    is_applicant: bool = False


@dataclass(frozen=True, slots=True)
class NoticeEntry:
    """One line of the notice: who (an adult, ID masked), how many are covered, how much."""

    name: str
    masked_id_number: str
    number_covered: int
    amount: Decimal


def age_on(birth_date: dt.date, day: dt.date) -> int:
    """Age in full years (周岁) on ``day``; a 29 February birthday comes on 1 March in a
    common year."""
    before_birthday = (day.month, day.day) < (birth_date.month, birth_date.day)
    return day.year - birth_date.year - int(before_birthday)


def is_minor_on(birth_date: dt.date | None, day: dt.date) -> bool:
    """Whether a person is under 18 on ``day``; an unknown birth date counts as a minor."""
    return birth_date is None or age_on(birth_date, day) < ADULT_AGE


def notice_entry(
    programme: str,
    members: Sequence[NoticeMember],
    *,
    amount: Decimal,
    notice_date: dt.date,
    masker: Callable[[str], str],
) -> NoticeEntry | None:
    """The notice line for a household, or None when nothing may be published.

    None when the programme is not published (低保边缘, 刚性支出) or every covered member is a
    minor. The line is named after the applicant if adult, otherwise after the first adult
    member; the number covered counts everybody covered, minors included (a count names no one).
    ``ValueError`` for an unknown programme or no members.
    """
    if programme not in programmes.KEYS:
        raise ValueError(f"未知的救助项目：{programme}")
    if not members:
        raise ValueError("公示对象没有保障成员")
    if programme not in programmes.PUBLISHED_IN_NOTICE:
        return None
    adults = [member for member in members if not is_minor_on(member.birth_date, notice_date)]
    if not adults:
        return None
    shown = next((member for member in adults if member.is_applicant), adults[0])
    return NoticeEntry(
        name=shown.name,
        masked_id_number=masker(shown.id_number),
        number_covered=len(members),
        amount=amount,
    )
