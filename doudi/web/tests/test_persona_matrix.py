"""Authorization matrix: every web view and API endpoint, for every persona.

Expected status per persona; a household of 吴航街道 is the object under test. The last test fails
when a route is added without a row here, so the matrix cannot fall behind the URLs."""

from __future__ import annotations

import importlib
import json
import pkgutil
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from doudi.core.models import AuditEvent
from doudi.policy.tests.test_population import write_snapshot
from doudi.registry.models import Household, Membership, Person
from doudi.registry.tests.factories import make_id_number
from doudi.testing.clients import api_client, api_headers, logged_in
from doudi.testing.state import row_counts
from doudi.web.tests.matrix.common import (
    ANY_STAFF,
    PERSONAS,
    READ,
    REVEAL,
    SIMULATE,
    WRITE,
    Row,
    application_of,
)

pytestmark = pytest.mark.django_db


def _area_modules() -> list[Any]:
    """Every sibling module of `matrix.common`: each holds one area's rows."""
    import doudi.web.tests.matrix as package

    names = sorted(m.name for m in pkgutil.iter_modules(package.__path__) if m.name != "common")
    return [importlib.import_module(f"{package.__name__}.{name}") for name in names]


AREAS = _area_modules()


def _new_member(ctx: dict[str, Any]) -> dict[str, Any]:
    return {
        "relation": "parent",
        "reason": "老人随住",
        "person": {
            "name": "林老伯",
            "id_number": make_id_number(date(1950, 2, 3)),
            "hukou_region_code": "350112001001",
            "hukou_type": "urban",
        },
    }


def _new_household(ctx: dict[str, Any]) -> dict[str, Any]:
    return {
        "village_code": "350112001002",
        "address": "吴航街道西关社区9号",
        "area_type": "urban",
        "reason": "首次登记",
        "members": [
            {
                "relation": "head",
                "person": {
                    "name": "王海",
                    "id_number": make_id_number(date(1975, 6, 1)),
                    "hukou_region_code": "350112001002",
                    "hukou_type": "urban",
                },
            }
        ],
    }


def _standard_body() -> dict[str, Any]:
    return {
        "parameter": "dibao.standard",
        "region_code": "350112",
        "amount": "900.00",
        "effective_from": "2026-01-01",
        "document": "长民〔2025〕9号（合成）",
        "reason": "年度调标",
        "area_scope": "unified",
    }


def _simulation_url(ctx: dict[str, Any], path: str) -> str:
    """A five-household snapshot of 长乐区 in the test's DATA_DIR, and a query simulating it."""
    directory = Path(ctx["data_dir"]) / "matrix"
    if not directory.exists():
        write_snapshot(
            directory,
            [{"household_id": i, "county_code": "350112"} for i in range(1, 6)],
            [
                {"household_id": i, "wage_monthly_fen": i * 30_000, "wage_stable": True}
                for i in range(1, 6)
            ],
        )
    return f"{path}?population=matrix&month=2023-01&share=45&rounding=10&rounding_mode=nearest"


def _application_body(ctx: dict[str, Any]) -> dict[str, Any]:
    household = ctx["household"]
    people = [m.person for m in household.memberships.filter(is_counted=True)]
    return {
        "household": str(household.public_id),
        "programmes": ["dibao"],
        "channel": "window",
        "consents": [
            {"person": str(p.public_id), "signed_by": "proxy", "proxy_reason": "委托"}
            for p in people
        ],
    }


def _application_form(ctx: dict[str, Any]) -> dict[str, Any]:
    """The web form: dibao at the window, every counted member's consent signed by proxy."""
    household = ctx["household"]
    data: dict[str, Any] = {"programmes": ["dibao"], "channel": "window"}
    for membership in household.memberships.filter(is_counted=True, is_active=True):
        key = str(membership.person.public_id)
        data.update(
            {f"consent_{key}": "on", f"signed_by_{key}": "proxy", f"proxy_reason_{key}": "委托"}
        )
    return data


# Every step of a just-submitted case through its own operation, with a body every step's schema
# takes: who may take which step is the matrix's question, the workflow's state answers the rest.
STEP_BODY = {
    "version": 1,
    "items": ["户口簿"],
    "investigators": ["甲", "乙"],
    "record_signed": True,
    "photos": 2,
    "result": "同意",
    "favourable": True,
    "opinion": "同意",
    "objection": "有异议",
    "reason": "理由",
}
# Nobody but the township's caseworker and the approver takes a step; outside the region the case
# does not exist.
STEP_DENIED = {**WRITE, "applicant": 401, "anonymous": 401}
# (caseworker, approver) on a just-submitted case: 200 a step taken, 400 the workflow's "not now",
# 403 a step that is the other's.
STEP_ANSWERS = {
    "request_more": (200, 403),
    "record_supplied": (400, 403),
    "accept": (200, 403),
    "start_verification": (400, 403),
    "record_home_visit": (400, 403),
    "start_community_review": (400, 403),
    "record_community_review": (400, 403),
    "give_initial_opinion": (400, 403),
    "publish_notice": (400, 403),
    "record_objection": (400, 403),
    "reinvestigate": (400, 403),
    "close_notice_without_objection": (400, 403),
    "county_review": (403, 400),
    "confirm": (403, 400),
    "refuse": (403, 400),
    "send_refusal_notice": (400, 400),
    "extend": (400, 400),
    "withdraw": (200, 403),
}


def _step_row(action: str, caseworker: int, approver: int) -> Row:
    return Row(
        f"api/applications/<public_id>/actions/{action}",
        "POST",
        lambda c: f"/api/applications/{application_of(c).public_id}/actions/{action}",
        {**STEP_DENIED, "caseworker": caseworker, "approver": approver},
        body=lambda c: STEP_BODY,
        writes=True,
    )


STEP_ROWS = [_step_row(action, *answers) for action, answers in STEP_ANSWERS.items()]


API_ROWS = [
    Row(
        "api/idcard/<number>",
        "GET",
        lambda c: "/api/idcard/11010519491231002X",
        {**ANY_STAFF, "anonymous": 401, "applicant": 401},
    ),
    Row(
        "api/divisions/<code>",
        "GET",
        lambda c: "/api/divisions/350112",
        {**ANY_STAFF, "anonymous": 401, "applicant": 401},
    ),
    Row(
        "api/divisions",
        "GET",
        lambda c: "/api/divisions?name=长乐区",
        {**ANY_STAFF, "anonymous": 401, "applicant": 401},
    ),
    Row(
        "api/households",
        "GET",
        lambda c: "/api/households?region_code=350112001",
        {
            **READ,
            "outsider": 200,
            "anonymous": 401,
            "applicant": 401,
        },  # outsider: 200 with an empty list (asserted below)
    ),
    Row(
        "api/households",
        "POST",
        lambda c: "/api/households",
        {**WRITE, "outsider": 403, "approver": 201, "anonymous": 401, "applicant": 401},
        body=_new_household,
        writes=True,
    ),
    Row(
        "api/households/<public_id>",
        "GET",
        lambda c: f"/api/households/{c['household'].public_id}",
        {**READ, "anonymous": 401, "applicant": 401},
    ),
    Row(
        "api/households/<public_id>/members",
        "POST",
        lambda c: f"/api/households/{c['household'].public_id}/members",
        {**WRITE, "anonymous": 401, "applicant": 401},
        body=_new_member,
        writes=True,
    ),
    Row(
        "api/households/<public_id>/members/<membership_id>/remove",
        "POST",
        lambda c: f"/api/households/{c['household'].public_id}/members/{c['child'].pk}/remove",
        {**WRITE, "caseworker": 200, "approver": 200, "anonymous": 401, "applicant": 401},
        body=lambda c: {"reason": "迁出"},
        writes=True,
    ),
    Row(
        "api/households/<public_id>/history",
        "GET",
        lambda c: f"/api/households/{c['household'].public_id}/history",
        {**READ, "anonymous": 401, "applicant": 401},
    ),
    Row(
        "api/persons/<public_id>",
        "GET",
        lambda c: f"/api/persons/{c['head'].public_id}",
        {**READ, "anonymous": 401, "applicant": 401},
    ),
    Row(
        "api/persons/<public_id>",
        "PATCH",
        lambda c: f"/api/persons/{c['head'].public_id}",
        {**WRITE, "caseworker": 200, "approver": 200, "anonymous": 401, "applicant": 401},
        body=lambda c: {"reason": "更新电话", "phone": "10012345678"},
        writes=True,
    ),
    Row(
        "api/persons/<public_id>/id-number",
        "POST",
        lambda c: f"/api/persons/{c['head'].public_id}/id-number",
        {**REVEAL, "anonymous": 401, "applicant": 401},
        body=lambda c: {"purpose": "核对"},
        writes=True,
    ),
    Row(
        "api/persons/<public_id>/bank-accounts",
        "GET",
        lambda c: f"/api/persons/{c['head'].public_id}/bank-accounts",
        {**READ, "anonymous": 401, "applicant": 401},
    ),
    Row(
        "api/persons/<public_id>/bank-accounts",
        "POST",
        lambda c: f"/api/persons/{c['head'].public_id}/bank-accounts",
        {**WRITE, "anonymous": 401, "applicant": 401},
        body=lambda c: {
            "bank_name": "合成数据银行",
            "account_number": "9999990000000000006",
            "reason": "登记发放账户",
        },
        writes=True,
    ),
    Row(
        "api/", "GET", lambda c: "/api/", dict.fromkeys(PERSONAS, 404)
    ),  # django-ninja's root: no listing
    Row(
        "api/standards",
        "GET",
        lambda c: "/api/standards",
        {**ANY_STAFF, "anonymous": 401, "applicant": 401},
    ),
    Row(
        "api/standards",
        "POST",
        lambda c: "/api/standards",
        {**dict.fromkeys(PERSONAS, 403), "approver": 201, "anonymous": 401, "applicant": 401},
        body=lambda c: _standard_body(),
        writes=True,
    ),
    Row(
        "api/policy/evaluate",
        "POST",
        lambda c: "/api/policy/evaluate",
        {**ANY_STAFF, "anonymous": 401, "applicant": 401},
        body=lambda c: {
            "month": "2023-03",
            "region": "350112",
            "members": [
                {"id": "m1", "relation": "head", "birth_date": "1960-01-01", "counted": True}
            ],
        },
    ),
    Row(
        "api/applications",
        "GET",
        lambda c: "/api/applications",
        {**READ, "outsider": 200, "anonymous": 401, "applicant": 401},
    ),
    Row(
        "api/applications",
        "POST",
        lambda c: "/api/applications",
        {**WRITE, "approver": 403, "village_worker": 201, "anonymous": 401, "applicant": 401},
        body=_application_body,
        writes=True,
    ),
    Row(
        "api/applications/due",
        "GET",
        lambda c: "/api/applications/due",
        {**READ, "outsider": 200, "anonymous": 401, "applicant": 401},
    ),
    Row(
        "api/applications/<public_id>",
        "GET",
        lambda c: f"/api/applications/{application_of(c).public_id}",
        {**READ, "anonymous": 401, "applicant": 401},
    ),
    Row(
        "api/applications/<public_id>/actions/<action>",
        "POST",
        lambda c: f"/api/applications/{application_of(c).public_id}/actions/fly",
        {
            **WRITE,
            # an unknown action: 400 naming the actions there are, to whoever sees the case
            **dict.fromkeys(("caseworker", "approver", "admin", "auditor", "village_worker"), 400),
            "anonymous": 401,
            "applicant": 401,
        },
        body=lambda c: {"version": 1},
        writes=True,
    ),
    *STEP_ROWS,
    Row(
        "api/docs", "GET", lambda c: "/api/docs", {**ANY_STAFF, "anonymous": 200, "applicant": 200}
    ),
    Row(
        "api/openapi.json",
        "GET",
        lambda c: "/api/openapi.json",
        {**ANY_STAFF, "anonymous": 200, "applicant": 200},
    ),
]

WEB_ROWS = [
    Row("", "GET", lambda c: "/", {**ANY_STAFF, "anonymous": 302}),
    Row("login/", "GET", lambda c: "/login/", {**ANY_STAFF, "anonymous": 200, "applicant": 200}),
    Row("logout/", "POST", lambda c: "/logout/", {**dict.fromkeys(PERSONAS, 302)}),
    # The login's later steps: a session past both steps is sent on; township staff may enrol.
    Row(
        "login/verify/",
        "GET",
        lambda c: "/login/verify/",
        {**dict.fromkeys(PERSONAS, 302), "applicant": 403},
    ),
    Row(
        "login/enrol/",
        "GET",
        lambda c: "/login/enrol/",
        {
            **dict.fromkeys(PERSONAS, 302),
            **dict.fromkeys(["caseworker", "outsider", "village_worker"], 200),
            "applicant": 403,
        },
    ),
    Row("password/change/", "GET", lambda c: "/password/change/", {**ANY_STAFF, "anonymous": 302}),
    Row(
        "households/",
        "GET",
        lambda c: "/households/?region_code=350112001",
        {**READ, "outsider": 200, "analyst": 403, "anonymous": 302},
    ),
    Row(
        "households/<str:public_id>/",
        "GET",
        lambda c: f"/households/{c['household'].public_id}/",
        {**READ, "anonymous": 302},
    ),
    Row(
        "persons/<str:public_id>/reveal-id/",
        "POST",
        lambda c: f"/persons/{c['head'].public_id}/reveal-id/",
        {**{k: (302 if v == 200 else v) for k, v in REVEAL.items()}, "anonymous": 302},
        body=lambda c: {"purpose": "核对", "household": str(c["household"].public_id)},
        writes=True,
    ),
    Row(
        "households/<str:public_id>/apply/",
        "GET",
        lambda c: f"/households/{c['household'].public_id}/apply/",
        {**WRITE, "caseworker": 200, "approver": 403, "village_worker": 200, "anonymous": 302},
    ),
    Row(
        "households/<str:public_id>/apply/",
        "POST",
        lambda c: f"/households/{c['household'].public_id}/apply/",
        {**WRITE, "caseworker": 302, "approver": 403, "village_worker": 302, "anonymous": 302},
        body=_application_form,
        writes=True,
    ),
    Row(
        "applications/",
        "GET",
        lambda c: "/applications/",
        {**READ, "outsider": 200, "anonymous": 302},  # outsider: their own (empty) region
    ),
    Row(
        "applications/<str:public_id>/",
        "GET",
        lambda c: f"/applications/{application_of(c).public_id}/",
        {**READ, "anonymous": 302},
    ),
    Row(
        "applications/<str:public_id>/actions/<str:action>/",
        "POST",
        lambda c: f"/applications/{application_of(c).public_id}/actions/accept/",
        {**WRITE, "caseworker": 302, "approver": 403, "anonymous": 302},
        body=lambda c: {"version": "1"},
        writes=True,
    ),
    Row("standards/", "GET", lambda c: "/standards/", {**ANY_STAFF, "anonymous": 302}),
    Row(
        "standards/",
        "POST",
        lambda c: "/standards/",
        {**dict.fromkeys(PERSONAS, 403), "approver": 302, "anonymous": 302},
        body=lambda c: _standard_body(),
        writes=True,
    ),
    Row("simulation/", "GET", lambda c: "/simulation/", SIMULATE),
    Row("simulation/", "GET", lambda c: _simulation_url(c, "/simulation/"), SIMULATE),
    Row(
        "simulation/export.xlsx",
        "GET",
        lambda c: _simulation_url(c, "/simulation/export.xlsx"),
        SIMULATE,
    ),
    Row("healthz", "GET", lambda c: "/healthz", dict.fromkeys(PERSONAS, 200)),
]

ALL_ROWS = API_ROWS + WEB_ROWS + [row for area in AREAS for row in area.ROWS]


def _state() -> tuple[int, ...]:
    from doudi.intake.models import Application, CaseEvent, Consent
    from doudi.standards.models import LocalStandard

    return (
        *row_counts(
            LocalStandard,
            Household,
            Person,
            Membership.objects.filter(is_active=True),
            AuditEvent,
            Person.history,
            Application,
        ),
        sum(Application.objects.values_list("version", flat=True)),
        *row_counts(CaseEvent, Consent),
        *(value for area in AREAS if hasattr(area, "state") for value in area.state()),
    )


@pytest.fixture
def context(household, request, settings, tmp_path) -> dict[str, Any]:
    users = {
        name: request.getfixturevalue(f"{name}_user") for name in PERSONAS if name != "anonymous"
    }
    settings.DATA_DIR = tmp_path  # population snapshots for the simulation rows
    return {
        "household": household,
        "head": household.memberships.get(relation="head").person,
        "child": household.memberships.get(relation="child"),
        "users": users,
        "data_dir": tmp_path,
    }


def _client(persona: str, context: dict[str, Any], *, api: bool) -> tuple[Client, dict[str, str]]:
    if persona == "anonymous":
        return Client(), {}
    user = context["users"][persona]
    if api:
        return api_client(user)
    return logged_in(user), {}


def _call(row: Row, client: Client, headers: dict[str, str], context: dict[str, Any]):  # type: ignore[no-untyped-def]
    is_api = row.route.startswith("api/")
    url = row.url(context)
    body = row.body(context) if row.body else None
    method = getattr(client, row.method.lower())
    if is_api and body is not None:
        return method(url, data=json.dumps(body), content_type="application/json", **headers)
    if body is not None:
        return method(url, data=body, **headers)
    return method(url, **headers)


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("row", ALL_ROWS, ids=lambda row: f"{row.method} {row.route or '/'}")
def test_persona_matrix(row: Row, persona: str, context):
    # given
    client, headers = _client(persona, context, api=row.route.startswith("api/"))
    row.url(context)  # creates what the row needs (the application) before the state is taken
    before = _state()

    # when
    response = _call(row, client, headers, context)

    # then
    assert response.status_code == row.expected[persona], response.content[:300]
    if row.writes and response.status_code >= 300 and response.status_code != 302:
        assert _state() == before  # a denied action changes nothing
    if row.writes and persona in {"outsider", "auditor", "analyst", "anonymous"}:
        assert _state()[:3] == before[:3]


def test_the_outsider_sees_an_empty_list_not_the_other_townships_households(
    outsider_user, household
):
    response = Client().get("/api/households?region_code=350112001", **api_headers(outsider_user))
    assert response.status_code == 200
    assert response.json() == []


def _routes(patterns: list[Any], prefix: str = "") -> list[str]:
    routes = []
    for pattern in patterns:
        text = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            if text.startswith("admin/"):
                continue
            routes.extend(_routes(pattern.url_patterns, text))
        elif isinstance(pattern, URLPattern):
            routes.append(text.lstrip("^").rstrip("$"))
    return routes


def test_every_row_names_every_persona():
    incomplete = [
        f"{row.method} {row.route}: {sorted(set(PERSONAS) - set(row.expected))}"
        for row in ALL_ROWS
        if set(row.expected) != set(PERSONAS)
    ]
    assert incomplete == []


def test_every_route_is_in_the_matrix():
    covered = {row.route for row in ALL_ROWS}
    missing = sorted(set(_routes(get_resolver().url_patterns)) - covered)
    assert missing == []
