from __future__ import annotations

import pytest
from django.test import Client

from doudi.exchange.services import feed_file_ingest
from doudi.exchange.tests.helpers import TAX_HEADER, TAX_ROWS, ZHANG, csv_bytes
from doudi.testing.workbooks import value_rows

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    return tmp_path


def test_the_board_shows_each_feed_and_links_rejected_files(verification_officer_user):
    feed_file_ingest(
        actor=None, source="tax", data=csv_bytes(TAX_HEADER, TAX_ROWS), filename="ok.csv"
    )
    bad = feed_file_ingest(
        actor=None,
        source="tax",
        data=csv_bytes(TAX_HEADER, [[ZHANG, "张伟", "1980-01-01", "2025-12", "wage", "-1", "0"]]),
        filename="bad.csv",
    ).submission
    client = Client()
    client.force_login(verification_officer_user)

    response = client.get("/exchange/feeds/")

    html = response.content.decode()
    assert response.status_code == 200
    assert html.count("尚无快照") == 18
    assert f"/exchange/submissions/{bad.public_id}/" in html
    detail = client.get(f"/exchange/submissions/{bad.public_id}/").content.decode()
    assert "收入额（income_amount）" in detail
    assert "金额不能为负数：-1" in detail
    assert "已退回" in detail


def test_the_board_exports_the_rows_it_shows(verification_officer_user):

    feed_file_ingest(
        actor=None, source="tax", data=csv_bytes(TAX_HEADER, TAX_ROWS), filename="ok.csv"
    )
    client = Client()
    client.force_login(verification_officer_user)

    response = client.get("/exchange/feeds/?format=xlsx")

    rows = value_rows(response.content)
    assert len(rows) == 20
    assert rows[0][:3] == ("数据源代码", "数据源", "报送部门")
    tax = next(r for r in rows if r[0] == "tax")
    assert (tax[1], tax[5], tax[6], tax[8]) == ("个人所得税", 3, 1, 1)


def test_a_caseworker_may_not_see_feeds_and_an_unknown_submission_is_404(
    caseworker_user, verification_officer_user
):
    client = Client()
    client.force_login(caseworker_user)
    assert client.get("/exchange/feeds/").status_code == 403
    client.force_login(verification_officer_user)
    assert client.get("/exchange/submissions/not-a-uuid/").status_code == 404


# -- the identity review queue: paging ---------------------------------------------------------


def _reviews(household, source: str, count: int, *, status: str = "pending") -> None:  # type: ignore[no-untyped-def]
    """`count` candidate links of one `source` snapshot (rows 1…count) to the household's
    members (catalogue rows only; no sidecar)."""
    import datetime as dt

    from django.utils import timezone

    from doudi.exchange.models import (
        FeedSnapshot,
        FeedSubmission,
        IdentityLinkReview,
        IdentityResolutionRun,
    )

    now = timezone.now()
    checksum = f"{source}-{status}".ljust(64, "0")
    submission = FeedSubmission.objects.create(
        source=source,
        status="accepted",
        channel="command",
        filename=f"{source}.csv",
        checksum=checksum,
        size_bytes=1,
        received_at=now,
        row_count=count,
    )
    snapshot = FeedSnapshot.objects.create(
        source=source,
        submission=submission,
        checksum=checksum,
        received_at=now,
        snapshot_date=dt.date(2026, 3, 10),
        path=f"exchange/{source}/{status}.parquet",
        schema_version=1,
        row_count=count,
        id_valid_count=0,
        id_missing_count=count,
        id_invalid_count=0,
    )
    run = IdentityResolutionRun.objects.create(
        snapshot=snapshot,
        started_at=now,
        duration_seconds=1.0,
        record_count=count,
        exact_count=0,
        probabilistic_count=0,
        review_count=count,
        unmatched_count=0,
        upper_threshold=0.99,
        lower_threshold=0.8,
        model_version="identity-2026.1",
        links_path=f"exchange/{source}/{status}.links.parquet",
    )
    people = [m.person for m in household.memberships.order_by("pk")]
    IdentityLinkReview.objects.bulk_create(
        IdentityLinkReview(
            run=run,
            snapshot=snapshot,
            source_row=row,
            person=people[row % len(people)],
            person_key=people[row % len(people)].id_number_hash,
            match_probability=0.9,
            record_fields={"name": f"记录{row}"},
            person_fields={"name": people[row % len(people)].name},
            status=status,
        )
        for row in range(1, count + 1)
    )


@pytest.fixture
def queue(household):  # type: ignore[no-untyped-def]
    """120 pending tax links, 5 accepted tax links and 3 pending pension links."""
    _reviews(household, "tax", 120)
    _reviews(household, "tax", 5, status="accepted")
    _reviews(household, "pensions", 3)
    return household


def _officer(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    ("_case", "query", "shown", "total_text"),
    [
        ("first page", "", 50, "共 123 条，第 1–50 条（第 1 / 3 页，每页 50 条）"),
        ("last page", "?page=3", 23, "共 123 条，第 101–123 条（第 3 / 3 页，每页 50 条）"),
        ("past the end: the last page", "?page=99", 23, "第 3 / 3 页"),
        ("not a number: the first page", "?page=abc", 50, "第 1 / 3 页"),
        ("a filter", "?status=pending&source=tax&page=3", 20, "共 120 条，第 101–120 条"),
        ("empty status: every status", "?status=&source=tax&page=3", 25, "共 125 条"),
        ("one page", "?status=accepted", 5, "共 5 条，第 1–5 条（第 1 / 1 页，每页 50 条）"),
    ],
)
def test_the_review_queue_shows_50_a_page_and_the_total(
    _case, query, shown, total_text, queue, verification_officer_user
):
    response = _officer(verification_officer_user).get(f"/exchange/identity/reviews/{query}")

    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('data-testid="review"') == shown
    assert total_text in html


def test_the_page_links_keep_the_filters(queue, verification_officer_user):
    client = _officer(verification_officer_user)

    pending_tax = client.get("/exchange/identity/reviews/?status=pending&source=tax&page=2")
    every_status = client.get("/exchange/identity/reviews/?status=&source=")

    html = pending_tax.content.decode()
    for number in (1, 3):
        assert f'href="?status=pending&amp;source=tax&amp;page={number}">{number}</a>' in html
    assert 'href="?status=pending&amp;source=tax&amp;page=1">上一页</a>' in html
    assert 'href="?status=pending&amp;source=tax&amp;page=3">下一页</a>' in html
    assert '<span class="page-link">2</span>' in html  # the current page is not a link
    assert 'href="?status=pending&amp;source=tax&amp;format=xlsx"' in html
    assert 'name="back" value="status=pending&amp;source=tax&amp;page=2"' in html
    assert 'href="?status=&amp;source=&amp;page=3">3</a>' in every_status.content.decode()


@pytest.mark.parametrize(
    ("_case", "query", "rows", "sources"),
    [
        ("default: every pending link", "", 123, {"个人所得税": 120, "养老金领取": 3}),
        ("the filter, not the page", "?status=pending&source=tax&page=2", 120, {"个人所得税": 120}),
        ("every status", "?status=", 128, {"个人所得税": 125, "养老金领取": 3}),
    ],
)
def test_the_export_holds_every_row_of_the_filter(
    _case, query, rows, sources, queue, verification_officer_user
):
    from collections import Counter

    separator = "&" if query else "?"
    response = _officer(verification_officer_user).get(
        f"/exchange/identity/reviews/{query}{separator}format=xlsx"
    )

    values = value_rows(response.content)
    assert values[0][:3] == ("数据源", "快照日期", "原文件行号")
    assert len(values) == 1 + rows
    assert Counter(row[0] for row in values[1:]) == sources


def test_a_decision_returns_to_the_page_and_filter_it_was_made_on(queue, verification_officer_user):
    from doudi.exchange.models import IdentityLinkReview

    review = IdentityLinkReview.objects.filter(status="pending", snapshot__source="tax").last()
    client = _officer(verification_officer_user)

    response = client.post(
        f"/exchange/identity/reviews/{review.public_id}/decide/",
        {"decision": "reject", "back": "status=pending&source=tax&page=3"},
    )
    tampered = client.post(
        f"/exchange/identity/reviews/{review.public_id}/decide/",
        {"decision": "nope", "back": "next=https://example.com/&page=2"},
    )

    assert response.status_code == 302
    assert response["Location"] == "/exchange/identity/reviews/?status=pending&source=tax&page=3"
    review.refresh_from_db()
    assert review.status == "rejected"
    assert tampered["Location"] == "/exchange/identity/reviews/?page=2"
