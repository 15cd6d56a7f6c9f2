"""From which month a confirmed decision pays."""

from __future__ import annotations

import datetime as dt

from doudi.benefits.months import payment_start_month

D = dt.date


def test_payment_starts_the_month_after_confirmation() -> None:
    assert payment_start_month(D(2026, 12, 31)) == (2027, 1)
    assert payment_start_month(D(2026, 3, 6)) == (2026, 4)
