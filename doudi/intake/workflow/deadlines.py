"""The time limits of an application (受理 → 核对 → 入户调查 → 公示 → 审核确认), as data.

The machinery (working and calendar days, due soon, overdue) is :mod:`doudi.core.deadlines`;
these are intake's own rules. Every rule names its POLICY.md source and tag; none is a constant
to be edited in place: a county that shortens a limit passes its own :class:`DeadlineRule`.
"""

from __future__ import annotations

import datetime as dt

from doudi.core.deadlines import (
    CALENDAR_DAYS,
    WORKING_DAYS,
    DeadlineResult,
    DeadlineRule,
    deadline_for,
    rules_by_code,
)
from doudi.core.workdays import WorkdayCalendar

DEADLINE_RULES: dict[str, DeadlineRule] = rules_by_code(
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
)


def overall_deadline(
    accepted_on: dt.date, extended: bool, calendar: WorkdayCalendar
) -> DeadlineResult:
    """30 working days from acceptance, or 45 once extended with a recorded reason.

    >>> overall_deadline(dt.date(2026, 9, 1), False, WorkdayCalendar()).date
    datetime.date(2026, 10, 19)
    """
    rule = DEADLINE_RULES["overall_extended" if extended else "overall"]
    return deadline_for(rule, accepted_on, calendar)
