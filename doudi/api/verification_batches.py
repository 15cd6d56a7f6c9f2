"""REST endpoints of batch screening (批量核对): start a run, list the region's runs, read one
run with a page of its results. Parse, call one selector or service, render."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.core.paginator import Paginator
from ninja import Router, Schema, Status

from doudi.verification import batch_selectors, batch_services
from doudi.verification.models import BatchRun

router = Router(tags=["批量核对"])
PAGE_SIZE = 50


class BatchIn(Schema):
    region: str = ""  # a division code inside the caller's region; default the caller's region
    programme: str = ""  # only the current recipients of this programme; default every household
    month: str = ""  # YYYY-MM; default the current month


class BatchRunOut(Schema):
    public_id: UUID
    region_code: str
    region_name: str
    programme: str
    month: str
    income_months: int
    status: str
    requested_by: str
    started_at: datetime
    finished_at: datetime
    households_selected: int
    households_screened: int
    households_skipped: int
    households_without_members: int
    compliant_count: int
    non_compliant_count: int
    suspect_count: int
    persons_read: int
    snapshots: dict[str, Any]
    sources_not_checked: list[str]


class BatchResultOut(Schema):
    household: UUID
    address: str
    head: str
    conclusion: str
    conclusion_label: str
    rule: str
    reason: str
    counted_members: int
    monthly_income: Decimal | None
    financial: Decimal | None
    financial_limit: Decimal | None
    vehicles: int | None
    dwellings: int | None
    businesses: int | None
    sources_not_checked: list[str]


class BatchRunDetailOut(BatchRunOut):
    conclusion_filter: str
    results_count: int
    page: int
    pages: int
    results: list[BatchResultOut]


def _run(run: BatchRun) -> dict[str, Any]:
    return {
        **{name: getattr(run, name) for name in BatchRunOut.model_fields if hasattr(run, name)},
        "requested_by": run.requested_by.get_username(),
    }


def _result(row: dict[str, Any]) -> dict[str, Any]:
    return {
        **row,
        "household": row["household__public_id"],
        "address": row["household__address"],
    }


@router.post(
    "/verification/batches",
    response={201: BatchRunOut},
    summary="批量核对：核对辖区内（或某救助项目在保）家庭，保存结果并记录查询",
)
def batch_run(request, payload: BatchIn):  # type: ignore[no-untyped-def]
    actor = request.auth
    run = batch_services.batch_run(
        actor=actor,
        region_code=payload.region or actor.region_code,
        programme=payload.programme or None,
        month=payload.month or None,
    )
    return Status(201, _run(batch_selectors.batch_run_get(actor=actor, public_id=run.public_id)))


@router.get("/verification/batches", response=list[BatchRunOut], summary="本辖区的批量核对记录")
def batch_run_list(request):  # type: ignore[no-untyped-def]
    return [_run(run) for run in batch_selectors.batch_run_list(actor=request.auth)[:200]]


@router.get(
    "/verification/batches/{public_id}",
    response=BatchRunDetailOut,
    summary="批量核对及其结果（每页 50 户，可按结论筛选）",
)
def batch_run_get(  # type: ignore[no-untyped-def]
    request, public_id: UUID, conclusion: str = "", page: int = 1
):
    actor = request.auth
    run = batch_selectors.batch_run_get(actor=actor, public_id=public_id)
    results = batch_selectors.batch_result_list(actor=actor, run=run, conclusion=conclusion)
    paginator = Paginator(results, PAGE_SIZE)
    current = paginator.get_page(page)
    return {
        **_run(run),
        "conclusion_filter": conclusion,
        "results_count": paginator.count,
        "page": current.number,
        "pages": paginator.num_pages,
        "results": [_result(row) for row in batch_selectors.batch_result_rows(current.object_list)],
    }
