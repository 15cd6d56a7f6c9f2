"""What every application service shares: visibility, the workflow check, the conditional
write with its case event and audit event, and the step's deadlines."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from django.utils import timezone

from doudi.accounts.permissions import Permission
from doudi.accounts.scoping import Actor
from doudi.core.audit import audit_event_record
from doudi.core.calendar import deadline_close, deadline_open
from doudi.core.exceptions import ApplicationError, Conflict, NotFound, PermissionDenied
from doudi.core.models import Deadline
from doudi.intake.models import Application, CaseEvent, ConfirmationSetting
from doudi.intake.workflow import (
    APPROVER,
    CASEWORKER,
    COUNTY,
    DEADLINE_RULES,
    TOWNSHIP,
    Action,
    ActionNotPermitted,
    ApplicationStatus,
    CaseFacts,
    TransitionNotAllowed,
    attempt,
    check,
)
from doudi.programmes import Programme

OBJECT_TYPE = "intake.application"
CONFLICT_MESSAGE = "该申请已被他人处理，请刷新后重试"

S = ApplicationStatus


def _today() -> dt.date:
    return timezone.localdate()


def _require_visible(actor: Actor, application: Application) -> None:
    actor.require(Permission.INTAKE_VIEW)
    if not Application.objects.filter(actor.region_q(), pk=application.pk).exists():
        raise NotFound("申请不存在或不在您的管辖范围内", field="application")


def _delegated(application: Application) -> bool:
    return ConfirmationSetting.objects.filter(
        county_id=application.county_code, delegated_to_township=True
    ).exists()


def requires_county_approval(application: Application) -> bool:
    """Whether the proposal grants temporary assistance above the township approval limit."""
    result = (application.proposal or {}).get(Programme.TEMPORARY_ASSISTANCE.value) or {}
    return bool(result.get("eligible") and result.get("requires_county_approval"))


def _facts(actor: Actor, application: Application, **extra: Any) -> CaseFacts:
    values: dict[str, Any] = {
        "today": _today(),
        "actor_id": actor.user.pk,
        "actor_roles": frozenset(actor.roles),
        "actor_level": actor.region_level,
        "proposer_id": application.proposer_id,
        "confirmation_delegated_to_township": _delegated(application),
        "requires_county_approval": requires_county_approval(application),
        "is_relative_declared": application.is_relative_declared,
        "home_visit_is_full": application.last_home_visit_full,
        "initial_opinion_favourable": application.opinion_favourable,
        "notice_started_on": application.notice_published_on,
        "objection_open": application.objection_open,
        "already_extended": bool(application.extension_reason),
        "missing_items": tuple(application.missing_items or ()),
        "previously_requested_items": tuple(application.requested_items or ()),
        "community_review_started": application.community_review_started,
        "community_review_recorded": bool(application.community_review_result.strip()),
        "county_reviewed": application.county_reviewed_at is not None,
        "refusal_notice_sent": application.refusal_notice_sent_on is not None,
    }
    values.update(extra)
    return CaseFacts(**values)


def _attempt(status: str, action: Action, facts: CaseFacts) -> ApplicationStatus:
    """The workflow's verdict, as the platform's errors: who may act → PermissionDenied, the
    status or the case's facts → ApplicationError; every message is the workflow's."""
    try:
        return attempt(status, action, facts)
    except TransitionNotAllowed as error:
        raise ApplicationError(str(error), field="action") from error
    except ActionNotPermitted as error:
        # The same facts for an actor who holds both roles at the right level and proposed
        # nothing: whatever still fails is about the case, the rest is about the actor.
        # The county review is the county's even where confirmation is delegated.
        # So is the confirmation of temporary assistance above the township approval limit.
        delegated = (
            facts.confirmation_delegated_to_township
            and action != Action.COUNTY_REVIEW
            and not (action == Action.CONFIRM and facts.requires_county_approval)
        )
        level = TOWNSHIP if delegated else COUNTY
        ideal = dataclasses.replace(
            facts, actor_roles=frozenset({CASEWORKER, APPROVER}), actor_level=level, actor_id=None
        )
        about_case = check(action, ideal)
        message = "；".join(error.messages)
        if len(about_case) < len(error.messages):
            raise PermissionDenied(message, field="action") from error
        raise ApplicationError(message, field="action") from error


def _open(application: Application, rule: str, start: dt.date, *, kind: str = "") -> Deadline:
    return deadline_open(
        object_type=OBJECT_TYPE,
        object_id=str(application.pk),
        kind=kind or rule,
        region_code=application.village_code,
        start_date=start,
        working_days=DEADLINE_RULES[rule].days,
    )


def _close(application: Application, *kinds: str) -> list[str]:
    """Close the open deadlines of these kinds (all kinds when none given)."""
    queryset = Deadline.objects.filter(
        object_type=OBJECT_TYPE, object_id=str(application.pk), closed_at__isnull=True
    )
    if kinds:
        queryset = queryset.filter(kind__in=kinds)
    now = timezone.now()
    closed = []
    for deadline in queryset.order_by("id"):
        deadline_close(deadline=deadline, at=now)
        closed.append(deadline.kind)
    return closed


def _commit(
    *,
    actor: Actor,
    application: Application,
    action: Action,
    target: ApplicationStatus,
    version: int | None,
    changes: dict[str, Any],
    parameters: dict[str, Any],
) -> Application:
    """Write the transition if nobody changed the case since ``version`` was read."""
    expected = application.version if version is None else version
    updated = Application.objects.filter(
        pk=application.pk, status=application.status, version=expected
    ).update(status=target, version=expected + 1, updated_at=timezone.now(), **changes)
    if updated != 1:
        raise Conflict(CONFLICT_MESSAGE, field="version")
    CaseEvent.objects.create(
        application=application,
        actor=actor.user,
        action=action.value,
        from_status=application.status,
        to_status=target.value,
        parameters=parameters,
    )
    audit_event_record(
        actor=actor.user,
        action=f"application.{action.value}",
        obj=application,
        region_code=application.village_code,
        parameters={"from": application.status, "to": target.value, **parameters},
    )
    application.refresh_from_db()
    return application


def _step(
    *,
    actor: Actor,
    application: Application,
    action: Action,
    permission: Permission | tuple[Permission, ...],
    version: int | None = None,
    facts: dict[str, Any] | None = None,
) -> tuple[ApplicationStatus, CaseFacts]:
    """Permission, region and the workflow's verdict; nothing is written here. A ``version``
    older than the case's means someone acted since the form was read: a conflict (409), whatever
    the case's new status would say about the action (a double click arrives here)."""
    _require_visible(actor, application)
    permissions = permission if isinstance(permission, tuple) else (permission,)
    if not any(actor.can(p) for p in permissions):
        actor.require(permissions[0])
    if version is not None and version != application.version:
        raise Conflict(CONFLICT_MESSAGE, field="version")
    case_facts = _facts(actor, application, **(facts or {}))
    return _attempt(application.status, action, case_facts), case_facts


def _items(values: Any, *, field: str) -> list[str]:
    """A list of item names: trimmed, blanks dropped, each once, in the given order."""
    if isinstance(values, str):
        values = values.splitlines()
    names = [str(value).strip() for value in values or () if str(value).strip()]
    for index, name in enumerate(names):
        if len(name) > 100:
            raise ApplicationError("每项材料名称不能超过100个字", field=f"{field}[{index}]")
    return list(dict.fromkeys(names))


# -- submission -------------------------------------------------------------------------------
