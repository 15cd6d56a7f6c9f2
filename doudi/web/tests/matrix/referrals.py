"""Persona-matrix rows of the referrals area (一门受理、协同办理).

The referral under test is a medical-assistance referral of the test household (吴航街道), so the
`partner` persona (长乐区医疗保障局) sees it; civil-affairs staff with `referral.view` see it in their
region, the outsider township does not (404), and roles without the permission get 403."""

from __future__ import annotations

from typing import Any

from doudi.web.tests.matrix.common import PERSONAS, Row

# Who may read a referral of 吴航街道 made to the medical-security bureau of 长乐区.
VIEW = {
    "caseworker": 200,
    "approver": 200,
    "outsider": 404,
    "auditor": 200,
    "analyst": 403,
    "admin": 403,
    "village_worker": 403,
    "partner": 200,
    "applicant": 403,
}
# A list is the actor's own scope: the outsider gets their (empty) region.
LIST = {**VIEW, "outsider": 200}
# Only the partner department it was sent to may receive, answer or return it.
ANSWER = {**dict.fromkeys(PERSONAS, 403), "outsider": 404}
# Only a caseworker of the household's region refers by hand.
CREATE = {**dict.fromkeys(PERSONAS, 403), "outsider": 404}


def referral_of(ctx: dict[str, Any]) -> Any:
    """A sent medical-assistance referral of the test household, written without an audit event
    so that it does not count as a change made by the request under test."""
    from doudi.referrals.models import Referral

    if "referral" not in ctx:
        household = ctx["household"]
        ctx["referral"] = Referral.objects.create(
            household=household,
            origin="manual",
            need="medical",
            department="medical_assistance",
            province_code=household.province_code,
            city_code=household.city_code,
            county_code=household.county_code,
            township_code=household.township_code,
            village_code=household.village_code,
        )
    return ctx["referral"]


def state() -> tuple:
    from doudi.core.models import Deadline
    from doudi.referrals.models import Referral

    return (
        Referral.objects.count(),
        sum(Referral.objects.values_list("version", flat=True)),
        Deadline.objects.filter(object_type="referrals.referral").count(),
    )


API = {"anonymous": 401, "applicant": 401}
WEB = {"anonymous": 302}

ROWS = [
    Row("api/referrals", "GET", lambda c: "/api/referrals", {**LIST, **API}),
    Row(
        "api/referrals",
        "POST",
        lambda c: "/api/referrals",
        {**CREATE, "caseworker": 201, **API},
        body=lambda c: {"household": str(c["household"].public_id), "need": "education"},
        writes=True,
    ),
    Row(
        "api/referrals/<public_id>",
        "GET",
        lambda c: f"/api/referrals/{referral_of(c).public_id}",
        {**VIEW, **API},
    ),
    Row(
        "api/referrals/<public_id>/actions/<action>",
        "POST",
        lambda c: f"/api/referrals/{referral_of(c).public_id}/actions/receive",
        {**ANSWER, "partner": 200, **API},
        body=lambda c: {"version": 1},
        writes=True,
    ),
    Row("referrals/", "GET", lambda c: "/referrals/", {**LIST, **WEB}),
    Row("referrals/", "GET", lambda c: "/referrals/?status=sent&format=xlsx", {**LIST, **WEB}),
    Row(
        "referrals/<str:public_id>/",
        "GET",
        lambda c: f"/referrals/{referral_of(c).public_id}/",
        {**VIEW, **WEB},
    ),
    Row(
        "referrals/<str:public_id>/actions/<str:action>/",
        "POST",
        lambda c: f"/referrals/{referral_of(c).public_id}/actions/receive/",
        {**ANSWER, "partner": 302, **WEB},
        body=lambda c: {"version": "1"},
        writes=True,
    ),
    Row(
        "households/<str:public_id>/referrals/new/",
        "GET",
        lambda c: f"/households/{c['household'].public_id}/referrals/new/",
        {**CREATE, "caseworker": 200, **WEB},
    ),
    Row(
        "households/<str:public_id>/referrals/new/",
        "POST",
        lambda c: f"/households/{c['household'].public_id}/referrals/new/",
        {**CREATE, "caseworker": 302, **WEB},
        body=lambda c: {"need": "education", "note": "子女就读高中"},
        writes=True,
    ),
]
