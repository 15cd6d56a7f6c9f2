"""REST endpoints of the relief app: parse, call one selector or service, render."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

from ninja import Router, Schema, Status

from doudi.accounts.names import staff_name
from doudi.intake import selectors as intake_selectors
from doudi.relief import selectors, services
from doudi.relief.models import AdvancePayment, LedgerEntry, Reconciliation, ReserveFund
from doudi.relief.selectors import ADVANCE_STATE_LABELS

router = Router(tags=["临时救助"])


class FundIn(Schema):
    township_code: str
    advance_limit: str | None = None
    paperwork_working_days: int | None = None


class TopUpIn(Schema):
    amount: str
    memo: str


class ReconcileIn(Schema):
    counted_balance: str
    as_of: date | None = None
    note: str = ""
    adjust: bool = False


class AdvanceIn(Schema):
    id_number: str
    name: str
    amount: str
    emergency: str


class LinkIn(Schema):
    application: str


class ReverseIn(Schema):
    reason: str


class InstalmentIn(Schema):
    month: str
    amount: str


class PlanIn(Schema):
    instalments: list[InstalmentIn]


class PayIn(Schema):
    reference: str = ""


class EntryOut(Schema):
    id: int
    kind: str
    kind_label: str
    amount: Decimal
    entry_date: date
    memo: str
    balance: Decimal | None = None


class FundOut(Schema):
    public_id: UUID
    township_code: str
    township_name: str
    advance_limit: Decimal
    advance_limit_is_demo: bool
    paperwork_working_days: int
    paperwork_days_is_demo: bool
    balance: Decimal


class FundDetailOut(FundOut):
    entries: list[EntryOut]


class ReconciliationOut(Schema):
    public_id: UUID
    as_of: date
    counted_balance: Decimal
    ledger_balance: Decimal
    difference: Decimal
    note: str
    adjustment: Decimal | None
    reconciled_by: str
    entries: list[EntryOut]


class AdvanceOut(Schema):
    public_id: UUID
    fund: UUID
    township_code: str
    person_name: str
    household: UUID
    amount: Decimal
    paid_on: date
    emergency: str
    paperwork_due: date
    paperwork_due_is_provisional: bool
    state: str
    state_label: str
    application: UUID | None
    reversal_reason: str


class InstalmentOut(Schema):
    number: int
    month: str
    amount: Decimal
    paid_on: date | None


class PlanOut(Schema):
    application: UUID
    approved_amount: Decimal | None
    total: Decimal
    instalments: list[InstalmentOut]


def _entry(entry: LedgerEntry, balance: Decimal | None = None) -> dict[str, Any]:
    return {
        "id": entry.pk,
        "kind": entry.kind,
        "kind_label": entry.get_kind_display(),
        "amount": entry.amount,
        "entry_date": entry.entry_date,
        "memo": entry.memo,
        "balance": balance,
    }


def _fund(actor: Any, fund: ReserveFund, *, entries: bool = False) -> dict[str, Any]:
    body = {
        "public_id": fund.public_id,
        "township_code": fund.township_code,
        "township_name": fund.township.name,
        "advance_limit": fund.advance_limit,
        "advance_limit_is_demo": fund.advance_limit_is_demo,
        "paperwork_working_days": fund.paperwork_working_days,
        "paperwork_days_is_demo": fund.paperwork_days_is_demo,
        "balance": fund.balance
        if hasattr(fund, "balance")
        else selectors.fund_balance(actor=actor, fund=fund),
    }
    if entries:
        body["entries"] = [
            _entry(line.entry, line.balance)
            for line in selectors.fund_entries(actor=actor, fund=fund)
        ]
    return body


def _reconciliation(actor: Any, item: Reconciliation) -> dict[str, Any]:
    return {
        "public_id": item.public_id,
        "as_of": item.as_of,
        "counted_balance": item.counted_balance,
        "ledger_balance": item.ledger_balance,
        "difference": item.difference,
        "note": item.note,
        "adjustment": item.adjustment.amount if item.adjustment else None,
        "reconciled_by": staff_name(item.reconciled_by),
        "entries": [
            _entry(e) for e in selectors.reconciliation_entries(actor=actor, reconciliation=item)
        ],
    }


def _advance(advance: AdvancePayment) -> dict[str, Any]:
    state = getattr(advance, "state", None) or selectors.advance_state(advance)
    return {
        "public_id": advance.public_id,
        "fund": advance.fund.public_id,
        "township_code": advance.township_code,
        "person_name": advance.person.name,
        "household": advance.household.public_id,
        "amount": advance.amount,
        "paid_on": advance.paid_on,
        "emergency": advance.emergency,
        "paperwork_due": advance.paperwork_due,
        "paperwork_due_is_provisional": advance.paperwork_due_is_provisional,
        "state": state,
        "state_label": ADVANCE_STATE_LABELS[state],
        "application": advance.application.public_id if advance.application else None,
        "reversal_reason": advance.reversal_reason,
    }


@router.get("/relief/funds", response=list[FundOut], summary="临时救助备用金（辖区）")
def fund_list(request):  # type: ignore[no-untyped-def]
    return [_fund(request.auth, f) for f in selectors.fund_list(actor=request.auth)]


@router.post("/relief/funds", response={201: FundOut}, summary="设立乡镇临时救助备用金")
def fund_create(request, payload: FundIn):  # type: ignore[no-untyped-def]
    fund = services.reserve_fund_create(
        actor=request.auth,
        township_code=payload.township_code,
        advance_limit=payload.advance_limit,
        paperwork_working_days=payload.paperwork_working_days,
    )
    return Status(201, _fund(request.auth, fund))


@router.get("/relief/funds/{public_id}", response=FundDetailOut, summary="备用金余额与台账")
def fund_detail(request, public_id: UUID):  # type: ignore[no-untyped-def]
    fund = selectors.fund_get(actor=request.auth, public_id=public_id)
    return _fund(request.auth, fund, entries=True)


@router.post("/relief/funds/{public_id}/top-ups", response={201: EntryOut}, summary="拨付备用金")
def fund_top_up(request, public_id: UUID, payload: TopUpIn):  # type: ignore[no-untyped-def]
    fund = selectors.fund_get(actor=request.auth, public_id=public_id)
    entry = services.reserve_fund_top_up(
        actor=request.auth, fund=fund, amount=payload.amount, memo=payload.memo
    )
    return Status(201, _entry(entry))


@router.get(
    "/relief/funds/{public_id}/reconciliations",
    response=list[ReconciliationOut],
    summary="备用金对账记录",
)
def fund_reconciliations(request, public_id: UUID):  # type: ignore[no-untyped-def]
    fund = selectors.fund_get(actor=request.auth, public_id=public_id)
    return [
        _reconciliation(request.auth, r)
        for r in selectors.fund_reconciliations(actor=request.auth, fund=fund)
    ]


@router.post(
    "/relief/funds/{public_id}/reconciliations",
    response={201: ReconciliationOut},
    summary="备用金对账",
)
def fund_reconcile(request, public_id: UUID, payload: ReconcileIn):  # type: ignore[no-untyped-def]
    fund = selectors.fund_get(actor=request.auth, public_id=public_id)
    item = services.reserve_fund_reconcile(
        actor=request.auth,
        fund=fund,
        counted_balance=payload.counted_balance,
        as_of=payload.as_of,
        note=payload.note,
        adjust=payload.adjust,
    )
    return Status(201, _reconciliation(request.auth, item))


@router.get("/relief/advances", response=list[AdvanceOut], summary="先行救助（辖区）")
def advance_list(request):  # type: ignore[no-untyped-def]
    return [_advance(a) for a in selectors.advance_list(actor=request.auth)]


@router.post(
    "/relief/funds/{public_id}/advances", response={201: AdvanceOut}, summary="发放先行救助"
)
def advance_create(request, public_id: UUID, payload: AdvanceIn):  # type: ignore[no-untyped-def]
    fund = selectors.fund_get(actor=request.auth, public_id=public_id)
    advance = services.advance_payment_record(
        actor=request.auth,
        fund=fund,
        id_number=payload.id_number,
        name=payload.name,
        amount=payload.amount,
        emergency=payload.emergency,
    )
    return Status(201, _advance(advance))


@router.get("/relief/advances/{public_id}", response=AdvanceOut, summary="先行救助详情")
def advance_detail(request, public_id: UUID):  # type: ignore[no-untyped-def]
    return _advance(selectors.advance_get(actor=request.auth, public_id=public_id))


@router.post(
    "/relief/advances/{public_id}/link", response=AdvanceOut, summary="补办手续：关联临时救助申请"
)
def advance_link(request, public_id: UUID, payload: LinkIn):  # type: ignore[no-untyped-def]
    advance = selectors.advance_get(actor=request.auth, public_id=public_id)
    advance = services.advance_payment_link(
        actor=request.auth, advance=advance, application_id=payload.application
    )
    return _advance(selectors.advance_get(actor=request.auth, public_id=advance.public_id))


@router.post(
    "/relief/advances/{public_id}/reverse", response=AdvanceOut, summary="冲销先行救助支出"
)
def advance_reverse(request, public_id: UUID, payload: ReverseIn):  # type: ignore[no-untyped-def]
    advance = selectors.advance_get(actor=request.auth, public_id=public_id)
    services.advance_payment_reverse(actor=request.auth, advance=advance, reason=payload.reason)
    return _advance(selectors.advance_get(actor=request.auth, public_id=advance.public_id))


def _plan(application: Any, plan: Any) -> dict[str, Any]:
    rows = list(plan.instalments.all()) if plan else []
    return {
        "application": application.public_id,
        "approved_amount": plan.approved_amount if plan else None,
        "total": sum((i.amount for i in rows), Decimal("0.00")),
        "instalments": [
            {
                "number": i.number,
                "month": f"{i.month:%Y-%m}",
                "amount": i.amount,
                "paid_on": i.payment.paid_on if hasattr(i, "payment") else None,
            }
            for i in rows
        ],
    }


@router.get(
    "/relief/applications/{public_id}/instalments",
    response=PlanOut,
    summary="分阶段救助计划",
)
def plan_detail(request, public_id: UUID):  # type: ignore[no-untyped-def]
    application = intake_selectors.application_get(actor=request.auth, public_id=public_id)
    plan = selectors.instalment_plan_for(actor=request.auth, application=application)
    return _plan(application, plan)


@router.post(
    "/relief/applications/{public_id}/instalments",
    response={201: PlanOut},
    summary="制定分阶段救助计划",
)
def plan_create(request, public_id: UUID, payload: PlanIn):  # type: ignore[no-untyped-def]
    application = intake_selectors.application_get(actor=request.auth, public_id=public_id)
    services.instalment_plan_create(
        actor=request.auth,
        application=application,
        instalments=[(i.month, i.amount) for i in payload.instalments],
    )
    plan = selectors.instalment_plan_for(actor=request.auth, application=application)
    return Status(201, _plan(application, plan))


@router.post(
    "/relief/applications/{public_id}/instalments/{number}/pay",
    response=PlanOut,
    summary="登记分期已发放",
)
def instalment_pay(request, public_id: UUID, number: int, payload: PayIn):  # type: ignore[no-untyped-def]
    application = intake_selectors.application_get(actor=request.auth, public_id=public_id)
    instalment = selectors.instalment_get(
        actor=request.auth, application=application, number=number
    )
    services.instalment_pay(actor=request.auth, instalment=instalment, reference=payload.reference)
    plan = selectors.instalment_plan_for(actor=request.auth, application=application)
    return _plan(application, plan)
