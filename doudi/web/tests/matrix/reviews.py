"""Persona matrix rows of dynamic management (reviews, change reports, entitlement history)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from doudi.testing.state import row_counts
from doudi.web.tests.matrix.common import PERSONAS, READ, Row

WEB_READ = {**READ, "anonymous": 302}
API_READ = {**READ, "anonymous": 401, "applicant": 401}
# Caseworker-only writes (intake.propose); the approver sees the case but may not propose.
PROPOSE = {
    **dict.fromkeys(PERSONAS, 403),
    "outsider": 404,
}
# Change reports: caseworkers and village workers (intake.submit).
REPORT = {**PROPOSE}


def covered_household(ctx: dict[str, Any]) -> Any:
    """The test household with a confirmed dibao entitlement, written without audit events."""
    from doudi.testing.factories import ApplicationFactory, EntitlementFactory

    household = ctx["household"]
    if "entitlement" not in ctx:
        application = ApplicationFactory(
            household=household,
            status="confirmed",
            decided_at=dt.datetime(2025, 1, 10, tzinfo=dt.UTC),
        )
        ctx["entitlement"] = EntitlementFactory(
            application=application,
            household=household,
            programme="dibao",
            monthly_amount=Decimal("2107.00"),
            from_month=dt.date(2025, 2, 1),
        )
    return household


def review_of(ctx: dict[str, Any]) -> Any:
    """An open review case of the covered test household."""
    from doudi.reviews.models import ReviewCase

    if "review" not in ctx:
        household = covered_household(ctx)
        ctx["review"] = ReviewCase.objects.create(
            household=household,
            trigger="staff",
            status="investigating",
            review_class="stable",
            province_code=household.province_code,
            city_code=household.city_code,
            county_code=household.county_code,
            township_code=household.township_code,
            village_code=household.village_code,
        )
    return ctx["review"]


def _report_form(ctx: dict[str, Any]) -> dict[str, Any]:
    return {"reported_by": "family", "reporter_name": "林建国", "description": "户主找到工作"}


ROWS = [
    Row("reviews/", "GET", lambda c: "/reviews/", {**WEB_READ, "outsider": 200}),
    Row("reviews/", "GET", lambda c: "/reviews/?format=xlsx", {**WEB_READ, "outsider": 200}),
    Row(
        "reviews/<str:public_id>/",
        "GET",
        lambda c: f"/reviews/{review_of(c).public_id}/",
        WEB_READ,
    ),
    Row(
        "reviews/<str:public_id>/actions/<str:action>/",
        "POST",
        lambda c: f"/reviews/{review_of(c).public_id}/actions/propose/",
        {**PROPOSE, "caseworker": 302, "anonymous": 302},
        body=lambda c: {"version": "1", "reason": "多次联系不上", "suspend": "on"},
        writes=True,
    ),
    Row(
        "households/<str:public_id>/reviews/start/",
        "POST",
        lambda c: f"/households/{covered_household(c).public_id}/reviews/start/",
        {**PROPOSE, "caseworker": 302, "anonymous": 302},
        writes=True,
    ),
    Row(
        "households/<str:public_id>/change-reports/",
        "GET",
        lambda c: f"/households/{c['household'].public_id}/change-reports/",
        {**REPORT, "caseworker": 200, "village_worker": 200, "anonymous": 302},
    ),
    Row(
        "households/<str:public_id>/change-reports/",
        "POST",
        lambda c: f"/households/{covered_household(c).public_id}/change-reports/",
        {**REPORT, "caseworker": 302, "village_worker": 302, "anonymous": 302},
        body=_report_form,
        writes=True,
    ),
    Row(
        "households/<str:public_id>/entitlements/",
        "GET",
        lambda c: f"/households/{covered_household(c).public_id}/entitlements/",
        WEB_READ,
    ),
    Row(
        "households/<str:public_id>/entitlements/",
        "GET",
        lambda c: f"/households/{covered_household(c).public_id}/entitlements/?format=xlsx",
        WEB_READ,
    ),
    Row("api/reviews/due", "GET", lambda c: "/api/reviews/due", {**API_READ, "outsider": 200}),
    Row("api/reviews", "GET", lambda c: "/api/reviews", {**API_READ, "outsider": 200}),
    Row(
        "api/reviews/<public_id>",
        "GET",
        lambda c: f"/api/reviews/{review_of(c).public_id}",
        API_READ,
    ),
    Row(
        "api/reviews/<public_id>/actions/<action>",
        "POST",
        lambda c: f"/api/reviews/{review_of(c).public_id}/actions/propose",
        {**PROPOSE, "caseworker": 200, "anonymous": 401, "applicant": 401},
        body=lambda c: {"version": 1, "reason": "多次联系不上", "suspend": True},
        writes=True,
    ),
    Row(
        "api/households/<public_id>/reviews",
        "POST",
        lambda c: f"/api/households/{covered_household(c).public_id}/reviews",
        {**PROPOSE, "caseworker": 201, "anonymous": 401, "applicant": 401},
        writes=True,
    ),
    Row(
        "api/households/<public_id>/change-reports",
        "POST",
        lambda c: f"/api/households/{covered_household(c).public_id}/change-reports",
        {
            **REPORT,
            "caseworker": 201,
            "village_worker": 201,
            "anonymous": 401,
            "applicant": 401,
        },
        body=_report_form,
        writes=True,
    ),
    Row(
        "api/households/<public_id>/entitlements",
        "GET",
        lambda c: f"/api/households/{covered_household(c).public_id}/entitlements",
        API_READ,
    ),
]


def state() -> tuple:
    from django.db.models import Sum

    from doudi.benefits.models import Entitlement
    from doudi.reviews.models import ChangeReport, EntitlementChange, ReviewCase, ReviewEvent

    return (
        ReviewCase.objects.count(),
        ReviewCase.objects.aggregate(total=Sum("version"))["total"] or 0,
        *row_counts(
            ReviewEvent,
            ChangeReport,
            EntitlementChange,
            Entitlement,
            Entitlement.objects.filter(to_month__isnull=True),
        ),
    )
