"""Time limits as pure Python: a rule, its due date, and whether it is due soon or overdue.

Processing limits are **working days** (工作日), counted with
:class:`doudi.core.workdays.WorkdayCalendar`: the start day is not counted and the n-th working
day after it is the due date. Notice periods (公示) are **calendar days**: a notice published on
day D runs from D+1 to D+7 (the day of publication is not counted, 民法典 Art. 201 **[R]**), so it
may be closed from D+8. A notice is not lengthened when its last day is a holiday: POLICY.md
gives "7 days" and no holiday rule (a decision recorded in ``docs/workflow.md``).

This module holds the machinery only. Each context declares its own rules next to its code
(``intake.workflow.deadlines``, ``reviews.dates``, ``relief.dates``); every rule names its POLICY.md
source and tag, and a county that shortens a limit passes its own :class:`DeadlineRule`.
"""

from __future__ import annotations

import calendar as month_calendar
import datetime as dt
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from typing import Literal, TypeVar

from doudi.core.workdays import WorkdayCalendar

Unit = Literal["working_days", "calendar_days"]
WORKING_DAYS: Unit = "working_days"
CALENDAR_DAYS: Unit = "calendar_days"


@dataclass(frozen=True, slots=True)
class DeadlineRule:
    """How long a step may take: ``days`` of ``unit`` after the day ``starts_on`` describes."""

    code: str
    label: str
    days: int
    unit: Unit
    starts_on: str
    source: str


def rules_by_code(*rules: DeadlineRule) -> dict[str, DeadlineRule]:
    """A context's rules keyed by code; a code given twice is a programming error."""
    table: dict[str, DeadlineRule] = {}
    for rule in rules:
        if rule.code in table:
            raise ValueError(f"deadline rule {rule.code!r} is declared twice")
        table[rule.code] = rule
    return table


@dataclass(frozen=True, slots=True)
class DeadlineResult:
    """A due date; ``provisional`` when it was counted Monday–Friday in a year without a
    holiday schedule (see ``docs/working-days.md``): it must be shown as such."""

    date: dt.date
    provisional: bool
    provisional_years: tuple[int, ...]
    rule: str


def deadline_for(rule: DeadlineRule, start: dt.date, calendar: WorkdayCalendar) -> DeadlineResult:
    """The due date of ``rule`` for a step that starts on ``start``.

    >>> cal = WorkdayCalendar()
    >>> notice = DeadlineRule("notice", "公示", 7, CALENDAR_DAYS, "发布之日", "example")
    >>> deadline_for(notice, dt.date(2026, 9, 30), cal).date  # calendar days
    datetime.date(2026, 10, 7)
    >>> answer = DeadlineRule("answer", "告知", 3, WORKING_DAYS, "决定之日", "example")
    >>> deadline_for(answer, dt.date(2026, 9, 30), cal).date  # over National Day (10-10 is a 调休 working Saturday)
    datetime.date(2026, 10, 10)
    """
    if rule.unit == CALENDAR_DAYS:
        return DeadlineResult(start + dt.timedelta(days=rule.days), False, (), rule.code)
    result = calendar.add_working_days(start, rule.days)
    return DeadlineResult(result.date, result.provisional, result.provisional_years, rule.code)


def notice_last_day(published_on: dt.date, days: int = 7) -> dt.date:
    """The last day of a notice published on ``published_on`` (that day is not counted)."""
    return published_on + dt.timedelta(days=days)


def next_month(day: dt.date) -> tuple[int, int]:
    """``(year, month)`` of the month after ``day``."""
    return (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later, or the last day of that month (08-31 + 6 → 02-28)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = month_calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))


# -- due soon / overdue ----------------------------------------------------------------------

DeadlineState = Literal["overdue", "due_soon", "on_time"]
DUE_SOON_WORKING_DAYS = 3


def deadline_state(
    due: dt.date,
    today: dt.date,
    calendar: WorkdayCalendar,
    due_soon_working_days: int = DUE_SOON_WORKING_DAYS,
) -> DeadlineState:
    """``overdue`` after the due date; ``due_soon`` on it or when at most
    ``due_soon_working_days`` working days are left; ``on_time`` otherwise."""
    if today > due:
        return "overdue"
    if calendar.working_days_between(today, due).days <= due_soon_working_days:
        return "due_soon"
    return "on_time"


Owner = TypeVar("Owner", bound=Hashable)
Item = TypeVar("Item")


def deadline_lists(
    entries: Iterable[tuple[Owner, Item, dt.date]],
    today: dt.date,
    calendar: WorkdayCalendar,
    due_soon_working_days: int = DUE_SOON_WORKING_DAYS,
) -> dict[Owner, dict[DeadlineState, list[Item]]]:
    """Overdue and due-soon items per owner (a caseworker or a township), earliest due first.

    ``entries`` are ``(owner, item, due)``; on-time items and owners with nothing to show are
    left out.
    """
    lists: dict[Owner, dict[DeadlineState, list[tuple[dt.date, int, Item]]]] = {}
    for position, (owner, item, due) in enumerate(entries):
        state = deadline_state(due, today, calendar, due_soon_working_days)
        if state != "on_time":
            by_state = lists.setdefault(owner, {"overdue": [], "due_soon": []})
            by_state[state].append((due, position, item))
    return {
        owner: {state: [item for _, _, item in sorted(rows)] for state, rows in by_state.items()}
        for owner, by_state in lists.items()
    }
