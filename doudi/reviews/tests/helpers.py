"""Households with entitlements, reached through the intake services (dibao) or written the way a
confirmed 特困 decision leaves them (the intake form has no 特困 inputs yet)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import time_machine
from django.utils import timezone

from doudi.benefits.models import Entitlement
from doudi.intake import services as intake
from doudi.intake.models import Application
from doudi.intake.services import ConsentSpec, Declaration, IncomeSpec
from doudi.registry.services import MemberSpec
from doudi.registry.tests.factories import person_facts, register_household
from doudi.reviews.models import ChangeReport, EntitlementChange, ReviewCase, ReviewEvent

SHANGHAI = ZoneInfo("Asia/Shanghai")


def on(day: str):  # type: ignore[no-untyped-def]
    """Travel to 10:00 Beijing time on ``day``."""
    return time_machine.travel(
        dt.datetime.combine(dt.date.fromisoformat(day), dt.time(10), tzinfo=SHANGHAI), tick=False
    )


def people(household):  # type: ignore[no-untyped-def]
    return {m.relation: m.person for m in household.memberships.select_related("person")}


def confirmed_dibao(caseworker, approver, household) -> Application:  # type: ignore[no-untyped-def]
    """A 3-person household of 吴航街道 whose head earns 1,200 yuan: confirmed on 2026-11-20,
    dibao 2,107.00 yuan a month from 2026-12."""
    members = people(household)
    with on("2026-11-02"):
        application = intake.application_submit(
            actor=caseworker,
            household=household,
            programmes=["dibao"],
            channel="window",
            consents=[
                ConsentSpec(person=members["head"]),
                ConsentSpec(person=members["spouse"]),
                ConsentSpec(person=members["child"], signed_by="guardian", proxy_reason="未成年"),
            ],
            declaration=Declaration(
                incomes=[IncomeSpec(person=members["head"], type="wage", monthly="1200.00")]
            ),
        )
        application = intake.application_accept(actor=caseworker, application=application)
        application = intake.application_start_verification(
            actor=caseworker, application=application
        )
    with on("2026-11-05"):
        application = intake.application_record_home_visit(
            actor=caseworker,
            application=application,
            investigators=["吴航经办", "兴华社区主任"],
            record_signed=True,
            photos=3,
        )
    with on("2026-11-06"):
        application = intake.application_give_initial_opinion(
            actor=caseworker, application=application, favourable=True, opinion="同意纳入低保"
        )
        application = intake.application_publish_notice(actor=caseworker, application=application)
    with on("2026-11-16"):
        application = intake.application_close_notice(actor=caseworker, application=application)
    with on("2026-11-20"):
        return intake.application_confirm(actor=approver, application=application)


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
    application = Application.objects.create(
        household=household,
        programmes=["tekun"],
        channel="window",
        status="confirmed",
        province_code=household.province_code,
        city_code=household.city_code,
        county_code=household.county_code,
        township_code=household.township_code,
        village_code=household.village_code,
        situation=situation,
        decided_at=dt.datetime(2026, 6, 15, 10, tzinfo=SHANGHAI),
        accepted_on=dt.date(2026, 5, 20),
    )
    Entitlement.objects.create(
        application=application,
        household=household,
        programme="tekun",
        monthly_amount=Decimal("1490.00"),
        from_month=dt.date(2026, 7, 1),
        county_code=household.county_code,
        township_code=household.township_code,
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
        ReviewEvent.objects.count(),
        EntitlementChange.objects.count(),
        ChangeReport.objects.count(),
        EvaluationRecord.objects.count(),
        AuditEvent.objects.count(),
    )


def now_date() -> dt.date:
    return timezone.localdate()
