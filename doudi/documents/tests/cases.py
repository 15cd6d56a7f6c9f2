"""Cases for the document tests: the real workflow path (through the intake services, on fixed
2026 dates) and notice-stage cases written straight to the table when a test needs an exact
proposal."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import time_machine

from doudi.intake import services
from doudi.intake.models import Application
from doudi.intake.services import ConsentSpec, Declaration, IncomeSpec

SHANGHAI = ZoneInfo("Asia/Shanghai")


def on(day: str):  # type: ignore[no-untyped-def]
    """Travel to 10:00 Beijing time on ``day``."""
    return time_machine.travel(
        dt.datetime.combine(dt.date.fromisoformat(day), dt.time(10), tzinfo=SHANGHAI), tick=False
    )


def people(household):  # type: ignore[no-untyped-def]
    return {m.relation: m.person for m in household.memberships.select_related("person")}


def submitted(caseworker, household):  # type: ignore[no-untyped-def]
    """Filed on Monday 2026-11-02: the child's consent signed by a guardian."""
    p = people(household)
    with on("2026-11-02"):
        return services.application_submit(
            actor=caseworker,
            household=household,
            programmes=["dibao"],
            channel="window",
            consents=[
                ConsentSpec(person=p["head"]),
                ConsentSpec(person=p["spouse"]),
                ConsentSpec(person=p["child"], signed_by="guardian", proxy_reason="未成年"),
            ],
            declaration=Declaration(
                incomes=[IncomeSpec(person=p["head"], type="wage", monthly="1200.00")],
                assets={"financial": "3000.00", "vehicles": 0},
            ),
        )


def published(caseworker, household):  # type: ignore[no-untyped-def]
    """Accepted 11-02, visited 11-05, proposed and published on Friday 11-06."""
    application = submitted(caseworker, household)
    with on("2026-11-02"):
        application = services.application_accept(actor=caseworker, application=application)
        application = services.application_start_verification(
            actor=caseworker, application=application
        )
    with on("2026-11-05"):
        application = services.application_record_home_visit(
            actor=caseworker,
            application=application,
            investigators=["吴航经办", "兴华社区主任"],
            record_signed=True,
            photos=3,
            findings="家中仅户主务工",
        )
    with on("2026-11-06"):
        application = services.application_give_initial_opinion(
            actor=caseworker, application=application, favourable=True, opinion="同意纳入低保"
        )
        return services.application_publish_notice(actor=caseworker, application=application)


def awaiting(caseworker, household):  # type: ignore[no-untyped-def]
    application = published(caseworker, household)
    with on("2026-11-16"):
        return services.application_close_notice(actor=caseworker, application=application)


def confirmed(caseworker, approver, household):  # type: ignore[no-untyped-def]
    application = awaiting(caseworker, household)
    with on("2026-11-20"):
        return services.application_confirm(actor=approver, application=application)


def refused(caseworker, approver, household):  # type: ignore[no-untyped-def]
    application = awaiting(caseworker, household)
    with on("2026-11-20"):
        return services.application_refuse(
            actor=approver, application=application, reason="家庭人均收入高于当地低保标准"
        )


def in_notice(household, *, programmes, proposal, published_on):  # type: ignore[no-untyped-def]
    """An application in public notice with this proposal (no services, no events)."""
    members = [
        {"id": str(m.person.public_id), "relation": m.relation}
        for m in household.memberships.filter(is_active=True, is_counted=True)
        .select_related("person")
        .order_by("id")
    ]
    return Application.objects.create(
        household=household,
        programmes=programmes,
        channel="window",
        status="public_notice",
        province_code=household.province_code,
        city_code=household.city_code,
        county_code=household.county_code,
        township_code=household.township_code,
        village_code=household.village_code,
        situation={"members": members},
        opinion_favourable=True,
        proposal=proposal,
        notice_published_on=published_on,
    )
