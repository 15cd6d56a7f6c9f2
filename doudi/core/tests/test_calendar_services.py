"""Holiday schedules loaded in the platform, and the deadlines they recompute."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from doudi.core.calendar import (
    add_working_days,
    deadline_close,
    deadline_open,
    deadlines_recompute,
    holiday_schedule_load,
    holiday_schedule_missing_years,
    workday_calendar_get,
    working_days_between,
)
from doudi.core.exceptions import ApplicationError
from doudi.core.models import AuditEvent, Deadline, HolidaySchedule, HolidayScheduleDay
from doudi.testing.factories import UserFactory
from doudi.testing.state import row_counts

D = dt.date
SHANGHAI = dt.timezone(dt.timedelta(hours=8))

# A made-up 2027 schedule for tests only: NOT the official one, which is not announced yet.
EXAMPLE_2027 = [
    (D(2027, 1, 1), False, "元旦"),
    (D(2027, 2, 8), False, "春节"),
    (D(2027, 2, 9), False, "春节"),
    (D(2027, 2, 10), False, "春节"),
    (D(2027, 2, 11), False, "春节"),
    (D(2027, 2, 12), False, "春节"),
    (D(2027, 2, 20), True, "春节调休上班"),
]
SOURCE = "测试用示例安排（非官方）"


@pytest.fixture
def admin_user(db):
    return UserFactory(username="calendar-admin", password="x")


def open_deadline(object_id: str, start: dt.date, working_days: int) -> Deadline:
    return deadline_open(
        object_type="intake.application",
        object_id=object_id,
        kind="accept",
        region_code="350102",
        start_date=start,
        working_days=working_days,
    )


def snapshot() -> tuple:
    return (
        *row_counts(HolidaySchedule, HolidayScheduleDay, AuditEvent),
        list(Deadline.objects.order_by("pk").values_list("due_date", "is_provisional")),
    )


@pytest.mark.django_db
def test_it_opens_a_provisional_deadline_when_the_count_reaches_into_2027():
    # given / when
    deadline = open_deadline("A-1", D(2026, 12, 25), 10)
    inside_2026 = open_deadline("A-2", D(2026, 9, 30), 1)

    # then
    assert deadline.due_date == D(2027, 1, 8)
    assert deadline.is_provisional is True
    assert deadline.provisional_years == [2027]
    assert inside_2026.due_date == D(2026, 10, 8)
    assert inside_2026.is_provisional is False
    assert inside_2026.provisional_years == []


@pytest.mark.django_db
def test_it_recomputes_an_open_provisional_deadline_when_2027_is_loaded(admin_user):
    # given
    deadline = open_deadline("A-1", D(2026, 12, 25), 10)
    assert deadline.due_date == D(2027, 1, 8)

    # when
    schedule = holiday_schedule_load(
        actor=admin_user, year=2027, source=SOURCE, days=EXAMPLE_2027, note="测试"
    )

    # then
    deadline.refresh_from_db()
    # 12-28..12-31 (4), 2027-01-01 元旦, 01-04..01-08 (9), 01-11 (10)
    assert deadline.due_date == D(2027, 1, 11)
    assert deadline.is_provisional is False
    assert deadline.provisional_years == []
    assert schedule.recomputed_deadlines == 1
    assert schedule.loaded_by == admin_user
    assert schedule.days.count() == 7

    loaded = AuditEvent.objects.get(action="calendar.schedule_loaded")
    assert loaded.actor == admin_user
    assert loaded.object_type == "core.holidayschedule"
    assert loaded.parameters["year"] == 2027
    assert loaded.parameters["holidays"] == 6
    assert loaded.parameters["make_up_working_days"] == 1
    assert loaded.parameters["replaced"] is False

    recomputed = AuditEvent.objects.get(action="deadline.recomputed")
    assert recomputed.object_type == "core.deadline"
    assert recomputed.object_id == str(deadline.pk)
    assert recomputed.region_code == "350102"
    assert recomputed.parameters["old_due_date"] == "2027-01-08"
    assert recomputed.parameters["new_due_date"] == "2027-01-11"
    assert recomputed.parameters["old_is_provisional"] is True
    assert recomputed.parameters["new_is_provisional"] is False


@pytest.mark.django_db
def test_it_confirms_a_provisional_deadline_whose_date_does_not_move(admin_user):
    # given: 01-05..01-07 contain no deviation in the example schedule
    deadline = open_deadline("A-1", D(2027, 1, 4), 3)
    assert (deadline.due_date, deadline.is_provisional) == (D(2027, 1, 7), True)

    # when
    holiday_schedule_load(actor=admin_user, year=2027, source=SOURCE, days=EXAMPLE_2027)

    # then
    deadline.refresh_from_db()
    assert (deadline.due_date, deadline.is_provisional) == (D(2027, 1, 7), False)
    event = AuditEvent.objects.get(action="deadline.recomputed")
    assert event.parameters["old_due_date"] == event.parameters["new_due_date"] == "2027-01-07"


@pytest.mark.django_db
def test_it_leaves_closed_deadlines_and_deadlines_outside_the_year_untouched(admin_user):
    # given
    closed = open_deadline("C-1", D(2026, 12, 25), 10)
    deadline_close(deadline=closed, at=dt.datetime(2026, 12, 30, 10, 0, tzinfo=SHANGHAI))
    in_2026 = open_deadline("C-2", D(2026, 9, 30), 1)
    before = {d.pk: d.updated_at for d in Deadline.objects.all()}

    # when
    schedule = holiday_schedule_load(actor=admin_user, year=2027, source=SOURCE, days=EXAMPLE_2027)

    # then
    closed.refresh_from_db()
    in_2026.refresh_from_db()
    assert (closed.due_date, closed.is_provisional, closed.provisional_years) == (
        D(2027, 1, 8),
        True,
        [2027],
    )
    assert in_2026.due_date == D(2026, 10, 8)
    assert {d.pk: d.updated_at for d in Deadline.objects.all()} == before
    assert schedule.recomputed_deadlines == 0
    assert not AuditEvent.objects.filter(action="deadline.recomputed").exists()


@pytest.mark.django_db
def test_it_replaces_an_existing_schedule_and_recomputes_again(admin_user):
    # given
    holiday_schedule_load(actor=admin_user, year=2027, source=SOURCE, days=EXAMPLE_2027)
    deadline = open_deadline("R-1", D(2026, 12, 31), 1)
    assert deadline.due_date == D(2027, 1, 4)

    # when: the correction drops 元旦 (as if it had been entered by mistake)
    holiday_schedule_load(
        actor=admin_user, year=2027, source=SOURCE + "（更正）", days=EXAMPLE_2027[1:]
    )

    # then
    deadline.refresh_from_db()
    assert deadline.due_date == D(2027, 1, 1)
    assert HolidaySchedule.objects.get().source == SOURCE + "（更正）"
    assert HolidayScheduleDay.objects.count() == 6
    replaced = AuditEvent.objects.filter(action="calendar.schedule_loaded").order_by("pk").last()
    assert replaced.parameters["replaced"] is True
    assert replaced.parameters["previous"] == {
        "source": SOURCE,
        "holidays": 6,
        "make_up_working_days": 1,
    }
    recomputed = AuditEvent.objects.get(action="deadline.recomputed")
    assert (recomputed.parameters["old_due_date"], recomputed.parameters["new_due_date"]) == (
        "2027-01-04",
        "2027-01-01",
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("days", "expected"),
    [
        ([(D(2027, 1, 2), False, "元旦")], "2027-01-02 是星期六，本来就休息"),
        ([(D(2027, 1, 4), True, "调休上班")], "2027-01-04 是星期一，本来就上班"),
        ([(D(2028, 1, 3), False, "元旦")], "2028-01-03 不在 2027 年内"),
        ([(D(2027, 1, 1), False, "元旦"), (D(2027, 1, 1), False, "元旦")], "2027-01-01 重复出现"),
        ([(D(2027, 1, 1), False, " ")], "2027-01-01 缺少名称"),
    ],
)
def test_it_refuses_a_bad_schedule_and_changes_nothing(admin_user, days, expected):
    # given
    holiday_schedule_load(actor=admin_user, year=2027, source=SOURCE, days=EXAMPLE_2027)
    open_deadline("B-1", D(2026, 12, 25), 30)
    before = snapshot()

    # when
    with pytest.raises(ApplicationError) as caught:
        holiday_schedule_load(
            actor=admin_user, year=2027, source="另一份", days=[*EXAMPLE_2027[1:], *days]
        )

    # then
    assert expected in caught.value.message
    assert snapshot() == before
    assert HolidaySchedule.objects.get().source == SOURCE


@pytest.mark.django_db
def test_it_refuses_an_empty_schedule(admin_user):
    # given
    holiday_schedule_load(actor=admin_user, year=2027, source=SOURCE, days=EXAMPLE_2027)
    before = snapshot()

    # when
    with pytest.raises(ApplicationError, match="没有任何日期"):
        holiday_schedule_load(actor=admin_user, year=2027, source=SOURCE, days=[])

    # then
    assert snapshot() == before


@pytest.mark.django_db
def test_it_names_every_bad_date_in_one_error(admin_user):
    # given
    days = [
        (D(2027, 1, 2), False, "元旦"),
        (D(2028, 1, 3), False, "元旦"),
        (D(2027, 1, 1), False, "元旦"),
    ]

    # when
    with pytest.raises(ApplicationError) as caught:
        holiday_schedule_load(actor=admin_user, year=2027, source=SOURCE, days=days)

    # then
    assert "2027-01-02" in caught.value.message
    assert "2028-01-03" in caught.value.message
    assert "2027-01-01" not in caught.value.message
    assert [p["index"] for p in caught.value.extra["problems"]] == [0, 1]
    assert HolidaySchedule.objects.count() == 0


@pytest.mark.django_db
def test_it_requires_a_source(admin_user):
    # given / when
    with pytest.raises(ApplicationError) as caught:
        holiday_schedule_load(actor=admin_user, year=2027, source="  ", days=EXAMPLE_2027)

    # then
    assert caught.value.field == "source"
    assert HolidaySchedule.objects.count() == 0


@pytest.mark.django_db
def test_it_warns_that_2027_is_missing_on_2026_11_28_until_it_is_loaded(admin_user):
    # given
    with time_machine.travel(dt.datetime(2026, 11, 28, 9, 0, tzinfo=SHANGHAI), tick=False):
        today = timezone.localdate()

        # when
        before = holiday_schedule_missing_years(today=today)
        holiday_schedule_load(actor=admin_user, year=2027, source=SOURCE, days=EXAMPLE_2027)
        after = holiday_schedule_missing_years(today=today)

    # then
    assert today == D(2026, 11, 28)
    assert before == [2027]
    assert after == []


@pytest.mark.django_db
def test_it_does_not_warn_while_the_horizon_stays_inside_covered_years():
    # given / when
    missing = holiday_schedule_missing_years(today=D(2026, 6, 1))
    short = holiday_schedule_missing_years(today=D(2026, 11, 28), horizon_days=30)
    long = holiday_schedule_missing_years(today=D(2026, 11, 28), horizon_days=500)

    # then
    assert missing == []
    assert short == []
    assert long == [2027, 2028]


@pytest.mark.django_db
def test_it_rebuilds_the_cached_calendar_when_another_process_changes_the_table():
    # given
    assert workday_calendar_get().year_source(2027) == "weekdays_provisional"
    assert add_working_days(D(2026, 12, 31), 1).date == D(2027, 1, 1)

    # when: rows written directly, as another process would, without this process's services
    schedule = HolidaySchedule.objects.create(year=2027, source=SOURCE)
    HolidayScheduleDay.objects.create(schedule=schedule, date=D(2027, 1, 1), name="元旦")

    # then
    assert workday_calendar_get().year_source(2027) == "platform"
    assert add_working_days(D(2026, 12, 31), 1).date == D(2027, 1, 4)
    assert working_days_between(D(2026, 12, 31), D(2027, 1, 4)).days == 1

    # when: a day is changed in place
    HolidayScheduleDay.objects.create(schedule=schedule, date=D(2027, 1, 4), name="测试")

    # then
    assert add_working_days(D(2026, 12, 31), 1).date == D(2027, 1, 5)


@pytest.mark.django_db
def test_it_recomputes_provisional_deadlines_opened_with_a_stale_calendar(admin_user):
    # given: a deadline computed before 2027 was loaded, stored after (a race between processes)
    deadline = open_deadline("S-1", D(2026, 12, 25), 10)
    schedule = HolidaySchedule.objects.create(year=2027, source=SOURCE)
    HolidayScheduleDay.objects.create(schedule=schedule, date=D(2027, 1, 1), name="元旦")

    # when
    changed = deadlines_recompute(actor=None)

    # then
    deadline.refresh_from_db()
    assert changed == [deadline]
    assert (deadline.due_date, deadline.is_provisional) == (D(2027, 1, 11), False)


@pytest.mark.django_db
def test_it_closes_a_deadline_once():
    # given
    deadline = open_deadline("X-1", D(2026, 9, 30), 1)
    at = dt.datetime(2026, 10, 8, 16, 0, tzinfo=SHANGHAI)

    # when
    deadline_close(deadline=deadline, at=at)

    # then
    deadline.refresh_from_db()
    assert deadline.closed_at == at
    with pytest.raises(ApplicationError, match="已关闭"):
        deadline_close(deadline=deadline, at=at)


@pytest.mark.django_db
def test_it_refuses_a_naive_close_time_and_negative_working_days():
    # given
    deadline = open_deadline("X-1", D(2026, 9, 30), 1)

    # when / then
    with pytest.raises(ApplicationError):
        deadline_close(deadline=deadline, at=dt.datetime(2026, 10, 8, 16, 0))  # noqa: DTZ001
    with pytest.raises(ApplicationError):
        open_deadline("X-2", D(2026, 9, 30), -1)
