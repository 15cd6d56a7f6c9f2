"""`doudi exchange`: department data feeds.

    doudi exchange ingest --source tax var/feeds/tax.csv
    doudi exchange feeds
    doudi exchange resolve --source tax [--snapshot PUBLIC_ID]

`ingest` validates the whole file and keeps it as a snapshot only if nothing is wrong; it exits
with status 0 when the file is accepted (or was already accepted: a no-op) and 1 when it is
rejected, after listing every problem (row, column, reason). `feeds` lists the declared feeds.
`resolve` links the records of a snapshot (default: the source's latest) to registry persons
(docs/exchange.md, "Identity resolution") and prints the counts.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from doudi.core.exceptions import ApplicationError
from doudi.exchange.schemas import FEEDS
from doudi.exchange.services import feed_file_ingest


class Command(BaseCommand):
    help = "部门数据交换：校验并接收部门报送文件（ingest），列出数据规范（feeds）"

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(
            dest="subcommand", required=True, parser_class=CommandParser
        )
        ingest = commands.add_parser("ingest", help="校验并接收一个部门报送文件")
        ingest.add_argument("--source", required=True, help="数据源代码，如 tax、hukou")
        ingest.add_argument("file", help="CSV（UTF-8 或 GBK）、Excel（.xlsx）或 Parquet 文件")
        commands.add_parser("feeds", help="列出全部数据源及其列")
        resolve = commands.add_parser("resolve", help="将快照记录与登记人员进行身份比对")
        resolve.add_argument("--source", required=True, help="数据源代码，如 tax")
        resolve.add_argument("--snapshot", default="", help="快照编号（默认最新快照）")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "feeds":
            for schema in FEEDS.values():
                columns = "、".join(
                    f"{c.label}({c.name}){'' if c.required else '?'}" for c in schema.columns
                )
                self.stdout.write(
                    f"{schema.source}\t{schema.label}\t{schema.department}\t{columns}"
                )
            return
        if options["subcommand"] == "resolve":
            self._resolve(options["source"], options["snapshot"])
            return
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"文件不存在：{path}")
        try:
            outcome = feed_file_ingest(
                actor=None, source=options["source"], data=path.read_bytes(), filename=path.name
            )
        except ApplicationError as error:
            raise CommandError(error.message) from error
        if outcome.outcome == "rejected":
            for problem in outcome.problems:
                self.stderr.write(str(problem))
            raise CommandError(outcome.summary)
        self.stdout.write(outcome.summary)

    def _resolve(self, source: str, snapshot_id: str) -> None:
        from doudi.core.exceptions import NotFound
        from doudi.exchange.resolution import identity_resolve
        from doudi.exchange.selectors import feed_snapshot_for_resolution

        try:
            snapshot = feed_snapshot_for_resolution(source=source, public_id=snapshot_id or None)
            run = identity_resolve(actor=None, snapshot=snapshot)
        except (ApplicationError, NotFound) as error:
            raise CommandError(error.message) from error
        label = FEEDS[source].label
        self.stdout.write(
            f"“{label}”快照 {snapshot.snapshot_date}（{run.record_count} 条）身份比对完成："
            f"按身份证号码 {run.exact_count} 条，按姓名等自动接受 {run.probabilistic_count} 条，"
            f"待人工确认 {run.review_count} 条，沿用人工确认 {run.carried_count} 条，"
            f"未比对上 {run.unmatched_count} 条；用时 {run.duration_seconds:.1f} 秒"
        )
