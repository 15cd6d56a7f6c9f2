"""`doudi demo`: migrate, load a synthetic county, create the demo accounts, print them, serve.

The demo accounts share the public DEMO_PASSWORD, which is refused on PostgreSQL with DEBUG off.
There `doudi demo --generated-passwords` gives every demo account (and the applicant) its own
random password, printed once at the end of the output and stored only as Django's hash;
re-running with the flag replaces them."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from doudi.accounts.demo_staff import (
    DEMO_PASSWORD,
    demo_accounts,
    demo_password_generate,
    demo_staff_ensure,
)
from doudi.accounts.models import Role, StaffProfile
from doudi.accounts.services import api_token_create
from doudi.registry.imports import registry_import_parquet


class Command(BaseCommand):
    help = "演示环境：迁移数据库、载入合成县（默认长乐区 350112）、创建演示账号并启动服务。"

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("--county", default="350112")
        parser.add_argument("--persons", type=int, default=10000)
        parser.add_argument("--seed", type=int, default=7)
        parser.add_argument("--addr", default="127.0.0.1:8000")
        parser.add_argument("--no-serve", action="store_true", help="只准备数据，不启动服务")
        parser.add_argument(
            "--generated-passwords",
            action="store_true",
            help="为每个演示账号生成随机密码（在输出末尾显示一次，不保存明文）；"
            "已有的演示账号改为新生成的密码。PostgreSQL 且未开启 DEBUG 时必须使用",
        )

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        generated = options["generated_passwords"]
        if settings.DB_ENGINE != "sqlite" and not settings.DEBUG and not generated:
            raise CommandError(
                "演示账号使用公开的密码，只能在内置 SQLite 演示环境中创建；"
                "在 PostgreSQL 上请运行 doudi demo --generated-passwords，"
                "为每个演示账号生成随机密码"
            )
        Path(settings.DATA_DIR).mkdir(parents=True, exist_ok=True)
        call_command("migrate", verbosity=0)
        out = (
            Path(settings.DATA_DIR)
            / f"demo-{options['county']}-{options['persons']}-{options['seed']}"
        )
        if not (out / "persons.parquet").exists():
            call_command(
                "synth",
                counties=options["county"],
                persons=options["persons"],
                seed=options["seed"],
                out=str(out),
            )
        counts = registry_import_parquet(
            persons_path=out / "persons.parquet",
            households_path=out / "households.parquet",
            progress=True,
        )
        self.stdout.write(
            f"已载入 {counts['households']} 户、{counts['persons']} 人"
            + (
                f"（{counts['skipped_households']} 户此前已载入）"
                if counts["skipped_households"]
                else ""
            )
        )
        passwords = (
            {
                account.username: demo_password_generate()
                for account in demo_accounts(options["county"])
            }
            if generated
            else None
        )
        accounts = demo_staff_ensure(options["county"], passwords=passwords)
        self.stdout.write(
            "\n演示账号（随机密码见输出末尾）："
            if passwords
            else f"\n演示账号（密码均为 {DEMO_PASSWORD}）："
        )
        for account, region in accounts:
            roles = "、".join(Role(role).label for role in account.roles)
            self.stdout.write(
                f"  {account.username:<16} {account.display_name:<16} {region:<10} {roles}"
            )
        from django.contrib.auth import get_user_model

        caseworker = get_user_model().objects.get(username="caseworker1")
        token, _ = api_token_create(user=caseworker, name="演示")
        self.stdout.write(f"\ncaseworker1 的 API 令牌：{token}")
        self._reserve_funds(options["county"])
        applicant_password = demo_password_generate() if generated else None
        applicant = self._applicant(applicant_password)
        self._department_data(out, options["seed"])
        self.stdout.write(
            f"\n平台地址：http://{options['addr']}/   接口文档：http://{options['addr']}/api/docs"
            f"   网上申请：http://{options['addr']}/self/\n"
        )
        if passwords:
            self._print_passwords(passwords, applicant if applicant_password else None)
        if not options["no_serve"]:
            call_command("serve", options["addr"])

    def _reserve_funds(self, county_code: str) -> None:
        """A reserve fund with 20,000 yuan for each township that has a demo caseworker."""
        from django.contrib.auth import get_user_model

        from doudi.accounts.scoping import actor_for_user
        from doudi.relief.models import ReserveFund
        from doudi.relief.services import reserve_fund_create, reserve_fund_top_up

        officer = actor_for_user(get_user_model().objects.get(username="county_officer"))
        townships = StaffProfile.objects.filter(
            user__username__startswith="caseworker", org_unit__division__parent_id=county_code
        ).values_list("org_unit__division_id", flat=True)
        for code in townships:
            if ReserveFund.objects.filter(township_id=code).exists():
                continue
            fund = reserve_fund_create(actor=officer, township_code=code)
            reserve_fund_top_up(actor=officer, fund=fund, amount="20000.00", memo="演示：年初拨付")
        self.stdout.write("临时救助备用金：演示乡镇各拨付 20,000.00 元")

    def _department_data(self, out: Path, seed: int) -> None:
        """Every department feed of the demo population (doudi.synth.feeds, with its missing and
        mistyped ID numbers) ingested as snapshots, and the records without a usable ID number
        linked by identity resolution, so that verification reports have data to read. Files
        already ingested are not taken again, snapshots already resolved are not run again."""
        from doudi.exchange.models import FeedSnapshot, IdentityResolutionRun
        from doudi.exchange.resolution import identity_resolve
        from doudi.exchange.schemas import FEEDS
        from doudi.exchange.services import feed_file_ingest
        from doudi.synth.feeds import write_feeds

        feeds_dir = out / "feeds"
        if not (feeds_dir / "truth" / "linkage_truth.parquet").exists():
            write_feeds(
                persons_path=out / "persons.parquet",
                households_path=out / "households.parquet",
                out_dir=feeds_dir,
                seed=seed,
            )
        accepted, empty = 0, []
        for source in FEEDS:
            path = next(feeds_dir.glob(f"{source}.*"))
            data = path.read_bytes()
            if _data_rows(path, data) == 0:
                empty.append(FEEDS[source].label)  # a small population: nothing to send
                continue
            outcome = feed_file_ingest(actor=None, source=source, data=data, filename=path.name)
            if outcome.outcome == "rejected":
                raise CommandError(outcome.summary)
            accepted += outcome.outcome == "accepted"
        resolved = 0
        for source in FEEDS:
            snapshot = (
                FeedSnapshot.objects.filter(source=source).order_by("-received_at", "-id").first()
            )
            if snapshot is None or not (snapshot.id_missing_count + snapshot.id_invalid_count):
                continue
            if IdentityResolutionRun.objects.filter(snapshot=snapshot).exists():
                continue
            identity_resolve(actor=None, snapshot=snapshot)
            resolved += 1
        sent = len(FEEDS) - len(empty)
        self.stdout.write(
            f"部门数据：{sent} 个数据源有快照（本次新接收 {accepted} 个），本次身份比对 {resolved} 个数据源"
            + (f"；演示人口中无记录、未报送：{'、'.join(empty)}" if empty else "")
        )

    def _print_passwords(
        self, passwords: dict[str, str], applicant: tuple[str, str] | None
    ) -> None:
        """The generated passwords, once: they are kept nowhere else (only their hashes)."""
        self.stdout.write(
            "演示账号的随机密码（只显示这一次，请妥善保存；"
            "遗失后重新运行 doudi demo --generated-passwords 即生成新密码，旧密码随即失效）："
        )
        for username, password in passwords.items():
            self.stdout.write(f"  {username:<16} {password}")
        if applicant is not None:
            self.stdout.write(f"  网上申请 {applicant[0]}（身份证号见上）  {applicant[1]}")
        self.stdout.write("")

    def _applicant(self, password: str | None = None) -> tuple[str, str] | None:
        """A self-service account for the head of the demo village worker's first household, with
        the public DEMO_PASSWORD or, when `password` is given, that password (an existing
        account's is replaced). Returns the applicant's name and password."""
        from doudi.core.id_protection import id_number_decrypt
        from doudi.portal.models import ApplicantAccount
        from doudi.portal.services import applicant_account_register
        from doudi.registry.models import Membership

        worker = StaffProfile.objects.filter(user__username="village_worker1").first()
        if worker is None:
            return None
        head = (
            Membership.objects.filter(
                household__village_code=worker.org_unit.division_id, relation="head", is_active=True
            )
            .select_related("person")
            .order_by("household_id")
            .first()
        )
        if head is None:
            return None
        number = id_number_decrypt(head.person.id_number_encrypted)
        account = ApplicantAccount.objects.filter(person=head.person).select_related("user").first()
        if account is None:
            applicant_account_register(
                name=head.person.name,
                id_number=number,
                phone="13800000000",
                password=password or DEMO_PASSWORD,
            )
        elif password:
            account.user.set_password(password)
            account.user.save(update_fields=["password"])
        shown = "见输出末尾" if password else DEMO_PASSWORD
        self.stdout.write(
            f"网上申请演示账号：{head.person.name}，身份证号 {number}（合成数据），密码 {shown}"
        )
        return head.person.name, password or DEMO_PASSWORD


def _data_rows(path: Path, data: bytes) -> int:
    """Rows of a synthetic feed file besides the CSV header."""
    if path.suffix == ".parquet":
        import io

        import pyarrow.parquet as pq

        return pq.read_metadata(io.BytesIO(data)).num_rows
    return max(0, len(data.splitlines()) - 1)
