"""Writes of the exchange app: ingesting a department file.

A file is read and validated whole before anything is kept. If any problem is found, a rejected
`FeedSubmission` with every problem is recorded and no data are kept; the previous snapshot stays
the latest. Otherwise the normalised table is written to a temporary file, and the catalogue rows,
the audit event and the atomic rename happen together: if the transaction fails, the file is
removed. The same bytes sent again for the same source are a no-op."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from doudi.accounts.scoping import Actor
from doudi.core.audit import audit_event_record
from doudi.core.exceptions import NotFound
from doudi.core.id_hashing import KeyedHasher
from doudi.core.id_protection import id_number_hash_key
from doudi.exchange import access, store
from doudi.exchange.models import FeedSnapshot, FeedSubmission, SubmissionChannel, SubmissionStatus
from doudi.exchange.readers import Problem, read_table
from doudi.exchange.schemas import FEEDS, FeedSchema
from doudi.exchange.validation import ValidationResult, validate_table

PROVINCE_CODE = "350000"  # feeds arrive through the provincial data platform (POLICY.md §7)


@dataclass
class IngestOutcome:
    """`accepted`, `duplicate` (same bytes already a snapshot: nothing done) or `rejected`."""

    outcome: str
    source: str
    submission: FeedSubmission | None = None
    snapshot: FeedSnapshot | None = None
    problems: list[Problem] = field(default_factory=list)
    problem_count: int = 0

    @property
    def summary(self) -> str:
        label = FEEDS[self.source].label
        if self.outcome == "duplicate":
            assert self.snapshot is not None
            return (
                f"“{label}”：该文件已于 {timezone.localtime(self.snapshot.received_at):%Y-%m-%d %H:%M} "
                f"接收为快照（{self.snapshot.row_count:,} 条），本次未作任何改动"
            )
        if self.outcome == "accepted":
            assert self.snapshot is not None
            snapshot = self.snapshot
            return (
                f"“{label}”：已接收 {snapshot.row_count:,} 条记录，快照日期 {snapshot.snapshot_date}；"
                f"身份证号码有效 {snapshot.id_valid_count:,} 条、缺失 {snapshot.id_missing_count:,} 条、"
                f"无效 {snapshot.id_invalid_count:,} 条"
                + (
                    "（待身份比对）"
                    if snapshot.id_missing_count + snapshot.id_invalid_count
                    else ""
                )
            )
        shown = (
            ""
            if self.problem_count == len(self.problems)
            else f"（列出前 {len(self.problems)} 个）"
        )
        return f"“{label}”：文件被退回，共 {self.problem_count:,} 个问题{shown}，未保存任何数据"


def feed_schema_get(source: str) -> FeedSchema:
    schema = FEEDS.get(source)
    if schema is None:
        known = "、".join(FEEDS)
        raise NotFound(f"未知的数据源：{source}（可选：{known}）", field="source")
    return schema


def _user(actor: Actor | None) -> Any:
    return actor.user if actor is not None else None


def feed_file_ingest(
    *,
    actor: Actor | None,
    source: str,
    data: bytes,
    filename: str,
    channel: str = SubmissionChannel.COMMAND,
    now: dt.datetime | None = None,
) -> IngestOutcome:
    """Validate and keep one department file. `actor` None is the operator at the command line."""
    schema = feed_schema_get(source)
    if actor is not None:
        access.require_upload_feed(actor, schema)
    received_at = now or timezone.now()
    checksum = hashlib.sha256(data).hexdigest()

    existing = FeedSnapshot.objects.filter(source=source, checksum=checksum).first()
    if existing is not None:
        return IngestOutcome("duplicate", source, existing.submission, existing)

    today = timezone.localdate(received_at)
    result = validate_table(
        schema,
        read_table(data, filename),
        today=today,
        id_hash=KeyedHasher(id_number_hash_key()),
    )
    common = {
        "source": source,
        "channel": channel,
        "filename": filename[:255],
        "file_format": result.format,
        "checksum": checksum,
        "size_bytes": len(data),
        "received_at": received_at,
        "submitted_by": _user(actor),
        "row_count": result.row_count,
    }
    if not result.is_valid:
        return _file_reject(
            actor=actor, source=source, checksum=checksum, result=result, common=common
        )
    return _snapshot_accept(
        actor=actor,
        schema=schema,
        source=source,
        checksum=checksum,
        received_at=received_at,
        today=today,
        result=result,
        common=common,
    )


def _file_reject(
    *,
    actor: Actor | None,
    source: str,
    checksum: str,
    result: ValidationResult,
    common: dict[str, Any],
) -> IngestOutcome:
    """A rejected submission with every problem, and its audit event; no data are kept."""
    with transaction.atomic():
        submission = FeedSubmission.objects.create(
            status=SubmissionStatus.REJECTED,
            problem_count=result.problem_count,
            problems=[p.as_dict() for p in result.problems],
            **common,
        )
        audit_event_record(
            actor=_user(actor),
            action="exchange.file_reject",
            obj=submission,
            region_code=PROVINCE_CODE,
            parameters={
                "source": source,
                "checksum": checksum,
                "problems": result.problem_count,
            },
        )
    return IngestOutcome(
        "rejected", source, submission, None, result.problems, result.problem_count
    )


def _snapshot_create(
    *,
    source: str,
    checksum: str,
    received_at: dt.datetime,
    submission: FeedSubmission,
    schema: FeedSchema,
    today: dt.date,
    relative: str,
    result: ValidationResult,
) -> FeedSnapshot:
    return FeedSnapshot.objects.create(
        source=source,
        submission=submission,
        checksum=checksum,
        received_at=received_at,
        snapshot_date=today,
        path=relative,
        schema_version=schema.version,
        row_count=result.table.num_rows,
        id_valid_count=result.id_counts["valid"],
        id_missing_count=result.id_counts["missing"],
        id_invalid_count=result.id_counts["invalid"],
    )


def _snapshot_accept(
    *,
    actor: Actor | None,
    schema: FeedSchema,
    source: str,
    checksum: str,
    received_at: dt.datetime,
    today: dt.date,
    result: ValidationResult,
    common: dict[str, Any],
) -> IngestOutcome:
    """Write the normalised table to a temporary file, then in one transaction the submission,
    the snapshot, the audit event and the rename into place; the file goes if anything fails."""
    assert result.table is not None
    relative = store.snapshot_relative_path(source, received_at, checksum)
    temporary = store.snapshot_write_temporary(
        result.table,
        relative,
        {
            "doudi.exchange.source": source,
            "doudi.exchange.schema_version": str(schema.version),
            "doudi.exchange.checksum": checksum,
            "doudi.exchange.received_at": received_at.isoformat(),
        },
    )
    published = None
    try:
        with transaction.atomic():
            submission = FeedSubmission.objects.create(status=SubmissionStatus.ACCEPTED, **common)
            snapshot = _snapshot_create(
                source=source,
                checksum=checksum,
                received_at=received_at,
                submission=submission,
                schema=schema,
                today=today,
                relative=relative,
                result=result,
            )
            audit_event_record(
                actor=_user(actor),
                action="exchange.snapshot_accept",
                obj=snapshot,
                region_code=PROVINCE_CODE,
                parameters={"source": source, "checksum": checksum, "rows": snapshot.row_count},
            )
            published = store.snapshot_publish(temporary, relative)
    except IntegrityError:
        # The same file was accepted concurrently: the other request's snapshot stands.
        store.snapshot_discard(published or temporary)
        existing = FeedSnapshot.objects.filter(source=source, checksum=checksum).first()
        if existing is None:
            raise
        return IngestOutcome("duplicate", source, existing.submission, existing)
    except BaseException:
        store.snapshot_discard(published or temporary)
        raise
    return IngestOutcome("accepted", source, submission, snapshot)
