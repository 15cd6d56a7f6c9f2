"""`doudi calendar status|load|recompute`: the working-day calendar from the command line.

    doudi calendar status
    doudi calendar load --year 2027 --source "国务院办公厅关于2027年部分节假日安排的通知（国办发明电〔2026〕X号）" 2027.csv
    doudi calendar recompute

The CSV has the header ``date,is_working_day,name`` and lists only the deviations from
Monday-Friday: holidays on weekdays (is_working_day 0/false) and make-up working days on weekends
(1/true). See docs/working-days.md.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from doudi.core.calendar import (
    deadlines_recompute,
    holiday_schedule_days_problems,
    holiday_schedule_load,
    holiday_schedule_missing_years,
    holiday_schedule_validate,
    workday_calendar_get,
)
from doudi.core.exceptions import ApplicationError
from doudi.core.models import Deadline, HolidaySchedule
from doudi.core.workdays import (
    SOURCE_CHINESE_CALENDAR,
    SOURCE_LABELS,
    SOURCE_PLATFORM,
)

HEADER = ("date", "is_working_day", "name")
TRUE_VALUES = {"1", "true"}
FALSE_VALUES = {"0", "false"}
FIRST_STATUS_YEAR = 2024


Problem = tuple[int, str]  # (row number, Chinese message naming it); the header is row 1


def read_schedule_csv(
    path: Path,
) -> tuple[list[tuple[dt.date, bool, str]], list[int], list[Problem]]:
    """Parse a schedule CSV. Returns the days, the row number of each day and every problem
    found in the file's format (the calendar rules are checked by the caller)."""
    days: list[tuple[dt.date, bool, str]] = []
    rows: list[int] = []
    problems: list[Problem] = []
    try:
        with path.open(encoding="utf-8-sig", newline="") as f:
            reader = csv.reader(f)
            header = next(reader, None)
            if header is None:
                return [], [], [(1, "文件为空，第 1 行应为表头 date,is_working_day,name")]
            header = [column.strip().lower() for column in header]
            if tuple(header) != HEADER:
                return (
                    [],
                    [],
                    [(1, f"第 1 行表头应为 date,is_working_day,name，而不是 {','.join(header)}")],
                )
            for row_number, row in enumerate(reader, start=2):
                if not any(cell.strip() for cell in row):
                    continue
                if len(row) != len(HEADER):
                    problems.append(
                        (row_number, f"第 {row_number} 行应有 3 列，实际 {len(row)} 列")
                    )
                    continue
                raw_date, raw_working, name = (cell.strip() for cell in row)
                row_ok = True
                try:
                    day = dt.date.fromisoformat(raw_date)
                    if len(raw_date) != 10:
                        raise ValueError(raw_date)
                except ValueError:
                    problems.append(
                        (row_number, f"第 {row_number} 行：日期“{raw_date}”无效，应为 YYYY-MM-DD")
                    )
                    row_ok = False
                working_value = raw_working.lower()
                if working_value in TRUE_VALUES:
                    is_working_day = True
                elif working_value in FALSE_VALUES:
                    is_working_day = False
                else:
                    problems.append(
                        (
                            row_number,
                            f"第 {row_number} 行：is_working_day“{raw_working}”无效，"
                            "应为 1/true（调休上班）或 0/false（放假）",
                        )
                    )
                    row_ok = False
                if row_ok:
                    days.append((day, is_working_day, name))
                    rows.append(row_number)
    except UnicodeDecodeError:
        return [], [], [(0, "文件不是 UTF-8 编码，请另存为 UTF-8 的 CSV")]
    return days, rows, problems


class Command(BaseCommand):
    help = "工作日日历：查看各年份节假日安排来源（status）、加载某年节假日安排（load）、重新计算临时期限（recompute）"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, parser_class=CommandParser)
        sub.add_parser("status", help="各年份节假日安排的来源，以及缺失安排的警告")
        load = sub.add_parser("load", help="从 CSV 加载（或替换）某年的节假日安排")
        load.add_argument("--year", type=int, required=True, help="年份，如 2027")
        load.add_argument("--source", required=True, help="依据：通知名称及文号")
        load.add_argument("--note", default="", help="备注")
        load.add_argument("--user", default="", help="记录为加载人的用户名（可选）")
        load.add_argument("file", type=Path, help="CSV 文件，表头 date,is_working_day,name")
        sub.add_parser("recompute", help="重新计算所有未关闭的临时期限")

    def handle(self, *args: Any, **options: Any) -> None:
        getattr(self, f"handle_{options['action']}")(**options)

    # -- status ---------------------------------------------------------------------------------

    def handle_status(self, **options: Any) -> None:
        today = timezone.localdate()
        calendar = workday_calendar_get()
        schedules = {s.year: s for s in HolidaySchedule.objects.all()}
        self.stdout.write(f"今天：{today.isoformat()}")
        for year in range(FIRST_STATUS_YEAR, today.year + 2):
            source = calendar.year_source(year)
            line = f"{year} 年：{SOURCE_LABELS[source]}"
            if source == SOURCE_PLATFORM:
                schedule = schedules[year]
                line += f"（{schedule.source}，更新于 {timezone.localtime(schedule.updated_at):%Y-%m-%d %H:%M}）"
                self.stdout.write(line)
            elif source == SOURCE_CHINESE_CALENDAR:
                self.stdout.write(line)
            else:
                self.stdout.write(self.style.WARNING(f"{line}  ⚠ 缺少节假日安排"))
        missing = holiday_schedule_missing_years(today=today)
        if missing:
            years = "、".join(str(y) for y in missing)
            self.stdout.write(
                self.style.WARNING(
                    f"警告：尚未加载 {years} 年节假日安排，涉及这些年份的期限按周一至周五计算，"
                    "标为临时期限；公布后请用 `doudi calendar load` 或管理后台加载。"
                )
            )
        provisional = Deadline.objects.filter(closed_at__isnull=True, is_provisional=True).count()
        self.stdout.write(f"未关闭的临时期限：{provisional} 个")

    # -- load -----------------------------------------------------------------------------------

    def handle_load(
        self, *, year: int, source: str, note: str, user: str, file: Path, **options: Any
    ) -> None:
        if not file.is_file():
            raise CommandError(f"找不到文件：{file}")
        actor = None
        if user:
            actor = get_user_model().objects.filter(username=user).first()
            if actor is None:
                raise CommandError(f"用户不存在：{user}")
        days, rows, problems = read_schedule_csv(file)
        for index, message in holiday_schedule_days_problems(year, days):
            problems.append((rows[index], f"第 {rows[index]} 行：{message}"))
        if not problems:
            try:
                holiday_schedule_validate(year=year, source=source, days=days)
            except ApplicationError as error:
                problems.append((0, error.message))
        if problems:
            messages = [message for _, message in sorted(problems, key=lambda p: p[0])]
            raise CommandError(
                f"{file} 有 {len(messages)} 处问题，未写入任何数据：\n" + "\n".join(messages)
            )
        schedule = holiday_schedule_load(
            actor=actor, year=year, source=source, days=days, note=note
        )
        holidays = sum(1 for _, working, _ in days if not working)
        self.stdout.write(
            self.style.SUCCESS(
                f"已加载 {year} 年节假日安排：放假 {holidays} 天，调休上班 {len(days) - holidays} 天；"
                f"重新计算了 {schedule.recomputed_deadlines} 个未关闭的期限。"
            )
        )

    # -- recompute ------------------------------------------------------------------------------

    def handle_recompute(self, **options: Any) -> None:
        changed = deadlines_recompute(actor=None, years=None)
        self.stdout.write(f"重新计算了 {len(changed)} 个未关闭的临时期限。")
