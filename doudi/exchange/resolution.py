"""Services of identity resolution (docs/exchange.md, "Identity resolution"): resolve a snapshot
against the registry and write its links sidecar; accept or reject an uncertain link.

The links of a snapshot live in a sidecar Parquet next to it,
`<snapshot path without .parquet>.links.parquet` (`identity.LINK_SCHEMA`). It is always rewritten
whole under a temporary name and renamed into place inside the transaction that records the
change (run, review decision, audit event); the snapshot row is locked first, so two decisions on
the same snapshot cannot lose each other's row."""

from __future__ import annotations

import datetime as dt
import os
import stat
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from uuid import UUID

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from doudi.accounts.models import Role
from doudi.accounts.permissions import Permission
from doudi.accounts.scoping import Actor
from doudi.core.audit import audit_event_record
from doudi.core.exceptions import ApplicationError, NotFound, PermissionDenied
from doudi.exchange import identity, store
from doudi.exchange.duckdb_engine import DuckDBEngine
from doudi.exchange.models import (
    FeedSnapshot,
    IdentityLinkReview,
    IdentityResolutionRun,
    ReviewStatus,
)

PROVINCE_CODE = "350000"
REGISTRY_CHUNK = 50_000
RECORD_COLUMNS = ("source_row", "person_key", "id_status", "name", "birth_date", "region_code")


def thresholds_from_settings() -> identity.Thresholds:
    """`DOUDI_IDENTITY_UPPER_THRESHOLD` / `DOUDI_IDENTITY_LOWER_THRESHOLD` (defaults 0.99 / 0.80)."""
    return identity.Thresholds(
        upper=float(getattr(settings, "DOUDI_IDENTITY_UPPER_THRESHOLD", identity.UPPER_THRESHOLD)),
        lower=float(getattr(settings, "DOUDI_IDENTITY_LOWER_THRESHOLD", identity.LOWER_THRESHOLD)),
    )


def can_review_links(actor: Actor | None) -> bool:
    """Deciding identity links is the verification centre's work (exchange.upload, role
    verification_officer); partner departments may upload but not decide."""
    return (
        actor is not None
        and actor.can(Permission.EXCHANGE_UPLOAD)
        and Role.VERIFICATION_OFFICER in actor.roles
    )


def require_review_links(actor: Actor | None) -> None:
    if not can_review_links(actor):
        raise PermissionDenied("无权限：确认身份比对结果（仅限核对人员）")


def links_relative_path(snapshot: FeedSnapshot) -> str:
    base = (
        snapshot.path[: -len(".parquet")] if snapshot.path.endswith(".parquet") else snapshot.path
    )
    return f"{base}.links.parquet"


def links_read(snapshot: FeedSnapshot) -> pa.Table:
    """The snapshot's links (empty table with `LINK_SCHEMA` when it has never been resolved)."""
    path = store.data_dir() / links_relative_path(snapshot)
    if not path.exists():
        return identity.LINK_SCHEMA.empty_table()
    return pq.read_table(path, schema=identity.LINK_SCHEMA)


def _links_write_temporary(snapshot: FeedSnapshot, table: pa.Table) -> tuple[Path, Path]:
    final = store.data_dir() / links_relative_path(snapshot)
    temporary = final.with_name(f".{final.name}.tmp-{os.getpid()}")
    pq.write_table(
        table.cast(identity.LINK_SCHEMA).sort_by("source_row"), temporary, compression="zstd"
    )
    return temporary, final


def _links_publish(temporary: Path, final: Path) -> None:
    os.replace(temporary, final)
    final.chmod(stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)


def registry_load_orm(engine: DuckDBEngine, *, chunk: int = REGISTRY_CHUNK) -> int:
    """Export the registry's match columns into the DuckDB table `registry`, `chunk` persons at a
    time through `values_list` (works on PostgreSQL and SQLite alike)."""
    from doudi.registry.models import Person

    fields = ("id_number_hash", "name", "birth_date", "sex", "hukou_region_id", "id_number_masked")
    engine.execute(
        "empty registry",
        "CREATE OR REPLACE TABLE registry (person_key VARCHAR, name VARCHAR, birth_date DATE, "
        "sex VARCHAR, region_code VARCHAR, id_number_masked VARCHAR)",
    )
    batch: list[tuple[Any, ...]] = []

    def flush() -> None:
        if not batch:
            return
        columns = list(zip(*batch, strict=True))
        table = pa.table(
            {
                name: pa.array(values, pa.date32() if name == "birth_date" else pa.string())
                for name, values in zip(identity.REGISTRY_COLUMNS, columns, strict=True)
            }
        )
        engine.register_arrow("registry_chunk", table)
        engine.execute("registry chunk", "INSERT INTO registry SELECT * FROM registry_chunk")
        engine.unregister("registry_chunk")
        batch.clear()

    for row in Person.objects.order_by("pk").values_list(*fields).iterator(chunk_size=chunk):
        batch.append(row)
        if len(batch) >= chunk:
            flush()
    flush()
    return identity.registry_count(engine)


def _snapshot_records(snapshot: FeedSnapshot) -> pa.Table:
    path = store.snapshot_path(snapshot.path)
    names = pq.read_schema(path).names
    wanted = [*RECORD_COLUMNS, *(c for c in ("sex", "id_number_masked") if c in names)]
    table = pq.read_table(path, columns=[c for c in wanted if c in names])
    if "region_code" not in table.column_names:
        table = table.append_column("region_code", pa.nulls(table.num_rows, pa.string()))
    return table


def _resolve_records(
    snapshot: FeedSnapshot, thresholds: identity.Thresholds, now: dt.datetime
) -> identity.Resolution:
    """Load the registry's match columns into DuckDB and resolve the snapshot's records."""
    with identity.registry_connection() as engine:
        registry_load_orm(engine)
        return identity.resolve(engine, _snapshot_records(snapshot), thresholds=thresholds, now=now)


@dataclass(frozen=True)
class _Outcome:
    """The snapshot's new links (this run's, less those decided by a person, plus the reviewed
    ones carried over), the candidates to queue, and the records whose link was carried."""

    links: pa.Table
    candidates: list[Any]
    reviewed_rows: set[int]

    @property
    def review_records(self) -> int:
        return len({c.source_row for c in self.candidates})


def _outcome(snapshot: FeedSnapshot, result: identity.Resolution) -> _Outcome:
    """Keep the links a verification officer accepted, and never link or queue again a pair one
    rejected."""
    previous = links_read(snapshot)
    reviewed = previous.filter(pc.equal(previous.column("method"), "reviewed"))
    reviewed_rows = set(reviewed.column("source_row").to_pylist())
    rejected = set(
        IdentityLinkReview.objects.filter(
            snapshot=snapshot, status=ReviewStatus.REJECTED
        ).values_list("source_row", "person_key")
    )
    keep = [
        row not in reviewed_rows and (row, key) not in rejected
        for row, key in zip(
            result.links.column("source_row").to_pylist(),
            result.links.column("person_key").to_pylist(),
            strict=True,
        )
    ]
    links = pa.concat_tables([result.links.filter(pa.array(keep)), reviewed])
    candidates = [
        c
        for c in result.reviews
        if c.source_row not in reviewed_rows and (c.source_row, c.person_key) not in rejected
    ]
    return _Outcome(links, candidates, reviewed_rows)


def _candidate_persons(candidates: list[Any]) -> dict[str, int]:
    """person_key → the registry person's pk, for the candidates' persons."""
    from doudi.registry.models import Person

    return dict(
        Person.objects.filter(id_number_hash__in={c.person_key for c in candidates}).values_list(
            "id_number_hash", "pk"
        )
    )


def _run_create(
    *,
    actor: Actor | None,
    snapshot: FeedSnapshot,
    thresholds: identity.Thresholds,
    now: dt.datetime,
    started: float,
    result: identity.Resolution,
    outcome: _Outcome,
) -> IdentityResolutionRun:
    """The run's row: counts by method, records queued, carried over and unmatched."""
    methods = outcome.links.column("method").to_pylist()
    return IdentityResolutionRun.objects.create(
        snapshot=snapshot,
        started_at=now,
        duration_seconds=round(time.perf_counter() - started, 3),
        started_by=actor.user if actor is not None else None,
        record_count=snapshot.row_count,
        exact_count=methods.count("exact_id"),
        probabilistic_count=methods.count("probabilistic"),
        review_count=outcome.review_records,
        carried_count=len(outcome.reviewed_rows),
        unmatched_count=snapshot.row_count
        - len(set(outcome.links.column("source_row").to_pylist()))
        - outcome.review_records,
        upper_threshold=thresholds.upper,
        lower_threshold=thresholds.lower,
        model_version=identity.MODEL_VERSION,
        parameters=result.parameters,
        links_path=links_relative_path(snapshot),
    )


def _reviews_queue(
    run: IdentityResolutionRun,
    snapshot: FeedSnapshot,
    candidates: list[Any],
    persons: dict[str, int],
) -> None:
    """One pending review per candidate link whose person is in the registry."""
    IdentityLinkReview.objects.bulk_create(
        IdentityLinkReview(
            run=run,
            snapshot=snapshot,
            source_row=c.source_row,
            person_id=persons[c.person_key],
            person_key=c.person_key,
            match_probability=round(c.match_probability, 6),
            record_fields=c.record,
            person_fields=c.person,
        )
        for c in candidates
        if c.person_key in persons
    )


def _resolve_audit(actor: Actor | None, run: IdentityResolutionRun, snapshot: FeedSnapshot) -> None:
    audit_event_record(
        actor=actor.user if actor is not None else None,
        action="exchange.identity_resolve",
        obj=run,
        region_code=PROVINCE_CODE,
        parameters={
            "source": snapshot.source,
            "snapshot": str(snapshot.public_id),
            "exact": run.exact_count,
            "probabilistic": run.probabilistic_count,
            "review": run.review_count,
            "unmatched": run.unmatched_count,
        },
    )


def identity_resolve(
    *,
    actor: Actor | None,
    snapshot: FeedSnapshot,
    thresholds: identity.Thresholds | None = None,
    now: dt.datetime | None = None,
) -> IdentityResolutionRun:
    """Resolve every record of `snapshot`, rewrite its sidecar, queue uncertain links, record the
    run. `actor=None` is the operator at the command line. Links a verification officer already
    accepted are kept (method `reviewed`) and their records are not queued again; a pair a
    verification officer rejected is never accepted automatically nor queued again. Pending
    reviews of earlier runs of this snapshot are marked superseded."""
    if actor is not None:
        require_review_links(actor)
    thresholds = thresholds or thresholds_from_settings()
    now = now or timezone.now()
    started = time.perf_counter()
    result = _resolve_records(snapshot, thresholds, now)
    outcome = _outcome(snapshot, result)
    persons = _candidate_persons(outcome.candidates)
    temporary, final = _links_write_temporary(snapshot, outcome.links)
    try:
        with transaction.atomic():
            FeedSnapshot.objects.select_for_update().get(pk=snapshot.pk)
            IdentityLinkReview.objects.filter(
                snapshot=snapshot, status=ReviewStatus.PENDING
            ).update(status=ReviewStatus.SUPERSEDED)
            run = _run_create(
                actor=actor,
                snapshot=snapshot,
                thresholds=thresholds,
                now=now,
                started=started,
                result=result,
                outcome=outcome,
            )
            _reviews_queue(run, snapshot, outcome.candidates, persons)
            _resolve_audit(actor, run, snapshot)
            _links_publish(temporary, final)
    except BaseException:
        store.snapshot_discard(temporary)
        raise
    return run


def _review_for_update(actor: Actor, public_id: Any) -> IdentityLinkReview:
    try:
        return (
            IdentityLinkReview.objects.select_for_update()
            .select_related("snapshot", "person", "run")
            .filter(actor.region_q("person__hukou_region__"))
            .get(public_id=UUID(str(public_id)))
        )
    except (IdentityLinkReview.DoesNotExist, ValueError) as error:
        raise NotFound("待确认的身份比对不存在") from error


def _review_decision_record(
    review: IdentityLinkReview, *, actor: Actor, accept: bool, note: str, now: dt.datetime
) -> None:
    """Record the decision on a pending review (refused once it has been decided)."""
    if review.status != ReviewStatus.PENDING:
        raise ApplicationError(
            f"该比对已处理（{review.get_status_display()}），不能再次确认", field="status"
        )
    review.status = ReviewStatus.ACCEPTED if accept else ReviewStatus.REJECTED
    review.reviewer = actor.user
    review.reviewed_at = now
    review.note = note
    review.save(update_fields=["status", "reviewer", "reviewed_at", "note", "updated_at"])


def _other_candidates_reject(
    snapshot: FeedSnapshot, review: IdentityLinkReview, *, actor: Actor, now: dt.datetime
) -> int:
    """Reject the record's other pending candidates (it is the accepted person); how many."""
    return (
        IdentityLinkReview.objects.filter(
            snapshot=snapshot, source_row=review.source_row, status=ReviewStatus.PENDING
        )
        .exclude(pk=review.pk)
        .update(
            status=ReviewStatus.REJECTED,
            reviewer=actor.user,
            reviewed_at=now,
            note="同一记录已确认为其他人员",
        )
    )


def _links_with_reviewed(
    snapshot: FeedSnapshot, review: IdentityLinkReview, now: dt.datetime
) -> pa.Table:
    """The snapshot's links with the record's link replaced by the accepted one (`reviewed`)."""
    current = links_read(snapshot)
    current = current.filter(pc.not_equal(current.column("source_row"), review.source_row))
    row = pa.table(
        {
            "source_row": [review.source_row],
            "person_key": [review.person_key],
            "method": ["reviewed"],
            "match_probability": [review.match_probability],
            "model_version": [review.run.model_version],
            "decided_at": pa.array([now], pa.timestamp("us", tz="UTC")),
        },
        schema=identity.LINK_SCHEMA,
    )
    return pa.concat_tables([current, row])


def _review_audit(
    actor: Actor,
    review: IdentityLinkReview,
    snapshot: FeedSnapshot,
    *,
    accept: bool,
    others: int,
    note: str,
) -> None:
    audit_event_record(
        actor=actor.user,
        action="exchange.identity_link_accept" if accept else "exchange.identity_link_reject",
        obj=review,
        region_code=review.person.hukou_region_id,
        parameters={
            "source": snapshot.source,
            "snapshot": str(snapshot.public_id),
            "source_row": review.source_row,
            "person": str(review.person.public_id),
            "match_probability": review.match_probability,
            "other_candidates_rejected": others,
            "note": note,
        },
    )


def identity_link_review_decide(
    *,
    actor: Actor,
    public_id: Any,
    accept: bool,
    note: str = "",
    now: dt.datetime | None = None,
) -> IdentityLinkReview:
    """Accept (the record is this person: appended to the sidecar, method `reviewed`; the record's
    other pending candidates are rejected) or reject one pending candidate link."""
    require_review_links(actor)
    note = (note or "").strip()
    if len(note) > 200:
        raise ApplicationError("说明不能超过 200 个字", field="note")
    now = now or timezone.now()
    temporary: Path | None = None
    try:
        with transaction.atomic():
            review = _review_for_update(actor, public_id)
            snapshot = FeedSnapshot.objects.select_for_update().get(pk=review.snapshot_id)
            _review_decision_record(review, actor=actor, accept=accept, note=note, now=now)
            others = 0
            if accept:
                others = _other_candidates_reject(snapshot, review, actor=actor, now=now)
                temporary, final = _links_write_temporary(
                    snapshot, _links_with_reviewed(snapshot, review, now)
                )
            _review_audit(actor, review, snapshot, accept=accept, others=others, note=note)
            if temporary is not None:
                _links_publish(temporary, final)
    except BaseException:
        if temporary is not None:
            store.snapshot_discard(temporary)
        raise
    return review
