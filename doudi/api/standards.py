from __future__ import annotations

from datetime import date
from decimal import Decimal

from ninja import Router, Schema, Status

from doudi.standards import selectors, services
from doudi.standards.models import LocalStandard

router = Router(tags=["保障标准"])


class StandardOut(Schema):
    id: int
    parameter: str
    region_code: str
    region_name: str
    area_scope: str
    amount: Decimal
    effective_from: date
    effective_to: date | None
    document: str
    source_url: str
    is_demo: bool


def _out(standard: LocalStandard) -> dict:
    return {
        "id": standard.pk,
        "parameter": standard.parameter,
        "region_code": standard.region_id,
        "region_name": standard.region.name,
        "area_scope": standard.area_scope,
        "amount": standard.amount,
        "effective_from": standard.effective_from,
        "effective_to": standard.effective_to,
        "document": standard.document,
        "source_url": standard.source_url,
        "is_demo": standard.is_demo,
    }


@router.get("/standards", response=list[StandardOut], summary="地方保障标准（含历史）")
def standard_list(request, parameter: str = ""):  # type: ignore[no-untyped-def]
    return [_out(s) for s in selectors.local_standard_list(actor=request.auth, parameter=parameter)]


class StandardIn(Schema):
    parameter: str
    region_code: str
    amount: str
    effective_from: date
    document: str
    reason: str
    area_scope: str = "unified"
    source_url: str = ""
    is_demo: bool = False


@router.post("/standards", response={201: StandardOut}, summary="新增一期地方保障标准")
def standard_set(request, payload: StandardIn):  # type: ignore[no-untyped-def]
    standard = services.local_standard_set(actor=request.auth, **payload.dict())
    return Status(201, _out(standard))
