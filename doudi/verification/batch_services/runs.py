"""`batch_run`: select, screen and persist, in one transaction, the `BatchRun`, its results,
the access log and the audit event; and the run's counts in one sentence."""

from __future__ import annotations

import datetime as dt
import logging
import time
from typing import Any

from django.db import transaction
from django.utils import timezone

from doudi.accounts.scoping import Actor
from doudi.core.audit import audit_event_record
from doudi.core.models import Division
from doudi.verification import access
from doudi.verification.batch import SCREENED_SOURCES
from doudi.verification.batch_services.results import RESULT_FIELDS, _results
from doudi.verification.batch_services.scope import _division, _month, _programme, _region_codes
from doudi.verification.batch_services.screening import _Screening, _screening
from doudi.verification.batch_services.selection import _select, _Selection
from doudi.verification.bulk_insert import rows_insert
from doudi.verification.findings import Limits
from doudi.verification.models import (
    BatchOutcome,
    BatchPersonAccess,
    BatchResult,
    BatchRun,
    BatchStatus,
)
from doudi.verification.services import PURPOSE

# Named as when the run lived in batch_services.py, so that logging set up for it still applies.
logger = logging.getLogger("doudi.verification.batch_services")


def _run_create(
    actor: Actor,
    division: Division,
    programme: str,
    month: str,
    started_at: dt.datetime,
    selection: _Selection,
    screening: _Screening,
) -> BatchRun:
    """The `BatchRun` row: scope, month, counts, snapshots, sources not checked, limits used."""
    tally = screening.tally
    return BatchRun.objects.create(
        region_code=division.code,
        region_level=division.level,
        region_name=division.name,
        programme=programme,
        month=month,
        income_months=screening.months,
        requested_by=actor.user,
        started_at=started_at,
        finished_at=screening.finished_at,
        status=BatchStatus.COMPLETED if selection.screened else BatchStatus.NOTHING_SCREENED,
        households_selected=len(selection.households),
        households_screened=len(selection.screened),
        households_skipped=len(selection.missing),
        households_without_members=len(selection.without_members),
        compliant_count=tally[BatchOutcome.COMPLIANT],
        non_compliant_count=tally[BatchOutcome.NON_COMPLIANT],
        suspect_count=tally[BatchOutcome.SUSPECT],
        persons_read=selection.persons_read,
        snapshots={
            source: {"snapshot_id": s.pk, "snapshot_date": s.snapshot_date.isoformat()}
            for source, s in sorted(screening.latest.items())
        },
        sources_not_checked=screening.not_checked,
        limits=_limits_used(screening.limits),
        **_region_codes(division),
    )


def _limits_used(limits: dict[str, Limits]) -> dict[str, dict[str, Any]]:
    """Per `county/area type`, the policy engine's values the run used."""
    return {
        key: {
            "dibao.standard": str(value.standard),
            "assets.financial_months": value.financial_months,
            "assets.vehicles_max": value.vehicles_max,
            "assets.real_estate_max": value.real_estate_max,
            "assets.business_registrations_max": value.business_registrations_max,
        }
        for key, value in sorted(limits.items())
    }


def _run_audit(actor: Actor, run: BatchRun, selection: _Selection, screening: _Screening) -> None:
    """The audit event of the run: programme, month and counts, no personal data."""
    tally = screening.tally
    audit_event_record(
        actor=actor.user,
        action="verification.batch_run",
        obj=run,
        region_code=run.region_code,
        parameters={
            "programme": run.programme,
            "month": run.month,
            "households_screened": len(selection.screened),
            "households_skipped": len(selection.missing),
            "compliant": tally[BatchOutcome.COMPLIANT],
            "non_compliant": tally[BatchOutcome.NON_COMPLIANT],
            "suspect": tally[BatchOutcome.SUSPECT],
            "persons_read": selection.persons_read,
        },
    )


def _accesses_insert(
    run: BatchRun,
    actor: Actor,
    selection: _Selection,
    latest: dict[str, Any],
    read_at: dt.datetime,
) -> None:
    """One `BatchPersonAccess` per person screened, with the consent relied on and the sources
    read (screened sources with a snapshot)."""
    rows_insert(
        BatchPersonAccess,
        constant={
            "run": run.pk,
            "sources": [source for source in SCREENED_SOURCES if source in latest],
            "purpose": PURPOSE,
            "actor": actor.user.pk,
            "accessed_at": read_at,
        },
        varying=("person", "household", "consent"),
        rows=(
            (person_id, household.pk, selection.consent_of[(household.pk, person_id)])
            for household in selection.screened
            for person_id, _, _ in household.members
        ),
    )


@transaction.atomic
def _run_write(
    actor: Actor,
    division: Division,
    programme: str,
    month: str,
    started_at: dt.datetime,
    selection: _Selection,
    screening: _Screening,
) -> BatchRun:
    """In one transaction: the run, its results, the access log and the audit event."""
    run = _run_create(actor, division, programme, month, started_at, selection, screening)
    results = _results(screening.rows, selection, screening.limits, screening.not_checked)
    rows_insert(BatchResult, constant={"run": run.pk}, varying=RESULT_FIELDS, rows=results)
    _accesses_insert(run, actor, selection, screening.latest, screening.read_at)
    _run_audit(actor, run, selection, screening)
    return run


def batch_run(
    *,
    actor: Actor,
    region_code: str,
    programme: str | None = None,
    month: str | None = None,
) -> BatchRun:
    """Screen the households of `region_code` (inside the actor's region) — with `programme`,
    only those with an entitlement of it still paid in `month` (current recipients) — and
    persist the run, its results and the access log. `month` defaults to the current month; the
    income window is the `income_months()` whole months before it."""
    access.require_request(actor)
    division = _division(actor, region_code)
    programme = _programme(programme)
    month = _month(month)
    started_at = timezone.now()
    clock = time.perf_counter()
    selection = _select(
        actor, division, programme, dt.date.fromisoformat(f"{month}-01"), started_at
    )
    selected_seconds = time.perf_counter() - clock
    screening = _screening(selection.screened, month)

    clock = time.perf_counter()
    run = _run_write(actor, division, programme, month, started_at, selection, screening)
    logger.info(
        "batch run %s: %d households (%d persons) selected in %.1f s, screened in %.1f s, "
        "written in %.1f s",
        run.public_id,
        len(selection.households),
        selection.persons_read,
        selected_seconds,
        screening.seconds,
        time.perf_counter() - clock,
    )
    return run


def batch_run_figures(run: BatchRun) -> str:
    """The run's counts in one Chinese sentence (command output, page messages)."""
    return (
        f"已核对 {run.households_screened} 户（符合 {run.compliant_count} 户，不符合 "
        f"{run.non_compliant_count} 户，疑似 {run.suspect_count} 户）；无有效核对授权未核对 "
        f"{run.households_skipped} 户；无共同生活家庭成员 {run.households_without_members} 户；"
        f"查询 {run.persons_read} 人的部门数据（已记录查询）"
    )
