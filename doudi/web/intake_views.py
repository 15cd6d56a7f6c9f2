"""Staff pages for applications: the work list, the application form and the case page. Each view
parses the request, calls the intake selectors and services (as ``doudi.intake.apis`` does) and
renders; refusals are shown with the service's Chinese message."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from doudi.accounts.permissions import Permission
from doudi.accounts.scoping import Actor
from doudi.core.exceptions import ApplicationError, NotFound, PermissionDenied
from doudi.core.models import Deadline, Division
from doudi.intake import selectors, services
from doudi.intake.models import Application, Channel, Programme
from doudi.intake.services._common import OBJECT_TYPE
from doudi.intake.workflow import (
    ACTION_LABELS,
    DEADLINE_RULES,
    OPEN_STATUSES,
    Action,
    ApplicationStatus,
    allowed_actions,
    notice_last_day,
)
from doudi.registry.models import Membership
from doudi.web.views import staff_required

WORKLIST_LIMIT = 200
PROGRAMME_LABELS = dict(Programme.choices)
OVERALL_KINDS = ("overall", "overall_extended")

# Who may offer an action on the case page. The service still decides (and refuses with its own
# message); this only hides buttons the user could never use.
CONFIRM_ACTIONS = {Action.CONFIRM, Action.REFUSE}
EITHER_ACTIONS = {Action.EXTEND}


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


@require_http_methods(["GET"])
@staff_required
def application_worklist(request: HttpRequest, actor: Actor) -> HttpResponse:
    applications = list(
        selectors.application_queryset(actor=actor)
        .filter(status__in=[s.value for s in OPEN_STATUSES])
        .select_related("household")
        .order_by("-created_at", "-id")[:WORKLIST_LIMIT]
    )
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

    due = [
        {
            "township": townships.get(code, code),
            "overdue": items(by_state.get("overdue", [])),
            "due_soon": items(by_state.get("due_soon", [])),
        }
        for code, by_state in sorted(due_lists.items())
    ]
    return render(request, "web/intake/worklist.html", {"rows": rows, "due": due})


def _proposal(application: Application) -> list[dict[str, Any]]:
    """The requested programmes' results of the initial opinion's evaluation, with its reasons."""
    if not application.proposal:
        return []
    record = application.proposal_evaluation
    results = record.result.get("programmes", {}) if record is not None else {}
    return [
        {
            "programme": PROGRAMME_LABELS.get(programme, programme),
            "eligible": values.get("eligible"),
            "amount": values.get("amount"),
            "reasons": results.get(programme, {}).get("reasons", []),
        }
        for programme, values in application.proposal.items()
    ]


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
            "actor": _actor_name(event.actor),
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
        },
    )


def _actor_name(user: Any) -> str:
    if user is None:
        return ""
    profile = getattr(user, "staff_profile", None)
    return profile.display_name if profile is not None else user.get_username()


def _investigators(post: Any) -> list[str]:
    return [name.strip() for name in post.get("investigators", "").split("、") if name.strip()]


def _count(post: Any, key: str) -> int:
    value = post.get(key, "").strip() or "0"
    if not value.isdigit():
        raise ApplicationError("照片数量须为不小于 0 的整数", field=key)
    return int(value)


def _favourable(post: Any) -> bool | None:
    return {"yes": True, "no": False}.get(post.get("favourable", ""))


Handler = Callable[[dict[str, Any], Any], Application]
HANDLERS: dict[Action, Handler] = {
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
    Action.CONFIRM: lambda common, post: services.application_confirm(**common),
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
