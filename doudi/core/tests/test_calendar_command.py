"""`doudi calendar status|load|recompute`."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
import time_machine
from django.core.management import CommandError, call_command

from doudi.core.calendar import deadline_open
from doudi.core.models import AuditEvent, Deadline, HolidaySchedule, HolidayScheduleDay

D = dt.date
SHANGHAI = dt.timezone(dt.timedelta(hours=8))
NOV_28 = dt.datetime(2026, 11, 28, 9, 0, tzinfo=SHANGHAI)
SOURCE = "测试用示例安排（非官方）"

# A made-up 2027 schedule for tests only: NOT the official one, which is not announced yet.
EXAMPLE_2027_CSV = """date,is_working_day,name
2027-01-01,0,元旦
2027-02-08,false,春节
2027-02-09,0,春节
2027-02-10,0,春节
2027-02-11,0,春节
2027-02-12,FALSE,春节
2027-02-20,1,春节调休上班
"""


def write(tmp_path: Path, text: str, name: str = "2027.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding=encoding)
    return path


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("calendar", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_it_reports_each_years_source_and_warns_that_2027_is_missing():
    # given
    with time_machine.travel(NOV_28, tick=False):
        # when
        output = run("status")

    # then
    assert "今天：2026-11-28" in output
    assert "2024 年：chinese-calendar 库" in output
    assert "2026 年：chinese-calendar 库" in output
    assert "2027 年：未加载节假日安排，暂按周一至周五计算（临时）  ⚠ 缺少节假日安排" in output
    assert "2028 年" not in output
    assert "警告：尚未加载 2027 年节假日安排" in output


@pytest.mark.django_db
def test_it_loads_a_schedule_from_csv_and_recomputes_open_deadlines(tmp_path):
    # given
    deadline = deadline_open(
        object_type="intake.application",
        object_id="1",
        kind="accept",
        region_code="350102",
        start_date=D(2026, 12, 25),
        working_days=10,
    )
    path = write(tmp_path, EXAMPLE_2027_CSV, encoding="utf-8-sig")  # as Excel saves it

    # when
    with time_machine.travel(NOV_28, tick=False):
        output = run("load", "--year", "2027", "--source", SOURCE, str(path))
        status = run("status")

    # then
    assert (
        "已加载 2027 年节假日安排：放假 6 天，调休上班 1 天；重新计算了 1 个未关闭的期限。"
        in output
    )
    schedule = HolidaySchedule.objects.get(year=2027)
    assert schedule.source == SOURCE
    assert schedule.loaded_by is None
    assert list(schedule.days.values_list("date", "is_working_day", "name")[:2]) == [
        (D(2027, 1, 1), False, "元旦"),
        (D(2027, 2, 8), False, "春节"),
    ]
    deadline.refresh_from_db()
    assert (deadline.due_date, deadline.is_provisional) == (D(2027, 1, 11), False)
    assert AuditEvent.objects.filter(action="calendar.schedule_loaded").count() == 1
    assert f"2027 年：平台维护的节假日安排（{SOURCE}" in status
    assert "警告" not in status


@pytest.mark.django_db
def test_it_lists_every_bad_row_and_writes_nothing(tmp_path):
    # given
    path = write(
        tmp_path,
        """date,is_working_day,name
2027-01-01,0,元旦
2027/02/08,0,春节
2027-02-09,yes,春节
2027-01-02,0,元旦
2028-01-03,0,元旦
2027-01-01,0,元旦
2027-01-04,1,调休上班
2027-02-10,0
""",
    )

    # when
    with pytest.raises(CommandError) as caught:
        run("load", "--year", "2027", "--source", SOURCE, str(path))

    # then
    message = str(caught.value)
    assert "未写入任何数据" in message
    assert "第 3 行：日期“2027/02/08”无效，应为 YYYY-MM-DD" in message
    assert "第 4 行：is_working_day“yes”无效" in message
    assert "第 5 行：2027-01-02 是星期六，本来就休息" in message
    assert "第 6 行：2028-01-03 不在 2027 年内" in message
    assert "第 7 行：2027-01-01 重复出现" in message
    assert "第 8 行：2027-01-04 是星期一，本来就上班" in message
    assert "第 9 行应有 3 列，实际 2 列" in message
    assert "第 2 行" not in message
    assert HolidaySchedule.objects.count() == 0
    assert HolidayScheduleDay.objects.count() == 0
    assert AuditEvent.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("day,working,name\n2027-01-01,0,元旦\n", "第 1 行表头应为 date,is_working_day,name"),
        ("", "文件为空"),
        ("date,is_working_day,name\n", "没有任何日期"),
    ],
)
def test_it_refuses_a_file_without_the_expected_header_or_rows(tmp_path, text, expected):
    # given
    path = write(tmp_path, text)

    # when
    with pytest.raises(CommandError) as caught:
        run("load", "--year", "2027", "--source", SOURCE, str(path))

    # then
    assert expected in str(caught.value)
    assert HolidaySchedule.objects.count() == 0


@pytest.mark.django_db
def test_it_refuses_a_missing_file_and_an_unknown_user(tmp_path):
    # given
    path = write(tmp_path, EXAMPLE_2027_CSV)

    # when / then
    with pytest.raises(CommandError, match="找不到文件"):
        run("load", "--year", "2027", "--source", SOURCE, str(tmp_path / "none.csv"))
    with pytest.raises(CommandError, match="用户不存在"):
        run("load", "--year", "2027", "--source", SOURCE, "--user", "nobody", str(path))
    assert HolidaySchedule.objects.count() == 0


@pytest.mark.django_db
def test_it_recomputes_open_provisional_deadlines_on_request():
    # given: a deadline left provisional although 2027 is now in the table
    deadline = deadline_open(
        object_type="intake.application",
        object_id="1",
        kind="accept",
        region_code="350102",
        start_date=D(2026, 12, 31),
        working_days=1,
    )
    schedule = HolidaySchedule.objects.create(year=2027, source=SOURCE)
    HolidayScheduleDay.objects.create(schedule=schedule, date=D(2027, 1, 1), name="元旦")

    # when
    output = run("recompute")

    # then
    assert "重新计算了 1 个未关闭的临时期限" in output
    deadline.refresh_from_db()
    assert (deadline.due_date, deadline.is_provisional) == (D(2027, 1, 4), False)
    assert Deadline.objects.filter(is_provisional=True).count() == 0
