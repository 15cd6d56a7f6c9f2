"""Reads of batch runs (批量核对): only runs whose whole region lies inside the actor's region
(404 otherwise), and their results."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.db.models import QuerySet

from doudi.accounts.scoping import Actor
from doudi.core.exceptions import ApplicationError, NotFound
from doudi.registry.selectors import household_heads
from doudi.verification import access
from doudi.verification.models import BatchOutcome, BatchResult, BatchRun

RUN_NOT_FOUND = "批量核对不存在或不在您的管辖范围内"


def batch_run_list(*, actor: Actor) -> QuerySet[BatchRun]:
    access.require_read(actor)
    return (
        BatchRun.objects.filter(actor.region_q())
        .select_related("requested_by")
        .order_by("-started_at", "-id")
    )


def batch_run_get(*, actor: Actor, public_id: UUID | str) -> BatchRun:
    access.require_read(actor)
    try:
        key = UUID(str(public_id))
    except ValueError as error:
        raise NotFound(RUN_NOT_FOUND, field="public_id") from error
    try:
        return (
            BatchRun.objects.filter(actor.region_q())
            .select_related("requested_by")
            .get(public_id=key)
        )
    except BatchRun.DoesNotExist as error:
        raise NotFound(RUN_NOT_FOUND, field="public_id") from error


def batch_result_list(
    *, actor: Actor, run: BatchRun, conclusion: str = ""
) -> QuerySet[BatchResult]:
    """The run's results in household order; `conclusion` filters (符合/不符合/疑似/未核对)."""
    batch_run_get(actor=actor, public_id=run.public_id)
    results = BatchResult.objects.filter(run=run).select_related("household").order_by("id")
    if conclusion:
        if conclusion not in BatchOutcome.values:
            raise ApplicationError(f"核对结论取值无效：{conclusion!r}", field="conclusion")
        results = results.filter(conclusion=conclusion)
    return results


def batch_result_rows(results: QuerySet[BatchResult]) -> list[dict[str, Any]]:
    """Plain rows of results (no model instances: an export may hold 100,000 of them)."""
    rows = list(
        results.values(
            "household_id",
            "household__public_id",
            "household__address",
            "household__village_code",
            "conclusion",
            "rule",
            "reason",
            "counted_members",
            "monthly_income",
            "financial",
            "financial_limit",
            "vehicles",
            "dwellings",
            "businesses",
            "sources_not_checked",
        )
    )
    heads = household_heads([row["household_id"] for row in rows])
    labels = dict(BatchOutcome.choices)
    for row in rows:
        row["head"] = heads.get(row["household_id"], "")
        row["conclusion_label"] = labels[row["conclusion"]]
    return rows
