"""Identity resolution of a snapshot: exact links, probabilistic links, the review queue, the
links sidecar and the review decisions (docs/exchange.md, "Identity resolution")."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO
from zoneinfo import ZoneInfo

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from pypinyin import lazy_pinyin

from doudi.accounts.scoping import actor_for_user
from doudi.core.exceptions import ApplicationError, NotFound, PermissionDenied
from doudi.core.models import AuditEvent
from doudi.exchange import identity, selectors
from doudi.exchange.models import (
    FeedSnapshot,
    IdentityLinkReview,
    IdentityResolutionRun,
)
from doudi.exchange.names import name_pinyin
from doudi.exchange.resolution import (
    identity_link_review_decide,
    identity_resolve,
    links_read,
    links_relative_path,
)
from doudi.exchange.services import feed_file_ingest
from doudi.exchange.store import data_dir
from doudi.exchange.tests.helpers import TAX_HEADER, csv_bytes
from doudi.registry.models import Person
from doudi.registry.services import MemberSpec
from doudi.registry.tests.factories import person_facts, register_household
from doudi.testing.clients import api_client

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 3, 10, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
VILLAGE = "350112001001"
HEADER = [*TAX_HEADER, "所在区划代码"]


@pytest.fixture(autouse=True)
def data_dir_fixture(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    with time_machine.travel(NOW, tick=False):
        yield tmp_path


def _number(name: str) -> str:
    from doudi.core.id_protection import id_number_decrypt

    return id_number_decrypt(Person.objects.get(name=name).id_number_encrypted)


def _mistyped(number: str) -> str:
    digit = (int(number[10]) + 3) % 10  # a digit of the birth month: the check character breaks
    return number[:10] + str(digit) + number[11:]


def _legacy(number18: str) -> str:
    return number18[:6] + number18[8:17]  # the 15-digit form of a number issued before 1999


@pytest.fixture
def registry(caseworker, household):
    """林建国, 陈秀英, 林小雨 (the household fixture), 曾伟, and two unrelated 王芳 born the same
    day in the same village."""
    for name, birth, sex in [
        ("曾伟", dt.date(1975, 4, 4), "M"),
        ("王芳", dt.date(1990, 1, 1), "F"),
        ("王芳", dt.date(1990, 1, 1), "F"),
    ]:
        register_household(
            caseworker,
            address=f"吴航街道兴华社区{name}{sex}{Person.objects.count()}号",
            members=[MemberSpec(relation="head", facts=person_facts(name, birth, sex=sex))],
        )
    return Person.objects.count()


def _row(number: str, name: str, birth: str) -> list[str]:
    return [number, name, birth, "2025-12", "工资薪金", "8000.00", "90.00", VILLAGE]


@pytest.fixture
def snapshot(registry) -> FeedSnapshot:
    wangfang_unknown = "350112199001010028"  # a well-formed number nobody in the registry has
    from doudi.core import idcard

    unknown = wangfang_unknown[:17] + idcard.check_character(wangfang_unknown[:17])
    rows = [
        _row(_number("林建国"), "林建国", "1980-05-17"),  # row 2: exact
        _row(_legacy(_number("陈秀英")), "陈秀英", "1982-03-08"),  # row 3: 15 digits, exact
        _row(_mistyped(_number("林小雨")), "林小雨", "2015-09-01"),  # row 4: mistyped number
        _row("", "增伟", "1975-04-04"),  # row 5: no number, 增 for 曾 (both read zeng)
        _row("", "王芳", "1990-01-01"),  # row 6: two persons fit: review
        _row(unknown, "赵强", "1975-05-05"),  # row 7: valid number, not in the registry
    ]
    outcome = feed_file_ingest(
        actor=None, source="tax", data=csv_bytes(HEADER, rows), filename="tax.csv"
    )
    assert outcome.outcome == "accepted", [str(p) for p in outcome.problems]
    return outcome.snapshot


@pytest.fixture
def officer(verification_officer_user):
    return actor_for_user(verification_officer_user)


def _key(name: str) -> str:
    return Person.objects.get(name=name).id_number_hash


def test_pinyin_reads_the_surname_traps_with_their_surname_reading():
    assert lazy_pinyin("曾") == ["ceng"]  # pypinyin's common reading
    assert name_pinyin("曾伟") == "zengwei" == name_pinyin("增伟")
    assert [name_pinyin(s + "明")[:-4] for s in "曾单仇解区朴乐查"] == [
        "zeng",
        "shan",
        "qiu",
        "xie",
        "ou",
        "piao",
        "yue",
        "zha",
    ]
    assert name_pinyin("李曾") == "liceng"  # only the first character is the surname


def test_ingestion_upgrades_a_legacy_15_digit_number_to_the_18_digit_key(snapshot):
    table = pq.read_table(data_dir() / snapshot.path).to_pylist()
    row3 = next(r for r in table if r["source_row"] == 3)
    assert (row3["id_status"], row3["person_key"]) == ("valid", _key("陈秀英"))
    assert (snapshot.id_valid_count, snapshot.id_missing_count, snapshot.id_invalid_count) == (
        3,
        2,
        1,
    )


def test_it_links_exactly_by_number_and_probabilistically_by_name_birth_date_and_region(
    snapshot, officer
):
    # when
    run = identity_resolve(actor=officer, snapshot=snapshot)

    # then
    links = links_read(snapshot).to_pylist()
    assert [(r["source_row"], r["person_key"], r["method"]) for r in links] == [
        (2, _key("林建国"), "exact_id"),
        (3, _key("陈秀英"), "exact_id"),
        (4, _key("林小雨"), "probabilistic"),
        (5, _key("曾伟"), "probabilistic"),
    ]
    assert [r["match_probability"] is None for r in links] == [True, True, False, False]
    assert all(r["match_probability"] >= 0.99 for r in links[2:])
    assert {r["model_version"] for r in links} == {identity.MODEL_VERSION}
    assert {r["decided_at"] for r in links} == {NOW.astimezone(dt.UTC)}
    path = data_dir() / links_relative_path(snapshot)
    assert path.name == snapshot.path.rsplit("/", 1)[1].replace(".parquet", ".links.parquet")
    assert pq.read_schema(path).names == [
        "source_row",
        "person_key",
        "method",
        "match_probability",
        "model_version",
        "decided_at",
    ]
    assert pq.read_schema(path).field("source_row").type == pa.int64()
    assert (
        run.record_count,
        run.exact_count,
        run.probabilistic_count,
        run.review_count,
        run.unmatched_count,
    ) == (6, 2, 2, 1, 1)
    assert (run.upper_threshold, run.lower_threshold) == (0.99, 0.80)
    assert run.parameters["m_source"] == "default"  # 6 persons: too few to train
    assert run.started_by_id == officer.user.pk
    assert AuditEvent.objects.filter(action="exchange.identity_resolve").count() == 1


def test_an_ambiguous_pair_goes_to_review_not_to_acceptance(snapshot, officer):
    # when
    identity_resolve(actor=officer, snapshot=snapshot)

    # then
    reviews = list(IdentityLinkReview.objects.order_by("person_id"))
    wang = list(Person.objects.filter(name="王芳").order_by("pk"))
    assert [(r.source_row, r.person_id, r.status) for r in reviews] == [
        (6, wang[0].pk, "pending"),
        (6, wang[1].pk, "pending"),
    ]
    assert reviews[0].match_probability == reviews[1].match_probability >= 0.99
    assert reviews[0].record_fields == {
        "name": "王芳",
        "birth_date": "1990-01-01",
        "region_code": VILLAGE,
        "sex": None,
        "id_number_masked": None,
    }
    assert reviews[0].person_fields["id_number_masked"] == wang[0].id_number_masked
    assert "*" in reviews[0].person_fields["id_number_masked"]
    assert 6 not in links_read(snapshot).column("source_row").to_pylist()


def test_accepting_a_review_appends_a_reviewed_link_and_rejects_the_other_candidate(
    snapshot, officer
):
    identity_resolve(actor=officer, snapshot=snapshot)
    first, second = IdentityLinkReview.objects.order_by("person_id")
    events = AuditEvent.objects.count()

    # when
    decided = identity_link_review_decide(
        actor=officer, public_id=first.public_id, accept=True, note="经电话核实"
    )

    # then
    assert (decided.status, decided.reviewer_id, decided.reviewed_at) == (
        "accepted",
        officer.user.pk,
        NOW,
    )
    second.refresh_from_db()
    assert (second.status, second.note) == ("rejected", "同一记录已确认为其他人员")
    links = links_read(snapshot).to_pylist()
    assert [(r["source_row"], r["method"]) for r in links] == [
        (2, "exact_id"),
        (3, "exact_id"),
        (4, "probabilistic"),
        (5, "probabilistic"),
        (6, "reviewed"),
    ]
    assert links[-1]["person_key"] == first.person_key
    assert links[-1]["match_probability"] == first.match_probability
    event = AuditEvent.objects.get(action="exchange.identity_link_accept")
    assert event.parameters["source_row"] == 6
    assert event.parameters["other_candidates_rejected"] == 1
    assert event.region_code == VILLAGE
    assert AuditEvent.objects.count() == events + 1

    # and a second decision on the same review is refused, nothing changed
    before = (data_dir() / links_relative_path(snapshot)).read_bytes()
    with pytest.raises(ApplicationError) as error:
        identity_link_review_decide(actor=officer, public_id=first.public_id, accept=False)
    assert error.value.field == "status"
    assert (data_dir() / links_relative_path(snapshot)).read_bytes() == before
    assert AuditEvent.objects.count() == events + 1


def test_rejecting_a_review_keeps_the_sidecar_and_is_audited(snapshot, officer):
    identity_resolve(actor=officer, snapshot=snapshot)
    first = IdentityLinkReview.objects.order_by("person_id").first()
    before = (data_dir() / links_relative_path(snapshot)).read_bytes()

    identity_link_review_decide(actor=officer, public_id=first.public_id, accept=False)

    first.refresh_from_db()
    assert first.status == "rejected"
    assert (data_dir() / links_relative_path(snapshot)).read_bytes() == before
    assert AuditEvent.objects.filter(action="exchange.identity_link_reject").count() == 1
    assert IdentityLinkReview.objects.filter(status="pending").count() == 1


def test_a_rerun_keeps_reviewed_links_and_does_not_queue_rejected_pairs(snapshot, officer):
    identity_resolve(actor=officer, snapshot=snapshot)
    first, second = IdentityLinkReview.objects.order_by("person_id")
    identity_link_review_decide(actor=officer, public_id=first.public_id, accept=True)

    run = identity_resolve(actor=officer, snapshot=snapshot)

    links = links_read(snapshot).to_pylist()
    assert [(r["source_row"], r["method"]) for r in links][-1] == (6, "reviewed")
    assert (run.review_count, run.carried_count, run.unmatched_count) == (0, 1, 1)
    assert IdentityLinkReview.objects.filter(status="pending").count() == 0
    assert IdentityResolutionRun.objects.count() == 2


@pytest.mark.parametrize("persona", ["caseworker", "auditor", "partner", "approver"])
def test_only_verification_officers_decide_and_nothing_changes_otherwise(
    snapshot, officer, persona, request
):
    identity_resolve(actor=officer, snapshot=snapshot)
    review = IdentityLinkReview.objects.order_by("person_id").first()
    actor = request.getfixturevalue(persona)
    before = (
        (data_dir() / links_relative_path(snapshot)).read_bytes(),
        AuditEvent.objects.count(),
        list(IdentityLinkReview.objects.values_list("status", flat=True)),
    )

    with pytest.raises(PermissionDenied):
        identity_link_review_decide(actor=actor, public_id=review.public_id, accept=True)
    with pytest.raises(PermissionDenied):
        identity_resolve(actor=actor, snapshot=snapshot)

    assert (
        (data_dir() / links_relative_path(snapshot)).read_bytes(),
        AuditEvent.objects.count(),
        list(IdentityLinkReview.objects.values_list("status", flat=True)),
    ) == before
    assert IdentityResolutionRun.objects.count() == 1


def test_the_queue_is_region_scoped_and_read_by_auditors(snapshot, officer, auditor, analyst):
    identity_resolve(actor=officer, snapshot=snapshot)
    assert selectors.identity_link_review_list(actor=auditor).count() == 2
    with pytest.raises(PermissionDenied):
        selectors.identity_link_review_list(actor=analyst)
    with pytest.raises(NotFound):
        selectors.identity_link_review_get(actor=officer, public_id="not-a-uuid")
    with pytest.raises(ApplicationError) as error:
        selectors.identity_link_review_list(actor=officer, status="bogus")
    assert error.value.field == "status"


def test_the_command_resolves_the_latest_snapshot(snapshot):
    out = StringIO()
    call_command("exchange", "resolve", "--source", "tax", stdout=out)
    assert out.getvalue().strip() == (
        f"“个人所得税”快照 2026-03-10（6 条）身份比对完成：按身份证号码 2 条，按姓名等自动接受 2 条，"
        f"待人工确认 1 条，沿用人工确认 0 条，未比对上 1 条；用时 "
        f"{IdentityResolutionRun.objects.get().duration_seconds:.1f} 秒"
    )
    with pytest.raises(CommandError, match="还没有快照"):
        call_command("exchange", "resolve", "--source", "pensions")
    with pytest.raises(CommandError, match="未知的数据源"):
        call_command("exchange", "resolve", "--source", "nope")


def test_the_review_page_shows_pairs_side_by_side_and_decides(
    snapshot, officer, verification_officer_user
):
    identity_resolve(actor=officer, snapshot=snapshot)
    first, second = IdentityLinkReview.objects.order_by("person_id")
    client = Client()
    client.force_login(verification_officer_user)

    html = client.get("/exchange/identity/reviews/").content.decode()
    assert html.count("王芳") == 4  # record and candidate, for each of the two pairs
    assert first.person.id_number_masked in html
    assert "是同一人" in html
    board = client.get("/exchange/feeds/").content.decode()
    assert "身份比对记录" in board
    assert "个人所得税" in board

    response = client.post(
        f"/exchange/identity/reviews/{first.public_id}/decide/", {"decision": "accept"}
    )
    assert response.status_code == 302
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == ("accepted", "rejected")
    assert links_read(snapshot).column("method").to_pylist()[-1] == "reviewed"

    response = client.post(
        f"/exchange/identity/reviews/{second.public_id}/decide/", {"decision": "accept"}
    )
    assert response.status_code == 302  # refused with a message: already decided
    second.refresh_from_db()
    assert second.status == "rejected"
    assert links_read(snapshot).num_rows == 5


def test_the_review_api_lists_and_decides(
    snapshot, officer, verification_officer_user, auditor_user
):
    identity_resolve(actor=officer, snapshot=snapshot)
    first = IdentityLinkReview.objects.order_by("person_id").first()
    client, headers = api_client(verification_officer_user, name="identity")

    listed = client.get("/api/exchange/identity/reviews", **headers).json()
    assert listed["count"] == 2
    assert [(r["source_row"], r["status"], r["record"]["name"]) for r in listed["items"]] == [
        (6, "pending", "王芳"),
        (6, "pending", "王芳"),
    ]
    second_page = client.get("/api/exchange/identity/reviews?limit=1&offset=1", **headers).json()
    assert second_page["count"] == 2
    assert [r["public_id"] for r in second_page["items"]] == [listed["items"][1]["public_id"]]
    too_many = client.get("/api/exchange/identity/reviews?limit=501", **headers)
    assert too_many.status_code == 422
    runs = client.get("/api/exchange/identity/runs", **headers).json()
    assert [(r["exact_count"], r["probabilistic_count"], r["review_count"]) for r in runs] == [
        (2, 2, 1)
    ]
    response = client.post(
        f"/api/exchange/identity/reviews/{first.public_id}/decision",
        data=json.dumps({"accept": False, "note": "出生地不同"}),
        content_type="application/json",
        **headers,
    )
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["note"]) == ("rejected", "出生地不同")

    auditor_client, auditor_headers = api_client(auditor_user, name="identity")
    pending = IdentityLinkReview.objects.get(status="pending")
    response = auditor_client.post(
        f"/api/exchange/identity/reviews/{pending.public_id}/decision",
        data=json.dumps({"accept": True}),
        content_type="application/json",
        **auditor_headers,
    )
    assert response.status_code == 403
    pending.refresh_from_db()
    assert pending.status == "pending"
    response = client.post(
        f"/api/exchange/identity/reviews/{pending.public_id}/decision",
        data=json.dumps({"accept": True, "note": "长" * 201}),
        content_type="application/json",
        **headers,
    )
    assert (response.status_code, response.json()["field"]) == (400, "note")
    pending.refresh_from_db()
    assert pending.status == "pending"


def test_the_board_starts_a_run_of_the_latest_snapshot(
    snapshot, verification_officer_user, auditor_user, client
):
    client.force_login(verification_officer_user)
    board = client.get("/exchange/feeds/").content.decode()
    assert 'data-testid="resolve-tax"' in board
    assert 'data-testid="resolve-bank_deposits"' not in board  # no snapshot yet

    response = client.post("/exchange/identity/runs/tax/")

    assert response.status_code == 302
    assert response["Location"] == "/exchange/feeds/"
    run = IdentityResolutionRun.objects.get()
    assert run.snapshot == snapshot
    assert run.started_by == verification_officer_user
    assert (run.record_count, run.exact_count, run.probabilistic_count, run.review_count) == (
        6,
        2,
        2,
        1,
    )
    page = client.get(response["Location"]).content.decode()
    assert "快照身份比对完成：共 6 条，按号码 2、自动接受 2、待确认 1、未比对上 1" in page
    empty = client.post("/exchange/identity/runs/bank_deposits/")
    assert empty.status_code == 302
    assert "“银行存款”尚无快照，无法进行身份比对" in client.get("/exchange/feeds/").content.decode()
    assert client.post("/exchange/identity/runs/lottery/").status_code == 404
    assert IdentityResolutionRun.objects.count() == 1

    # auditors read the board but start nothing
    client.force_login(auditor_user)
    assert 'data-testid="resolve-tax"' not in client.get("/exchange/feeds/").content.decode()
    refused = client.post("/exchange/identity/runs/tax/")
    assert refused.status_code == 403
    assert IdentityResolutionRun.objects.count() == 1
