"""The date rules of dynamic management: review intervals, phase-out months, 特困 termination."""

from __future__ import annotations

import datetime as dt

import pytest

from doudi.reviews.dates import (
    ReviewClass,
    next_review_date,
    phase_out_months,
    tekun_stop_month,
    tekun_stop_notice_end,
)

D = dt.date


@pytest.mark.parametrize(
    ("household_class", "last_review", "due"),
    [
        (ReviewClass.STABLE, D(2026, 3, 15), D(2027, 3, 15)),
        (ReviewClass.UNSTABLE_WITH_LABOUR_CAPACITY, D(2026, 8, 31), D(2027, 2, 28)),
        ("unstable_with_labour_capacity", D(2027, 8, 31), D(2028, 2, 29)),
    ],
)
def test_reviews_are_yearly_or_half_yearly(household_class, last_review, due) -> None:
    assert next_review_date(household_class, last_review) == due


def test_review_intervals_are_parameters() -> None:
    quarterly = {"unstable_with_labour_capacity": 3}
    assert next_review_date("unstable_with_labour_capacity", D(2026, 11, 30), quarterly) == D(
        2027, 2, 28
    )
    with pytest.raises(KeyError):
        next_review_date("stable", D(2026, 1, 1), quarterly)


def test_phase_out_runs_six_to_twelve_months_from_the_next_month() -> None:
    assert phase_out_months(D(2026, 11, 20), 6) == [
        (2026, 12),
        (2027, 1),
        (2027, 2),
        (2027, 3),
        (2027, 4),
        (2027, 5),
    ]
    assert len(phase_out_months(D(2026, 11, 20), 12)) == 12
    with pytest.raises(ValueError, match="^渐退期须为6至12个月，不能为5个月$"):
        phase_out_months(D(2026, 11, 20), 5)


def test_tekun_termination_notice_is_seven_days_and_support_stops_next_month() -> None:
    assert tekun_stop_notice_end(D(2026, 12, 28)) == D(2027, 1, 4)
    assert tekun_stop_month(D(2027, 1, 5)) == (2027, 2)
    assert tekun_stop_month(D(2026, 12, 15)) == (2027, 1)
