"""REST endpoints of the exchange app: parse, call one selector or service, render."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID

from ninja import Field, File, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import LimitOffsetPagination, paginate

from doudi.exchange import access, resolution, selectors, services
from doudi.exchange.models import (
    FeedSnapshot,
    FeedSubmission,
    IdentityLinkReview,
    IdentityResolutionRun,
    SubmissionChannel,
)

router = Router(tags=["部门数据交换"])


class SnapshotOut(Schema):
    public_id: UUID
    source: str
    snapshot_date: date
    received_at: datetime
    checksum: str
    row_count: int
    id_valid_count: int
    id_missing_count: int
    id_invalid_count: int


class ProblemOut(Schema):
    row: int | None
    column: str | None
    reason: str


class RejectedOut(Schema):
    public_id: UUID
    filename: str
    received_at: datetime
    problem_count: int
    problems: list[ProblemOut]


class FeedStatusOut(Schema):
    source: str
    label: str
    department: str
    snapshot_count: int
    latest: SnapshotOut | None
    rejected: list[RejectedOut]


class IngestOut(Schema):
    outcome: str  # accepted / duplicate / rejected
    message: str
    field: str | None = None
    snapshot: SnapshotOut | None = None
    submission: UUID | None = None
    problem_count: int = 0
    problems: list[ProblemOut] = []


def _snapshot(snapshot: FeedSnapshot | None) -> dict[str, Any] | None:
    if snapshot is None:
        return None
    return {name: getattr(snapshot, name) for name in SnapshotOut.model_fields}


def _rejected(submission: FeedSubmission) -> dict[str, Any]:
    return {name: getattr(submission, name) for name in RejectedOut.model_fields}


@router.get("/exchange/feeds", response=list[FeedStatusOut], summary="部门数据源状态")
def feed_status_list(request):  # type: ignore[no-untyped-def]
    return [
        {
            "source": status.schema.source,
            "label": status.schema.label,
            "department": status.schema.department,
            "snapshot_count": status.snapshot_count,
            "latest": _snapshot(status.latest),
            "rejected": [_rejected(s) for s in status.rejected],
        }
        for status in selectors.feed_status_list(actor=request.auth)
    ]


@router.post(
    "/exchange/feeds/{source}/snapshots",
    response={201: IngestOut, 200: IngestOut, 400: IngestOut},
    summary="报送部门数据文件（multipart：file；CSV、Excel 或 Parquet，整体校验）",
)
def feed_snapshot_upload(  # type: ignore[no-untyped-def]
    request,
    source: str,
    file: File[UploadedFile] = None,  # type: ignore[assignment]
):
    """201: accepted as a new snapshot. 200: the same file was already accepted (nothing done).
    400: rejected, with every problem (row, column, reason); nothing of the file is kept."""
    schema = services.feed_schema_get(source)

    access.require_upload_feed(request.auth, schema)
    if file is None:
        # No file is a rejected upload like any other, in the same body.
        return Status(
            400,
            {
                "outcome": "rejected",
                "message": "请上传文件（multipart 字段 file）",
                "field": "file",
            },
        )
    outcome = services.feed_file_ingest(
        actor=request.auth,
        source=source,
        data=file.read(),
        filename=file.name or "upload",
        channel=SubmissionChannel.API,
    )
    body = {
        "outcome": outcome.outcome,
        "message": outcome.summary,
        "snapshot": _snapshot(outcome.snapshot),
        "submission": outcome.submission.public_id if outcome.submission else None,
        "problem_count": outcome.problem_count,
        "problems": [p.as_dict() for p in outcome.problems],
    }
    if outcome.outcome == "rejected":
        return Status(400, {**body, "field": "file"})
    return Status(201 if outcome.outcome == "accepted" else 200, body)


class MaskedFieldsOut(Schema):
    name: str | None = None
    birth_date: str | None = None
    region_code: str | None = None
    sex: str | None = None
    id_number_masked: str | None = None


class IdentityReviewOut(Schema):
    public_id: UUID
    source: str
    snapshot: UUID
    source_row: int
    person: UUID
    match_probability: float
    record: MaskedFieldsOut
    candidate: MaskedFieldsOut
    status: str
    reviewed_at: datetime | None
    note: str


class IdentityDecisionIn(Schema):
    accept: bool
    note: str = ""


class IdentityRunOut(Schema):
    public_id: UUID
    source: str
    snapshot: UUID
    started_at: datetime
    duration_seconds: float
    record_count: int
    exact_count: int
    probabilistic_count: int
    review_count: int
    carried_count: int
    unmatched_count: int
    upper_threshold: float
    lower_threshold: float
    model_version: str


def _review(review: IdentityLinkReview) -> dict[str, Any]:
    return {
        "public_id": review.public_id,
        "source": review.snapshot.source,
        "snapshot": review.snapshot.public_id,
        "source_row": review.source_row,
        "person": review.person.public_id,
        "match_probability": review.match_probability,
        "record": review.record_fields,
        "candidate": review.person_fields,
        "status": review.status,
        "reviewed_at": review.reviewed_at,
        "note": review.note,
    }


def _run(run: IdentityResolutionRun) -> dict[str, Any]:
    body = {
        name: getattr(run, name)
        for name in IdentityRunOut.model_fields
        if name not in ("source", "snapshot")
    }
    return {**body, "source": run.snapshot.source, "snapshot": run.snapshot.public_id}


class ReviewPagination(LimitOffsetPagination):
    """`limit` (default 100, at most 500) and `offset`; the answer is {items, count}, count being
    every pair of the filter."""

    class Input(Schema):
        limit: int = Field(100, ge=1, le=500)
        offset: int = Field(0, ge=0)


@router.get(
    "/exchange/identity/reviews",
    response=list[IdentityReviewOut],
    summary="身份比对待确认（本辖区；status=pending/accepted/rejected/superseded；limit、offset 分页）",
)
@paginate(ReviewPagination)
def identity_review_list(request, status: str = "pending", source: str = ""):  # type: ignore[no-untyped-def]
    reviews = selectors.identity_link_review_list(actor=request.auth, status=status, source=source)
    return _ReviewRows(reviews)


class _ReviewRows:
    """The filter's pairs, rendered only for the requested slice."""

    def __init__(self, queryset) -> None:  # type: ignore[no-untyped-def]
        self.queryset = queryset

    def count(self) -> int:
        return self.queryset.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, window: slice) -> list[dict[str, Any]]:
        return [_review(review) for review in self.queryset[window]]


@router.post(
    "/exchange/identity/reviews/{public_id}/decision",
    response=IdentityReviewOut,
    summary="确认或否定一对身份比对（仅限核对人员）",
)
def identity_review_decide(request, public_id: UUID, body: IdentityDecisionIn):  # type: ignore[no-untyped-def]
    review = resolution.identity_link_review_decide(
        actor=request.auth, public_id=public_id, accept=body.accept, note=body.note
    )
    return _review(review)


@router.get(
    "/exchange/identity/runs", response=list[IdentityRunOut], summary="身份比对记录（最近 50 次）"
)
def identity_run_list(request, source: str = ""):  # type: ignore[no-untyped-def]
    return [
        _run(run)
        for run in selectors.identity_resolution_run_list(actor=request.auth, source=source)
    ]
