from __future__ import annotations

import json

import pytest
from django.test import Client

from doudi.referrals import services
from doudi.referrals.models import Referral
from doudi.referrals.tests.helpers import application_with_needs, make_partner, state
from doudi.testing.clients import api_headers
from doudi.testing.clock import on

pytestmark = pytest.mark.django_db


def api(user):  # type: ignore[no-untyped-def]
    client = Client()
    headers = api_headers(user)

    def call(method: str, url: str, body: dict | None = None):  # type: ignore[no-untyped-def]
        if body is None:
            return getattr(client, method)(url, **headers)
        return getattr(client, method)(
            url, data=json.dumps(body), content_type="application/json", **headers
        )

    return call


@pytest.fixture
def referrals(caseworker, household):  # type: ignore[no-untyped-def]
    with on("2026-11-02"):
        application = application_with_needs(household, ["medical", "housing"])
        made = services.referrals_from_application(actor=caseworker, application=application)
    return {r.need: r for r in made}


def test_a_partner_lists_only_its_own_referrals(partner_user, caseworker_user, referrals):
    with on("2026-11-03"):
        partner_rows = api(partner_user)("get", "/api/referrals").json()
        window_rows = api(caseworker_user)(
            "get", "/api/referrals?department=housing_assistance"
        ).json()
    assert [(r["need"], r["department_label"], r["status_label"]) for r in partner_rows] == [
        ("medical", "医疗保障部门（医疗救助）", "已转介")
    ]
    assert partner_rows[0]["due_date"] == "2026-11-16"
    assert (partner_rows[0]["due_state"], partner_rows[0]["due_state_label"]) == (
        "on_time",
        "未到期",
    )
    assert [r["need"] for r in window_rows] == ["housing"]


def test_a_caseworker_refers_through_the_api(caseworker_user, household):
    head = household.memberships.get(relation="head").person
    with on("2026-11-02"):
        response = api(caseworker_user)(
            "post",
            "/api/referrals",
            {
                "household": str(household.public_id),
                "need": "employment",
                "person": str(head.public_id),
                "note": "户主失业半年",
            },
        )
    assert response.status_code == 201
    body = response.json()
    assert (body["department"], body["status"], body["due_date"], body["person_name"]) == (
        "employment_assistance",
        "sent",
        "2026-11-16",
        "林建国",
    )
    assert (body["created_by"], body["note"], body["allowed_actions"]) == (
        "吴航经办",
        "户主失业半年",
        ["receive", "answer", "return"],
    )


def test_a_bad_referral_gets_a_chinese_error_naming_the_field(caseworker_user, household):
    before = state()
    response = api(caseworker_user)(
        "post", "/api/referrals", {"household": str(household.public_id), "need": "pension"}
    )
    assert response.status_code == 400
    assert response.json() == {"message": "请选择救助需求", "field": "need"}
    assert state() == before


def test_the_partner_receives_and_answers_and_the_window_reads_it(
    partner_user, caseworker_user, referrals
):
    medical = referrals["medical"]
    partner = api(partner_user)
    with on("2026-11-03"):
        received = partner(
            "post", f"/api/referrals/{medical.public_id}/actions/receive", {"version": 1}
        )
        answered = partner(
            "post",
            f"/api/referrals/{medical.public_id}/actions/answer",
            {"version": 2, "outcome": "redirected", "answer": "已转慈善总会大病救助项目"},
        )
    assert (received.status_code, received.json()["received_by"]) == (200, "长乐医保经办")
    assert answered.status_code == 200
    seen = api(caseworker_user)("get", f"/api/referrals/{medical.public_id}").json()
    assert (seen["status_label"], seen["outcome_label"], seen["answer"], seen["amount"]) == (
        "已反馈",
        "已转其他渠道",
        "已转慈善总会大病救助项目",
        None,
    )
    assert (seen["answered_by"], seen["due_state"], seen["allowed_actions"]) == (
        "长乐医保经办",
        "closed",
        [],
    )


def test_refused_actions_answer_403_404_400_and_409_and_change_nothing(
    partner_user, caseworker_user, referrals, villages
):
    medical = referrals["medical"]
    url = f"/api/referrals/{medical.public_id}/actions/answer"
    body = {"version": 1, "outcome": "granted", "answer": "已救助"}
    other_county = make_partner(
        "fuqing_medical", "350181", "medical_assistance", name="福清市医保局"
    )
    before = state()

    by_window = api(caseworker_user)("post", url, body)
    by_other_county = api(other_county.user)("post", url, body)
    no_outcome = api(partner_user)("post", url, {"version": 1, "answer": "已救助"})
    stale = api(partner_user)("post", url, {**body, "version": 7})
    unknown = api(partner_user)(
        "post", f"/api/referrals/{medical.public_id}/actions/close", {"version": 1}
    )

    assert (by_window.status_code, by_window.json()["message"]) == (403, "无权限：办理转介并反馈")
    assert (by_other_county.status_code, by_other_county.json()["message"]) == (
        404,
        "转介单不存在或不在您的办理范围内",
    )
    assert (no_outcome.status_code, no_outcome.json()["field"]) == (400, "outcome")
    assert (stale.status_code, stale.json()["message"]) == (
        409,
        "该转介单已被他人处理，请刷新后重试",
    )
    assert unknown.status_code == 400
    assert (
        unknown.json()["message"]
        == "不支持的操作：close，可选：receive（接收）、answer（反馈）、return（退回）"
    )
    assert state() == before
    assert Referral.objects.get(pk=medical.pk).status == "sent"


def test_a_malformed_id_is_not_found(caseworker_user, referrals):
    response = api(caseworker_user)("get", "/api/referrals/not-a-uuid")
    assert response.status_code == 404
