"""Reads of applications. Every selector is scoped to the actor's region: an application outside
it does not exist for the actor (NotFound, not PermissionDenied)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils import timezone

from doudi.accounts.permissions import Permission
from doudi.accounts.scoping import Actor
from doudi.benefits import selectors as benefits
from doudi.benefits.models import Entitlement, OneOffGrant
from doudi.core.calendar import workday_calendar_get
from doudi.core.deadlines import DeadlineState, deadline_lists
from doudi.core.exceptions import NotFound, PermissionDenied
from doudi.core.models import Deadline, Division, DivisionLevel
from doudi.intake.models import (
    Application,
    CaseEvent,
    ConfirmationSetting,
    ConfirmationSettingChange,
    Material,
    SituationAssessment,
)
from doudi.intake.services._common import OBJECT_TYPE
from doudi.intake.services.assessment import ASSESSABLE
from doudi.intake.workflow import OPEN_STATUSES, Action, ApplicationStatus
from doudi.verification import selectors as verification_selectors
from doudi.verification import services as verification_services
from doudi.verification.models import VerificationReport

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


def application_visible(*, actor: Actor, application: Application) -> bool:
    """Whether ``application`` lies in the actor's region (its case page is theirs to open)."""
    return Application.objects.filter(actor.region_q(), pk=application.pk).exists()


def application_find_in_region(*, actor: Actor, public_id: UUID | str) -> Application | None:
    """The application of the actor's region with this public id, for a caller of another
    context that refers to it (a verification request) without reading cases; None otherwise."""
    try:
        key = public_id if isinstance(public_id, UUID) else UUID(str(public_id))
    except ValueError:
        return None
    return Application.objects.filter(actor.region_q(), public_id=key).first()


def window_receipt_get(*, actor: Actor, public_id: UUID | str) -> Application:
    """The application this staff user filed at their own township's window for a household of
    another region (跨区域受理的回执); the case itself stays with its own township."""
    application = (
        Application.objects.filter(
            public_id=public_id, submitted_by=actor.user, receiving_township_code=actor.region_code
        ).first()
        if public_id
        else None
    )
    if application is None:
        raise NotFound("没有可显示的受理回执", field="application")
    return application


def household_applications(
    household: Any, *, actor: Actor | None = None, limit: int = 20
) -> list[Application]:
    """The household's latest applications, newest first; only those in the actor's region when
    an actor is given. The household comes from a scoped selector of the caller's context."""
    applications = Application.objects.filter(household=household)
    if actor is not None:
        applications = applications.filter(actor.region_q())
    return list(applications.order_by("-created_at", "-id")[:limit])


def household_application_find(
    *, household: Any, public_id: str, actor: Actor | None = None
) -> Application | None:
    """One application of ``household`` by its public id (in the actor's region when an actor is
    given); None for any other id, a malformed one included. The caller words the refusal."""
    try:
        key = UUID(str(public_id))
    except ValueError:
        return None
    applications = Application.objects.filter(household=household, public_id=key)
    if actor is not None:
        applications = applications.filter(actor.region_q())
    return applications.first()


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
    return benefits.entitlements_of_application(application=application)


def application_one_off_grants(*, actor: Actor, application: Application) -> QuerySet[OneOffGrant]:
    """The one-off grants (一次性救助) a confirmation of this application made."""
    application_get(actor=actor, public_id=application.public_id)
    return benefits.one_off_grants_of_application(application=application)


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


def application_worklist(*, actor: Actor) -> QuerySet[Application]:
    """The region's open applications, newest first (the work list pages through it)."""
    return (
        application_queryset(actor=actor)
        .filter(status__in=[s.value for s in OPEN_STATUSES])
        .select_related("household")
        .order_by("-created_at", "-id")
    )


def delegated_counties() -> set[str]:
    return set(
        ConfirmationSetting.objects.filter(delegated_to_township=True).values_list(
            "county_id", flat=True
        )
    )


def confirmation_queue(*, actor: Actor) -> QuerySet[Application]:
    """Applications waiting for this approver's decision at their level: a county approver gets
    the county's cases unless the county delegated confirmation, a township approver the
    township's where it did; plus, for a county approver, declared-relative cases in a decision
    status that still wait for the county review (delegated or not). Oldest notice first."""
    actor.require(Permission.INTAKE_CONFIRM)
    queryset = application_queryset(actor=actor)
    waiting = Q(status=ApplicationStatus.AWAITING_CONFIRMATION) | Q(
        status=ApplicationStatus.INITIAL_OPINION, opinion_favourable=False
    )
    delegated = delegated_counties()
    if actor.region_level == DivisionLevel.COUNTY:
        mine = waiting & ~Q(county_code__in=delegated)
        review = Q(
            status__in=[ApplicationStatus.INITIAL_OPINION, ApplicationStatus.AWAITING_CONFIRMATION],
            is_relative_declared=True,
            county_reviewed_at__isnull=True,
        )
        queryset = queryset.filter(mine | review)
    elif actor.region_level == DivisionLevel.TOWNSHIP:
        queryset = queryset.filter(waiting, county_code__in=delegated)
    else:
        queryset = queryset.none()
    return queryset.select_related("household").order_by("notice_published_on", "created_at", "id")


def open_deadlines(
    *, applications: list[Application], kinds: tuple[str, ...]
) -> dict[str, Deadline]:
    """The open deadline of one of ``kinds`` per application (by application pk as text)."""
    found: dict[str, Deadline] = {}
    for deadline in Deadline.objects.filter(
        object_type=OBJECT_TYPE,
        object_id__in=[str(a.pk) for a in applications],
        kind__in=kinds,
        closed_at__isnull=True,
    ).order_by("id"):
        found[deadline.object_id] = deadline
    return found


def confirmation_setting_get(
    *, actor: Actor
) -> tuple[Any, bool, QuerySet[ConfirmationSettingChange]]:
    """The actor's county, whether it delegates confirmation, and every switch, newest first."""
    actor.require(Permission.CONFIRMATION_SETTING_MANAGE)
    if actor.region_level != DivisionLevel.COUNTY:
        raise PermissionDenied("只有县级民政部门可以设置本县的审核确认权委托", field="county")
    county = Division.objects.get(code=actor.region_code)
    delegated = ConfirmationSetting.objects.filter(
        county=county, delegated_to_township=True
    ).exists()
    history = ConfirmationSettingChange.objects.filter(county=county).select_related(
        "changed_by__staff_profile"
    )
    return county, delegated, history


def material_queryset(*, actor: Actor) -> QuerySet[Material]:
    actor.require(Permission.INTAKE_VIEW)
    return Material.objects.filter(actor.region_q())


def material_get(*, actor: Actor, public_id: UUID | str) -> Material:
    try:
        return material_queryset(actor=actor).get(public_id=public_id)
    except (Material.DoesNotExist, ValueError, ValidationError) as error:
        raise NotFound("材料不存在或不在您的管辖范围内", field="material") from error


def application_materials(*, actor: Actor, application: Application) -> list[Material]:
    """Every material of the application's household, newest first. Each carries ``used_here``
    (used for this application) and ``earlier_applications`` (the other applications it served):
    a material from an earlier application can be used again without uploading it again."""
    application_get(actor=actor, public_id=application.public_id)
    materials = list(
        material_queryset(actor=actor)
        .filter(household_id=application.household_id)
        .select_related("uploaded_by__staff_profile")
        .prefetch_related("uses__application")
    )
    for material in materials:
        uses = list(material.uses.all())
        material.used_here = any(u.application_id == application.pk for u in uses)
        material.earlier_applications = [
            u.application for u in uses if u.application_id != application.pk
        ]
    return materials


@dataclass(frozen=True)
class ApplicationVerification:
    """What the case page shows of verification: the application's reports, whether verification
    was started, why no report could be made yet, the latest 核定 and whether one may be made."""

    reports: list[VerificationReport]
    started: bool
    blockers: list[Any]
    assessment: SituationAssessment | None
    can_assess: bool


def application_verification(
    *, actor: Actor, application: Application
) -> ApplicationVerification | None:
    """The application's verification, for those who may see verification reports (else None)."""
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
    latest = (
        application.assessments.select_related("report", "assessed_by")
        .order_by("-created_at", "-id")
        .first()
    )
    return ApplicationVerification(
        reports=reports,
        started=started,
        blockers=blockers,
        assessment=latest,
        can_assess=bool(reports)
        and application.status in ASSESSABLE
        and actor.can(Permission.INTAKE_PROPOSE),
    )
