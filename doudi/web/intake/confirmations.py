"""Staff pages of confirmation (审核确认): the queue of cases waiting for the approver at their
level, and the county's delegation of confirmation to its townships."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from doudi.accounts.names import staff_name
from doudi.accounts.scoping import Actor
from doudi.core.deadlines import notice_last_day
from doudi.core.exceptions import ApplicationError, NotFound, PermissionDenied
from doudi.core.selectors import division_names
from doudi.intake import selectors, services
from doudi.intake.models import Application
from doudi.intake.workflow import DEADLINE_RULES, ApplicationStatus
from doudi.programmes import label as programme_label
from doudi.registry.selectors import household_heads
from doudi.web.exports import Column, wants_xlsx, xlsx_response
from doudi.web.permissions import staff_required

QUEUE_COLUMNS = [
    Column("head", "户主"),
    Column("address", "地址"),
    Column("township", "乡镇（街道）"),
    Column("programmes", "申请项目"),
    Column("status", "状态"),
    Column("proposal", "初审测算（元/月）"),
    Column("notice_last_day", "公示截止", "yyyy-mm-dd"),
    Column("confirmation_due", "审核确认期限", "yyyy-mm-dd"),
    Column("county_review", "县级复核"),
]


def _proposal_text(application: Application) -> str:
    parts = []
    for programme, values in (application.proposal or {}).items():
        label = programme_label(programme)
        if values.get("eligible"):
            parts.append(f"{label} {values.get('amount')}")
        else:
            parts.append(f"{label} 不符合")
    return "；".join(parts)


def _county_review_label(application: Application) -> str:
    if not application.is_relative_declared:
        return "不需要"
    return "已复核" if application.county_reviewed_at else "待县级复核"


@require_http_methods(["GET"])
@staff_required
def confirmation_queue(request: HttpRequest, actor: Actor) -> HttpResponse:
    """审核确认待办: the cases waiting for this approver at their level; ``?format=xlsx``."""
    applications = list(selectors.confirmation_queue(actor=actor))
    heads = household_heads(a.household_id for a in applications)
    due = selectors.open_deadlines(applications=applications, kinds=("confirmation",))
    townships = division_names(a.township_code for a in applications)
    rows = []
    for application in applications:
        published = application.notice_published_on
        deadline = due.get(str(application.pk))
        rows.append(
            {
                "application": application,
                "head": heads.get(application.household_id, ""),
                "address": application.household.address,
                "township": townships.get(application.township_code, application.township_code),
                "programmes": [programme_label(p) for p in application.programmes],
                "status": ApplicationStatus(application.status).label,
                "proposal": _proposal_text(application),
                "notice_last_day": notice_last_day(published, DEADLINE_RULES["public_notice"].days)
                if published
                else None,
                "deadline": deadline,
                "confirmation_due": deadline.due_date if deadline else None,
                "county_review": _county_review_label(application),
            }
        )
    if wants_xlsx(request):
        return xlsx_response(
            filename="审核确认待办.xlsx",
            sheet_title="审核确认待办",
            columns=QUEUE_COLUMNS,
            rows=rows,
        )
    return render(request, "web/intake/confirmation_queue.html", {"rows": rows})


CONFIRMATION_SETTING_COLUMNS = [
    Column("created_at", "调整时间", "yyyy-mm-dd hh:mm"),
    Column("county", "县（市、区）"),
    Column("delegated", "调整为"),
    Column("reason", "理由"),
    Column("actor", "设置人"),
]


@require_http_methods(["GET", "POST"])
@staff_required
def confirmation_setting(request: HttpRequest, actor: Actor) -> HttpResponse:
    """审核确认权委托: a county officer switches the delegation of their county, with a reason;
    ``?format=xlsx`` exports every switch the page lists (newest first)."""
    if request.method == "POST":
        try:
            services.confirmation_setting_set(
                actor=actor,
                delegated_to_township=request.POST.get("delegated") == "yes",
                reason=request.POST.get("reason", ""),
            )
        except (NotFound, PermissionDenied):
            raise
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, "已调整本县审核确认权委托")
        return redirect("web:confirmation_setting")
    county, delegated, history = selectors.confirmation_setting_get(actor=actor)
    rows = [
        {
            "change": change,
            "actor": staff_name(change.changed_by),
            "created_at": change.created_at,
            "county": county.name,
            "delegated": "委托乡镇（街道）" if change.delegated_to_township else "县级审核确认",
            "reason": change.reason,
        }
        for change in history
    ]
    if wants_xlsx(request):
        return xlsx_response(
            filename=f"{county.name}审核确认权委托调整记录.xlsx",
            sheet_title="审核确认权委托调整记录",
            columns=CONFIRMATION_SETTING_COLUMNS,
            rows=rows,
        )
    return render(
        request,
        "web/intake/confirmation_setting.html",
        {"county": county, "delegated": delegated, "history": rows},
    )
