"""Reads of dynamic management, always scoped to the actor's region: a review case or household
outside it does not exist for the actor (NotFound)."""

from __future__ import annotations

import datetime as dt
from typing import Any
from uuid import UUID

from django.db.models import QuerySet
from django.utils import timezone

from doudi.accounts.permissions import Permission
from doudi.accounts.scoping import Actor
from doudi.benefits import selectors as benefits
from doudi.core.exceptions import NotFound
from doudi.programmes import Programme
from doudi.registry.models import Household
from doudi.reviews.models import (
    OPEN_REVIEW_STATUSES,
    ChangeReport,
    EntitlementChange,
    ReviewCase,
    ReviewEvent,
)
from doudi.reviews.schedule import ReviewDue, covered_household_ids, review_due_rows

LIST_LIMIT = 500


def review_queryset(*, actor: Actor) -> QuerySet[ReviewCase]:
    actor.require(Permission.INTAKE_VIEW)
    return ReviewCase.objects.filter(actor.region_q())


def review_get(*, actor: Actor, public_id: UUID | str) -> ReviewCase:
    try:
        return review_queryset(actor=actor).select_related("household").get(public_id=public_id)
    except (ReviewCase.DoesNotExist, ValueError) as error:
        raise NotFound("复核案件不存在或不在您的管辖范围内", field="public_id") from error


def review_open_list(*, actor: Actor) -> QuerySet[ReviewCase]:
    return (
        review_queryset(actor=actor)
        .filter(status__in=OPEN_REVIEW_STATUSES)
        .select_related("household")
        .order_by("township_code", "created_at", "id")[:LIST_LIMIT]
    )


def review_events(*, actor: Actor, review: ReviewCase) -> QuerySet[ReviewEvent]:
    review_get(actor=actor, public_id=review.public_id)
    return review.events.select_related("actor").order_by("created_at", "id")


def review_change_reports(*, review: ReviewCase) -> list[ChangeReport]:
    """The change reports that opened or joined ``review`` (found by a scoped selector), newest
    first."""
    return list(review.change_reports.order_by("-reported_on", "-id"))


def review_covers_tekun(*, review: ReviewCase) -> bool:
    """Whether the review concerns 特困 support: proposed by the engine, or ever granted to the
    household (the page then offers the 特困 fields)."""
    return (
        Programme.TEKUN in review.engine_proposal
        or review.household.entitlements.filter(programme=Programme.TEKUN).exists()
    )


def review_due_list(*, actor: Actor, today: dt.date | None = None) -> list[tuple[ReviewDue, str]]:
    """Households of the actor's region whose review is overdue or due within
    ``DUE_SOON_DAYS``, with that state, per township and earliest first."""
    actor.require(Permission.INTAKE_VIEW)
    day = today or timezone.localdate()
    households = Household.objects.filter(actor.region_q())
    ids = covered_household_ids(households)
    rows = review_due_rows(Household.objects.filter(pk__in=ids).order_by("id"))
    return [(row, row.state(day)) for row in rows if row.state(day) != "on_time"][:LIST_LIMIT]


def household_visible(*, actor: Actor, public_id: UUID | str) -> Household:
    actor.require(Permission.INTAKE_VIEW)
    try:
        return Household.objects.filter(actor.region_q()).get(public_id=public_id)
    except (Household.DoesNotExist, ValueError) as error:
        raise NotFound("家庭不存在或不在您的管辖范围内", field="public_id") from error


def entitlement_history(*, actor: Actor, household: Household) -> dict[str, Any]:
    """Every entitlement row and every decided change of the household, with reasons, and its
    change reports and review cases."""
    household_visible(actor=actor, public_id=household.public_id)
    return {
        "entitlements": list(benefits.entitlements_of_household(household=household)),
        "changes": list(
            EntitlementChange.objects.filter(household=household)
            .select_related("decided_by", "review", "old_entitlement", "new_entitlement")
            .order_by("effective_month", "id")
        ),
        "reports": list(
            ChangeReport.objects.filter(household=household)
            .select_related("review", "recorded_by")
            .order_by("-reported_on", "-id")
        ),
        "reviews": list(ReviewCase.objects.filter(household=household).order_by("-id")),
    }
