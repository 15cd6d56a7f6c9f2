"""Staff pages of an application: the work list (with the due lists) and the case page with its
actions. Each view parses the request, calls the intake selectors and services (as
``doudi.api.intake`` does) and renders; refusals are shown with the service's Chinese message.
Materials and confirmation have their own modules beside this one."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from doudi.accounts.names import staff_name
from doudi.accounts.permissions import Permission
from doudi.accounts.scoping import Actor
from doudi.core.deadlines import notice_last_day
from doudi.core.exceptions import ApplicationError, NotFound, PermissionDenied
from doudi.core.models import Deadline
from doudi.core.selectors import division_names
from doudi.intake import selectors, services
from doudi.intake.models import Application, Channel, MaterialKind
from doudi.intake.services.materials import PLATFORM_OBTAINED
from doudi.intake.workflow import (
    ACTION_LABELS,
    DEADLINE_RULES,
    OPEN_STATUSES,
    Action,
    ApplicationStatus,
    allowed_actions,
)
from doudi.programmes import label as programme_label
from doudi.referrals.selectors import referral_list
from doudi.registry.selectors import household_heads
from doudi.verification import selectors as verification_selectors
from doudi.web.exports import Column, wants_xlsx, xlsx_response
from doudi.web.intake.forms import HANDLERS
from doudi.web.paging import page_number
from doudi.web.permissions import staff_required

WORKLIST_PAGE_SIZE = 50
OVERALL_KINDS = ("overall", "overall_extended")

# Who may offer an action on the case page. The service still decides (and refuses with its own
# message); this only hides buttons the user could never use.
CONFIRM_ACTIONS = {Action.CONFIRM, Action.REFUSE, Action.COUNTY_REVIEW}
EITHER_ACTIONS = {Action.EXTEND, Action.SEND_REFUSAL_NOTICE}


def _can_act(actor: Actor, action: Action) -> bool:
    if action in CONFIRM_ACTIONS:
        return actor.can(Permission.INTAKE_CONFIRM)
    if action in EITHER_ACTIONS:
        return actor.can(Permission.INTAKE_PROPOSE) or actor.can(Permission.INTAKE_CONFIRM)
    return actor.can(Permission.INTAKE_PROPOSE)


def _deadline_label(kind: str) -> str:
    rule = DEADLINE_RULES.get(kind)
    return rule.label if rule else kind


WORKLIST_COLUMNS = [
    Column("head", "户主"),
    Column("address", "地址"),
    Column("programmes", "申请项目"),
    Column("status", "状态"),
    Column("accepted_on", "受理日期", "yyyy-mm-dd"),
    Column("overall_due", "办理期限", "yyyy-mm-dd"),
    Column("provisional", "期限暂定"),
]
DUE_COLUMNS = [
    Column("township", "乡镇（街道）"),
    Column("state", "状态"),
    Column("head", "户主"),
    Column("address", "地址"),
    Column("label", "办理时限"),
    Column("due_date", "截止日期", "yyyy-mm-dd"),
    Column("provisional", "期限暂定"),
]


def _due_groups(actor: Actor) -> list[dict[str, Any]]:
    due_lists = selectors.application_due_lists(actor=actor)
    townships = division_names(due_lists)
    due_heads = household_heads(
        d.application.household_id
        for by_state in due_lists.values()
        for deadlines in by_state.values()
        for d in deadlines
    )

    def items(deadlines: list[Deadline]) -> list[dict[str, Any]]:
        return [
            {
                "deadline": d,
                "label": _deadline_label(d.kind),
                "application": d.application,
                "head": due_heads.get(d.application.household_id, ""),
            }
            for d in deadlines
        ]

    return [
        {
            "township": townships.get(code, code),
            "overdue": items(by_state.get("overdue", [])),
            "due_soon": items(by_state.get("due_soon", [])),
        }
        for code, by_state in sorted(due_lists.items())
    ]


def _due_export(due: list[dict[str, Any]]) -> HttpResponse:
    rows = [
        {
            "township": group["township"],
            "state": state_label,
            "head": item["head"],
            "address": item["application"].household.address,
            "label": item["label"],
            "due_date": item["deadline"].due_date,
            "provisional": item["deadline"].is_provisional,
        }
        for group in due
        for key, state_label in (("overdue", "已超期"), ("due_soon", "即将到期"))
        for item in group[key]
    ]
    return xlsx_response(
        filename="救助申请办理时限提醒.xlsx",
        sheet_title="办理时限提醒",
        columns=DUE_COLUMNS,
        rows=rows,
    )


@require_http_methods(["GET"])
@staff_required
def application_worklist(request: HttpRequest, actor: Actor) -> HttpResponse:
    """The region's open applications, 50 a page (``?page=``), with the due lists; ``?format=xlsx``
    exports the page's rows, ``?format=xlsx&list=due`` the due lists."""
    if wants_xlsx(request) and request.GET.get("list") == "due":
        return _due_export(_due_groups(actor))
    paginator = Paginator(selectors.application_worklist(actor=actor), WORKLIST_PAGE_SIZE)
    page = paginator.get_page(page_number(request))
    applications = list(page.object_list)
    heads = household_heads(a.household_id for a in applications)
    overall = selectors.open_deadlines(applications=applications, kinds=OVERALL_KINDS)
    rows = [
        {
            "application": a,
            "status_label": ApplicationStatus(a.status).label,
            "head": heads.get(a.household_id, ""),
            "programmes": [programme_label(p) for p in a.programmes],
            "overall": overall.get(str(a.pk)),
        }
        for a in applications
    ]
    if wants_xlsx(request):
        return xlsx_response(
            filename=f"救助申请工作清单-第{page.number}页.xlsx",
            sheet_title="救助申请工作清单",
            columns=WORKLIST_COLUMNS,
            rows=[
                {
                    "head": row["head"],
                    "address": row["application"].household.address,
                    "programmes": row["programmes"],
                    "status": row["status_label"],
                    "accepted_on": row["application"].accepted_on,
                    "overall_due": row["overall"].due_date if row["overall"] else None,
                    "provisional": row["overall"].is_provisional if row["overall"] else False,
                }
                for row in rows
            ],
        )
    return render(
        request,
        "web/intake/worklist.html",
        {"rows": rows, "due": _due_groups(actor), "page": page, "paginator": paginator},
    )


def _proposal(application: Application) -> list[dict[str, Any]]:
    """The initial opinion's evaluation for every programme: the requested ones with their
    results and reasons, then any other programme the engine found the household eligible for
    (shown so the caseworker can tell the family, 一件事一次办), each with its reasons."""
    if not application.proposal:
        return []
    record = application.proposal_evaluation
    results = record.result.get("programmes", {}) if record is not None else {}
    rows = [
        {
            "programme": programme_label(programme),
            "eligible": values.get("eligible"),
            "amount": values.get("amount"),
            "reasons": results.get(programme, {}).get("reasons", []),
            "requested": True,
        }
        for programme, values in application.proposal.items()
    ]
    rows += [
        {
            "programme": programme_label(programme),
            "eligible": True,
            "amount": values.get("amount"),
            "reasons": values.get("reasons", []),
            "requested": False,
        }
        for programme, values in results.items()
        if programme not in application.proposal and values.get("eligible")
    ]
    return rows


def _status_label(status: str) -> str:
    try:
        return ApplicationStatus(status).label
    except ValueError:
        return status


@require_http_methods(["GET"])
@staff_required
def application_detail(request: HttpRequest, actor: Actor, public_id: str) -> HttpResponse:
    application = selectors.application_get(actor=actor, public_id=public_id)
    events = [
        {
            "event": event,
            "label": ACTION_LABELS[Action(event.action)],
            "actor": staff_name(event.actor),
            "from_label": _status_label(event.from_status),
            "to_label": _status_label(event.to_status),
        }
        for event in selectors.application_events(actor=actor, application=application)
    ]
    deadlines = [
        {"deadline": d, "label": _deadline_label(d.kind)}
        for d in selectors.application_deadlines(actor=actor, application=application)
    ]
    published = application.notice_published_on
    materials = selectors.application_materials(actor=actor, application=application)
    return render(
        request,
        "web/intake/detail.html",
        {
            "application": application,
            "status_label": ApplicationStatus(application.status).label,
            "programmes": [programme_label(p) for p in application.programmes],
            "channel_label": Channel(application.channel).label,
            "head": household_heads([application.household_id]).get(application.household_id, ""),
            "proposal": _proposal(application),
            "notice_last_day": notice_last_day(published, DEADLINE_RULES["public_notice"].days)
            if published
            else None,
            "events": events,
            "deadlines": deadlines,
            "entitlements": selectors.application_entitlements(
                actor=actor, application=application
            ),
            "actions": [
                (action.value, action.label)
                for action in allowed_actions(application.status)
                if action in HANDLERS and _can_act(actor, action)
            ],
            "materials": materials,
            "photos": [m for m in materials if m.kind == MaterialKind.HOME_VISIT_PHOTO],
            "material_kinds": MaterialKind.choices,
            "platform_obtained": [name for name, _ in PLATFORM_OBTAINED.values()],
            "can_upload": application.status in {s.value for s in OPEN_STATUSES}
            and (actor.can(Permission.INTAKE_PROPOSE) or actor.can(Permission.INTAKE_SUBMIT)),
            "max_upload_mb": settings.MATERIAL_MAX_BYTES // (1024 * 1024),
            "today": timezone.localdate(),
            "grants": selectors.application_one_off_grants(actor=actor, application=application),
            "referrals": _referrals(actor, application),
            "verification": selectors.application_verification(
                actor=actor, application=application
            ),
            "documents": _documents(application, events),
            "has_temporary": "temporary_assistance" in application.programmes,
        },
    )


def _referrals(actor: Actor, application: Application) -> list[Any]:
    """The referrals made from this application, for those who may see referrals."""
    if not actor.can(Permission.REFERRAL_VIEW):
        return []
    return referral_list(actor=actor, application_id=application.pk)


def _documents(application: Application, events: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """The printable documents this case has in its state: (kind, title)."""
    documents = [("application-form", "社会救助申请书"), ("consent", "核对授权书")]
    if any(item["event"].action == Action.RECORD_HOME_VISIT.value for item in events):
        documents.append(("home-visit", "入户调查记录"))
    if application.status == ApplicationStatus.CONFIRMED:
        documents.append(("decision", "审核确认通知书"))
    if application.status == ApplicationStatus.REFUSED:
        documents.append(("refusal", "不予确认通知书"))
    return documents


@require_POST
@staff_required
def application_act(
    request: HttpRequest, actor: Actor, public_id: str, action: str
) -> HttpResponse:
    application = selectors.application_get(actor=actor, public_id=public_id)
    version = request.POST.get("version", "")
    common = {
        "actor": actor,
        "application": application,
        "version": int(version) if version.isdigit() else None,
    }
    try:
        handler = HANDLERS[Action(action)]
    except (ValueError, KeyError):
        messages.error(request, f"不支持的操作：{action}")
    else:
        try:
            handler(common, request.POST)
        except (NotFound, PermissionDenied):
            raise
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, f"已办理：{ACTION_LABELS[Action(action)]}")
    return redirect("web:application_detail", public_id=application.public_id)


@require_POST
@staff_required
def application_adopt_verification(
    request: HttpRequest, actor: Actor, public_id: str
) -> HttpResponse:
    """采用核对结果核定收入和财产 from one of the application's reports (`report`: its public id)."""
    application = selectors.application_get(actor=actor, public_id=public_id)
    report = verification_selectors.report_get(
        actor=actor, public_id=request.POST.get("report", "")
    )
    try:
        assessment = services.application_adopt_verification(
            actor=actor, application=application, report=report
        )
    except (NotFound, PermissionDenied):
        raise
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            f"已按核对报告 {report.number} 核定 {len(assessment.changes)} 项收入或财产，"
            "初审意见将据此测算",
        )
    return redirect("web:application_detail", public_id=application.public_id)
