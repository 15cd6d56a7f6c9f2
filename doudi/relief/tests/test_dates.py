"""The fast track of temporary assistance: paying first up to the limit, paperwork afterwards."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from doudi.core.deadlines import DeadlineResult
from doudi.core.workdays import WorkdayCalendar
from doudi.relief.dates import (
    ADVANCE_PAPERWORK_WORKING_DAYS,
    advance_payment_allowed,
    paperwork_due,
)

D = dt.date
CAL = WorkdayCalendar()


@pytest.mark.parametrize(
    ("amount", "allowed"),
    [(Decimal("4999.99"), True), (Decimal("5000"), True), (Decimal("5000.01"), False)],
)
def test_advance_payment_up_to_the_township_limit(amount, allowed) -> None:
    assert advance_payment_allowed(amount, Decimal("5000")) is allowed


def test_advance_payment_refuses_bad_amounts() -> None:
    with pytest.raises(ValueError, match="^先行救助金额必须大于0$"):
        advance_payment_allowed(Decimal("0"), Decimal("5000"))
    with pytest.raises(ValueError, match="^乡镇审批额度不能为负数$"):
        advance_payment_allowed(Decimal("1"), Decimal("-1"))
    with pytest.raises(TypeError, match="^金额必须是 Decimal$"):
        advance_payment_allowed(500.0, Decimal("5000"))  # type: ignore[arg-type]


def test_advance_paperwork_is_due_in_working_days() -> None:
    assert ADVANCE_PAPERWORK_WORKING_DAYS == 10
    assert paperwork_due(D(2026, 9, 30), 10, CAL) == DeadlineResult(
        D(2026, 10, 20), False, (), "advance_paperwork"
    )
    assert paperwork_due(D(2026, 12, 30), 3, CAL) == DeadlineResult(
        D(2027, 1, 4), True, (2027,), "advance_paperwork"
    )
