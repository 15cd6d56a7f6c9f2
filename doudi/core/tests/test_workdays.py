"""The pure working-day calendar: chinese-calendar through 2026, platform schedules, Mon-Fri."""

from __future__ import annotations

import datetime as dt
import doctest

import pytest

from doudi.core import workdays
from doudi.core.workdays import WorkdayCalendar, WorkdayCount, WorkdayResult

D = dt.date

# A made-up 2027 schedule for tests only: NOT the official one, which is not announced yet.
EXAMPLE_2027 = {
    D(2027, 1, 1): (False, "元旦"),
    D(2027, 2, 8): (False, "春节"),
    D(2027, 2, 9): (False, "春节"),
    D(2027, 2, 10): (False, "春节"),
    D(2027, 2, 11): (False, "春节"),
    D(2027, 2, 12): (False, "春节"),
    D(2027, 2, 20): (True, "春节调休上班"),
}


def test_it_skips_the_national_day_and_mid_autumn_holidays_of_2026():
    # given
    cal = WorkdayCalendar()

    # when
    result = cal.add_working_days(D(2026, 9, 30), 1)

    # then
    assert result == WorkdayResult(D(2026, 10, 8), False, ())
    assert [cal.is_working_day(D(2026, 10, day)) for day in range(1, 9)] == [
        False, False, False, False, False, False, False, True,
    ]  # fmt: skip
    assert cal.is_working_day(D(2026, 9, 25)) is False  # Friday, Mid-autumn Festival
    assert cal.is_working_day(D(2026, 9, 20)) is True  # Sunday, 调休上班
    assert cal.is_working_day(D(2026, 10, 10)) is True  # Saturday, 调休上班


def test_it_counts_the_2026_spring_festival_make_up_saturdays_as_working_days():
    # given
    cal = WorkdayCalendar()

    # when
    before = cal.add_working_days(D(2026, 2, 13), 1)
    after = cal.add_working_days(D(2026, 2, 14), 1)
    count = cal.working_days_between(D(2026, 2, 13), D(2026, 2, 28))

    # then
    assert before.date == D(2026, 2, 14)  # Saturday, 春节调休上班
    assert after.date == D(2026, 2, 24)  # 02-15 to 02-23 are the Spring Festival holiday
    assert not any(cal.is_working_day(D(2026, 2, day)) for day in range(15, 24))
    assert cal.is_working_day(D(2026, 2, 28)) is True  # Saturday, 春节调休上班
    # 02-14, 02-24, 02-25, 02-26, 02-27, 02-28
    assert count == WorkdayCount(6, False, ())


def test_it_counts_the_new_year_make_up_sunday_of_2026():
    # given
    cal = WorkdayCalendar()

    # when
    result = cal.add_working_days(D(2025, 12, 31), 1)

    # then
    assert result.date == D(2026, 1, 4)  # 01-01 to 01-03 off, Sunday 01-04 调休上班
    assert result.provisional is False


def test_it_marks_a_window_crossing_into_2027_as_provisional():
    # given
    cal = WorkdayCalendar()

    # when
    crossing = cal.add_working_days(D(2026, 12, 25), 10)
    inside_2026 = cal.add_working_days(D(2026, 12, 1), 5)
    between = cal.working_days_between(D(2026, 12, 25), D(2027, 1, 8))

    # then
    # 12-28..12-31 (4), then Mon-Fri in 2027: 01-01, 01-04..01-08
    assert crossing == WorkdayResult(D(2027, 1, 8), True, (2027,))
    assert inside_2026 == WorkdayResult(D(2026, 12, 8), False, ())
    assert between == WorkdayCount(10, True, (2027,))
    assert cal.year_source(2027) == "weekdays_provisional"
    assert cal.year_source(2026) == "chinese_calendar"


def test_it_does_not_mark_a_start_on_new_years_eve_provisional_when_no_day_is_counted():
    # given
    cal = WorkdayCalendar()

    # when
    zero = cal.add_working_days(D(2026, 12, 31), 0)
    one = cal.add_working_days(D(2026, 12, 31), 1)

    # then
    assert zero == WorkdayResult(D(2026, 12, 31), False, ())
    assert one == WorkdayResult(D(2027, 1, 1), True, (2027,))


def test_it_uses_a_loaded_platform_schedule_for_2027():
    # given
    cal = WorkdayCalendar(EXAMPLE_2027, loaded_years=frozenset({2027}))

    # when
    result = cal.add_working_days(D(2026, 12, 25), 10)

    # then
    # 12-28..12-31 (4), 01-01 off, 01-04..01-08 (9), 01-11 (10)
    assert result == WorkdayResult(D(2027, 1, 11), False, ())
    assert cal.year_source(2027) == "platform"
    assert cal.is_working_day(D(2027, 2, 20)) is True  # Saturday make-up day
    assert cal.is_working_day(D(2027, 2, 21)) is False  # an ordinary Sunday
    assert cal.is_working_day(D(2027, 2, 15)) is True  # an ordinary Monday


def test_it_lets_a_platform_schedule_override_chinese_calendar_for_its_whole_year():
    # given: an administrator loads 2026 with a single extra holiday on Thursday 12-31
    cal = WorkdayCalendar({D(2026, 12, 31): (False, "测试更正")}, loaded_years={2026})

    # when
    source = cal.year_source(2026)
    result = cal.add_working_days(D(2026, 12, 30), 1)

    # then
    assert source == "platform"
    assert result.date == D(2027, 1, 1)
    # chinese-calendar is no longer consulted for 2026: National Day is now whatever was loaded
    assert cal.is_working_day(D(2026, 10, 1)) is True
    assert WorkdayCalendar().is_working_day(D(2026, 10, 1)) is False


def test_it_counts_monday_to_friday_for_a_year_with_no_source():
    # given
    cal = WorkdayCalendar(chinese_calendar_years=())

    # when
    result = cal.add_working_days(D(2026, 9, 30), 1)

    # then
    assert result == WorkdayResult(D(2026, 10, 1), True, (2026,))
    assert cal.year_source(2026) == "weekdays_provisional"


def test_it_detects_that_chinese_calendar_stops_at_2026():
    # given / when
    supported = [
        year for year in (2004, 2026, 2027, 2030) if workdays.chinese_calendar_supports(year)
    ]

    # then
    assert supported == [2004, 2026]


@pytest.mark.parametrize(
    ("platform_days", "loaded_years"),
    [
        ({}, frozenset()),
        (EXAMPLE_2027, frozenset({2027})),
    ],
)
def test_it_makes_working_days_between_the_inverse_of_add_working_days(platform_days, loaded_years):
    # given
    cal = WorkdayCalendar(platform_days, loaded_years)
    starts = [D(2025, 12, 20) + dt.timedelta(days=i) for i in range(0, 500, 7)]

    for start in starts:
        for days in (1, 2, 5, 10, 20, 60, 300):
            # when
            result = cal.add_working_days(start, days)
            count = cal.working_days_between(start, result.date)

            # then
            assert count.days == days, (start, days)
            assert cal.is_working_day(result.date)
            assert (
                cal.working_days_between(start, result.date - dt.timedelta(days=1)).days == days - 1
            )
            assert count.provisional == result.provisional
            assert count.provisional_years == result.provisional_years


def test_it_marks_every_provisional_year_a_long_window_crosses():
    # given
    cal = WorkdayCalendar(EXAMPLE_2027, loaded_years={2027})

    # when
    result = cal.add_working_days(D(2026, 6, 1), 600)

    # then
    assert result.date.year == 2028
    assert result.provisional_years == (2028,)


def test_it_returns_zero_working_days_when_end_is_not_after_start():
    # given
    cal = WorkdayCalendar()

    # when / then
    assert cal.working_days_between(D(2026, 10, 9), D(2026, 9, 30)) == WorkdayCount(0, False, ())
    assert cal.working_days_between(D(2026, 10, 9), D(2026, 10, 9)) == WorkdayCount(0, False, ())


def test_it_refuses_negative_days_datetimes_and_platform_days_outside_loaded_years():
    # given
    cal = WorkdayCalendar()

    # when / then
    with pytest.raises(ValueError, match="负数"):
        cal.add_working_days(D(2026, 9, 30), -1)
    with pytest.raises(TypeError):
        cal.add_working_days(dt.datetime(2026, 9, 30, 9, 0), 1)  # noqa: DTZ001
    with pytest.raises(TypeError):
        cal.add_working_days(D(2026, 9, 30), 1.5)
    with pytest.raises(ValueError, match="2027"):
        WorkdayCalendar({D(2027, 1, 1): (False, "元旦")}, loaded_years=frozenset())


def test_it_keeps_its_docstring_examples_true():
    # given / when
    outcome = doctest.testmod(workdays)

    # then
    assert outcome.attempted > 0
    assert outcome.failed == 0
