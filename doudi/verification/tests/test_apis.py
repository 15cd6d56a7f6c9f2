from __future__ import annotations

import json

import pytest

from doudi.registry.services import household_member_remove
from doudi.testing.clients import api_client
from doudi.testing.clock import on
from doudi.verification.models import PersonDataAccess, VerificationConsent, VerificationReport
from doudi.verification.tests.test_services import apply, lin_feeds

pytestmark = pytest.mark.django_db


def api(user):  # type: ignore[no-untyped-def]
    client, headers = api_client(user)

    def call(method: str, url: str, body=None):  # type: ignore[no-untyped-def]
        if body is None:
            return getattr(client, method)(url, **headers)
        return getattr(client, method)(
            url, data=json.dumps(body), content_type="application/json", **headers
        )

    return call


def test_the_api_requests_reads_signs_and_rechecks(
    caseworker_user, outsider_user, verification_officer_user, caseworker, lin_household, data_dir
):
    application = apply(caseworker, lin_household)
    lin_feeds()
    call = api(caseworker_user)
    with on("2026-11-10"):
        response = call(
            "post", "/api/verification/requests", {"application": str(application.public_id)}
        )
    assert response.status_code == 201, response.content
    report = response.json()
    assert (report["number"], report["status"], report["conclusion_label"]) == (
        "核〔2026〕350112-000001",
        "draft",
        "不符合",
    )
    assert report["body"]["sources"][5]["snapshot_label"] == "未报送/未核对"
    url = f"/api/verification/reports/{report['public_id']}"
    assert call("get", url).json()["number"] == report["number"]
    assert [r["number"] for r in call("get", "/api/verification/reports").json()] == [
        report["number"]
    ]
    # the outsider: 404 for the report, an empty list
    outsider = api(outsider_user)
    assert outsider("get", url).status_code == 404
    assert outsider("get", "/api/verification/reports").json() == []
    # the caseworker may not sign; the verification officer signs once
    assert call("post", f"{url}/sign", {"opinion": "同意"}).status_code == 403
    officer = api(verification_officer_user)
    with on("2026-11-11"):
        signed = officer("post", f"{url}/sign", {"opinion": "车辆超限"})
    assert signed.status_code == 200
    assert signed.json()["status"] == "signed"
    assert signed.json()["signature"]["signer_name"] == "长乐核对"
    again = officer("post", f"{url}/sign", {"opinion": "再签"})
    assert (again.status_code, again.json()["message"]) == (400, "该报告已签发，不能重复签发")
    # re-check with new evidence
    with on("2026-11-20"):
        missing = call("post", f"{url}/recheck", {"evidence": ""})
        assert (missing.status_code, missing.json()["field"]) == (400, "evidence")
        recheck = call("post", f"{url}/recheck", {"evidence": "车辆已过户"})
    assert recheck.status_code == 201
    assert recheck.json()["previous"] == "核〔2026〕350112-000001"
    assert recheck.json()["number"] == "核〔2026〕350112-000002"
    assert VerificationReport.objects.count() == 2
    assert PersonDataAccess.objects.count() == 60


def test_the_api_refuses_a_request_without_consents_and_lists_the_members(
    caseworker_user, caseworker, lin_household, data_dir
):
    application = apply(caseworker, lin_household, take_over=False)
    call = api(caseworker_user)
    response = call(
        "post", "/api/verification/requests", {"application": str(application.public_id)}
    )
    assert response.status_code == 400
    assert response.json()["field"] == "consents"
    assert "林建国（未签署）" in response.json()["message"]
    assert VerificationReport.objects.count() == 0


def test_consents_are_recorded_listed_and_withdrawn(caseworker_user, lin_household, data_dir):
    call = api(caseworker_user)
    head = lin_household.memberships.get(relation="head").person
    created = call(
        "post",
        "/api/verification/consents",
        {"household": str(lin_household.public_id), "person": str(head.public_id)},
    )
    assert created.status_code == 201
    assert created.json()["status"] == "signed"
    listed = call("get", f"/api/verification/households/{lin_household.public_id}/consents").json()
    assert [(c["name"], c["status"]) for c in listed] == [("林建国", "signed")]
    withdrawn = call(
        "post",
        f"/api/verification/consents/{created.json()['public_id']}/withdraw",
        {"reason": "本人撤回"},
    )
    assert (withdrawn.status_code, withdrawn.json()["status"]) == (200, "withdrawn")


def test_a_consent_for_a_member_who_has_left_is_refused_and_writes_nothing(
    caseworker, caseworker_user, lin_household
):
    # given: the daughter has left the household
    daughter = lin_household.memberships.get(relation="child")
    household_member_remove(actor=caseworker, membership=daughter, reason="出嫁迁出")

    # when
    response = api(caseworker_user)(
        "post",
        "/api/verification/consents",
        {"household": str(lin_household.public_id), "person": str(daughter.person.public_id)},
    )

    # then: the one member lookup of every window refuses her; nothing is recorded
    assert (response.status_code, response.json()) == (
        400,
        {"message": "该人员不是本家庭成员", "field": "person"},
    )
    assert VerificationConsent.objects.filter(person=daughter.person).count() == 0
