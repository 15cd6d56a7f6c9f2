"""REST endpoints of the referrals app: parse, call one selector or service, render."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from ninja import Router, Schema, Status

from doudi.accounts.names import staff_name
from doudi.core.exceptions import ApplicationError
from doudi.intake import selectors as intake_selectors
from doudi.referrals import selectors, services
from doudi.referrals.models import Referral
from doudi.registry.selectors import household_member_get

router = Router(tags=["转介与协同办理"])


class ReferralIn(Schema):
    household: UUID
    need: str
    department: str = ""
    person: UUID | None = None
    application: UUID | None = None
    note: str = ""


class ReferralActionIn(Schema):
    version: int
    outcome: str = ""
    answer: str = ""
    amount: str | None = None
    reason: str = ""


class ReferralSummaryOut(Schema):
    public_id: UUID
    household: UUID
    address: str
    application: UUID | None
    need: str
    need_label: str
    department: str
    department_label: str
    status: str
    status_label: str
    origin: str
    village_code: str
    created_at: datetime
    due_date: date | None
    due_is_provisional: bool
    due_state: str
    due_state_label: str
    version: int


class ReferralOut(ReferralSummaryOut):
    person: UUID | None
    person_name: str
    note: str
    created_by: str
    received_by: str
    received_at: datetime | None
    outcome: str
    outcome_label: str
    answer: str
    amount: Decimal | None
    answered_by: str
    answered_at: datetime | None
    return_reason: str
    returned_by: str
    returned_at: datetime | None
    allowed_actions: list[str]


def _summary(referral: Referral) -> dict[str, Any]:
    deadline = referral.deadline
    due = selectors.referral_due_state(referral)
    return {
        "public_id": referral.public_id,
        "household": referral.household.public_id,
        "address": referral.household.address,
        "application": referral.application.public_id if referral.application_id else None,
        "need": referral.need,
        "need_label": referral.get_need_display(),
        "department": referral.department,
        "department_label": referral.get_department_display(),
        "status": referral.status,
        "status_label": referral.get_status_display(),
        "origin": referral.origin,
        "village_code": referral.village_code,
        "created_at": referral.created_at,
        "due_date": deadline.due_date if deadline else None,
        "due_is_provisional": bool(deadline and deadline.is_provisional),
        "due_state": due.state,
        "due_state_label": due.label,
        "version": referral.version,
    }


def _detail(referral: Referral) -> dict[str, Any]:
    return {
        **_summary(referral),
        "person": referral.person.public_id if referral.person_id else None,
        "person_name": referral.person.name if referral.person_id else "",
        "note": referral.note,
        "created_by": staff_name(referral.created_by),
        "received_by": staff_name(referral.received_by),
        "received_at": referral.received_at,
        "outcome": referral.outcome,
        "outcome_label": referral.get_outcome_display() if referral.outcome else "",
        "answer": referral.answer,
        "amount": referral.amount,
        "answered_by": staff_name(referral.answered_by),
        "answered_at": referral.answered_at,
        "return_reason": referral.return_reason,
        "returned_by": staff_name(referral.returned_by),
        "returned_at": referral.returned_at,
        "allowed_actions": services.allowed_actions(referral.status),
    }


@router.get("/referrals", response=list[ReferralSummaryOut], summary="查询转介单")
def referral_list(request, status: str = "", department: str = "", limit: int = 200):  # type: ignore[no-untyped-def]
    """Civil-affairs staff: their region's referrals; a partner department: those made to it."""
    return [
        _summary(r)
        for r in selectors.referral_list(
            actor=request.auth, status=status, department=department, limit=limit
        )
    ]


@router.post("/referrals", response={201: ReferralOut}, summary="发起转介")
def referral_create(request, payload: ReferralIn):  # type: ignore[no-untyped-def]
    actor = request.auth
    household = selectors.referral_household_get(actor=actor, public_id=payload.household)
    person = None
    if payload.person is not None:
        person = household_member_get(household=household, public_id=payload.person, field="person")
    application = None
    if payload.application is not None:
        application = intake_selectors.household_application_find(
            household=household, public_id=str(payload.application)
        )
        if application is None:
            raise ApplicationError("该申请不属于本家庭", field="application")
    referral = services.referral_create(
        actor=actor,
        household=household,
        need=payload.need,
        department=payload.department,
        person=person,
        application=application,
        note=payload.note,
    )
    return Status(201, _detail(selectors.referral_get(actor=actor, public_id=referral.public_id)))


@router.get("/referrals/{public_id}", response=ReferralOut, summary="转介单详情")
def referral_detail(request, public_id: UUID):  # type: ignore[no-untyped-def]
    return _detail(selectors.referral_get(actor=request.auth, public_id=public_id))


@router.post(
    "/referrals/{public_id}/actions/{action}",
    response=ReferralOut,
    summary="办理转介单（接收 receive、反馈 answer、退回 return）",
)
def referral_act(request, public_id: UUID, action: str, payload: ReferralActionIn):  # type: ignore[no-untyped-def]
    actor = request.auth
    referral = selectors.referral_get(actor=actor, public_id=public_id)
    common = {"actor": actor, "referral": referral, "version": payload.version}
    if action == "receive":
        referral = services.referral_receive(**common)
    elif action == "answer":
        referral = services.referral_answer(
            **common, outcome=payload.outcome, answer=payload.answer, amount=payload.amount
        )
    elif action == "return":
        referral = services.referral_return(**common, reason=payload.reason)
    else:
        names = "、".join(f"{a}（{label}）" for a, label in services.ACTION_LABELS.items())
        raise ApplicationError(f"不支持的操作：{action}，可选：{names}", field="action")
    return _detail(selectors.referral_get(actor=actor, public_id=referral.public_id))
