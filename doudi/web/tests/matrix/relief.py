"""Persona matrix rows of the relief area: reserve funds, advance payments (先行救助) and
instalment plans, as web pages and API endpoints."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from doudi.testing.state import row_counts
from doudi.web.tests.matrix.common import PERSONAS, READ, Row, application_of

DENIED = dict.fromkeys(PERSONAS, 403)
WEB = {"anonymous": 302}
API = {"anonymous": 401, "applicant": 401}

# Who sees funds and advances: caseworkers (their township), the county's approver/officer
# and auditor; the other township's caseworker sees their own (empty) region.
FUND_LIST = {**DENIED, "caseworker": 200, "approver": 200, "outsider": 200, "auditor": 200}
FUND_READ = {**DENIED, "caseworker": 200, "approver": 200, "outsider": 404, "auditor": 200}
COUNTY_WRITE = {**DENIED, "outsider": 404}  # the view finds the fund first: 404 outside


def _actor(ctx: dict[str, Any], persona: str) -> Any:
    from doudi.accounts.scoping import actor_for_user

    return actor_for_user(ctx["users"][persona])


def fund_of(ctx: dict[str, Any]) -> Any:
    """吴航街道's fund, created and topped up with 20,000 yuan by the county officer."""
    from doudi.relief import services

    if "fund" not in ctx:
        county = _actor(ctx, "approver")
        fund = services.reserve_fund_create(actor=county, township_code="350112001")
        services.reserve_fund_top_up(actor=county, fund=fund, amount="20000.00", memo="拨付")
        ctx["fund"] = fund
    return ctx["fund"]


def advance_of(ctx: dict[str, Any]) -> Any:
    """1,000 yuan paid first to the test household's head by 吴航's caseworker."""
    from doudi.core.id_protection import id_number_decrypt
    from doudi.relief import services

    if "advance" not in ctx:
        head = ctx["head"]
        ctx["advance"] = services.advance_payment_record(
            actor=_actor(ctx, "caseworker"),
            fund=fund_of(ctx),
            id_number=id_number_decrypt(head.id_number_encrypted),
            name=head.name,
            amount="1000.00",
            emergency="家中失火",
        )
    return ctx["advance"]


def reconciliation_of(ctx: dict[str, Any]) -> Any:
    from doudi.relief import services

    if "reconciliation" not in ctx:
        ctx["reconciliation"] = services.reserve_fund_reconcile(
            actor=_actor(ctx, "approver"), fund=fund_of(ctx), counted_balance="20000.00"
        )
    return ctx["reconciliation"]


def temporary_application_of(ctx: dict[str, Any]) -> Any:
    """A submitted temporary-assistance application of the household (no audit event)."""
    from doudi.testing.factories import ApplicationFactory

    if "temporary_application" not in ctx:
        ctx["temporary_application"] = ApplicationFactory(
            household=ctx["household"], programmes=["temporary_assistance"]
        )
    return ctx["temporary_application"]


def plan_of(ctx: dict[str, Any]) -> Any:
    """A one-instalment plan on the matrix's application, written directly as test data."""
    from doudi.relief.models import Instalment, InstalmentPlan

    if "plan" not in ctx:
        application = application_of(ctx)
        plan = InstalmentPlan.objects.create(
            application=application,
            approved_amount=Decimal("1000.00"),
            province_code=application.province_code,
            city_code=application.city_code,
            county_code=application.county_code,
            township_code=application.township_code,
            village_code=application.village_code,
            created_by=ctx["users"]["caseworker"],
        )
        Instalment.objects.create(plan=plan, number=1, month="2026-12-01", amount="1000.00")
        ctx["plan"] = plan
    return ctx["plan"]


def _advance_form(ctx: dict[str, Any]) -> dict[str, Any]:
    from doudi.core.id_protection import id_number_decrypt

    fund_of(ctx)
    head = ctx["head"]
    return {
        "id_number": id_number_decrypt(head.id_number_encrypted),
        "name": head.name,
        "amount": "500.00",
        "emergency": "交通事故受伤",
    }


def _fund(ctx: dict[str, Any]) -> str:
    return str(fund_of(ctx).public_id)


def _advance(ctx: dict[str, Any]) -> str:
    return str(advance_of(ctx).public_id)


def _link_body(ctx: dict[str, Any]) -> dict[str, Any]:
    return {"application": str(temporary_application_of(ctx).public_id)}


def _link_url(prefix: str) -> Any:
    def url(ctx: dict[str, Any]) -> str:
        temporary_application_of(ctx)
        return f"{prefix}/relief/advances/{_advance(ctx)}/link" + ("/" if not prefix else "")

    return url


def _application(ctx: dict[str, Any]) -> str:
    return str(application_of(ctx).public_id)


def _plan_application(ctx: dict[str, Any]) -> str:
    return str(plan_of(ctx).application.public_id)


WEB_ROWS = [
    Row("relief/funds/", "GET", lambda c: "/relief/funds/", {**FUND_LIST, **WEB}),
    Row(
        "relief/funds/",
        "GET",
        lambda c: (fund_of(c), "/relief/funds/?format=xlsx")[1],
        {**FUND_LIST, **WEB},
    ),
    Row(
        "relief/funds/",
        "POST",
        lambda c: "/relief/funds/",
        {**DENIED, "approver": 302, **WEB},
        body=lambda c: {"township_code": "350112001"},
        writes=True,
    ),
    Row(
        "relief/funds/<str:public_id>/",
        "GET",
        lambda c: f"/relief/funds/{_fund(c)}/",
        {**FUND_READ, **WEB},
    ),
    Row(
        "relief/funds/<str:public_id>/",
        "GET",
        lambda c: f"/relief/funds/{_fund(c)}/?format=xlsx",
        {**FUND_READ, **WEB},
    ),
    Row(
        "relief/funds/<str:public_id>/top-up/",
        "POST",
        lambda c: f"/relief/funds/{_fund(c)}/top-up/",
        {**COUNTY_WRITE, "approver": 302, **WEB},
        body=lambda c: {"amount": "100.00", "memo": "追加拨付"},
        writes=True,
    ),
    Row(
        "relief/funds/<str:public_id>/configure/",
        "POST",
        lambda c: f"/relief/funds/{_fund(c)}/configure/",
        {**COUNTY_WRITE, "approver": 302, **WEB},
        body=lambda c: {"advance_limit": "3000.00", "paperwork_working_days": "5"},
        writes=True,
    ),
    Row(
        "relief/funds/<str:public_id>/reconcile/",
        "POST",
        lambda c: f"/relief/funds/{_fund(c)}/reconcile/",
        {**COUNTY_WRITE, "approver": 302, **WEB},
        body=lambda c: {"counted_balance": "20000.00"},
        writes=True,
    ),
    Row(
        "relief/reconciliations/<str:public_id>/",
        "GET",
        lambda c: f"/relief/reconciliations/{reconciliation_of(c).public_id}/",
        {**FUND_READ, **WEB},
    ),
    Row("relief/advances/", "GET", lambda c: "/relief/advances/", {**FUND_LIST, **WEB}),
    Row(
        "relief/advances/",
        "GET",
        lambda c: (advance_of(c), "/relief/advances/?format=xlsx")[1],
        {**FUND_LIST, **WEB},
    ),
    Row(
        "relief/advances/",
        "GET",
        lambda c: (advance_of(c), "/relief/advances/?township=350112001&state=open&page=2")[1],
        {**FUND_LIST, **WEB},
    ),
    Row(
        "relief/advances/",
        "GET",
        lambda c: (
            advance_of(c),
            "/relief/advances/?township=350112001&state=due_soon&format=xlsx",
        )[1],
        {**FUND_LIST, **WEB},
    ),
    Row(
        "relief/advances/new/",
        "GET",
        lambda c: (fund_of(c), "/relief/advances/new/")[1],
        {**DENIED, "caseworker": 200, "outsider": 200, **WEB},  # outsider: "no fund yet"
    ),
    Row(
        "relief/advances/new/",
        "POST",
        lambda c: (fund_of(c), "/relief/advances/new/")[1],
        # the outsider's township has no fund: refused (400) and nothing written
        {**DENIED, "caseworker": 302, "outsider": 400, **WEB},
        body=_advance_form,
        writes=True,
    ),
    Row(
        "relief/advances/<str:public_id>/",
        "GET",
        lambda c: f"/relief/advances/{_advance(c)}/",
        {**FUND_READ, **WEB},
    ),
    Row(
        "relief/advances/<str:public_id>/link/",
        "POST",
        _link_url(""),
        {**COUNTY_WRITE, "caseworker": 302, **WEB},
        body=_link_body,
        writes=True,
    ),
    Row(
        "relief/advances/<str:public_id>/reverse/",
        "POST",
        lambda c: f"/relief/advances/{_advance(c)}/reverse/",
        {**COUNTY_WRITE, "approver": 302, **WEB},
        body=lambda c: {"reason": "误发"},
        writes=True,
    ),
    Row(
        "relief/applications/<str:public_id>/instalments/",
        "GET",
        lambda c: f"/relief/applications/{_application(c)}/instalments/",
        {**READ, **WEB},
    ),
    Row(
        "relief/applications/<str:public_id>/instalments/",
        "POST",
        lambda c: f"/relief/applications/{_application(c)}/instalments/",
        # the caseworker is told the application is not a confirmed expenditure case (302 back)
        {**DENIED, "caseworker": 302, "outsider": 404, **WEB},
        body=lambda c: {"month": ["2026-12"], "amount": ["100.00"]},
        writes=True,
    ),
    Row(
        "relief/applications/<str:public_id>/instalments/<int:number>/pay/",
        "POST",
        lambda c: f"/relief/applications/{_plan_application(c)}/instalments/1/pay/",
        {**DENIED, "caseworker": 302, "outsider": 404, **WEB},
        body=lambda c: {"reference": "BK1"},
        writes=True,
    ),
]

API_ROWS = [
    Row("api/relief/funds", "GET", lambda c: "/api/relief/funds", {**FUND_LIST, **API}),
    Row(
        "api/relief/funds",
        "POST",
        lambda c: "/api/relief/funds",
        {**DENIED, "approver": 201, **API},
        body=lambda c: {"township_code": "350112001"},
        writes=True,
    ),
    Row(
        "api/relief/funds/<public_id>",
        "GET",
        lambda c: f"/api/relief/funds/{_fund(c)}",
        {**FUND_READ, **API},
    ),
    Row(
        "api/relief/funds/<public_id>/top-ups",
        "POST",
        lambda c: f"/api/relief/funds/{_fund(c)}/top-ups",
        {**COUNTY_WRITE, "approver": 201, **API},
        body=lambda c: {"amount": "100.00", "memo": "追加拨付"},
        writes=True,
    ),
    Row(
        "api/relief/funds/<public_id>/reconciliations",
        "GET",
        lambda c: (reconciliation_of(c), f"/api/relief/funds/{_fund(c)}/reconciliations")[1],
        {**FUND_READ, **API},
    ),
    Row(
        "api/relief/funds/<public_id>/reconciliations",
        "POST",
        lambda c: f"/api/relief/funds/{_fund(c)}/reconciliations",
        {**COUNTY_WRITE, "approver": 201, **API},
        body=lambda c: {"counted_balance": "20000.00"},
        writes=True,
    ),
    Row(
        "api/relief/funds/<public_id>/advances",
        "POST",
        lambda c: f"/api/relief/funds/{_fund(c)}/advances",
        {**COUNTY_WRITE, "caseworker": 201, **API},
        body=_advance_form,
        writes=True,
    ),
    Row("api/relief/advances", "GET", lambda c: "/api/relief/advances", {**FUND_LIST, **API}),
    Row(
        "api/relief/advances/<public_id>",
        "GET",
        lambda c: f"/api/relief/advances/{_advance(c)}",
        {**FUND_READ, **API},
    ),
    Row(
        "api/relief/advances/<public_id>/link",
        "POST",
        lambda c: (temporary_application_of(c), f"/api/relief/advances/{_advance(c)}/link")[1],
        {**COUNTY_WRITE, "caseworker": 200, **API},
        body=_link_body,
        writes=True,
    ),
    Row(
        "api/relief/advances/<public_id>/reverse",
        "POST",
        lambda c: f"/api/relief/advances/{_advance(c)}/reverse",
        {**COUNTY_WRITE, "approver": 200, **API},
        body=lambda c: {"reason": "误发"},
        writes=True,
    ),
    Row(
        "api/relief/applications/<public_id>/instalments",
        "GET",
        lambda c: f"/api/relief/applications/{_application(c)}/instalments",
        {**READ, **API},
    ),
    Row(
        "api/relief/applications/<public_id>/instalments",
        "POST",
        lambda c: f"/api/relief/applications/{_application(c)}/instalments",
        # the caseworker: 400, the application is not a confirmed expenditure case
        {**DENIED, "caseworker": 400, "outsider": 404, **API},
        body=lambda c: {"instalments": [{"month": "2026-12", "amount": "100.00"}]},
        writes=True,
    ),
    Row(
        "api/relief/applications/<public_id>/instalments/<number>/pay",
        "POST",
        lambda c: f"/api/relief/applications/{_plan_application(c)}/instalments/1/pay",
        {**DENIED, "caseworker": 200, "outsider": 404, **API},
        body=lambda c: {"reference": "BK1"},
        writes=True,
    ),
]

ROWS = WEB_ROWS + API_ROWS


def state() -> tuple[int, ...]:
    from doudi.core.models import Deadline
    from doudi.relief.models import (
        AdvancePayment,
        Instalment,
        InstalmentPayment,
        InstalmentPlan,
        LedgerEntry,
        Reconciliation,
        ReserveFund,
    )

    return row_counts(
        ReserveFund,
        ReserveFund.objects.filter(advance_limit_is_demo=False),
        LedgerEntry,
        Reconciliation,
        AdvancePayment,
        AdvancePayment.objects.filter(application__isnull=False),
        AdvancePayment.objects.filter(reversed_at__isnull=False),
        InstalmentPlan,
        Instalment,
        InstalmentPayment,
        Deadline.objects.filter(closed_at__isnull=True),
    )
