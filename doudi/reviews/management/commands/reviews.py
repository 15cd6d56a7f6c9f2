"""`doudi reviews schedule`: open a review case for every household whose periodic review
(定期复核, POLICY.md §2.8) is due today or overdue and that has no open review. Safe to run
daily and to re-run: a household with an open review gets no second one.

    doudi reviews schedule
    doudi reviews schedule --date 2027-11-20
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from doudi.reviews.services import reviews_schedule


class Command(BaseCommand):
    help = "动态管理：生成到期的定期复核案件"

    def add_arguments(self, parser: CommandParser) -> None:
        subcommands = parser.add_subparsers(dest="subcommand", required=True)
        schedule = subcommands.add_parser("schedule", help="为复核日期已到的家庭生成复核案件")
        schedule.add_argument("--date", help="按此日期计算（YYYY-MM-DD，默认今天）")

    def handle(self, *args: Any, **options: Any) -> None:
        day = None
        if options.get("date"):
            try:
                day = dt.date.fromisoformat(options["date"])
            except ValueError as error:
                raise CommandError(f"日期格式应为 YYYY-MM-DD：{options['date']!r}") from error
        created = reviews_schedule(on=day)
        self.stdout.write(f"已生成定期复核案件 {len(created)} 件")
