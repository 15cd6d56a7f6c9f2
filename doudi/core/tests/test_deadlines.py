"""Due soon and overdue, counted in working days (the machinery every context's rules use)."""

from __future__ import annotations

import datetime as dt

import pytest

from doudi.core.deadlines import deadline_lists, deadline_state
from doudi.core.tests.purity import django_modules_loaded_by
from doudi.core.workdays import WorkdayCalendar

D = dt.date
CAL = WorkdayCalendar()


@pytest.mark.parametrize(
    ("_case", "today", "expected"),
    [
        ("five working days left", D(2026, 9, 24), "on_time"),
        ("two working days left over the holiday", D(2026, 9, 30), "due_soon"),
        ("three working days left", D(2026, 9, 29), "due_soon"),
        ("due today", D(2026, 10, 9), "due_soon"),
        ("the day after", D(2026, 10, 10), "overdue"),
    ],
)
def test_deadline_state_counts_working_days_left(_case, today, expected) -> None:
    assert deadline_state(D(2026, 10, 9), today, CAL) == expected


def test_due_soon_threshold_is_a_parameter() -> None:
    assert (
        deadline_state(D(2026, 10, 9), D(2026, 9, 24), CAL, due_soon_working_days=5) == "due_soon"
    )


def test_deadline_lists_group_per_owner_earliest_first() -> None:
    entries = [
        ("王芳", "case-3", D(2026, 10, 10)),
        ("王芳", "case-6", D(2026, 10, 12)),
        ("王芳", "case-1", D(2026, 9, 28)),
        ("李强", "case-2", D(2026, 12, 1)),
        ("王芳", "case-4", D(2026, 10, 8)),
        ("李强", "case-5", D(2026, 10, 9)),
    ]
    assert deadline_lists(entries, D(2026, 9, 30), CAL) == {
        "王芳": {"overdue": ["case-1"], "due_soon": ["case-4", "case-3"]},
        "李强": {"overdue": [], "due_soon": ["case-5"]},
    }


def test_the_deadline_machinery_and_the_working_days_import_without_django():
    assert django_modules_loaded_by("import doudi.core.deadlines, doudi.core.workdays") == []
