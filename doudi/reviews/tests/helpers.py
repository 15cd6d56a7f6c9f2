"""Households with entitlements, reached through the intake services (dibao) or written the way a
confirmed 特困 decision leaves them (the intake form has no 特困 inputs yet)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from doudi.benefits.models import Entitlement
from doudi.intake.models import Application
from doudi.registry.services import MemberSpec
from doudi.registry.tests.factories import person_facts, register_household
from doudi.reviews.models import ChangeReport, EntitlementChange, ReviewCase, ReviewEvent
from doudi.testing.cases import application_at
from doudi.testing.clock import SHANGHAI
from doudi.testing.factories import ApplicationFactory, EntitlementFactory
from doudi.testing.state import row_counts


def people(household):  # type: ignore[no-untyped-def]
    return {m.relation: m.person for m in household.memberships.select_related("person")}


def confirmed_dibao(caseworker, approver, household) -> Application:  # type: ignore[no-untyped-def]
    """A 3-person household of 吴航街道 whose head earns 1,200 yuan: confirmed on 2026-11-20,
    dibao 2,107.00 yuan a month from 2026-12."""
    return application_at(
        "confirmed", caseworker=caseworker, household=household, approver=approver, findings=""
    )


def tekun_household(caseworker):  # type: ignore[no-untyped-def]
    """A widower of 76 living alone in 兴华社区, recognised as 特困 (dispersed, fully self-caring)
    on 2026-06-15 with 1,490.00 yuan a month from 2026-07."""
    household = register_household(
        caseworker,
        address="吴航街道兴华社区7号",
        members=[
            MemberSpec(relation="head", facts=person_facts("郑老伯", dt.date(1950, 4, 2))),
        ],
    )
    head = household.memberships.get().person
    situation = {
        "month": "2026-06",
        "region": household.county_code,
        "area_type": household.area_type,
        "members": [
            {
                "id": str(head.public_id),
                "relation": "head",
                "birth_date": "1950-04-02",
                "counted": True,
                "labour_capacity": False,
                "in_school": "none",
                "serious_illness": False,
                "incomes": [],
                "tekun": {"supporters_unable": True, "centralised": False, "recognised": True},
            }
        ],
    }
    application = ApplicationFactory(
        household=household,
        programmes=["tekun"],
        status="confirmed",
        situation=situation,
        decided_at=dt.datetime(2026, 6, 15, 10, tzinfo=SHANGHAI),
        accepted_on=dt.date(2026, 5, 20),
    )
    EntitlementFactory(
        application=application,
        household=household,
        programme="tekun",
        monthly_amount=Decimal("1490.00"),
        from_month=dt.date(2026, 7, 1),
    )
    return household


def entitlement_rows(household) -> list[tuple]:  # type: ignore[no-untyped-def]
    return list(
        Entitlement.objects.filter(household=household)
        .order_by("id")
        .values_list("programme", "monthly_amount", "from_month", "to_month")
    )


def state(household) -> tuple:  # type: ignore[no-untyped-def]
    """Everything a refused review step must leave as it was."""
    from doudi.core.models import AuditEvent
    from doudi.standards.models import EvaluationRecord

    return (
        entitlement_rows(household),
        list(ReviewCase.objects.order_by("id").values_list("status", "version")),
        *row_counts(ReviewEvent, EntitlementChange, ChangeReport, EvaluationRecord, AuditEvent),
    )


def now_date() -> dt.date:
    return timezone.localdate()
