"""`doudi policy evaluate FILE.json`: every programme for one household and month, explained."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from doudi.core.exceptions import ApplicationError
from doudi.policy import SituationError, evaluate
from doudi.standards.engine import evaluation_run, situation_problems_message


class Command(BaseCommand):
    help = (
        "按规则测算一户一月的各项救助：doudi policy evaluate 情况.json（格式见 docs/policy.md）。"
    )

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        subcommands = parser.add_subparsers(dest="action", required=True)
        evaluate = subcommands.add_parser("evaluate", help="测算并输出 JSON")
        evaluate.add_argument("file", help="情况 JSON 文件，- 表示标准输入")
        evaluate.add_argument(
            "--offline",
            action="store_true",
            help="不连接数据库：只用规则库自带参数，不读取地方标准，不保存测算记录",
        )

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        source = options["file"]
        try:
            text = sys.stdin.read() if source == "-" else Path(source).read_text(encoding="utf-8")
        except OSError as error:
            raise CommandError(f"无法读取文件 {source}：{error.strerror}") from error
        try:
            situation = json.loads(text)
        except json.JSONDecodeError as error:
            raise CommandError(
                f"{source} 不是有效的 JSON：第 {error.lineno} 行第 {error.colno} 列"
            ) from error
        if options["offline"]:
            try:
                result = evaluate(situation).to_json()
            except SituationError as error:
                raise CommandError(situation_problems_message(error).replace("；", "\n")) from error
        else:
            try:
                record = evaluation_run(actor=None, situation=situation, channel="cli")
            except ApplicationError as error:
                problems = error.extra.get("problems")
                lines = (
                    [f"{p['field']}：{p['message']}" for p in problems]
                    if problems
                    else [error.message]
                )
                raise CommandError("\n".join(lines)) from error
            result = {**record.result, "evaluation_id": record.pk}
        self.stdout.write(json.dumps(result, ensure_ascii=False, indent=2))
