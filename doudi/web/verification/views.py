"""Staff pages of verification: a household's consents (record a standalone 授权书, withdraw one)
and reports (request a check), and the printable report (sign, re-check after an objection)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from doudi.accounts.scoping import Actor
from doudi.core.exceptions import ApplicationError, NotFound, PermissionDenied
from doudi.intake import selectors as intake_selectors
from doudi.registry.models import Household
from doudi.registry.selectors import counted_members, household_member_get
from doudi.verification import access, selectors, services
from doudi.verification.models import (
    VALID_CONSENT_STATUSES,
    ConsentSignedBy,
)
from doudi.web.permissions import staff_required

CONSENT_FIELDS = ("person", "signed_by", "proxy_reason")


def _household_page(
    request: HttpRequest,
    actor: Actor,
    household: Household,
    *,
    consent_form: dict[str, str] | None = None,
    withdraw_form: dict[str, str] | None = None,
    status: int = 200,
) -> HttpResponse:
    """The household page. After a refused consent form, ``consent_form`` / ``withdraw_form``
    hold what was entered and the error, shown at the form they came from."""
    now = timezone.now()
    consents = list(selectors.consent_list(actor=actor, household=household))
    can_manage = access.can_record_consent(actor)
    members = []
    shown_error = False
    for membership in counted_members(household):
        rows = []
        for consent in (c for c in consents if c.person_id == membership.person_id):
            consent_status = consent.status_at(now)
            is_valid = consent_status in VALID_CONSENT_STATUSES  # only these have a form
            withdraw = None
            if is_valid and withdraw_form and withdraw_form["consent"] == str(consent.public_id):
                withdraw, shown_error = withdraw_form, True
            rows.append(
                {
                    "consent": consent,
                    "status": consent_status,
                    "is_valid": is_valid,
                    "withdraw": withdraw or {"reason": ""},
                }
            )
        form = {"signed_by": ConsentSignedBy.SELF.value, "proxy_reason": ""}
        if consent_form and consent_form["person"] == str(membership.person.public_id):
            form, shown_error = consent_form, True
        members.append(
            {
                "person": membership.person,
                "relation": membership.get_relation_display(),
                "consents": rows,
                "has_valid_consent": any(row["is_valid"] for row in rows),
                "form": form,
            }
        )
    # an error about a form the page does not show (e.g. a person no longer counted) goes on top
    page_error = ""
    if not shown_error:
        page_error = (consent_form or withdraw_form or {}).get("error", "")
    context: dict[str, Any] = {
        "household": household,
        "members": members,
        "page_error": page_error,
        "reports": [
            (r, selectors.report_signature(r))
            for r in selectors.report_list(actor=actor, household=household)
        ],
        "applications": intake_selectors.household_applications(household, actor=actor, limit=20),
        "can_request": access.can_request(actor),
        "can_manage_consents": can_manage,
        "signed_by_choices": ConsentSignedBy.choices,
        "valid_days": services.consent_valid_days(),
        "today": timezone.localdate(),
    }
    return render(request, "web/verification/household.html", context, status=status)


@require_http_methods(["GET", "POST"])
@staff_required
def household_verification(request: HttpRequest, actor: Actor, public_id: str) -> HttpResponse:
    household = selectors.household_for_verification(actor=actor, public_id=public_id)
    if request.method == "POST":
        access.require_request(actor)
        application = None
        application_id = request.POST.get("application", "").strip()
        if application_id:
            application = intake_selectors.household_application_find(
                household=household, public_id=application_id, actor=actor
            )
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
    return _household_page(request, actor, household)


@require_POST
@staff_required
def consent_record(request: HttpRequest, actor: Actor, public_id: str) -> HttpResponse:
    """A standalone 授权书 of one member (signed on paper, registered here)."""
    household = selectors.household_for_verification(actor=actor, public_id=public_id)
    access.require_record_consent(actor)
    form = {key: request.POST.get(key, "").strip() for key in CONSENT_FIELDS}
    try:
        person = household_member_get(household=household, public_id=form["person"], field="person")
        consent = services.consent_record(
            actor=actor,
            household=household,
            person=person,
            signed_by=form["signed_by"],
            proxy_reason=form["proxy_reason"],
        )
    except (NotFound, PermissionDenied):
        raise
    except ApplicationError as error:
        return _household_page(
            request, actor, household, consent_form={**form, "error": error.message}, status=400
        )
    messages.success(
        request,
        f"已登记{person.name}的核对授权书（{consent.get_signed_by_display()}），"
        f"有效期至 {timezone.localtime(consent.valid_until):%Y-%m-%d}",
    )
    return redirect("web:verification_household", public_id=household.public_id)


@require_POST
@staff_required
def consent_withdraw(request: HttpRequest, actor: Actor, public_id: str) -> HttpResponse:
    consent = selectors.consent_get(actor=actor, public_id=public_id)
    access.require_record_consent(actor)
    household = consent.household
    reason = request.POST.get("reason", "").strip()
    try:
        services.consent_withdraw(actor=actor, consent=consent, reason=reason)
    except (NotFound, PermissionDenied):
        raise
    except ApplicationError as error:
        withdraw_form = {
            "consent": str(consent.public_id),
            "reason": reason,
            "error": error.message,
        }
        return _household_page(request, actor, household, withdraw_form=withdraw_form, status=400)
    messages.success(
        request,
        f"已撤回{consent.person.name}的核对授权（{timezone.localtime(consent.signed_at):%Y-%m-%d} 签署）",
    )
    return redirect("web:verification_household", public_id=household.public_id)


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
        "signature": selectors.report_signature(report),
        "rechecks": selectors.report_rechecks(report),
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
