"""Reads of referrals. Civil-affairs staff with ``referral.view`` see their region's referrals;
a partner department sees only those made to it inside its own division. Anything else does not
exist for the actor (NotFound → 404)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils import timezone

from doudi.accounts.models import Role, StaffProfile
from doudi.accounts.permissions import Permission
from doudi.accounts.scoping import Actor
from doudi.core.calendar import workday_calendar_get
from doudi.core.deadlines import deadline_state
from doudi.core.exceptions import NotFound
from doudi.referrals.models import OPEN_STATUSES, Referral, ReferralStatus
from doudi.registry.models import Household

LIST_LIMIT_MAX = 500
NOT_FOUND_MESSAGE = "转介单不存在或不在您的办理范围内"


def partner_department_of(actor: Actor) -> str | None:
    """The department a partner actor answers for; None for civil-affairs staff. A partner whose
    unit names no department gets ``""`` and sees nothing."""
    if Role.PARTNER not in actor.roles:
        return None
    department = (
        StaffProfile.objects.filter(user=actor.user)
        .values_list("org_unit__partner_department", flat=True)
        .first()
    )
    return department or ""


def referral_scope_q(actor: Actor) -> Q:
    """The referrals the actor may see (permission checked by the caller)."""
    scope = actor.region_q()
    department = partner_department_of(actor)
    if department is None:
        return scope
    if not department:
        return Q(pk__in=[])
    return scope & Q(department=department)


def referral_queryset(*, actor: Actor) -> QuerySet[Referral]:
    actor.require(Permission.REFERRAL_VIEW)
    return Referral.objects.filter(referral_scope_q(actor))


def referral_list(
    *,
    actor: Actor,
    status: str = "",
    department: str = "",
    household_id: int | None = None,
    application_id: int | None = None,
    limit: int = 200,
) -> list[Referral]:
    """The actor's referrals, newest first, with household and deadline loaded."""
    queryset = referral_queryset(actor=actor).select_related("household", "application", "deadline")
    if status:
        queryset = queryset.filter(status=status)
    if department:
        queryset = queryset.filter(department=department)
    if household_id is not None:
        queryset = queryset.filter(household_id=household_id)
    if application_id is not None:
        queryset = queryset.filter(application_id=application_id)
    return list(queryset.order_by("-created_at", "-id")[: max(1, min(limit, LIST_LIMIT_MAX))])


def referral_get(*, actor: Actor, public_id: UUID | str) -> Referral:
    try:
        return (
            referral_queryset(actor=actor)
            .select_related("household", "application", "person", "deadline")
            .get(public_id=public_id)
        )
    except (Referral.DoesNotExist, ValueError, ValidationError) as error:
        raise NotFound(NOT_FOUND_MESSAGE, field="public_id") from error


def referral_household_get(*, actor: Actor, public_id: UUID | str) -> Household:
    """A household the actor may refer (``referral.create`` and inside the region)."""
    actor.require(Permission.REFERRAL_CREATE)
    try:
        return Household.objects.filter(actor.region_q()).get(public_id=public_id)
    except (Household.DoesNotExist, ValueError, ValidationError) as error:
        raise NotFound("家庭不存在或不在您的管辖范围内", field="household") from error


@dataclass(frozen=True)
class DueState:
    state: str  # "overdue" / "due_soon" / "on_time" / "closed"
    label: str


DUE_LABELS = {"overdue": "已逾期", "due_soon": "即将到期", "on_time": "未到期", "closed": "已办结"}


def referral_due_state(
    referral: Referral, *, today: dt.date | None = None, calendar: Any = None
) -> DueState:
    """Whether an open referral's answer is overdue, due within 3 working days or on time."""
    if referral.status not in OPEN_STATUSES or referral.deadline is None:
        return DueState("closed", DUE_LABELS["closed"])
    state = deadline_state(
        referral.deadline.due_date,
        today or timezone.localdate(),
        calendar or workday_calendar_get(),
    )
    return DueState(state, DUE_LABELS[state])


def referral_due_lists(
    referrals: list[Referral], *, today: dt.date | None = None
) -> dict[str, list[Referral]]:
    """The open referrals among ``referrals`` that are overdue or due soon, earliest due first."""
    today = today or timezone.localdate()
    calendar = workday_calendar_get()
    lists: dict[str, list[Referral]] = {"overdue": [], "due_soon": []}
    for referral in referrals:
        state = referral_due_state(referral, today=today, calendar=calendar).state
        if state in lists:
            lists[state].append(referral)
    for items in lists.values():
        items.sort(key=lambda r: (r.deadline.due_date, r.pk))  # type: ignore[union-attr]
    return lists


def referral_status_label(status: str) -> str:
    try:
        return ReferralStatus(status).label
    except ValueError:
        return status
