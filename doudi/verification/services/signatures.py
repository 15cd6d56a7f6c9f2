"""The signature of a report by the verification officer (签发): one per report, never changed;
it closes the signing deadline."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from doudi.accounts.models import StaffProfile
from doudi.accounts.scoping import Actor
from doudi.core.audit import audit_event_record
from doudi.core.calendar import deadline_close
from doudi.core.exceptions import ApplicationError, NotFound
from doudi.core.models import Deadline
from doudi.verification import access
from doudi.verification.models import ReportSignature, VerificationReport
from doudi.verification.selectors import REPORT_OBJECT_TYPE, SIGN_DEADLINE


@transaction.atomic
def report_sign(*, actor: Actor, report: VerificationReport, opinion: str = "") -> ReportSignature:
    """The verification officer signs: a ReportSignature row (one per report, never changed)."""
    access.require_sign(actor)
    if not VerificationReport.objects.filter(actor.region_q(), pk=report.pk).exists():
        raise NotFound("核对报告不存在或不在您的管辖范围内", field="public_id")
    if ReportSignature.objects.filter(report=report).exists():
        raise ApplicationError("该报告已签发，不能重复签发", field="public_id")
    profile = StaffProfile.objects.select_related("org_unit").get(user=actor.user)
    try:
        with transaction.atomic():
            signature = ReportSignature.objects.create(
                report=report,
                signed_by=actor.user,
                signer_name=profile.display_name,
                org_unit_name=profile.org_unit.name,
                opinion=opinion.strip(),
            )
        for deadline in Deadline.objects.filter(
            object_type=REPORT_OBJECT_TYPE,
            object_id=str(report.pk),
            kind=SIGN_DEADLINE,
            closed_at__isnull=True,
        ):
            deadline_close(deadline=deadline, at=signature.created_at)
    except IntegrityError as error:
        raise ApplicationError("该报告已签发，不能重复签发", field="public_id") from error
    audit_event_record(
        actor=actor.user,
        action="verification.report_sign",
        obj=report,
        region_code=report.village_code,
        parameters={"number": report.number, "conclusion": report.conclusion},
    )
    return signature
