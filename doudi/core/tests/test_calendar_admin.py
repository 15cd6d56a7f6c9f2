"""The admin pages of the core app: holiday schedules go through holiday_schedule_load."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.contrib.messages import get_messages

from doudi.core.calendar import deadline_open, holiday_schedule_load
from doudi.core.models import AuditEvent, Deadline, HolidaySchedule, HolidayScheduleDay

D = dt.date
SHANGHAI = dt.timezone(dt.timedelta(hours=8))
SOURCE = "测试用示例安排（非官方）"
ADD_URL = "/admin/core/holidayschedule/add/"


@pytest.fixture
def superuser_client(client, db):
    user = get_user_model().objects.create_superuser(username="root", password="x")
    client.force_login(user)
    client.user = user
    return client


def inline_data(rows: list[tuple[str, bool, str]], *, initial: list[int] | None = None) -> dict:
    initial = initial or []
    data = {
        "days-TOTAL_FORMS": str(len(rows)),
        "days-INITIAL_FORMS": str(len(initial)),
        "days-MIN_NUM_FORMS": "0",
        "days-MAX_NUM_FORMS": "1000",
    }
    for i, (day, is_working_day, name) in enumerate(rows):
        data[f"days-{i}-date"] = day
        data[f"days-{i}-name"] = name
        if is_working_day:
            data[f"days-{i}-is_working_day"] = "on"
        if i < len(initial):
            data[f"days-{i}-id"] = str(initial[i])
    return data


@pytest.mark.django_db
def test_it_loads_a_schedule_added_in_the_admin_through_the_service(superuser_client):
    # given
    deadline = deadline_open(
        object_type="intake.application",
        object_id="1",
        kind="accept",
        region_code="350102",
        start_date=D(2026, 12, 25),
        working_days=10,
    )
    data = {
        "year": "2027",
        "source": SOURCE,
        "note": "",
        **inline_data([("2027-01-01", False, "元旦"), ("2027-02-20", True, "春节调休上班")]),
    }

    # when
    response = superuser_client.post(ADD_URL, data)

    # then
    assert response.status_code == 302
    schedule = HolidaySchedule.objects.get(year=2027)
    assert response["Location"].endswith("/admin/core/holidayschedule/")
    assert schedule.loaded_by == superuser_client.user
    assert list(schedule.days.values_list("date", "is_working_day")) == [
        (D(2027, 1, 1), False),
        (D(2027, 2, 20), True),
    ]
    deadline.refresh_from_db()
    assert (deadline.due_date, deadline.is_provisional) == (D(2027, 1, 11), False)
    assert AuditEvent.objects.filter(action="calendar.schedule_loaded").count() == 1
    assert AuditEvent.objects.filter(action="deadline.recomputed").count() == 1
    shown = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("重新计算了 1 个未关闭的期限" in m for m in shown)


@pytest.mark.django_db
def test_it_reloads_a_schedule_changed_in_the_admin(superuser_client):
    # given
    schedule = holiday_schedule_load(
        actor=None,
        year=2027,
        source=SOURCE,
        days=[(D(2027, 1, 1), False, "元旦"), (D(2027, 2, 20), True, "春节调休上班")],
    )
    ids = list(schedule.days.order_by("date").values_list("pk", flat=True))
    data = {
        "source": SOURCE + "（更正）",
        "note": "更正",
        **inline_data(
            [("2027-01-01", False, "元旦"), ("2027-02-20", True, "春节调休上班")], initial=ids
        ),
        "days-1-DELETE": "on",
    }

    # when
    page = superuser_client.get(f"/admin/core/holidayschedule/{schedule.pk}/change/")
    response = superuser_client.post(f"/admin/core/holidayschedule/{schedule.pk}/change/", data)

    # then
    assert page.status_code == 200
    assert "春节调休上班" in page.content.decode()
    assert response.status_code == 302
    schedule.refresh_from_db()
    assert schedule.source == SOURCE + "（更正）"
    assert list(schedule.days.values_list("date", flat=True)) == [D(2027, 1, 1)]
    assert AuditEvent.objects.filter(action="calendar.schedule_loaded").count() == 2


@pytest.mark.django_db
def test_it_shows_schedule_errors_in_chinese_and_saves_nothing(superuser_client):
    # given
    data = {
        "year": "2027",
        "source": SOURCE,
        "note": "",
        **inline_data([("2027-01-02", False, "元旦"), ("2028-01-03", False, "元旦")]),
    }

    # when
    response = superuser_client.post(ADD_URL, data)

    # then
    assert response.status_code == 200
    shown = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("2027-01-02 是星期六，本来就休息" in m for m in shown)
    assert any("2028-01-03 不在 2027 年内" in m for m in shown)
    assert HolidaySchedule.objects.count() == 0
    assert HolidayScheduleDay.objects.count() == 0
    assert AuditEvent.objects.count() == 0


@pytest.mark.django_db
def test_it_warns_admins_on_the_schedule_list_that_2027_is_missing(superuser_client):
    # given
    with time_machine.travel(dt.datetime(2026, 11, 28, 9, 0, tzinfo=SHANGHAI), tick=False):
        # when
        response = superuser_client.get("/admin/core/holidayschedule/")

    # then
    assert response.status_code == 200
    shown = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("尚未加载 2027 年节假日安排" in m for m in shown)


@pytest.mark.django_db
def test_it_keeps_audit_events_divisions_and_deadlines_read_only(superuser_client):
    # given
    deadline_open(
        object_type="intake.application",
        object_id="1",
        kind="accept",
        region_code="350102",
        start_date=D(2026, 12, 25),
        working_days=10,
    )
    deadline = Deadline.objects.get()
    schedule = holiday_schedule_load(
        actor=None, year=2027, source=SOURCE, days=[(D(2027, 1, 1), False, "元旦")]
    )

    # when
    audit_add = superuser_client.get("/admin/core/auditevent/add/")
    division_add = superuser_client.get("/admin/core/division/add/")
    division_list = superuser_client.get("/admin/core/division/?q=福州")
    deadline_view = superuser_client.get(f"/admin/core/deadline/{deadline.pk}/change/")
    schedule_delete = superuser_client.get(f"/admin/core/holidayschedule/{schedule.pk}/delete/")

    # then
    assert audit_add.status_code == 403
    assert division_add.status_code == 403
    assert division_list.status_code == 200
    assert deadline_view.status_code == 200
    assert 'name="_save"' not in deadline_view.content.decode()
    assert schedule_delete.status_code == 403
