"""Staff pages for referrals (一门受理、协同办理): the list with overdue and due-soon referrals and
its Excel export, the referral page with the partner's answer form, and the form that refers a
household's need. Each view parses the request, calls the referral selectors and services (as
``doudi.api.referrals`` does) and renders; refusals are shown with the service's message."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from doudi.accounts.models import (
    REFERRAL_DEPARTMENT_CHOICES,
    REFERRAL_DEPARTMENTS,
    PartnerDepartment,
)
from doudi.accounts.names import staff_name
from doudi.accounts.permissions import Permission
from doudi.accounts.scoping import Actor
from doudi.core.calendar import workday_calendar_get
from doudi.core.exceptions import ApplicationError, NotFound, PermissionDenied
from doudi.intake import selectors as intake_selectors
from doudi.referrals import selectors, services
from doudi.referrals.models import NEED_DEPARTMENTS, Need, Referral, ReferralOutcome, ReferralStatus
from doudi.registry import selectors as registry_selectors
from doudi.registry.selectors import household_heads
from doudi.web.exports import Column, wants_xlsx, xlsx_response
from doudi.web.permissions import staff_required

LIST_LIMIT = 500

EXPORT_COLUMNS = [
    Column("public_id", "转介单编号"),
    Column("head", "户主"),
    Column("address", "家庭地址"),
    Column("need", "救助需求"),
    Column("department", "协同部门"),
    Column("status", "状态"),
    Column("created_on", "转介日期", "yyyy-mm-dd"),
    Column("due_date", "答复期限", "yyyy-mm-dd"),
    Column("is_provisional", "期限暂定"),
    Column("due_state", "期限状态"),
    Column("outcome", "办理结果"),
    Column("amount", "救助金额（元）", "#,##0.00"),
    Column("answered_on", "反馈日期", "yyyy-mm-dd"),
    Column("return_reason", "退回理由"),
]


def _export_row(row: dict[str, Any]) -> dict[str, Any]:
    referral: Referral = row["referral"]
    deadline = referral.deadline
    return {
        "public_id": str(referral.public_id),
        "head": row["head"],
        "address": referral.household.address,
        "need": referral.get_need_display(),
        "department": referral.get_department_display(),
        "status": referral.get_status_display(),
        "created_on": timezone.localdate(referral.created_at),
        "due_date": deadline.due_date if deadline else None,
        "is_provisional": bool(deadline and deadline.is_provisional),
        "due_state": row["due"].label,
        "outcome": referral.get_outcome_display() if referral.outcome else "",
        "amount": referral.amount,
        "answered_on": timezone.localdate(referral.answered_at) if referral.answered_at else None,
        "return_reason": referral.return_reason,
    }


@require_http_methods(["GET"])
@staff_required
def referral_list(request: HttpRequest, actor: Actor) -> HttpResponse:
    status = request.GET.get("status", "")
    department = request.GET.get("department", "")
    status = status if status in ReferralStatus.values else ""
    department = department if department in REFERRAL_DEPARTMENTS else ""
    referrals = selectors.referral_list(
        actor=actor, status=status, department=department, limit=LIST_LIMIT
    )
    heads = household_heads(r.household_id for r in referrals)
    today = timezone.localdate()
    calendar = workday_calendar_get()
    rows = []
    for referral in referrals:
        due = selectors.referral_due_state(referral, today=today, calendar=calendar)
        rows.append(
            {"referral": referral, "head": heads.get(referral.household_id, ""), "due": due}
        )
    if wants_xlsx(request):
        return xlsx_response(
            filename=f"转介单_{today:%Y%m%d}.xlsx",
            sheet_title="转介单",
            columns=EXPORT_COLUMNS,
            rows=[_export_row(row) for row in rows],
        )
    due = selectors.referral_due_lists(referrals, today=today)
    return render(
        request,
        "web/referrals/list.html",
        {
            "rows": rows,
            "overdue": [
                {"referral": r, "head": heads.get(r.household_id, "")} for r in due["overdue"]
            ],
            "due_soon": [
                {"referral": r, "head": heads.get(r.household_id, "")} for r in due["due_soon"]
            ],
            "status": status,
            "department": department,
            "statuses": ReferralStatus.choices,
            "departments": REFERRAL_DEPARTMENT_CHOICES,
            "is_partner": selectors.partner_department_of(actor) is not None,
            "limit": LIST_LIMIT,
        },
    )


@require_http_methods(["GET"])
@staff_required
def referral_detail(request: HttpRequest, actor: Actor, public_id: str) -> HttpResponse:
    referral = selectors.referral_get(actor=actor, public_id=public_id)
    can_answer = actor.can(Permission.REFERRAL_ANSWER) and (
        selectors.partner_department_of(actor) == referral.department
    )
    return render(
        request,
        "web/referrals/detail.html",
        {
            "referral": referral,
            "head": household_heads([referral.household_id]).get(referral.household_id, ""),
            "due": selectors.referral_due_state(referral),
            "created_by": staff_name(referral.created_by),
            "received_by": staff_name(referral.received_by),
            "answered_by": staff_name(referral.answered_by),
            "returned_by": staff_name(referral.returned_by),
            "actions": services.allowed_actions(referral.status) if can_answer else [],
            "outcomes": ReferralOutcome.choices,
            "can_view_household": actor.can(Permission.REGISTRY_VIEW),
            "can_view_application": actor.can(Permission.INTAKE_VIEW),
        },
    )


@require_POST
@staff_required
def referral_act(request: HttpRequest, actor: Actor, public_id: str, action: str) -> HttpResponse:
    referral = selectors.referral_get(actor=actor, public_id=public_id)
    version_text = request.POST.get("version", "")
    common: dict[str, Any] = {
        "actor": actor,
        "referral": referral,
        "version": int(version_text) if version_text.isdigit() else None,
    }
    try:
        if action == "receive":
            services.referral_receive(**common)
        elif action == "answer":
            services.referral_answer(
                **common,
                outcome=request.POST.get("outcome", ""),
                answer=request.POST.get("answer", ""),
                amount=request.POST.get("amount", ""),
            )
        elif action == "return":
            services.referral_return(**common, reason=request.POST.get("reason", ""))
        else:
            raise ApplicationError(f"不支持的操作：{action}", field="action")
    except (NotFound, PermissionDenied):
        raise
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"已{services.ACTION_LABELS[action]}转介单")
    return redirect("web:referral_detail", public_id=referral.public_id)


def _form_context(household: Any, values: dict[str, str], error: Any = None) -> dict[str, Any]:
    return {
        "household": household,
        "values": values,
        "error": error,
        "needs": [
            (value, label, PartnerDepartment(NEED_DEPARTMENTS[value]).label)
            for value, label in Need.choices
        ],
        "departments": REFERRAL_DEPARTMENT_CHOICES,
        "members": registry_selectors.active_members(household),
        "applications": intake_selectors.household_applications(household, limit=20),
    }


@require_http_methods(["GET", "POST"])
@staff_required
def referral_new(request: HttpRequest, actor: Actor, public_id: str) -> HttpResponse:
    household = selectors.referral_household_get(actor=actor, public_id=public_id)
    if request.method == "GET":
        values = {
            "need": request.GET.get("need", ""),
            "application": request.GET.get("application", ""),
        }
        return render(request, "web/referrals/new.html", _form_context(household, values))
    values = {
        key: request.POST.get(key, "").strip()
        for key in ("need", "department", "person", "application", "note")
    }
    try:
        person = (
            registry_selectors.household_member_get(
                household=household, public_id=values["person"], field="person"
            )
            if values["person"]
            else None
        )
        application = None
        if values["application"]:
            application = intake_selectors.household_application_find(
                household=household, public_id=values["application"]
            )
            if application is None:
                raise ApplicationError("该申请不属于本家庭", field="application")
        referral = services.referral_create(
            actor=actor,
            household=household,
            need=values["need"],
            department=values["department"],
            person=person,
            application=application,
            note=values["note"],
        )
    except (NotFound, PermissionDenied):
        raise
    except ApplicationError as error:
        return render(
            request, "web/referrals/new.html", _form_context(household, values, error), status=400
        )
    messages.success(
        request,
        f"已转介至{referral.get_department_display()}，答复期限 {referral.deadline.due_date:%Y-%m-%d}",
    )
    return redirect("web:referral_detail", public_id=referral.public_id)
