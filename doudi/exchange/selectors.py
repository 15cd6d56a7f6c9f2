"""Reads of the snapshot catalogue. Feeds are province-wide (the provincial data platform), so
the catalogue is not region-scoped; who may read it is checked here (access.py)."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from django.db.models import OuterRef, QuerySet, Subquery

from doudi.accounts.scoping import Actor
from doudi.core.exceptions import ApplicationError, NotFound
from doudi.exchange import access
from doudi.exchange.models import (
    FeedSnapshot,
    FeedSubmission,
    IdentityLinkReview,
    IdentityResolutionRun,
    ReviewStatus,
    SubmissionStatus,
)
from doudi.exchange.schemas import FEEDS, FeedSchema

REJECTED_SHOWN = 5


@dataclass(frozen=True)
class FeedStatus:
    schema: FeedSchema
    latest: FeedSnapshot | None
    snapshot_count: int
    rejected: list[FeedSubmission]  # the most recent rejected files, newest first


def feed_status_list(*, actor: Actor) -> list[FeedStatus]:
    """Per declared feed: its latest snapshot, how many snapshots, its recent rejected files."""
    access.require_view_feeds(actor)
    latest: dict[str, FeedSnapshot] = {}
    counts: dict[str, int] = {}
    for snapshot in FeedSnapshot.objects.order_by("source", "-received_at", "-id"):
        latest.setdefault(snapshot.source, snapshot)
        counts[snapshot.source] = counts.get(snapshot.source, 0) + 1
    rejected: dict[str, list[FeedSubmission]] = {}
    for submission in FeedSubmission.objects.filter(status=SubmissionStatus.REJECTED).order_by(
        "-received_at", "-id"
    ):
        items = rejected.setdefault(submission.source, [])
        if len(items) < REJECTED_SHOWN:
            items.append(submission)
    return [
        FeedStatus(schema, latest.get(source), counts.get(source, 0), rejected.get(source, []))
        for source, schema in FEEDS.items()
    ]


def feed_submission_list(*, actor: Actor, source: str = "") -> QuerySet[FeedSubmission]:
    access.require_view_feeds(actor)
    queryset = FeedSubmission.objects.all()
    return queryset.filter(source=source) if source else queryset


def feed_submission_get(*, actor: Actor, public_id: UUID | str) -> FeedSubmission:
    """One submission, for those who read the catalogue and for the senders of its feed (a
    department sees why its own file was rejected; other feeds' files are 404 to it)."""
    viewer = access.can_view_feeds(actor)
    sources = None if viewer else {s.source for s in access.require_upload_any(actor)}
    try:
        submission = FeedSubmission.objects.select_related("submitted_by").get(
            public_id=UUID(str(public_id))
        )
    except (FeedSubmission.DoesNotExist, ValueError) as error:
        raise NotFound("报送记录不存在") from error
    if sources is not None and submission.source not in sources:
        raise NotFound("报送记录不存在")
    return submission


def feed_submissions_sent(*, actor: Actor, limit: int = 50) -> list[FeedSubmission]:
    """The latest files received for the feeds `actor` may send, newest first."""
    sources = [schema.source for schema in access.require_upload_any(actor)]
    return list(
        FeedSubmission.objects.filter(source__in=sources)
        .select_related("submitted_by")
        .order_by("-received_at", "-id")[:limit]
    )


def feed_snapshot_latest(*, source: str) -> FeedSnapshot | None:
    """The newest accepted snapshot of a feed (for verification and monitoring, system reads)."""
    return FeedSnapshot.objects.filter(source=source).order_by("-received_at", "-id").first()


def feed_snapshots_latest(*, sources: list[str]) -> dict[str, FeedSnapshot]:
    """The newest accepted snapshot of each of `sources`, in one query; a source that never sent
    data is absent from the result."""
    newest = (
        FeedSnapshot.objects.filter(source=OuterRef("source"))
        .order_by("-received_at", "-id")
        .values("pk")[:1]
    )
    rows = FeedSnapshot.objects.filter(source__in=sources, pk=Subquery(newest))
    return {snapshot.source: snapshot for snapshot in rows}


def identity_link_review_list(
    *, actor: Actor, status: str = "pending", source: str = ""
) -> QuerySet[IdentityLinkReview]:
    """Candidate links of the actor's region (by the candidate person's hukou region), for the
    verification centre and auditors (exchange.view)."""
    access.require_view_feeds(actor)
    queryset = (
        IdentityLinkReview.objects.filter(actor.region_q("person__hukou_region__"))
        .select_related("snapshot", "person", "reviewer", "run")
        .order_by("snapshot__source", "snapshot_id", "source_row", "-match_probability", "id")
    )
    if status:
        if status not in ReviewStatus.values:
            raise ApplicationError(f"未知的状态：{status}", field="status")
        queryset = queryset.filter(status=status)
    if source:
        queryset = queryset.filter(snapshot__source=source)
    return queryset


def identity_link_review_get(*, actor: Actor, public_id: UUID | str) -> IdentityLinkReview:
    try:
        return identity_link_review_list(actor=actor, status="").get(public_id=UUID(str(public_id)))
    except (IdentityLinkReview.DoesNotExist, ValueError) as error:
        raise NotFound("待确认的身份比对不存在") from error


def identity_resolution_run_list(
    *, actor: Actor, source: str = "", limit: int = 50
) -> list[IdentityResolutionRun]:
    """The most recent identity-resolution runs (counts only, no personal data)."""
    access.require_view_feeds(actor)
    queryset = IdentityResolutionRun.objects.select_related("snapshot", "started_by")
    if source:
        queryset = queryset.filter(snapshot__source=source)
    return list(queryset.order_by("-started_at", "-id")[:limit])


def feed_snapshot_for_resolution(
    *, source: str, public_id: UUID | str | None = None
) -> FeedSnapshot:
    """The snapshot to resolve: the given one of this source, or the source's latest."""
    if source not in FEEDS:
        raise ApplicationError(f"未知的数据源：{source}", field="source")
    if public_id:
        try:
            return FeedSnapshot.objects.get(source=source, public_id=UUID(str(public_id)))
        except (FeedSnapshot.DoesNotExist, ValueError) as error:
            raise NotFound(f"数据源“{FEEDS[source].label}”没有该快照：{public_id}") from error
    snapshot = feed_snapshot_latest(source=source)
    if snapshot is None:
        raise NotFound(f"数据源“{FEEDS[source].label}”还没有快照")
    return snapshot
