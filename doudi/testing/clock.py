"""Travelling in time for tests: the platform's days are Beijing days."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import time_machine

SHANGHAI = ZoneInfo("Asia/Shanghai")


def on(day: str):  # type: ignore[no-untyped-def]
    """Travel to 10:00 Beijing time on ``day`` (ISO date), the clock standing still."""
    return time_machine.travel(
        dt.datetime.combine(dt.date.fromisoformat(day), dt.time(10), tzinfo=SHANGHAI), tick=False
    )


def at(moment: str):  # type: ignore[no-untyped-def]
    """Travel to ``moment`` (ISO date and time, Beijing time), the clock standing still."""
    return time_machine.travel(
        dt.datetime.fromisoformat(moment).replace(tzinfo=SHANGHAI), tick=False
    )
