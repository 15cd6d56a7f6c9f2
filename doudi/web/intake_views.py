"""Staff pages for applications: the work list, the case page with its materials, the
confirmation queue and the county's confirmation setting. Each view parses the request, calls
the intake selectors and services (as ``doudi.api.intake`` does) and renders; refusals are shown
with the service's Chinese message."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from doudi.accounts.names import staff_name
from doudi.accounts.permissions import Permission
from doudi.accounts.scoping import Actor
from doudi.core.deadlines import notice_last_day
from doudi.core.exceptions import ApplicationError, NotFound, PermissionDenied
from doudi.core.models import Deadline, Division
from doudi.intake import selectors, services
from doudi.intake.models import Application, Channel, MaterialKind
from doudi.intake.services import OBJECT_TYPE
from doudi.intake.services.assessment import ASSESSABLE
from doudi.intake.services.materials import PLATFORM_OBTAINED
from doudi.intake.workflow import (
    ACTION_LABELS,
    DEADLINE_RULES,
    OPEN_STATUSES,
    Action,
    ApplicationStatus,
    allowed_actions,
)
from doudi.programmes import CHOICES as PROGRAMME_CHOICES
from doudi.registry.models import Membership
from doudi.verification import selectors as verification_selectors
from doudi.verification import services as verification_services
from doudi.web.exports import Column, wants_xlsx, xlsx_response
from doudi.web.views import staff_required

WORKLIST_PAGE_SIZE = 50
PROGRAMME_LABELS = dict(PROGRAMME_CHOICES)
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


def _heads(household_ids: set[int]) -> dict[int, str]:
    return dict(
        Membership.objects.filter(
            household_id__in=household_ids, relation="head", is_active=True
        ).values_list("household_id", "person__name")
    )


def _overall_deadlines(applications: list[Application]) -> dict[str, Deadline]:
    """The open overall limit (30 working days, or 45 when extended) of each application."""
    found: dict[str, Deadline] = {}
    for deadline in Deadline.objects.filter(
        object_type=OBJECT_TYPE,
        object_id__in=[str(a.pk) for a in applications],
        kind__in=OVERALL_KINDS,
        closed_at__isnull=True,
    ).order_by("id"):
        found[deadline.object_id] = deadline
    return found


def _deadline_label(kind: str) -> str:
    rule = DEADLINE_RULES.get(kind)
    return rule.label if rule else kind


def _programme_labels(programmes: list[str]) -> list[str]:
    return [PROGRAMME_LABELS.get(p, p) for p in programmes]


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


def _page_number(request: HttpRequest) -> int:
    value = request.GET.get("page", "1")
    return int(value) if value.isdigit() and int(value) > 0 else 1


def _due_groups(actor: Actor) -> list[dict[str, Any]]:
    due_lists = selectors.application_due_lists(actor=actor)
    townships = dict(Division.objects.filter(code__in=list(due_lists)).values_list("code", "name"))
    due_heads = _heads(
        {
            d.application.household_id
            for by_state in due_lists.values()
            for deadlines in by_state.values()
            for d in deadlines
        }
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
    page = paginator.get_page(_page_number(request))
    applications = list(page.object_list)
    heads = _heads({a.household_id for a in applications})
    overall = _overall_deadlines(applications)
    rows = [
        {
            "application": a,
            "status_label": ApplicationStatus(a.status).label,
            "head": heads.get(a.household_id, ""),
            "programmes": _programme_labels(a.programmes),
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
            "programme": PROGRAMME_LABELS.get(programme, programme),
            "eligible": values.get("eligible"),
            "amount": values.get("amount"),
            "reasons": results.get(programme, {}).get("reasons", []),
            "requested": True,
        }
        for programme, values in application.proposal.items()
    ]
    rows += [
        {
            "programme": PROGRAMME_LABELS.get(programme, programme),
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
            "programmes": _programme_labels(application.programmes),
            "channel_label": Channel(application.channel).label,
            "head": _heads({application.household_id}).get(application.household_id, ""),
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
            "verification": _verification(actor, application),
            "documents": _documents(application, events),
            "has_temporary": "temporary_assistance" in application.programmes,
        },
    )


def _verification(actor: Actor, application: Application) -> dict[str, Any] | None:
    """The application's verification reports, and why none could be made yet, for those who
    may see verification reports."""
    if not actor.can(Permission.VERIFICATION_VIEW):
        return None
    reports = list(verification_selectors.report_list(actor=actor, application_id=application.pk))
    started = application.events.filter(action=Action.START_VERIFICATION.value).exists()
    blockers = (
        verification_services.verification_blockers(
            household=application.household, application=application
        )
        if started and not reports
        else []
    )
    latest = application.assessments.select_related("report", "assessed_by").order_by(
        "-created_at", "-id"
    )
    return {
        "reports": reports,
        "started": started,
        "blockers": blockers,
        "assessment": latest.first(),
        "can_assess": bool(reports)
        and application.status in ASSESSABLE
        and actor.can(Permission.INTAKE_PROPOSE),
    }


def _referrals(actor: Actor, application: Application) -> list[Any]:
    """The referrals made from this application, for those who may see referrals."""
    if not actor.can(Permission.REFERRAL_VIEW):
        return []
    from doudi.referrals.selectors import referral_list

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


def _investigators(post: Any) -> list[str]:
    return [name.strip() for name in post.get("investigators", "").split("、") if name.strip()]


def _count(post: Any, key: str) -> int:
    value = post.get(key, "").strip() or "0"
    if not value.isdigit():
        raise ApplicationError("照片数量须为不小于 0 的整数", field=key)
    return int(value)


def _lines(post: Any, key: str) -> list[str]:
    """Items typed one per line, or ticked as checkboxes of the same name."""
    values = post.getlist(key) if hasattr(post, "getlist") else [post.get(key, "")]
    return [line for value in values for line in str(value).splitlines()]


def _date(post: Any, key: str) -> dt.date | None:
    value = post.get(key, "").strip()
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError as error:
        raise ApplicationError("日期格式应为 YYYY-MM-DD", field=key) from error


def _favourable(post: Any) -> bool | None:
    return {"yes": True, "no": False}.get(post.get("favourable", ""))


Handler = Callable[[dict[str, Any], Any], Application]
HANDLERS: dict[Action, Handler] = {
    Action.REQUEST_MORE: lambda common, post: services.application_request_more(
        **common, items=_lines(post, "items")
    ),
    Action.RECORD_SUPPLIED: lambda common, post: services.application_record_supplied(
        **common, items=_lines(post, "items")
    ),
    Action.ACCEPT: lambda common, post: services.application_accept(**common),
    Action.START_VERIFICATION: lambda common, post: services.application_start_verification(
        **common
    ),
    Action.RECORD_HOME_VISIT: lambda common, post: services.application_record_home_visit(
        **common,
        investigators=_investigators(post),
        record_signed=post.get("record_signed") == "on",
        photos=_count(post, "photos"),
        is_full=post.get("is_full") == "on",
        findings=post.get("findings", ""),
        photo_ids=post.getlist("photo_ids"),
    ),
    Action.START_COMMUNITY_REVIEW: lambda common, post: services.application_start_community_review(
        **common
    ),
    Action.RECORD_COMMUNITY_REVIEW: lambda common, post: (
        services.application_record_community_review(**common, result=post.get("result", ""))
    ),
    Action.GIVE_INITIAL_OPINION: lambda common, post: services.application_give_initial_opinion(
        **common, favourable=_favourable(post), opinion=post.get("opinion", "")
    ),
    Action.PUBLISH_NOTICE: lambda common, post: services.application_publish_notice(**common),
    Action.RECORD_OBJECTION: lambda common, post: services.application_record_objection(
        **common, objection=post.get("objection", "")
    ),
    Action.REINVESTIGATE: lambda common, post: services.application_reinvestigate(**common),
    Action.CLOSE_NOTICE_WITHOUT_OBJECTION: lambda common, post: services.application_close_notice(
        **common
    ),
    Action.COUNTY_REVIEW: lambda common, post: services.application_county_review(
        **common, opinion=post.get("opinion", "")
    ),
    Action.CONFIRM: lambda common, post: services.application_confirm(**common),
    Action.SEND_REFUSAL_NOTICE: lambda common, post: services.application_send_refusal_notice(
        **common, sent_on=_date(post, "sent_on")
    ),
    Action.REFUSE: lambda common, post: services.application_refuse(
        **common, reason=post.get("reason", "")
    ),
    Action.EXTEND: lambda common, post: services.application_extend(
        **common, reason=post.get("reason", "")
    ),
    Action.WITHDRAW: lambda common, post: services.application_withdraw(
        **common, reason=post.get("reason", "")
    ),
}


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


# -- materials --------------------------------------------------------------------------------


@require_POST
@staff_required
def application_material_upload(request: HttpRequest, actor: Actor, public_id: str) -> HttpResponse:
    application = selectors.application_get(actor=actor, public_id=public_id)
    try:
        material, created = services.material_upload(
            actor=actor,
            application=application,
            kind=request.POST.get("kind", ""),
            upload=request.FILES.get("file"),
        )
    except (NotFound, PermissionDenied):
        raise
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        if created:
            messages.success(request, f"已上传：{material.original_name}")
        else:
            messages.info(
                request, f"该家庭已提交过相同的文件（{material.original_name}），已直接复用"
            )
    return redirect("web:application_detail", public_id=application.public_id)


@require_POST
@staff_required
def application_material_attach(request: HttpRequest, actor: Actor, public_id: str) -> HttpResponse:
    application = selectors.application_get(actor=actor, public_id=public_id)
    try:
        material = services.material_attach(
            actor=actor, application=application, material_id=request.POST.get("material", "")
        )
    except (NotFound, PermissionDenied):
        raise
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"已将“{material.original_name}”用于本申请")
    return redirect("web:application_detail", public_id=application.public_id)


@require_http_methods(["GET"])
@staff_required
def material_download(request: HttpRequest, actor: Actor, public_id: str) -> HttpResponse:
    """The file, to staff of the household's region only; every download is audited."""
    material = selectors.material_get(actor=actor, public_id=public_id)
    services.material_download_record(actor=actor, material=material)
    return FileResponse(
        material.file.open("rb"),
        as_attachment=True,
        filename=material.original_name,
        content_type=material.content_type,
    )


# -- the confirmation queue and the county's setting ------------------------------------------

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
        label = PROGRAMME_LABELS.get(programme, programme)
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
    heads = _heads({a.household_id for a in applications})
    due = selectors.open_deadlines(applications=applications, kinds=("confirmation",))
    townships = dict(
        Division.objects.filter(code__in={a.township_code for a in applications}).values_list(
            "code", "name"
        )
    )
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
                "programmes": _programme_labels(application.programmes),
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
