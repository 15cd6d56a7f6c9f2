"""REST endpoints for applications: submit, list, read, and act on a case. Each parses, calls one
selector or service, and renders."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from ninja import Router, Status

from doudi.accounts.names import staff_name
from doudi.api.intake.schemas import (
    ActionIn,
    ApplicationIn,
    ApplicationOut,
    ApplicationSummaryOut,
    CommunityReviewIn,
    DueOut,
    HomeVisitIn,
    InitialOpinionIn,
    ItemsStepIn,
    ObjectionIn,
    OpinionIn,
    ReasonIn,
    RefusalNoticeIn,
    StepIn,
    SubmissionReceiptOut,
)
from doudi.core.deadlines import notice_last_day
from doudi.core.exceptions import ApplicationError
from doudi.core.models import Deadline
from doudi.intake import selectors, services
from doudi.intake.models import Application, CaseEvent
from doudi.intake.services import household_for_submission
from doudi.intake.workflow import (
    ACTION_LABELS,
    DEADLINE_RULES,
    Action,
    ApplicationStatus,
    allowed_actions,
)
from doudi.registry.selectors import household_member_get

router = Router(tags=["申请与审核"])


def _summary(application: Application) -> dict[str, Any]:
    return {
        "public_id": application.public_id,
        "household": application.household.public_id,
        "address": application.household.address,
        "programmes": application.programmes,
        "channel": application.channel,
        "status": application.status,
        "status_label": ApplicationStatus(application.status).label,
        "village_code": application.village_code,
        "township_code": application.township_code,
        "accepted_on": application.accepted_on,
        "version": application.version,
    }


def _event(event: CaseEvent) -> dict[str, Any]:
    return {
        "action": event.action,
        "action_label": ACTION_LABELS[Action(event.action)],
        "from_status": event.from_status,
        "to_status": event.to_status,
        "actor": staff_name(event.actor),
        "at": event.created_at,
        "parameters": event.parameters,
    }


def _deadline(deadline: Deadline) -> dict[str, Any]:
    rule = DEADLINE_RULES.get(deadline.kind)
    return {
        "kind": deadline.kind,
        "label": rule.label if rule else deadline.kind,
        "start_date": deadline.start_date,
        "due_date": deadline.due_date,
        "is_provisional": deadline.is_provisional,
        "provisional_years": list(deadline.provisional_years or []),
        "closed_at": deadline.closed_at,
    }


def _detail(request: Any, application: Application) -> dict[str, Any]:
    actor = request.auth
    published = application.notice_published_on
    return {
        **_summary(application),
        "opinion": application.opinion,
        "opinion_favourable": application.opinion_favourable,
        "proposal": application.proposal,
        "proposal_evaluation_id": application.proposal_evaluation_id,
        "notice_published_on": published,
        "notice_last_day": notice_last_day(published, DEADLINE_RULES["public_notice"].days)
        if published
        else None,
        "refusal_reason": application.refusal_reason,
        "refusal_notice_sent_on": application.refusal_notice_sent_on,
        "extension_reason": application.extension_reason,
        "decided_at": application.decided_at,
        "missing_items": list(application.missing_items),
        "requested_items": list(application.requested_items),
        "community_review_started": application.community_review_started,
        "community_review_result": application.community_review_result,
        "county_reviewed_by": staff_name(application.county_reviewed_by),
        "county_reviewed_at": application.county_reviewed_at,
        "allowed_actions": [a.value for a in allowed_actions(application.status)],
        "events": [
            _event(e) for e in selectors.application_events(actor=actor, application=application)
        ],
        "deadlines": [
            _deadline(d)
            for d in selectors.application_deadlines(actor=actor, application=application)
        ],
        "entitlements": list(
            selectors.application_entitlements(actor=actor, application=application).values(
                "programme", "monthly_amount", "from_month", "to_month"
            )
        ),
        "one_off_grants": [
            {
                "programme": grant.programme,
                "amount": grant.amount,
                "approved_month": grant.approved_month,
                "approved_by": staff_name(grant.approved_by),
                "requires_county_approval": grant.requires_county_approval,
                "county_approved": grant.county_approved,
            }
            for grant in selectors.application_one_off_grants(actor=actor, application=application)
        ],
    }


@router.post(
    "/applications",
    response={201: ApplicationOut, 202: SubmissionReceiptOut},
    summary="提交救助申请",
)
def application_submit(request, payload: ApplicationIn):  # type: ignore[no-untyped-def]
    household = household_for_submission(actor=request.auth, public_id=payload.household)
    application = services.application_submit(
        actor=request.auth,
        household=household,
        programmes=payload.programmes,
        channel=payload.channel,
        consents=[
            services.ConsentSpec(
                person=household_member_get(
                    household=household, public_id=c.person, field=f"consents[{i}].person"
                ),
                signed_by=c.signed_by,
                proxy_reason=c.proxy_reason,
            )
            for i, c in enumerate(payload.consents)
        ],
        declaration=services.Declaration(
            incomes=[
                services.IncomeSpec(
                    person=household_member_get(
                        household=household, public_id=income.person, field=f"incomes[{i}].person"
                    ),
                    type=income.type,
                    monthly=income.monthly,
                    stable=income.stable,
                )
                for i, income in enumerate(payload.incomes)
            ],
            assets=payload.assets.declared(),
            expenses=payload.expenses.declared(),
            temporary=services.TemporarySpec(**payload.temporary.dict())
            if payload.temporary is not None
            else None,
            member_facts=[
                services.MemberFacts(
                    person=household_member_get(
                        household=household,
                        public_id=facts.person,
                        field=f"member_facts[{i}].person",
                    ),
                    **facts.dict(exclude={"person"}),
                )
                for i, facts in enumerate(payload.member_facts)
            ],
        ),
        is_relative_declared=payload.is_relative_declared,
        needs=payload.needs,
    )
    if not selectors.application_visible(actor=request.auth, application=application):
        return Status(
            202,
            {
                "public_id": application.public_id,
                "programmes": application.programmes,
                "county_code": application.county_code,
                "township_code": application.township_code,
                "receiving_township_code": application.receiving_township_code,
                "message": "已受理，申请已转至家庭所在地办理",
            },
        )
    return Status(201, _detail(request, application))


@router.get("/applications", response=list[ApplicationSummaryOut], summary="查询救助申请")
def application_list(request, status: str = "", limit: int = 50):  # type: ignore[no-untyped-def]
    """Applications in the caller's region, newest first."""
    return [
        _summary(a)
        for a in selectors.application_list(actor=request.auth, status=status, limit=limit)
    ]


@router.get("/applications/due", response=list[DueOut], summary="即将到期和已超期的办理期限")
def application_due(request):  # type: ignore[no-untyped-def]
    lists = selectors.application_due_lists(actor=request.auth)

    def items(deadlines: list[Deadline]) -> list[dict[str, Any]]:
        return [
            {
                "application": d.application.public_id,
                "kind": d.kind,
                "label": _deadline(d)["label"],
                "due_date": d.due_date,
                "is_provisional": d.is_provisional,
            }
            for d in deadlines
        ]

    return [
        {
            "township_code": township,
            "overdue": items(by_state.get("overdue", [])),
            "due_soon": items(by_state.get("due_soon", [])),
        }
        for township, by_state in sorted(lists.items())
    ]


@router.get("/applications/{public_id}", response=ApplicationOut, summary="救助申请详情")
def application_detail(request, public_id: UUID):  # type: ignore[no-untyped-def]
    return _detail(request, selectors.application_get(actor=request.auth, public_id=public_id))


def _dispatch(actor: Any, application: Application, action: str, body: ActionIn) -> Application:
    common = {"actor": actor, "application": application, "version": body.version}
    handlers = {
        Action.REQUEST_MORE: lambda: services.application_request_more(**common, items=body.items),
        Action.RECORD_SUPPLIED: lambda: services.application_record_supplied(
            **common, items=body.items
        ),
        Action.ACCEPT: lambda: services.application_accept(**common),
        Action.START_VERIFICATION: lambda: services.application_start_verification(**common),
        Action.RECORD_HOME_VISIT: lambda: services.application_record_home_visit(
            **common,
            investigators=body.investigators,
            record_signed=body.record_signed,
            photos=body.photos,
            is_full=body.is_full,
            findings=body.findings,
            photo_ids=body.photo_ids,
        ),
        Action.START_COMMUNITY_REVIEW: lambda: services.application_start_community_review(
            **common
        ),
        Action.RECORD_COMMUNITY_REVIEW: lambda: services.application_record_community_review(
            **common, result=body.result
        ),
        Action.GIVE_INITIAL_OPINION: lambda: services.application_give_initial_opinion(
            **common, favourable=body.favourable, opinion=body.opinion
        ),
        Action.PUBLISH_NOTICE: lambda: services.application_publish_notice(**common),
        Action.RECORD_OBJECTION: lambda: services.application_record_objection(
            **common, objection=body.objection
        ),
        Action.REINVESTIGATE: lambda: services.application_reinvestigate(**common),
        Action.CLOSE_NOTICE_WITHOUT_OBJECTION: lambda: services.application_close_notice(**common),
        Action.COUNTY_REVIEW: lambda: services.application_county_review(
            **common, opinion=body.opinion
        ),
        Action.CONFIRM: lambda: services.application_confirm(**common),
        Action.REFUSE: lambda: services.application_refuse(**common, reason=body.reason),
        Action.SEND_REFUSAL_NOTICE: lambda: services.application_send_refusal_notice(
            **common, sent_on=body.sent_on
        ),
        Action.EXTEND: lambda: services.application_extend(**common, reason=body.reason),
        Action.WITHDRAW: lambda: services.application_withdraw(**common, reason=body.reason),
    }
    try:
        handler = handlers[Action(action)]
    except (ValueError, KeyError) as error:
        names = "、".join(f"{a.value}（{a.label}）" for a in handlers)
        raise ApplicationError(f"不支持的操作：{action}，可选：{names}", field="action") from error
    return handler()


# Each step's own operation and body, so a client knows which fields a step takes.
STEP_BODIES: dict[Action, type[StepIn]] = {
    Action.REQUEST_MORE: ItemsStepIn,
    Action.RECORD_SUPPLIED: ItemsStepIn,
    Action.ACCEPT: StepIn,
    Action.START_VERIFICATION: StepIn,
    Action.RECORD_HOME_VISIT: HomeVisitIn,
    Action.START_COMMUNITY_REVIEW: StepIn,
    Action.RECORD_COMMUNITY_REVIEW: CommunityReviewIn,
    Action.GIVE_INITIAL_OPINION: InitialOpinionIn,
    Action.PUBLISH_NOTICE: StepIn,
    Action.RECORD_OBJECTION: ObjectionIn,
    Action.REINVESTIGATE: StepIn,
    Action.CLOSE_NOTICE_WITHOUT_OBJECTION: StepIn,
    Action.COUNTY_REVIEW: OpinionIn,
    Action.CONFIRM: StepIn,
    Action.REFUSE: ReasonIn,
    Action.SEND_REFUSAL_NOTICE: RefusalNoticeIn,
    Action.EXTEND: ReasonIn,
    Action.WITHDRAW: ReasonIn,
}


def _step_operation(action: Action, body: type[StepIn]) -> None:
    def act(request, public_id, payload):  # type: ignore[no-untyped-def]
        application = selectors.application_get(actor=request.auth, public_id=public_id)
        return _detail(request, _dispatch(request.auth, application, action.value, payload))

    # The annotations ninja reads, as objects (this module's are strings otherwise).
    act.__annotations__ = {"public_id": UUID, "payload": body}
    act.__name__ = act.__qualname__ = f"application_{action.value}"
    router.post(
        f"/applications/{{public_id}}/actions/{action.value}",
        response=ApplicationOut,
        summary=f"办理救助申请：{ACTION_LABELS[action]}",
    )(act)


for _action, _body in STEP_BODIES.items():
    _step_operation(_action, _body)


@router.post(
    "/applications/{public_id}/actions/{action}",
    response=ApplicationOut,
    summary="办理救助申请（未知的操作：答复可选的操作）",
    include_in_schema=False,
)
def application_act(request, public_id: UUID, action: str, payload: ActionIn):  # type: ignore[no-untyped-def]
    application = selectors.application_get(actor=request.auth, public_id=public_id)
    application = _dispatch(request.auth, application, action, payload)
    return _detail(request, application)
