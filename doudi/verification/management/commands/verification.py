"""`doudi verification batch`: batch screening (批量核对) of a region's households — or the
current recipients of one programme — against the latest department snapshots, run as a staff
user (who must hold `verification.request` and cover the region; the run, its results and the
access log are recorded under that user).

    doudi verification batch --region 350112001 --user wuhang_caseworker
    doudi verification batch --region 350112 --programme dibao --month 2026-11 --user USERNAME
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from doudi.accounts.scoping import actor_for_user
from doudi.core.exceptions import ApplicationError
from doudi.programmes import KEYS as PROGRAMME_KEYS
from doudi.programmes import Programme
from doudi.verification.batch_services import batch_run, batch_run_figures


class Command(BaseCommand):
    help = "家庭经济状况核对：批量核对辖区家庭（batch）"

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(
            dest="subcommand", required=True, parser_class=CommandParser
        )
        batch = commands.add_parser("batch", help="批量核对一个区域的家庭并保存结果")
        batch.add_argument("--region", required=True, help="区划代码，如 350112001")
        batch.add_argument(
            "--programme",
            default="",
            choices=["", *PROGRAMME_KEYS],
            help="只核对该救助项目的在保家庭，如 dibao（默认全部登记家庭）",
        )
        batch.add_argument("--month", default="", help="核对月份 YYYY-MM（默认本月）")
        batch.add_argument(
            "--user", required=True, help="发起核对的工作人员用户名（记入结果和查询记录）"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        user = get_user_model().objects.filter(username=options["user"]).first()
        if user is None:
            raise CommandError(f"用户不存在：{options['user']}")
        actor = actor_for_user(user)
        if actor is None:
            raise CommandError(f"该账号未配置工作人员信息：{options['user']}")
        try:
            run = batch_run(
                actor=actor,
                region_code=options["region"],
                programme=options["programme"] or None,
                month=options["month"] or None,
            )
        except ApplicationError as error:
            raise CommandError(error.message) from error
        scope = f"{Programme(run.programme).label}在保家庭" if run.programme else "全部登记家庭"
        seconds = (run.finished_at - run.started_at).total_seconds()
        self.stdout.write(
            f"批量核对 {run.public_id}：{run.region_name}（{run.region_code}），{run.month}，"
            f"{scope}，选取 {run.households_selected} 户"
        )
        self.stdout.write(batch_run_figures(run))
        self.stdout.write(f"核对用时 {seconds:.1f} 秒")
