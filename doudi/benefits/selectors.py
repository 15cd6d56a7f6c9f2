"""Reading entitlements and grants.

Entitlements are seen through the household or the application they belong to: these selectors
take one that the caller has already found through its own region-scoped selector (a household
or an application outside the actor's region never reaches them)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet

from doudi.benefits.models import Entitlement, OneOffGrant


def entitlements_open_for(*, household: Any) -> QuerySet[Entitlement]:
    """The household's entitlements being paid now (no last month)."""
    return Entitlement.objects.filter(household=household, to_month__isnull=True)


def entitlements_of_household(*, household: Any) -> QuerySet[Entitlement]:
    """Every row of the household, closed ones included, by programme and month."""
    return (
        Entitlement.objects.filter(household=household)
        .select_related("application")
        .order_by("programme", "from_month", "id")
    )


def entitlements_of_application(*, application: Any) -> QuerySet[Entitlement]:
    return Entitlement.objects.filter(application=application).order_by("id")


def one_off_grants_of_application(*, application: Any) -> QuerySet[OneOffGrant]:
    """The one-off grants (一次性救助) a confirmation of the application made."""
    return (
        OneOffGrant.objects.filter(application=application)
        .select_related("approved_by")
        .order_by("id")
    )


def one_off_grant_get(*, application: Any, programme: str) -> OneOffGrant | None:
    return OneOffGrant.objects.filter(application=application, programme=programme).first()


def current_in(month_start: dt.date) -> Q:
    """Entitlements still paid in the month starting ``month_start``: open, or ending in or
    after it (a phase-out, 渐退期)."""
    return Q(to_month__isnull=True) | Q(to_month__gte=month_start)


def entitlements_current_in(*, month_start: dt.date, programme: str = "") -> QuerySet[Entitlement]:
    """The entitlements still paid in the month (of one programme when given)."""
    rows = Entitlement.objects.filter(current_in(month_start))
    return rows.filter(programme=programme) if programme else rows
