"""Reads of applications. Every selector is scoped to the actor's region: an application outside
it does not exist for the actor (NotFound, not PermissionDenied)."""

from __future__ import annotations

import datetime as dt
from uuid import UUID

from django.db.models import QuerySet
from django.utils import timezone

from doudi.accounts.permissions import Permission
from doudi.accounts.scoping import Actor
from doudi.core.calendar import workday_calendar_get
from doudi.core.exceptions import NotFound
from doudi.core.models import Deadline
from doudi.intake.models import Application, CaseEvent, Entitlement
from doudi.intake.services._common import OBJECT_TYPE
from doudi.intake.workflow import DeadlineState, deadline_lists

LIST_LIMIT_MAX = 200


def application_queryset(*, actor: Actor) -> QuerySet[Application]:
    actor.require(Permission.INTAKE_VIEW)
    return Application.objects.filter(actor.region_q())


def application_list(
    *, actor: Actor, status: str = "", household_id: int | None = None, limit: int = 50
) -> QuerySet[Application]:
    queryset = application_queryset(actor=actor).select_related("household")
    if status:
        queryset = queryset.filter(status=status)
    if household_id is not None:
        queryset = queryset.filter(household_id=household_id)
    return queryset[: max(1, min(limit, LIST_LIMIT_MAX))]


def application_get(*, actor: Actor, public_id: UUID | str) -> Application:
    try:
        return (
            application_queryset(actor=actor).select_related("household").get(public_id=public_id)
        )
    except (Application.DoesNotExist, ValueError) as error:
        raise NotFound("申请不存在或不在您的管辖范围内", field="public_id") from error


def application_events(*, actor: Actor, application: Application) -> QuerySet[CaseEvent]:
    application_get(actor=actor, public_id=application.public_id)
    return application.events.select_related("actor").order_by("created_at", "id")


def application_deadlines(*, actor: Actor, application: Application) -> QuerySet[Deadline]:
    application_get(actor=actor, public_id=application.public_id)
    return Deadline.objects.filter(object_type=OBJECT_TYPE, object_id=str(application.pk)).order_by(
        "id"
    )


def application_entitlements(*, actor: Actor, application: Application) -> QuerySet[Entitlement]:
    application_get(actor=actor, public_id=application.public_id)
    return application.entitlements.order_by("id")


def application_due_lists(
    *, actor: Actor, today: dt.date | None = None
) -> dict[str, dict[DeadlineState, list[Deadline]]]:
    """Open deadlines of the actor's applications that are overdue or due within 3 working days,
    per township, earliest due first (the workflow's ``deadline_lists``). Each deadline carries
    ``application`` (the case it belongs to)."""
    open_ids = {
        int(object_id)
        for object_id in Deadline.objects.filter(
            object_type=OBJECT_TYPE,
            closed_at__isnull=True,
            region_code__startswith=actor.region_prefix(),
        ).values_list("object_id", flat=True)
    }
    applications = {
        str(app.pk): app for app in application_queryset(actor=actor).filter(pk__in=open_ids)
    }
    entries = []
    for deadline in Deadline.objects.filter(
        object_type=OBJECT_TYPE, object_id__in=list(applications), closed_at__isnull=True
    ).order_by("due_date", "id"):
        deadline.application = applications[deadline.object_id]
        entries.append((deadline.application.township_code, deadline, deadline.due_date))
    return deadline_lists(entries, today or timezone.localdate(), workday_calendar_get())
