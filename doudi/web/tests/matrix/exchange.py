"""Department data exchange: the feed status board, a submission's problems, the upload API.

Feed management belongs to the verification centre (no persona here) and auditors read the
catalogue; the partner persona (医保) may upload its own feed, medical_costs, and nothing else."""

from __future__ import annotations

from typing import Any

from doudi.testing.state import row_counts
from doudi.web.tests.matrix.common import PERSONAS, Row

STAFF_DENIED = dict.fromkeys(PERSONAS, 403)
BOARD = {**STAFF_DENIED, "auditor": 200, "anonymous": 302}
FEEDS_API = {**STAFF_DENIED, "auditor": 200, "anonymous": 401, "applicant": 401}
# the partner is allowed to upload medical_costs: with no file in the body it gets the 400
UPLOAD_MEDICAL = {**STAFF_DENIED, "partner": 400, "anonymous": 401, "applicant": 401}
UPLOAD_TAX = {**STAFF_DENIED, "anonymous": 401, "applicant": 401}


def _rejected_submission(ctx: dict[str, Any]) -> Any:
    from doudi.exchange.services import feed_file_ingest

    if "exchange_submission" not in ctx:
        ctx["exchange_submission"] = feed_file_ingest(
            actor=None, source="tax", data=b"", filename="empty.csv"
        ).submission
    return ctx["exchange_submission"]


# identity links: auditors read the queue and the runs; deciding is for verification officers only
# (no persona here), so every persona is refused and nothing changes
DECIDE_PAGE = {**STAFF_DENIED, "anonymous": 302}
DECIDE_API = {**STAFF_DENIED, "anonymous": 401, "applicant": 401}


def _review(ctx: dict[str, Any]) -> Any:
    """A pending candidate link of a tax record to the test household's head (catalogue rows
    only: every persona is refused before the sidecar would be touched)."""
    import datetime as dt

    from django.utils import timezone

    from doudi.exchange.models import (
        FeedSnapshot,
        FeedSubmission,
        IdentityLinkReview,
        IdentityResolutionRun,
    )

    if "exchange_review" in ctx:
        return ctx["exchange_review"]
    now = timezone.now()
    submission = FeedSubmission.objects.create(
        source="tax",
        status="accepted",
        channel="command",
        filename="tax.csv",
        checksum="f" * 64,
        size_bytes=1,
        received_at=now,
        row_count=1,
    )
    snapshot = FeedSnapshot.objects.create(
        source="tax",
        submission=submission,
        checksum="f" * 64,
        received_at=now,
        snapshot_date=dt.date(2026, 3, 10),
        path="exchange/tax/matrix.parquet",
        schema_version=1,
        row_count=1,
        id_valid_count=0,
        id_missing_count=1,
        id_invalid_count=0,
    )
    run = IdentityResolutionRun.objects.create(
        snapshot=snapshot,
        started_at=now,
        duration_seconds=1.0,
        record_count=1,
        exact_count=0,
        probabilistic_count=0,
        review_count=1,
        unmatched_count=0,
        upper_threshold=0.99,
        lower_threshold=0.8,
        model_version="identity-2026.1",
        links_path="exchange/tax/matrix.links.parquet",
    )
    person = ctx["household"].memberships.order_by("pk").first().person
    ctx["exchange_review"] = IdentityLinkReview.objects.create(
        run=run,
        snapshot=snapshot,
        source_row=2,
        person=person,
        person_key=person.id_number_hash,
        match_probability=0.9,
        record_fields={"name": person.name},
        person_fields={"name": person.name},
    )
    return ctx["exchange_review"]


ROWS = [
    Row("exchange/identity/reviews/", "GET", lambda c: "/exchange/identity/reviews/", BOARD),
    # a later page and the Excel export of the whole filter: the same people, the same scope
    Row(
        "exchange/identity/reviews/",
        "GET",
        lambda c: "/exchange/identity/reviews/?status=&source=tax&page=2",
        BOARD,
    ),
    Row(
        "exchange/identity/reviews/",
        "GET",
        lambda c: "/exchange/identity/reviews/?status=&source=tax&format=xlsx",
        BOARD,
    ),
    Row(
        "exchange/identity/reviews/<str:public_id>/decide/",
        "POST",
        lambda c: f"/exchange/identity/reviews/{_review(c).public_id}/decide/",
        DECIDE_PAGE,
        body=lambda c: {"decision": "accept"},
        writes=True,
    ),
    Row(
        "api/exchange/identity/reviews",
        "GET",
        lambda c: "/api/exchange/identity/reviews",
        FEEDS_API,
    ),
    Row(
        "api/exchange/identity/reviews/<public_id>/decision",
        "POST",
        lambda c: f"/api/exchange/identity/reviews/{_review(c).public_id}/decision",
        DECIDE_API,
        body=lambda c: {"accept": True, "note": ""},
        writes=True,
    ),
    Row("api/exchange/identity/runs", "GET", lambda c: "/api/exchange/identity/runs", FEEDS_API),
    Row("exchange/feeds/", "GET", lambda c: "/exchange/feeds/", BOARD),
    Row(
        "exchange/submissions/<str:public_id>/",
        "GET",
        lambda c: f"/exchange/submissions/{_rejected_submission(c).public_id}/",
        {**BOARD, "partner": 404},  # a tax file: another department's feed (exchange_upload.py)
    ),
    Row("api/exchange/feeds", "GET", lambda c: "/api/exchange/feeds", FEEDS_API),
    Row(
        "api/exchange/feeds/<source>/snapshots",
        "POST",
        lambda c: "/api/exchange/feeds/medical_costs/snapshots",
        UPLOAD_MEDICAL,
        writes=True,
    ),
    Row(
        "api/exchange/feeds/<source>/snapshots",
        "POST",
        lambda c: "/api/exchange/feeds/tax/snapshots",
        UPLOAD_TAX,
        writes=True,
    ),
]


def state() -> tuple[int, ...]:
    from doudi.exchange.models import (
        FeedSnapshot,
        FeedSubmission,
        IdentityLinkReview,
        IdentityResolutionRun,
    )

    return row_counts(
        FeedSubmission,
        FeedSnapshot,
        IdentityResolutionRun,
        IdentityLinkReview.objects.filter(status="pending"),
    )
