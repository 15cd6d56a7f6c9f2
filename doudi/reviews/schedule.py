"""When each household is reviewed (POLICY.md §2.8): its review class, its last review and the
date of the next one, computed from the entitlements, the confirmed applications and the decided
reviews. Shared by the selectors (the due list) and the scheduling service."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Max, QuerySet
from django.utils import timezone

from doudi.benefits import selectors as benefits
from doudi.benefits.models import Entitlement
from doudi.registry.models import Household
from doudi.reviews.dates import ReviewClass, next_review_date
from doudi.reviews.models import (
    OPEN_REVIEW_STATUSES,
    ChangeKind,
    EntitlementChange,
    ReviewCase,
    ReviewStatus,
)

# A review is listed as due this many calendar days before its date (demo value: a month's notice
# lets the township plan its home visits).
DUE_SOON_DAYS = 30

REVIEW_CLASS_LABELS = {
    ReviewClass.STABLE: "家庭经济状况相对稳定（每年复核）",
    ReviewClass.UNSTABLE_WITH_LABOUR_CAPACITY: "收入不稳定且有劳动能力（每半年复核）",
}


def review_class_of(situation: dict[str, Any]) -> ReviewClass:
    """Half-yearly when a counted member can work and some wage is declared unstable
    (收入不稳定且有劳动能力), yearly otherwise (POLICY.md §2.8)."""
    members = [m for m in situation.get("members", []) if m.get("counted", True)]
    capacity = any(m.get("labour_capacity") for m in members)
    unstable = any(
        income.get("stable") is False for m in members for income in m.get("incomes", [])
    )
    if capacity and unstable:
        return ReviewClass.UNSTABLE_WITH_LABOUR_CAPACITY
    return ReviewClass.STABLE


def covered_entitlements(household: Household) -> dict[str, tuple[Entitlement, bool]]:
    """Programme → (entitlement, is_suspended): the open entitlements, and for a programme
    without one whose latest change was a suspension, the suspended entitlement."""
    found: dict[str, tuple[Entitlement, bool]] = {
        e.programme: (e, False) for e in benefits.entitlements_open_for(household=household)
    }
    latest: dict[str, EntitlementChange] = {}
    for change in (
        EntitlementChange.objects.filter(household=household)
        .select_related("old_entitlement")
        .order_by("id")
    ):
        latest[change.programme] = change
    for programme, change in latest.items():
        if programme not in found and change.kind == ChangeKind.SUSPEND:
            found[programme] = (change.old_entitlement, True)
    return found


def covered_household_ids(households: QuerySet[Household] | None = None) -> set[int]:
    """Households with an open or a suspended entitlement."""
    entitlements = Entitlement.objects.filter(to_month__isnull=True)
    changes = EntitlementChange.objects.all()
    if households is not None:
        entitlements = entitlements.filter(household__in=households)
        changes = changes.filter(household__in=households)
    ids = set(entitlements.values_list("household_id", flat=True))
    latest: dict[tuple[int, str], str] = {}
    for household_id, programme, kind in changes.order_by("id").values_list(
        "household_id", "programme", "kind"
    ):
        latest[(household_id, programme)] = kind
    ids |= {
        household_id for (household_id, _), kind in latest.items() if kind == ChangeKind.SUSPEND
    }
    return ids


def current_situation(household: Household) -> dict[str, Any]:
    """The latest assessed situation: the last decided review's, else the latest confirmed
    application's with an entitlement."""
    review = (
        ReviewCase.objects.filter(household=household, status=ReviewStatus.DECIDED)
        .exclude(situation={})
        .order_by("-decided_on", "-id")
        .first()
    )
    if review is not None:
        return review.situation
    entitlement = (
        Entitlement.objects.filter(household=household)
        .select_related("application")
        .order_by("-application__decided_at", "-id")
        .first()
    )
    return entitlement.application.situation if entitlement is not None else {}


@dataclass(frozen=True)
class ReviewDue:
    household: Household
    review_class: ReviewClass
    last_review_on: dt.date
    next_review_on: dt.date
    open_review: ReviewCase | None

    def state(self, today: dt.date) -> str:
        if self.next_review_on < today:
            return "overdue"
        if self.next_review_on <= today + dt.timedelta(days=DUE_SOON_DAYS):
            return "due_soon"
        return "on_time"


def review_due_rows(households: Iterable[Household]) -> list[ReviewDue]:
    """The review class and dates of each given household that holds entitlements."""
    households = list(households)
    ids = [h.pk for h in households]
    last_reviews = dict(
        ReviewCase.objects.filter(household_id__in=ids, status=ReviewStatus.DECIDED)
        .values("household_id")
        .annotate(last=Max("decided_on"))
        .values_list("household_id", "last")
    )
    confirmations = dict(
        Entitlement.objects.filter(household_id__in=ids)
        .values("household_id")
        .annotate(last=Max("application__decided_at"))
        .values_list("household_id", "last")
    )
    open_reviews = {
        r.household_id: r
        for r in ReviewCase.objects.filter(household_id__in=ids, status__in=OPEN_REVIEW_STATUSES)
    }
    rows = []
    for household in households:
        last = last_reviews.get(household.pk)
        if last is None:
            confirmed = confirmations.get(household.pk)
            if confirmed is None:
                continue
            last = timezone.localdate(confirmed)
        review_class = review_class_of(current_situation(household))
        rows.append(
            ReviewDue(
                household=household,
                review_class=review_class,
                last_review_on=last,
                next_review_on=next_review_date(review_class, last),
                open_review=open_reviews.get(household.pk),
            )
        )
    rows.sort(key=lambda row: (row.household.township_code, row.next_review_on, row.household.pk))
    return rows
