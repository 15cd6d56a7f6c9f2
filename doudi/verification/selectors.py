"""Reads of verification reports and consents: always inside the actor's region (404 outside)."""

from __future__ import annotations

from uuid import UUID

from django.db.models import CharField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Cast

from doudi.accounts.scoping import Actor
from doudi.core.exceptions import ApplicationError, NotFound
from doudi.core.models import Deadline
from doudi.registry.models import Household
from doudi.verification import access
from doudi.verification.models import (
    Conclusion,
    PersonDataAccess,
    ReportItem,
    ReportSignature,
    VerificationConsent,
    VerificationReport,
)

REPORT_NOT_FOUND = "核对报告不存在或不在您的管辖范围内"
REPORT_OBJECT_TYPE = "verification.verificationreport"  # the signing deadline's object type
SIGN_DEADLINE = "verification_sign"
HOUSEHOLD_NOT_FOUND = "家庭不存在或不在您的管辖范围内"


def _uuid(value: UUID | str, message: str, field: str) -> UUID:
    try:
        return UUID(str(value))
    except ValueError as error:
        raise NotFound(message, field=field) from error


def household_for_verification(*, actor: Actor, public_id: UUID | str) -> Household:
    access.require_read(actor)
    try:
        return Household.objects.filter(actor.region_q()).get(
            public_id=_uuid(public_id, HOUSEHOLD_NOT_FOUND, "household")
        )
    except Household.DoesNotExist as error:
        raise NotFound(HOUSEHOLD_NOT_FOUND, field="household") from error


def report_queryset(*, actor: Actor) -> QuerySet[VerificationReport]:
    access.require_read(actor)
    return VerificationReport.objects.filter(actor.region_q())


REPORT_STATUSES = {"draft": "待签发", "signed": "已签发"}


def report_list(
    *,
    actor: Actor,
    household: Household | None = None,
    application_id: int | None = None,
    status: str = "",
    conclusion: str = "",
) -> QuerySet[VerificationReport]:
    """The actor's region's reports, newest first; `status` draft (待签发) or signed (已签发),
    `conclusion` one of `Conclusion`. Each report carries `sign_due` (the signing deadline, open
    or closed, if it has one)."""
    reports = report_queryset(actor=actor).select_related("household", "previous", "signature")
    if household is not None:
        reports = reports.filter(household=household)
    if application_id is not None:
        reports = reports.filter(application_id=application_id)
    if status:
        if status not in REPORT_STATUSES:
            raise ApplicationError(f"未知的报告状态：{status}", field="status")
        reports = reports.filter(signature__isnull=status == "draft")
    if conclusion:
        if conclusion not in Conclusion.values:
            raise ApplicationError(f"未知的核对结论：{conclusion}", field="conclusion")
        reports = reports.filter(conclusion=conclusion)
    due = Deadline.objects.filter(
        object_type=REPORT_OBJECT_TYPE,
        object_id=Cast(OuterRef("pk"), CharField()),
        kind=SIGN_DEADLINE,
    ).order_by("-id")
    return reports.annotate(sign_due=Subquery(due.values("due_date")[:1])).order_by(
        "-created_at", "-id"
    )


def report_get(*, actor: Actor, public_id: UUID | str) -> VerificationReport:
    try:
        return (
            report_queryset(actor=actor)
            .select_related("household", "application", "previous", "requested_by")
            .get(public_id=_uuid(public_id, REPORT_NOT_FOUND, "public_id"))
        )
    except VerificationReport.DoesNotExist as error:
        raise NotFound(REPORT_NOT_FOUND, field="public_id") from error


def report_items(*, actor: Actor, report: VerificationReport) -> QuerySet[ReportItem]:
    report_get(actor=actor, public_id=report.public_id)
    return report.items.select_related("person").order_by("id")


def report_data_accesses(*, actor: Actor, report: VerificationReport) -> QuerySet[PersonDataAccess]:
    report_get(actor=actor, public_id=report.public_id)
    return report.data_accesses.select_related("person", "consent", "actor").order_by("id")


def consent_list(*, actor: Actor, household: Household) -> QuerySet[VerificationConsent]:
    household_for_verification(actor=actor, public_id=household.public_id)
    return VerificationConsent.objects.filter(household=household).select_related(
        "person", "application"
    )


def consent_get(*, actor: Actor, public_id: UUID | str) -> VerificationConsent:
    access.require_read(actor)
    message = "核对授权不存在或不在您的管辖范围内"
    try:
        return (
            VerificationConsent.objects.filter(actor.region_q())
            .select_related("person", "household")
            .get(public_id=_uuid(public_id, message, "public_id"))
        )
    except VerificationConsent.DoesNotExist as error:
        raise NotFound(message, field="public_id") from error


def report_signature(report: VerificationReport) -> ReportSignature | None:
    """The report's signature, or None while it is an unsigned draft."""
    try:
        return report.signature
    except ReportSignature.DoesNotExist:
        return None


def report_rechecks(report: VerificationReport) -> list[VerificationReport]:
    """The reports made again after objections to ``report`` (复核), oldest first."""
    return list(report.rechecks.order_by("created_at"))


def application_has_report(*, application_id: int) -> bool:
    """Whether any verification report of the application exists (逢进必核: the initial opinion
    on a means-tested programme waits for one). The caller has checked the application's region."""
    return VerificationReport.objects.filter(application_id=application_id).exists()
