"""`doudi idcard NUMBER`: validate and decode one ID number, print JSON, exit 0 if valid else 1."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from doudi.core.idcard import parse


class Command(BaseCommand):
    help = "校验并解析一个公民身份号码（GB 11643-1999），输出 JSON；有效时退出码为 0，否则为 1。"
    # Pure computation on the in-memory division table: no system checks, no database.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("number", help="18 位（或旧版 15 位）身份证号码")

    def handle(self, *args: Any, number: str, **options: Any) -> None:
        # "Today" for the future-birth-date check is the date in Asia/Shanghai (settings.TIME_ZONE),
        # not the server's UTC date: shortly after midnight in Fujian they differ.
        result = parse(number, today=timezone.localdate())
        self.stdout.write(json.dumps(result.to_json_dict(), ensure_ascii=False))
        if not result.valid:
            # Not CommandError: that would print to stderr; the JSON on stdout is the answer.
            self.stdout.flush()
            raise SystemExit(1)
