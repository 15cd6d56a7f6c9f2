"""Cases for the document tests: the real workflow path (through the intake services, on fixed
2026 dates) and notice-stage cases written straight to the table when a test needs an exact
proposal."""

from __future__ import annotations

from doudi.intake import services
from doudi.testing.cases import application_at, head_wage
from doudi.testing.clock import on
from doudi.testing.factories import ApplicationFactory


def people(household):  # type: ignore[no-untyped-def]
    return {m.relation: m.person for m in household.memberships.select_related("person")}


def submitted(caseworker, household):  # type: ignore[no-untyped-def]
    """Filed on Monday 2026-11-02: the child's consent signed by a guardian."""
    return application_at(
        "submitted", caseworker=caseworker, household=household, declaration=declared(household)
    )


def published(caseworker, household):  # type: ignore[no-untyped-def]
    """Accepted 11-02, visited 11-05, proposed and published on Friday 11-06."""
    return application_at(
        "published", caseworker=caseworker, household=household, declaration=declared(household)
    )


def awaiting(caseworker, household):  # type: ignore[no-untyped-def]
    return application_at(
        "awaiting", caseworker=caseworker, household=household, declaration=declared(household)
    )


def confirmed(caseworker, approver, household):  # type: ignore[no-untyped-def]
    return application_at(
        "confirmed",
        caseworker=caseworker,
        household=household,
        approver=approver,
        declaration=declared(household),
    )


def declared(household):  # type: ignore[no-untyped-def]  # noqa: N802
    """The head's wage of 1,200 yuan, 3,000 yuan of savings and no vehicle."""
    return head_wage(household, assets={"financial": "3000.00", "vehicles": 0})


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
    return ApplicationFactory(
        household=household,
        programmes=programmes,
        status="public_notice",
        situation={"members": members},
        opinion_favourable=True,
        proposal=proposal,
        notice_published_on=published_on,
    )
