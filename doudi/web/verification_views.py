"""Staff pages of verification: a household's consents and reports (request a check), and the
printable report (sign, re-check after an objection)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from doudi.accounts.scoping import Actor
from doudi.core.exceptions import ApplicationError, NotFound, PermissionDenied
from doudi.intake.models import Application
from doudi.registry.models import Membership
from doudi.verification import access, selectors, services
from doudi.verification.models import ReportSignature, VerificationReport
from doudi.web.views import staff_required


def _signature(report: VerificationReport) -> ReportSignature | None:
    try:
        return report.signature
    except ReportSignature.DoesNotExist:
        return None


@require_http_methods(["GET", "POST"])
@staff_required
def household_verification(request: HttpRequest, actor: Actor, public_id: str) -> HttpResponse:
    household = selectors.household_for_verification(actor=actor, public_id=public_id)
    if request.method == "POST":
        access.require_request(actor)
        application = None
        application_id = request.POST.get("application", "").strip()
        if application_id:
            application = Application.objects.filter(
                actor.region_q(), public_id=application_id, household=household
            ).first()
            if application is None:
                raise NotFound("申请不存在或不在您的管辖范围内", field="application")
        try:
            report = services.verification_request(
                actor=actor,
                household=None if application else household,
                application=application,
            )
        except (NotFound, PermissionDenied):
            raise
        except ApplicationError as error:
            messages.error(request, error.message)
            return redirect("web:verification_household", public_id=household.public_id)
        messages.success(request, f"已生成核对报告 {report.number}")
        return redirect("web:verification_report", public_id=report.public_id)
    now = timezone.now()
    consents = list(selectors.consent_list(actor=actor, household=household))
    members = []
    for membership in (
        Membership.objects.filter(household=household, is_active=True, is_counted=True)
        .select_related("person")
        .order_by("id")
    ):
        own = [c for c in consents if c.person_id == membership.person_id]
        members.append(
            {
                "person": membership.person,
                "relation": membership.get_relation_display(),
                "consents": [(c, c.status_at(now)) for c in own],
            }
        )
    context: dict[str, Any] = {
        "household": household,
        "members": members,
        "reports": [
            (r, _signature(r)) for r in selectors.report_list(actor=actor, household=household)
        ],
        "applications": Application.objects.filter(actor.region_q(), household=household).order_by(
            "-created_at"
        )[:20],
        "can_request": access.can_request(actor),
    }
    return render(request, "web/verification/household.html", context)


@staff_required
def report_detail(request: HttpRequest, actor: Actor, public_id: str) -> HttpResponse:
    report = selectors.report_get(actor=actor, public_id=public_id)
    body = report.body
    names = {m["person_id"]: m["name"] for m in body["members"]}
    items = [{**item, "name": names.get(item["person_id"], "")} for item in body["items"]]
    context = {
        "report": report,
        "body": body,
        "items": items,
        "limits": sorted(body["limits"].items()),
        "signature": _signature(report),
        "rechecks": list(report.rechecks.order_by("created_at")),
        "can_sign": access.can_sign(actor),
        "can_request": access.can_request(actor),
    }
    return render(request, "web/verification/report.html", context)


@require_POST
@staff_required
def report_sign(request: HttpRequest, actor: Actor, public_id: str) -> HttpResponse:
    report = selectors.report_get(actor=actor, public_id=public_id)
    try:
        services.report_sign(actor=actor, report=report, opinion=request.POST.get("opinion", ""))
    except (NotFound, PermissionDenied):
        raise
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"已签发核对报告 {report.number}")
    return redirect("web:verification_report", public_id=report.public_id)


@require_POST
@staff_required
def report_recheck(request: HttpRequest, actor: Actor, public_id: str) -> HttpResponse:
    report = selectors.report_get(actor=actor, public_id=public_id)
    try:
        new = services.report_recheck(
            actor=actor, report=report, evidence=request.POST.get("evidence", "")
        )
    except (NotFound, PermissionDenied):
        raise
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect("web:verification_report", public_id=report.public_id)
    messages.success(request, f"已复核，生成核对报告 {new.number}")
    return redirect("web:verification_report", public_id=new.public_id)
