"""Household economic-status verification (核对): the household page (request a check; record
and withdraw consents), the printable report (sign, re-check) and the API.

Reports are visible only to the case's region (and the verification centre, not a persona here):
the outsider gets 404. Admins, analysts, village workers and partners see no verification data.
Caseworkers request and record or withdraw consents (verification.consent_manage); signing needs a
verification officer of a centre (no persona: all 403)."""

from __future__ import annotations

from typing import Any

from doudi.testing.state import row_counts
from doudi.web.tests.matrix.common import PERSONAS, Row

DENIED = dict.fromkeys(PERSONAS, 403)
READ = {**DENIED, "caseworker": 200, "approver": 200, "auditor": 200, "outsider": 404}
READ_WEB = {**READ, "anonymous": 302}
READ_API = {**READ, "applicant": 401, "anonymous": 401}
LIST_API = {**READ_API, "outsider": 200}  # the outsider's list is empty (region-scoped)
LIST_WEB = {**READ_WEB, "outsider": 200}
# caseworker: no consents → refused with a message (web: redirect; API: 400), nothing written
REQUEST_WEB = {**DENIED, "caseworker": 302, "outsider": 404, "anonymous": 302}
REQUEST_API = {**DENIED, "caseworker": 400, "outsider": 404, "applicant": 401, "anonymous": 401}
SIGN_WEB = {**DENIED, "outsider": 404, "anonymous": 302}
SIGN_API = {**DENIED, "outsider": 404, "applicant": 401, "anonymous": 401}
# caseworker: the report is not signed yet → refused with a message
RECHECK_WEB = REQUEST_WEB
RECHECK_API = REQUEST_API
CONSENT_API = {**DENIED, "caseworker": 201, "outsider": 404, "applicant": 401, "anonymous": 401}
WITHDRAW_API = {**CONSENT_API, "caseworker": 200}
# the household page's consent forms: recorded / withdrawn, then back to the page
CONSENT_WEB = {**DENIED, "caseworker": 302, "outsider": 404, "anonymous": 302}
WITHDRAW_WEB = CONSENT_WEB


def _caseworker(ctx: dict[str, Any]) -> Any:
    from doudi.accounts.scoping import actor_for_user

    return actor_for_user(ctx["users"]["caseworker"])


def _consents(ctx: dict[str, Any]) -> list[Any]:
    """Standalone consents of the test household's members (written without audit events)."""
    from datetime import timedelta

    from django.utils import timezone

    from doudi.verification.models import VerificationConsent

    if "verification_consents" not in ctx:
        household = ctx["household"]
        now = timezone.now()
        ctx["verification_consents"] = [
            VerificationConsent.objects.create(
                person=membership.person,
                household=household,
                signed_by="self",
                signed_at=now,
                valid_until=now + timedelta(days=180),
                province_code=household.province_code,
                city_code=household.city_code,
                county_code=household.county_code,
                township_code=household.township_code,
                village_code=household.village_code,
            )
            for membership in household.memberships.filter(is_active=True, is_counted=True)
        ]
    return ctx["verification_consents"]


def _report(ctx: dict[str, Any]) -> Any:
    """A draft report of the test household (no snapshots: every source "not checked")."""
    from doudi.verification.services import verification_request

    if "verification_report" not in ctx:
        _consents(ctx)
        ctx["verification_report"] = verification_request(
            actor=_caseworker(ctx), household=ctx["household"]
        )
    return ctx["verification_report"]


def _household(ctx: dict[str, Any]) -> str:
    return str(ctx["household"].public_id)


ROWS = [
    Row("verification/reports/", "GET", lambda c: "/verification/reports/", LIST_WEB),
    Row(
        "verification/reports/",
        "GET",
        lambda c: "/verification/reports/?status=&conclusion=suspect&format=xlsx",
        LIST_WEB,
    ),
    Row(
        "verification/households/<str:public_id>/",
        "GET",
        lambda c: f"/verification/households/{_household(c)}/",
        READ_WEB,
    ),
    Row(
        "verification/households/<str:public_id>/",
        "POST",
        lambda c: f"/verification/households/{_household(c)}/",
        REQUEST_WEB,
        body=lambda c: {"application": ""},
        writes=True,
    ),
    Row(
        "verification/households/<str:public_id>/consents/",
        "POST",
        lambda c: f"/verification/households/{_household(c)}/consents/",
        CONSENT_WEB,
        body=lambda c: {
            "person": str(c["head"].public_id),
            "signed_by": "guardian",
            "proxy_reason": "本人失能",
        },
        writes=True,
    ),
    Row(
        "verification/consents/<str:public_id>/withdraw/",
        "POST",
        lambda c: f"/verification/consents/{_consents(c)[0].public_id}/withdraw/",
        WITHDRAW_WEB,
        body=lambda c: {"reason": "本人撤回"},
        writes=True,
    ),
    Row(
        "verification/reports/<str:public_id>/",
        "GET",
        lambda c: f"/verification/reports/{_report(c).public_id}/",
        READ_WEB,
    ),
    Row(
        "verification/reports/<str:public_id>/sign/",
        "POST",
        lambda c: f"/verification/reports/{_report(c).public_id}/sign/",
        SIGN_WEB,
        body=lambda c: {"opinion": "同意"},
        writes=True,
    ),
    Row(
        "verification/reports/<str:public_id>/recheck/",
        "POST",
        lambda c: f"/verification/reports/{_report(c).public_id}/recheck/",
        RECHECK_WEB,
        body=lambda c: {"evidence": "新证据"},
        writes=True,
    ),
    Row(
        "api/verification/requests",
        "POST",
        lambda c: "/api/verification/requests",
        REQUEST_API,
        body=lambda c: {"household": _household(c)},
        writes=True,
    ),
    Row("api/verification/reports", "GET", lambda c: "/api/verification/reports", LIST_API),
    Row(
        "api/verification/reports/<public_id>",
        "GET",
        lambda c: f"/api/verification/reports/{_report(c).public_id}",
        READ_API,
    ),
    Row(
        "api/verification/reports/<public_id>/sign",
        "POST",
        lambda c: f"/api/verification/reports/{_report(c).public_id}/sign",
        SIGN_API,
        body=lambda c: {"opinion": "同意"},
        writes=True,
    ),
    Row(
        "api/verification/reports/<public_id>/recheck",
        "POST",
        lambda c: f"/api/verification/reports/{_report(c).public_id}/recheck",
        RECHECK_API,
        body=lambda c: {"evidence": "新证据"},
        writes=True,
    ),
    Row(
        "api/verification/households/<public_id>/consents",
        "GET",
        lambda c: f"/api/verification/households/{_household(c)}/consents",
        READ_API,
    ),
    Row(
        "api/verification/consents",
        "POST",
        lambda c: "/api/verification/consents",
        CONSENT_API,
        body=lambda c: {
            "household": _household(c),
            "person": str(c["head"].public_id),
            "signed_by": "self",
        },
        writes=True,
    ),
    Row(
        "api/verification/consents/<public_id>/withdraw",
        "POST",
        lambda c: f"/api/verification/consents/{_consents(c)[0].public_id}/withdraw",
        WITHDRAW_API,
        body=lambda c: {"reason": "本人撤回"},
        writes=True,
    ),
]


def state() -> tuple[int, ...]:
    from doudi.verification.models import (
        PersonDataAccess,
        ReportItem,
        ReportSignature,
        VerificationConsent,
        VerificationReport,
    )

    return row_counts(
        VerificationReport,
        ReportItem,
        PersonDataAccess,
        ReportSignature,
        VerificationConsent,
        VerificationConsent.objects.filter(withdrawn_at__isnull=False),
    )
