"""Rows of the portal area: the applicants' self-service pages (``/self/``) and the staff pages
for filing at a window outside the household's region (``/cross-region/``).

Applicant pages: 200 for the `applicant` persona (its account is the test household's head),
403 for every staff persona, 302 to the applicants' login for anonymous users. Register, log in
and log out are open to everyone. The cross-region pages are for caseworkers at a township
window (`intake.propose`): the caseworker and the outsider; 403 for everyone else."""

from __future__ import annotations

from typing import Any

from doudi.core.id_protection import id_number_decrypt
from doudi.testing.state import row_counts
from doudi.web.tests.matrix.common import PERSONAS, Row, application_of

STAFF = [p for p in PERSONAS if p not in {"applicant", "anonymous"}]
APPLICANT_PAGE = {**dict.fromkeys(STAFF, 403), "applicant": 200, "anonymous": 302}
WINDOW = {
    **dict.fromkeys(PERSONAS, 403),
    "caseworker": 200,
    "outsider": 200,
    "anonymous": 302,
}


def _person(ctx: dict[str, Any], relation: str) -> Any:
    return ctx["household"].memberships.get(relation=relation, is_active=True).person


def _register_body(ctx: dict[str, Any]) -> dict[str, Any]:
    """The spouse, 陈秀英, registers her own account."""
    spouse = _person(ctx, "spouse")
    return {
        "name": spouse.name,
        "id_number": id_number_decrypt(spouse.id_number_encrypted),
        "phone": "13900000002",
        "password": "Xiuying-2026!",
    }


def _login_body(ctx: dict[str, Any]) -> dict[str, Any]:
    head = ctx["head"]
    return {"id_number": id_number_decrypt(head.id_number_encrypted), "password": "pass-1234"}


def _online_form(ctx: dict[str, Any]) -> dict[str, Any]:
    """Dibao online: the head signs himself, his wife and their child are signed for."""
    head, spouse, child = (_person(ctx, r) for r in ("head", "spouse", "child"))
    data: dict[str, Any] = {"programmes": ["dibao"], "needs": ["medical"]}
    for person, signed_by, reason in (
        (head, "self", ""),
        (spouse, "proxy", "在外务工，委托丈夫代签"),
        (child, "guardian", "未成年，父亲代签"),
    ):
        key = str(person.public_id)
        data.update(
            {
                f"consent_{key}": "on",
                f"signed_by_{key}": signed_by,
                f"proxy_reason_{key}": reason,
            }
        )
    return data


def _find_body(ctx: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": ctx["head"].name,
        "id_number": id_number_decrypt(ctx["head"].id_number_encrypted),
    }


ROWS = [
    Row("self/", "GET", lambda c: "/self/", APPLICANT_PAGE),
    Row("self/register/", "GET", lambda c: "/self/register/", dict.fromkeys(PERSONAS, 200)),
    Row(
        "self/register/",
        "POST",
        lambda c: "/self/register/",
        dict.fromkeys(PERSONAS, 302),  # public: anyone may register a matching person once
        body=_register_body,
        writes=True,
    ),
    Row("self/login/", "GET", lambda c: "/self/login/", dict.fromkeys(PERSONAS, 200)),
    Row(
        "self/login/",
        "POST",
        lambda c: "/self/login/",
        dict.fromkeys(PERSONAS, 302),
        body=_login_body,
    ),
    Row("self/logout/", "POST", lambda c: "/self/logout/", dict.fromkeys(PERSONAS, 302)),
    Row("self/apply/", "GET", lambda c: "/self/apply/", APPLICANT_PAGE),
    Row(
        "self/apply/",
        "POST",
        lambda c: "/self/apply/",
        {**APPLICANT_PAGE, "applicant": 302},
        body=_online_form,
        writes=True,
    ),
    Row(
        "self/applications/<str:public_id>/",
        "GET",
        lambda c: f"/self/applications/{application_of(c).public_id}/",
        APPLICANT_PAGE,
    ),
    Row("cross-region/", "GET", lambda c: "/cross-region/", WINDOW),
    Row(
        "cross-region/",
        "POST",
        lambda c: "/cross-region/",
        # the caseworker goes on to the household's own form, the outsider to the limited one
        {**WINDOW, "caseworker": 302, "outsider": 302},
        body=_find_body,
    ),
    Row(
        "cross-region/apply/",
        "GET",
        lambda c: "/cross-region/apply/",
        {**WINDOW, "caseworker": 302, "outsider": 302},  # no household found yet: back to find
    ),
    Row(
        "cross-region/apply/",
        "POST",
        lambda c: "/cross-region/apply/",
        {**WINDOW, "caseworker": 302, "outsider": 302},
        body=lambda c: {"programmes": ["disability_living_subsidy"]},
        writes=True,
    ),
    Row(
        "cross-region/receipt/",
        "GET",
        lambda c: "/cross-region/receipt/",
        {**WINDOW, "caseworker": 404, "outsider": 404},  # nothing filed in this session
    ),
]


def state() -> tuple[int, ...]:
    from django.contrib.auth import get_user_model

    from doudi.portal.models import ApplicantAccount

    return row_counts(ApplicantAccount, get_user_model())
