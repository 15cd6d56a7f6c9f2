"""Time limits of the workflow and the date rules of dynamic management.

Processing limits are **working days** (工作日), counted with
:class:`doudi.core.workdays.WorkdayCalendar`: the start day is not counted and the n-th working
day after it is the due date. Notice periods (公示) are **calendar days**: a notice published on
day D runs from D+1 to D+7 (the day of publication is not counted, 民法典 Art. 201 **[R]**), so it
may be closed from D+8. A notice is not lengthened when its last day is a holiday: POLICY.md
gives "7 days" and no holiday rule (a decision recorded in ``docs/workflow.md``).

Every rule names its POLICY.md source and tag; none is a constant to be edited in place: a
county that shortens a limit passes its own :class:`DeadlineRule`.
"""

from __future__ import annotations

import calendar as month_calendar
import dataclasses
import datetime as dt
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
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


DEADLINE_RULES: dict[str, DeadlineRule] = {
    rule.code: rule
    for rule in (
        DeadlineRule(
            "verification_start",
            "发起家庭经济状况核对",
            0,
            WORKING_DAYS,
            "受理之日（当日）",
            "POLICY.md §2.7 Fujian flow step 3, Changle fzcl.gov.cn [V]; national 3 wd is [R]",
        ),
        DeadlineRule(
            "investigation",
            "入户调查（含核对结果）",
            15,
            WORKING_DAYS,
            "受理之日",
            "POLICY.md §2.7 Fujian flow step 4, Changle [V]; §3.4 民发〔2021〕43号 15 wd [R]",
        ),
        DeadlineRule(
            "public_notice",
            "公示",
            7,
            CALENDAR_DAYS,
            "公示发布之日（次日起算，届满之日为最后一日）",
            "POLICY.md §2.7 公示 7 days [V3], Fujian flow step 5 [V]",
        ),
        DeadlineRule(
            "reinvestigation",
            "异议重新调查",
            15,
            WORKING_DAYS,
            "登记异议之日",
            "POLICY.md §2.7 Fujian flow step 6, Changle [V]",
        ),
        DeadlineRule(
            "confirmation",
            "审核确认",
            10,
            WORKING_DAYS,
            "公示期届满之日",
            "POLICY.md §2.7 Fujian flow step 7, Changle [V]; §3.4 county 10 wd [R]",
        ),
        DeadlineRule(
            "refusal_notice",
            "书面告知不予确认理由",
            3,
            WORKING_DAYS,
            "作出不予确认决定之日",
            "POLICY.md §2.7 refusal notice 3 wd [V3]/[V], Fujian flow step 8 [V]",
        ),
        DeadlineRule(
            "overall",
            "办理总时限",
            30,
            WORKING_DAYS,
            "受理之日",
            "POLICY.md §2.7 overall limit 30 wd [V3]; Appendix A 民发〔2021〕57号 [R]",
        ),
        DeadlineRule(
            "overall_extended",
            "办理总时限（已延长）",
            45,
            WORKING_DAYS,
            "受理之日",
            "POLICY.md §2.7 overall limit up to 45 wd in special cases [V3]",
        ),
        DeadlineRule(
            "tekun_stop_notice",
            "特困终止公示",
            7,
            CALENDAR_DAYS,
            "终止公示发布之日（次日起算）",
            "POLICY.md §3.5 民发〔2021〕43号 Art. 24–27 [V3]",
        ),
        DeadlineRule(
            "tekun_stop_reinvestigation",
            "特困终止异议重新调查并作出决定",
            15,
            WORKING_DAYS,
            "登记异议之日",
            "POLICY.md §3.5 [V3]",
        ),
        DeadlineRule(
            "advance_paperwork",
            "先行救助补办审批手续",
            10,
            WORKING_DAYS,
            "先行救助发放之日",
            "POLICY.md §5 小金额先行救助, paperwork afterwards [V3]; figure [GAP]: DEMO value",
        ),
    )
}

# 先行救助 paperwork: POLICY.md §5 says only "completed afterwards" and has no Fujian figure
# [GAP]. The 10 working days of the rule "advance_paperwork" are a configurable DEMO value,
# chosen to be long enough for a family with someone in hospital.
ADVANCE_PAPERWORK_WORKING_DAYS = DEADLINE_RULES["advance_paperwork"].days


@dataclass(frozen=True, slots=True)
class DeadlineResult:
    """A due date; ``provisional`` when it was counted Monday–Friday in a year without a
    holiday schedule (see ``docs/working-days.md``): it must be shown as such."""

    date: dt.date
    provisional: bool
    provisional_years: tuple[int, ...]
    rule: str


def _rule(rule: DeadlineRule | str) -> DeadlineRule:
    return rule if isinstance(rule, DeadlineRule) else DEADLINE_RULES[rule]


def deadline_for(
    rule: DeadlineRule | str, start: dt.date, calendar: WorkdayCalendar
) -> DeadlineResult:
    """The due date of ``rule`` for a step that starts on ``start``.

    >>> cal = WorkdayCalendar()
    >>> deadline_for("refusal_notice", dt.date(2026, 9, 30), cal).date  # over National Day
    datetime.date(2026, 10, 10)
    >>> deadline_for("public_notice", dt.date(2026, 9, 30), cal).date  # calendar days
    datetime.date(2026, 10, 7)
    """
    rule = _rule(rule)
    if rule.unit == CALENDAR_DAYS:
        return DeadlineResult(start + dt.timedelta(days=rule.days), False, (), rule.code)
    result = calendar.add_working_days(start, rule.days)
    return DeadlineResult(result.date, result.provisional, result.provisional_years, rule.code)


def overall_deadline(
    accepted_on: dt.date, extended: bool, calendar: WorkdayCalendar
) -> DeadlineResult:
    """30 working days from acceptance, or 45 once extended with a recorded reason."""
    return deadline_for("overall_extended" if extended else "overall", accepted_on, calendar)


def notice_last_day(published_on: dt.date, days: int = 7) -> dt.date:
    """The last day of a notice published on ``published_on`` (that day is not counted)."""
    return published_on + dt.timedelta(days=days)


def _next_month(day: dt.date) -> tuple[int, int]:
    return (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)


def payment_start_month(confirmed_on: dt.date) -> tuple[int, int]:
    """Entitlement starts the month after confirmation (POLICY.md §2.7 step 9 [V], payment row
    [V3]): ``(year, month)``."""
    return _next_month(confirmed_on)


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


# -- dynamic management: reviews, phase-out, termination of 特困 ----------------------------


class ReviewClass(StrEnum):
    # 家庭经济状况变化不大: reviewed once a year.
    STABLE = "stable"
    # 收入不稳定且有劳动能力: reviewed every six months.
    UNSTABLE_WITH_LABOUR_CAPACITY = "unstable_with_labour_capacity"


# POLICY.md §2.8 (民发〔2021〕57号 as implemented in 渝民〔2023〕3号 [V]). Months, per class; a
# county using the 咸阳 A/B/C scheme (urban C quarterly) passes its own mapping.
REVIEW_INTERVAL_MONTHS: dict[str, int] = {
    ReviewClass.STABLE: 12,
    ReviewClass.UNSTABLE_WITH_LABOUR_CAPACITY: 6,
}


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later, or the last day of that month (08-31 + 6 → 02-28)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = month_calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))


def next_review_date(
    household_class: ReviewClass | str,
    last_review: dt.date,
    intervals: Mapping[str, int] = REVIEW_INTERVAL_MONTHS,
) -> dt.date:
    """When the household is next reviewed (POLICY.md §2.8); ``KeyError`` for an unknown class."""
    return add_months(last_review, intervals[str(household_class)])


# Fujian 2019 八条措施 [V] (POLICY.md §2.9): 6–12 months from the month after the determination.
PHASE_OUT_MONTHS_MIN = 6
PHASE_OUT_MONTHS_MAX = 12


def phase_out_months(
    determined_on: dt.date,
    months: int,
    minimum: int = PHASE_OUT_MONTHS_MIN,
    maximum: int = PHASE_OUT_MONTHS_MAX,
) -> list[tuple[int, int]]:
    """The months of a phase-out (渐退期), starting the month after the determination."""
    if not minimum <= months <= maximum:
        raise ValueError(f"渐退期须为{minimum}至{maximum}个月，不能为{months}个月")
    first = _next_month(determined_on)
    index = first[0] * 12 + first[1] - 1
    return [(year, month + 1) for year, month in (divmod(index + i, 12) for i in range(months))]


def tekun_stop_notice_end(started: dt.date) -> dt.date:
    """The last day of the 7-day notice of a proposed 特困 termination (POLICY.md §3.5 [V3]);
    with no objection the county may decide from the next day."""
    return notice_last_day(started, DEADLINE_RULES["tekun_stop_notice"].days)


def tekun_stop_month(decided_on: dt.date) -> tuple[int, int]:
    """特困 support stops from the month after the termination decision (§3.5 [V3])."""
    return _next_month(decided_on)


# -- temporary assistance fast track (先行救助) ---------------------------------------------


def advance_payment_allowed(amount: Decimal, township_limit: Decimal) -> bool:
    """Whether the township may pay ``amount`` first and complete the paperwork afterwards.

    Up to and including its limit (Jinjiang: "≤ 5,000 yuan: the town pays first", POLICY.md §5
    [V]); the limit is per township configuration, Fujian's provincial cap is a [GAP].
    """
    if not isinstance(amount, Decimal) or not isinstance(township_limit, Decimal):
        raise TypeError("金额必须是 Decimal")
    if amount <= 0:
        raise ValueError("先行救助金额必须大于0")
    if township_limit < 0:
        raise ValueError("乡镇审批额度不能为负数")
    return amount <= township_limit


def paperwork_due(paid_on: dt.date, working_days: int, calendar: WorkdayCalendar) -> DeadlineResult:
    """When the paperwork of an advance payment is due; pass
    :data:`ADVANCE_PAPERWORK_WORKING_DAYS` (a demo value) unless the county configured one."""
    rule = dataclasses.replace(DEADLINE_RULES["advance_paperwork"], days=working_days)
    return deadline_for(rule, paid_on, calendar)
