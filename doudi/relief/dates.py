"""The fast track of temporary assistance (先行救助) as pure Python: whether a township may pay
first, and when the paperwork is due afterwards. The machinery is :mod:`doudi.core.deadlines`."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

from doudi.core.deadlines import (
    WORKING_DAYS,
    DeadlineResult,
    DeadlineRule,
    deadline_for,
    rules_by_code,
)
from doudi.core.workdays import WorkdayCalendar

DEADLINE_RULES: dict[str, DeadlineRule] = rules_by_code(
    DeadlineRule(
        "advance_paperwork",
        "先行救助补办审批手续",
        10,
        WORKING_DAYS,
        "先行救助发放之日",
        "POLICY.md §5 小金额先行救助, paperwork afterwards [V3]; figure [GAP]: DEMO value",
    ),
)

# 先行救助 paperwork: POLICY.md §5 says only "completed afterwards" and has no Fujian figure
# [GAP]. The 10 working days of the rule "advance_paperwork" are a configurable DEMO value,
# chosen to be long enough for a family with someone in hospital.
ADVANCE_PAPERWORK_WORKING_DAYS = DEADLINE_RULES["advance_paperwork"].days


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
