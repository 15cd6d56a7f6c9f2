"""REST endpoints of the reviews app: parse, call one selector or service, render."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from ninja import Router, Schema, Status

from doudi.api.intake.schemas import AssetsIn, ExpensesIn
from doudi.core.exceptions import ApplicationError
from doudi.intake.services import Declaration, IncomeSpec
from doudi.registry.selectors import household_member_get
from doudi.reviews import selectors, services
from doudi.reviews.models import ReviewCase, ReviewStatus

router = Router(tags=["动态管理"])


class IncomeIn(Schema):
    person: UUID
    type: str
    monthly: str
    stable: bool = True


class ActionIn(Schema):
    version: int
    reason: str = ""
    suspend: bool = False
    objection: str = ""
    incomes: list[IncomeIn] = []
    assets: AssetsIn = AssetsIn()
    expenses: ExpensesIn = ExpensesIn()
    still_in_difficulty: bool = False
    supporters_unable: dict[str, bool] = {}
    findings: str = ""


class ChangeReportIn(Schema):
    reported_by: str
    description: str
    reported_on: date | None = None
    reporter_name: str = ""


class EventOut(Schema):
    action: str
    from_status: str
    to_status: str
    at: datetime
    parameters: dict[str, Any]


class ReviewOut(Schema):
    public_id: UUID
    household: UUID
    trigger: str
    status: str
    status_label: str
    review_class: str
    due_on: date | None
    township_code: str
    engine_proposal: dict[str, Any]
    proposal: dict[str, Any]
    proposal_reason: str
    evaluation_id: int | None
    phase_out_evaluation_id: int | None
    notice_published_on: date | None
    decided_on: date | None
    decision_reason: str
    version: int
    events: list[EventOut]


class DueOut(Schema):
    household: UUID
    address: str
    township_code: str
    review_class: str
    last_review_on: date
    next_review_on: date
    state: str
    open_review: UUID | None


class ChangeReportOut(Schema):
    public_id: UUID
    household: UUID
    review: UUID
    reported_by: str
    reporter_name: str
    reported_on: date
    description: str


class EntitlementOut(Schema):
    public_id: UUID
    programme: str
    monthly_amount: Decimal
    from_month: date
    to_month: date | None


class ChangeOut(Schema):
    review: UUID
    programme: str
    kind: str
    old_entitlement: UUID
    new_entitlement: UUID | None
    old_amount: Decimal
    new_amount: Decimal | None
    effective_month: date
    to_month: date | None
    reason: str
    evaluation_id: int | None


class HistoryOut(Schema):
    entitlements: list[EntitlementOut]
    changes: list[ChangeOut]


def _review(request: Any, review: ReviewCase) -> dict[str, Any]:
    return {
        "public_id": review.public_id,
        "household": review.household.public_id,
        "trigger": review.trigger,
        "status": review.status,
        "status_label": ReviewStatus(review.status).label,
        "review_class": review.review_class,
        "due_on": review.due_on,
        "township_code": review.township_code,
        "engine_proposal": review.engine_proposal,
        "proposal": review.proposal,
        "proposal_reason": review.proposal_reason,
        "evaluation_id": review.evaluation_id,
        "phase_out_evaluation_id": review.phase_out_evaluation_id,
        "notice_published_on": review.notice_published_on,
        "decided_on": review.decided_on,
        "decision_reason": review.decision_reason,
        "version": review.version,
        "events": [
            {
                "action": e.action,
                "from_status": e.from_status,
                "to_status": e.to_status,
                "at": e.created_at,
                "parameters": e.parameters,
            }
            for e in selectors.review_events(actor=request.auth, review=review)
        ],
    }


@router.get("/reviews/due", response=list[DueOut], summary="到期和逾期的定期复核")
def review_due(request):  # type: ignore[no-untyped-def]
    return [
        {
            "household": row.household.public_id,
            "address": row.household.address,
            "township_code": row.household.township_code,
            "review_class": row.review_class,
            "last_review_on": row.last_review_on,
            "next_review_on": row.next_review_on,
            "state": state,
            "open_review": row.open_review.public_id if row.open_review else None,
        }
        for row, state in selectors.review_due_list(actor=request.auth)
    ]


@router.get("/reviews", response=list[ReviewOut], summary="办理中的复核案件")
def review_list(request):  # type: ignore[no-untyped-def]
    return [_review(request, r) for r in selectors.review_open_list(actor=request.auth)]


@router.get("/reviews/{public_id}", response=ReviewOut, summary="复核案件详情")
def review_detail(request, public_id: UUID):  # type: ignore[no-untyped-def]
    return _review(request, selectors.review_get(actor=request.auth, public_id=public_id))


def dispatch(actor: Any, review: ReviewCase, action: str, body: ActionIn) -> ReviewCase:
    common = {"actor": actor, "review": review, "version": body.version}
    household = review.household
    handlers = {
        "record_situation": lambda: services.review_record_situation(
            **common,
            declaration=Declaration(
                incomes=[
                    IncomeSpec(
                        person=household_member_get(
                            household=household, public_id=i.person, field=f"incomes[{n}].person"
                        ),
                        type=i.type,
                        monthly=i.monthly,
                        stable=i.stable,
                    )
                    for n, i in enumerate(body.incomes)
                ],
                assets=body.assets.declared(),
                expenses=body.expenses.declared(),
            ),
            still_in_difficulty=body.still_in_difficulty,
            supporters_unable=body.supporters_unable,
            findings=body.findings,
        ),
        "propose": lambda: services.review_propose(
            **common, reason=body.reason, suspend=body.suspend
        ),
        "record_objection": lambda: services.review_record_objection(
            **common, objection=body.objection
        ),
        "decide": lambda: services.review_decide(**common, reason=body.reason),
        "return": lambda: services.review_return(**common, reason=body.reason),
    }
    if action not in handlers:
        raise ApplicationError(
            f"不支持的操作：{action}，可选：{'、'.join(handlers)}", field="action"
        )
    return handlers[action]()


@router.post(
    "/reviews/{public_id}/actions/{action}",
    response=ReviewOut,
    summary="办理复核案件（登记调查情况、提出意见、登记异议、决定、退回）",
)
def review_act(request, public_id: UUID, action: str, payload: ActionIn):  # type: ignore[no-untyped-def]
    review = selectors.review_get(actor=request.auth, public_id=public_id)
    return _review(request, dispatch(request.auth, review, action, payload))


@router.post("/households/{public_id}/reviews", response={201: ReviewOut}, summary="发起复核")
def review_start(request, public_id: UUID):  # type: ignore[no-untyped-def]
    household = selectors.household_visible(actor=request.auth, public_id=public_id)
    review = services.review_start(actor=request.auth, household=household)
    return Status(201, _review(request, review))


@router.post(
    "/households/{public_id}/change-reports",
    response={201: ChangeReportOut},
    summary="登记家庭情况变化报告",
)
def change_report_record(request, public_id: UUID, payload: ChangeReportIn):  # type: ignore[no-untyped-def]
    household = selectors.household_visible(actor=request.auth, public_id=public_id)
    report = services.change_report_record(
        actor=request.auth,
        household=household,
        reported_by=payload.reported_by,
        description=payload.description,
        reported_on=payload.reported_on,
        reporter_name=payload.reporter_name,
    )
    return Status(
        201,
        {
            "public_id": report.public_id,
            "household": household.public_id,
            "review": report.review.public_id,
            "reported_by": report.reported_by,
            "reporter_name": report.reporter_name,
            "reported_on": report.reported_on,
            "description": report.description,
        },
    )


@router.get(
    "/households/{public_id}/entitlements", response=HistoryOut, summary="救助待遇及变更记录"
)
def entitlement_history(request, public_id: UUID):  # type: ignore[no-untyped-def]
    household = selectors.household_visible(actor=request.auth, public_id=public_id)
    history = selectors.entitlement_history(actor=request.auth, household=household)
    return {
        "entitlements": history["entitlements"],
        "changes": [
            {
                "review": c.review.public_id,
                "programme": c.programme,
                "kind": c.kind,
                "old_entitlement": c.old_entitlement.public_id,
                "new_entitlement": c.new_entitlement.public_id if c.new_entitlement else None,
                "old_amount": c.old_amount,
                "new_amount": c.new_amount,
                "effective_month": c.effective_month,
                "to_month": c.to_month,
                "reason": c.reason,
                "evaluation_id": c.evaluation_id,
            }
            for c in history["changes"]
        ],
    }
