"""From which month a decision pays (pure)."""

from __future__ import annotations

import datetime as dt

from doudi.core.deadlines import next_month


def payment_start_month(confirmed_on: dt.date) -> tuple[int, int]:
    """Entitlement starts the month after confirmation (POLICY.md §2.7 step 9 [V], payment row
    [V3]): ``(year, month)``."""
    return next_month(confirmed_on)
