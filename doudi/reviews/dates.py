"""The date rules of dynamic management (动态管理), as pure Python: when a household is reviewed,
the months of a phase-out (渐退), and the notice and the month of a 特困 termination.

The machinery is :mod:`doudi.core.deadlines`; every rule names its POLICY.md source and tag."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from enum import StrEnum

from doudi.core.deadlines import (
    CALENDAR_DAYS,
    WORKING_DAYS,
    DeadlineRule,
    add_months,
    next_month,
    notice_last_day,
    rules_by_code,
)

DEADLINE_RULES: dict[str, DeadlineRule] = rules_by_code(
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
)


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
    first = next_month(determined_on)
    index = first[0] * 12 + first[1] - 1
    return [(year, month + 1) for year, month in (divmod(index + i, 12) for i in range(months))]


def tekun_stop_notice_end(started: dt.date) -> dt.date:
    """The last day of the 7-day notice of a proposed 特困 termination (POLICY.md §3.5 [V3]);
    with no objection the county may decide from the next day."""
    return notice_last_day(started, DEADLINE_RULES["tekun_stop_notice"].days)


def tekun_stop_month(decided_on: dt.date) -> tuple[int, int]:
    """特困 support stops from the month after the termination decision (§3.5 [V3])."""
    return next_month(decided_on)
