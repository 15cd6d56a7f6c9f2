"""REST endpoints of verification: parse, call one selector or service, render."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from django.utils import timezone
from ninja import Router, Schema, Status

from doudi.core.exceptions import ApplicationError, NotFound
from doudi.intake import selectors as intake_selectors
from doudi.intake.models import Application
from doudi.registry.selectors import household_member_get
from doudi.verification import selectors, services
from doudi.verification.models import ReportSignature, VerificationConsent, VerificationReport

router = Router(tags=["家庭经济状况核对"])


class RequestIn(Schema):
    household: UUID | None = None
    application: UUID | None = None


class RecheckIn(Schema):
    evidence: str = ""


class SignIn(Schema):
    opinion: str = ""


class ConsentIn(Schema):
    household: UUID
    person: UUID
    signed_by: str = "self"
    proxy_reason: str = ""


class WithdrawIn(Schema):
    reason: str = ""


class SignatureOut(Schema):
    signer_name: str
    org_unit_name: str
    opinion: str
    signed_at: datetime


class ReportSummaryOut(Schema):
    public_id: UUID
    number: str
    status: str  # draft / signed
    household: UUID
    application: UUID | None
    previous: str | None
    month: str
    conclusion: str
    conclusion_label: str
    conclusion_rule: str
    created_at: datetime


class ReportOut(ReportSummaryOut):
    conclusion_reason: str
    objection_evidence: str
    signature: SignatureOut | None
    body: dict[str, Any]


class ConsentOut(Schema):
    public_id: UUID
    person: UUID
    name: str
    signed_by: str
    proxy_reason: str
    signed_at: datetime
    valid_until: datetime
    withdrawn_at: datetime | None
    status: str


def _signature(report: VerificationReport) -> ReportSignature | None:
    try:
        return report.signature
    except ReportSignature.DoesNotExist:
        return None


def _summary(report: VerificationReport) -> dict[str, Any]:
    return {
        "public_id": report.public_id,
        "number": report.number,
        "status": "signed" if _signature(report) else "draft",
        "household": report.household.public_id,
        "application": report.application.public_id if report.application_id else None,
        "previous": report.previous.number if report.previous_id else None,
        "month": report.month,
        "conclusion": report.conclusion,
        "conclusion_label": report.get_conclusion_display(),
        "conclusion_rule": report.conclusion_rule,
        "created_at": report.created_at,
    }


def _report(report: VerificationReport) -> dict[str, Any]:
    signature = _signature(report)
    return {
        **_summary(report),
        "conclusion_reason": report.conclusion_reason,
        "objection_evidence": report.objection_evidence,
        "signature": (
            {
                "signer_name": signature.signer_name,
                "org_unit_name": signature.org_unit_name,
                "opinion": signature.opinion,
                "signed_at": signature.created_at,
            }
            if signature
            else None
        ),
        "body": report.body,
    }


def _consent(consent: VerificationConsent) -> dict[str, Any]:
    return {
        "public_id": consent.public_id,
        "person": consent.person.public_id,
        "name": consent.person.name,
        "signed_by": consent.signed_by,
        "proxy_reason": consent.proxy_reason,
        "signed_at": consent.signed_at,
        "valid_until": consent.valid_until,
        "withdrawn_at": consent.withdrawn_at,
        "status": consent.status_at(timezone.now()).value,
    }


def _application(actor, public_id: UUID) -> Application:  # type: ignore[no-untyped-def]
    found = intake_selectors.application_find_in_region(actor=actor, public_id=public_id)
    if found is None:
        raise NotFound("申请不存在或不在您的管辖范围内", field="application")
    return found


@router.post(
    "/verification/requests",
    response={201: ReportOut},
    summary="发起家庭经济状况核对（household 或 application），生成编号的核对报告（草稿）",
)
def verification_request(request, payload: RequestIn):  # type: ignore[no-untyped-def]
    actor = request.auth
    services_kwargs: dict[str, Any] = {}
    if payload.application is not None:
        services_kwargs["application"] = _application(actor, payload.application)
    elif payload.household is not None:
        services_kwargs["household"] = selectors.household_for_verification(
            actor=actor, public_id=payload.household
        )
    else:
        raise ApplicationError("请指定家庭（household）或申请（application）", field="household")
    report = services.verification_request(actor=actor, **services_kwargs)
    return Status(201, _report(selectors.report_get(actor=actor, public_id=report.public_id)))


@router.get("/verification/reports", response=list[ReportSummaryOut], summary="本辖区的核对报告")
def report_list(  # type: ignore[no-untyped-def]
    request, household: UUID | None = None
):
    actor = request.auth
    found = (
        selectors.household_for_verification(actor=actor, public_id=household)
        if household
        else None
    )
    return [_summary(r) for r in selectors.report_list(actor=actor, household=found)[:200]]


@router.get("/verification/reports/{public_id}", response=ReportOut, summary="核对报告")
def report_get(request, public_id: UUID):  # type: ignore[no-untyped-def]
    return _report(selectors.report_get(actor=request.auth, public_id=public_id))


@router.post(
    "/verification/reports/{public_id}/sign", response=ReportOut, summary="核对人员签发核对报告"
)
def report_sign(request, public_id: UUID, payload: SignIn):  # type: ignore[no-untyped-def]
    actor = request.auth
    report = selectors.report_get(actor=actor, public_id=public_id)
    services.report_sign(actor=actor, report=report, opinion=payload.opinion)
    return _report(selectors.report_get(actor=actor, public_id=public_id))


@router.post(
    "/verification/reports/{public_id}/recheck",
    response={201: ReportOut},
    summary="异议复核：依新证据重新核对，新报告引用原报告",
)
def report_recheck(request, public_id: UUID, payload: RecheckIn):  # type: ignore[no-untyped-def]
    actor = request.auth
    report = selectors.report_get(actor=actor, public_id=public_id)
    new = services.report_recheck(actor=actor, report=report, evidence=payload.evidence)
    return Status(201, _report(selectors.report_get(actor=actor, public_id=new.public_id)))


@router.get(
    "/verification/households/{public_id}/consents",
    response=list[ConsentOut],
    summary="家庭成员的核对授权",
)
def consent_list(request, public_id: UUID):  # type: ignore[no-untyped-def]
    actor = request.auth
    household = selectors.household_for_verification(actor=actor, public_id=public_id)
    return [_consent(c) for c in selectors.consent_list(actor=actor, household=household)]


@router.post(
    "/verification/consents", response={201: ConsentOut}, summary="登记核对授权（独立核对）"
)
def consent_record(request, payload: ConsentIn):  # type: ignore[no-untyped-def]
    actor = request.auth
    household = selectors.household_for_verification(actor=actor, public_id=payload.household)
    person = household_member_get(household=household, public_id=payload.person, field="person")
    consent = services.consent_record(
        actor=actor,
        household=household,
        person=person,
        signed_by=payload.signed_by,
        proxy_reason=payload.proxy_reason,
    )
    return Status(201, _consent(consent))


@router.post(
    "/verification/consents/{public_id}/withdraw", response=ConsentOut, summary="撤回核对授权"
)
def consent_withdraw(request, public_id: UUID, payload: WithdrawIn):  # type: ignore[no-untyped-def]
    actor = request.auth
    consent = selectors.consent_get(actor=actor, public_id=public_id)
    return _consent(services.consent_withdraw(actor=actor, consent=consent, reason=payload.reason))
