from __future__ import annotations

import datetime as dt
from io import StringIO
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb
import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError

from doudi.accounts.scoping import actor_for_user
from doudi.core.exceptions import ApplicationError, PermissionDenied
from doudi.core.id_protection import id_number_hash
from doudi.core.models import AuditEvent
from doudi.exchange import services
from doudi.exchange.models import FeedSnapshot, FeedSubmission
from doudi.exchange.services import feed_file_ingest
from doudi.exchange.tests.helpers import LI, TAX_HEADER, TAX_ROWS, ZHANG, csv_bytes, xlsx_bytes
from doudi.testing.state import row_counts

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 3, 10, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture(autouse=True)
def data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    with time_machine.travel(NOW, tick=False):
        yield tmp_path


def _files(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def _state() -> tuple[int, ...]:
    return row_counts(FeedSubmission, FeedSnapshot, AuditEvent)


def test_it_keeps_an_accepted_file_as_a_dated_immutable_snapshot(data_dir):
    # given
    data = csv_bytes(TAX_HEADER, TAX_ROWS)

    # when
    outcome = feed_file_ingest(actor=None, source="tax", data=data, filename="tax-2025-12.csv")

    # then
    assert outcome.outcome == "accepted"
    snapshot = FeedSnapshot.objects.get()
    assert snapshot.source == "tax"
    assert snapshot.snapshot_date == dt.date(2026, 3, 10)
    assert snapshot.received_at == NOW
    assert (snapshot.row_count, snapshot.id_valid_count, snapshot.id_missing_count) == (3, 2, 1)
    assert snapshot.id_invalid_count == 0
    submission = snapshot.submission
    assert (submission.status, submission.filename, submission.file_format) == (
        "accepted",
        "tax-2025-12.csv",
        "csv",
    )
    assert submission.size_bytes == len(data)
    import hashlib

    assert snapshot.checksum == submission.checksum == hashlib.sha256(data).hexdigest()
    assert snapshot.path == f"exchange/tax/20260310T020000000000Z-{snapshot.checksum[:16]}.parquet"
    assert _files(data_dir) == [snapshot.path]
    path = data_dir / snapshot.path
    assert path.stat().st_mode & 0o222 == 0  # read-only
    assert ZHANG.encode() not in path.read_bytes()
    assert LI.encode() not in path.read_bytes()
    found = duckdb.sql(
        f"select name, income_amount from read_parquet('{path}') where person_key = ?",
        params=[id_number_hash(LI)],
    ).fetchall()
    assert [(name, str(amount)) for name, amount in found] == [("李娜", "5200.50")]
    event = AuditEvent.objects.get()
    assert event.action == "exchange.snapshot_accept"
    assert event.parameters == {"source": "tax", "checksum": snapshot.checksum, "rows": 3}
    assert outcome.summary == (
        "“个人所得税”：已接收 3 条记录，快照日期 2026-03-10；身份证号码有效 2 条、缺失 1 条、"
        "无效 0 条（待身份比对）"
    )


def test_the_same_file_twice_is_a_no_op(data_dir):
    data = xlsx_bytes(TAX_HEADER, TAX_ROWS)
    first = feed_file_ingest(actor=None, source="tax", data=data, filename="a.xlsx")
    before, files = _state(), _files(data_dir)

    second = feed_file_ingest(actor=None, source="tax", data=data, filename="renamed.xlsx")

    assert second.outcome == "duplicate"
    assert second.snapshot == first.snapshot
    assert (_state(), _files(data_dir)) == (before, files)
    assert second.summary == (
        "“个人所得税”：该文件已于 2026-03-10 10:00 接收为快照（3 条），本次未作任何改动"
    )


def test_a_rejected_file_leaves_the_previous_snapshot_and_keeps_nothing(data_dir):
    # given an accepted snapshot
    good = feed_file_ingest(
        actor=None, source="tax", data=csv_bytes(TAX_HEADER, TAX_ROWS), filename="good.csv"
    ).snapshot
    files = _files(data_dir)
    bad_rows = [*TAX_ROWS, [LI, "李娜", "1990-02-15", "2025-12", "wage", "-1", "0"]]

    # when
    outcome = feed_file_ingest(
        actor=None, source="tax", data=csv_bytes(TAX_HEADER, bad_rows), filename="bad.csv"
    )

    # then
    assert outcome.outcome == "rejected"
    assert outcome.summary == "“个人所得税”：文件被退回，共 2 个问题，未保存任何数据"
    assert _files(data_dir) == files
    assert list(FeedSnapshot.objects.all()) == [good]
    rejected = FeedSubmission.objects.get(status="rejected")
    assert (rejected.filename, rejected.row_count, rejected.problem_count) == ("bad.csv", 4, 2)
    assert rejected.problems == [
        {"row": 5, "column": "收入额（income_amount）", "reason": "金额不能为负数：-1"},
        {
            "row": 5,
            "column": None,
            "reason": "重复记录：与第 3 行的公民身份号码、姓名、出生日期、所属期、所得项目相同",
        },
    ]
    assert AuditEvent.objects.filter(action="exchange.file_reject").count() == 1


def test_an_unknown_source_is_refused_and_nothing_is_recorded(data_dir):
    with pytest.raises(ApplicationError, match="未知的数据源：lottery") as error:
        feed_file_ingest(actor=None, source="lottery", data=b"a,b\n1,2\n", filename="x.csv")
    assert error.value.field == "source"
    assert _state() == (0, 0, 0)


def test_a_failing_catalogue_write_removes_the_snapshot_file(data_dir, monkeypatch):
    def broken(**kwargs):  # noqa: ANN003, ANN202
        raise RuntimeError("database gone")

    monkeypatch.setattr(services, "audit_event_record", broken)
    with pytest.raises(RuntimeError, match="database gone"):
        feed_file_ingest(
            actor=None, source="tax", data=csv_bytes(TAX_HEADER, TAX_ROWS), filename="t.csv"
        )
    assert _files(data_dir) == []
    assert _state() == (0, 0, 0)


def test_partners_upload_only_their_department_feed(partner_user, caseworker_user, data_dir):
    partner = actor_for_user(partner_user)
    header = [
        "公民身份号码",
        "姓名",
        "出生日期",
        "结算单号",
        "结算日期",
        "医疗机构",
        "是否住院",
        "医疗总费用",
        "个人自付费用",
    ]
    rows = [
        [ZHANG, "张伟", "1980-01-01", "JS001", "2026-02-01", "长乐区医院", "是", "52000", "18000"]
    ]
    outcome = feed_file_ingest(
        actor=partner, source="medical_costs", data=csv_bytes(header, rows), filename="m.csv"
    )
    assert outcome.outcome == "accepted"
    assert outcome.submission.submitted_by == partner_user
    before = _state()

    with pytest.raises(PermissionDenied, match="无权限：报送“个人所得税”数据"):
        feed_file_ingest(
            actor=partner, source="tax", data=csv_bytes(TAX_HEADER, TAX_ROWS), filename="t.csv"
        )
    with pytest.raises(PermissionDenied, match="无权限：报送“医疗费用结算”数据"):
        feed_file_ingest(
            actor=actor_for_user(caseworker_user),
            source="medical_costs",
            data=csv_bytes(header, rows),
            filename="m2.csv",
        )
    assert _state() == before


def test_a_verification_officer_uploads_any_feed(verification_officer_user, data_dir):
    outcome = feed_file_ingest(
        actor=actor_for_user(verification_officer_user),
        source="tax",
        data=csv_bytes(TAX_HEADER, TAX_ROWS),
        filename="t.csv",
    )
    assert outcome.outcome == "accepted"


def _command(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("exchange", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_the_command_exits_non_zero_listing_every_problem(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_bytes(
        csv_bytes(TAX_HEADER, [[ZHANG, "张伟", "1980-01-01", "2026-05", "x", "1", "1"]])
    )
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError, match="“个人所得税”：文件被退回，共 2 个问题，未保存任何数据"):
        call_command("exchange", "ingest", "--source", "tax", str(bad), stdout=out, stderr=err)
    assert err.getvalue().splitlines() == [
        "第 2 行，“所属期（period）”列：月份 2026-05 晚于本月（2026-03）",
        "第 2 行，“所得项目（income_type）”列：不在代码表中：x（可选：工资薪金、经营所得、劳务报酬、财产租赁、其他所得）",
    ]
    assert FeedSnapshot.objects.count() == 0


def test_the_command_accepts_then_reports_a_repeat_as_a_no_op(tmp_path):
    good = tmp_path / "good.csv"
    good.write_bytes(csv_bytes(TAX_HEADER, TAX_ROWS))
    out, _ = _command("ingest", "--source", "tax", str(good))
    assert out.startswith("“个人所得税”：已接收 3 条记录")
    out, _ = _command("ingest", "--source", "tax", str(good))
    assert out.startswith("“个人所得税”：该文件已于 2026-03-10 10:00 接收为快照")
    assert FeedSnapshot.objects.count() == 1
    with pytest.raises(CommandError, match="未知的数据源：nope"):
        _command("ingest", "--source", "nope", str(good))
    with pytest.raises(CommandError, match="文件不存在"):
        _command("ingest", "--source", "tax", str(tmp_path / "missing.csv"))


def test_the_command_lists_the_feeds():
    out, _ = _command("feeds")
    lines = out.splitlines()
    assert len(lines) == 19
    assert lines[0].startswith("hukou\t户籍人口\t公安机关\t公民身份号码(id_number)、姓名(name)")


def test_the_latest_snapshot_of_each_source_comes_in_one_query(django_assert_num_queries):
    from doudi.exchange.models import FeedSnapshot, FeedSubmission
    from doudi.exchange.selectors import feed_snapshots_latest

    def snapshot(source: str, received: str, checksum: str) -> FeedSnapshot:
        at = dt.datetime.fromisoformat(received).replace(tzinfo=dt.UTC)
        submission = FeedSubmission.objects.create(
            source=source,
            status="accepted",
            channel="command",
            filename="f.csv",
            file_format="csv",
            checksum=checksum,
            size_bytes=1,
            received_at=at,
            row_count=1,
        )
        return FeedSnapshot.objects.create(
            source=source,
            submission=submission,
            checksum=checksum,
            received_at=at,
            snapshot_date=at.date(),
            path=f"exchange/{source}/{checksum}.parquet",
            schema_version=1,
            row_count=1,
            id_valid_count=1,
            id_missing_count=0,
            id_invalid_count=0,
        )

    snapshot("tax", "2026-01-05T08:00:00", "a" * 64)
    newest_tax = snapshot("tax", "2026-02-05T08:00:00", "b" * 64)
    vehicles = snapshot("vehicles", "2026-01-20T08:00:00", "c" * 64)

    with django_assert_num_queries(1):
        latest = feed_snapshots_latest(sources=["tax", "vehicles", "securities"])

    assert latest == {"tax": newest_tax, "vehicles": vehicles}
