from __future__ import annotations

import json

import pytest
from django.test import Client

from doudi.benefits.models import Entitlement
from doudi.core.models import AuditEvent
from doudi.intake.models import Application, CaseEvent
from doudi.intake.tests.test_services import members
from doudi.testing.clients import api_headers
from doudi.testing.clock import on

pytestmark = pytest.mark.django_db


def client_for(user):  # type: ignore[no-untyped-def]
    client = Client(**api_headers(user))

    def call(method: str, url: str, body=None):  # type: ignore[no-untyped-def]
        if body is None:
            return getattr(client, method)(url)
        return getattr(client, method)(url, data=json.dumps(body), content_type="application/json")

    return call


def submit_body(household) -> dict:  # type: ignore[no-untyped-def]
    people = members(household)
    return {
        "household": str(household.public_id),
        "programmes": ["dibao"],
        "channel": "village_worker",
        "consents": [
            {"person": str(people["head"].public_id)},
            {"person": str(people["spouse"].public_id)},
            {
                "person": str(people["child"].public_id),
                "signed_by": "guardian",
                "proxy_reason": "未成年",
            },
        ],
        "incomes": [
            {"person": str(people["head"].public_id), "type": "wage", "monthly": "1200.00"}
        ],
    }


def test_the_same_application_sent_twice_is_filed_once_and_the_second_names_it(
    caseworker_user, household
):
    cw = client_for(caseworker_user)
    with on("2026-11-02"):
        first = cw("post", "/api/applications", submit_body(household))
        second = cw("post", "/api/applications", submit_body(household))

    application = Application.objects.get()
    assert first.status_code == 201
    assert second.status_code == 409
    assert second.json() == {
        "message": "该家庭已有办理中的最低生活保障（低保）申请，不能重复申请",
        "field": "programmes",
        "extra": {"application": str(application.public_id)},
    }
    assert CaseEvent.objects.filter(application=application).count() == 1


def test_the_whole_path_through_the_api(caseworker_user, approver_user, household):
    cw, ap = client_for(caseworker_user), client_for(approver_user)

    def act(call, data, action, **fields):  # type: ignore[no-untyped-def]
        response = call(
            "post",
            f"/api/applications/{data['public_id']}/actions/{action}",
            {"version": data["version"], **fields},
        )
        assert response.status_code == 200, response.json()
        return response.json()

    with on("2026-11-02"):
        response = cw("post", "/api/applications", submit_body(household))
        assert response.status_code == 201, response.json()
        data = response.json()
        assert data["status"] == "submitted"
        data = act(cw, data, "accept")
        data = act(cw, data, "start_verification")
    with on("2026-11-05"):
        data = act(
            cw, data, "record_home_visit", investigators=["甲", "乙"], record_signed=True, photos=2
        )
    with on("2026-11-06"):
        data = act(cw, data, "give_initial_opinion", favourable=True, opinion="同意纳入低保")
        assert data["proposal"] == {"dibao": {"eligible": True, "amount": "2107.00"}}
        data = act(cw, data, "publish_notice")
        assert data["notice_last_day"] == "2026-11-13"
    with on("2026-11-16"):
        data = act(cw, data, "close_notice_without_objection")
        assert data["allowed_actions"] == [
            "county_review",
            "confirm",
            "refuse",
            "withdraw",
            "extend",
        ]
    with on("2026-11-20"):
        data = act(ap, data, "confirm")

    assert data["status"] == "confirmed"
    assert data["status_label"] == "已确认"
    assert data["entitlements"] == [
        {
            "programme": "dibao",
            "monthly_amount": "2107.00",
            "from_month": "2026-12-01",
            "to_month": None,
        }
    ]
    assert [(e["action"], e["actor"]) for e in data["events"]][-2:] == [
        ("close_notice_without_objection", "吴航经办"),
        ("confirm", "长乐审核"),
    ]
    assert [(d["kind"], d["due_date"], d["is_provisional"]) for d in data["deadlines"]] == [
        ("verification_start", "2026-11-02", False),
        ("investigation", "2026-11-23", False),
        ("overall", "2026-12-14", False),
        ("confirmation", "2026-11-27", False),
    ]
    detail = ap("get", f"/api/applications/{data['public_id']}").json()
    assert detail == data
    listed = cw("get", "/api/applications").json()
    assert [a["public_id"] for a in listed] == [data["public_id"]]


def test_a_refused_action_returns_the_workflows_message_and_changes_nothing(
    caseworker_user, approver_user, household
):
    cw, ap = client_for(caseworker_user), client_for(approver_user)
    data = cw("post", "/api/applications", submit_body(household)).json()
    before = (
        CaseEvent.objects.count(),
        AuditEvent.objects.count(),
        Application.objects.get().version,
    )

    wrong_state = ap(
        "post", f"/api/applications/{data['public_id']}/actions/confirm", {"version": 1}
    )
    not_caseworker = ap(
        "post", f"/api/applications/{data['public_id']}/actions/accept", {"version": 1}
    )
    unknown = cw("post", f"/api/applications/{data['public_id']}/actions/fly", {"version": 1})
    stale = cw("post", f"/api/applications/{data['public_id']}/actions/accept", {"version": 7})

    assert wrong_state.status_code == 400
    assert wrong_state.json()["message"] == "当前状态为“已提交”，不能执行“确认”"
    assert not_caseworker.status_code == 403
    assert not_caseworker.json()["message"] == "无权限：受理救助申请、调查并提出初审意见"
    assert unknown.status_code == 400
    assert unknown.json()["field"] == "action"
    assert stale.status_code == 409
    assert stale.json() == {"message": "该申请已被他人处理，请刷新后重试", "field": "version"}
    assert (
        CaseEvent.objects.count(),
        AuditEvent.objects.count(),
        Application.objects.get().version,
    ) == before
    assert Entitlement.objects.count() == 0


def test_missing_consent_is_refused_by_the_api(caseworker_user, household):
    body = submit_body(household)
    body["consents"] = body["consents"][:1]
    response = client_for(caseworker_user)("post", "/api/applications", body)
    assert response.status_code == 400
    assert response.json() == {
        "message": "以下共同生活家庭成员尚未签署授权核对书：陈秀英、林小雨",
        "field": "consents",
    }
    assert Application.objects.count() == 0


def test_the_outsider_sees_nothing(caseworker_user, outsider_user, household):
    data = client_for(caseworker_user)("post", "/api/applications", submit_body(household)).json()
    out = client_for(outsider_user)
    assert out("get", "/api/applications").json() == []
    assert out("get", f"/api/applications/{data['public_id']}").status_code == 404
    assert (
        out(
            "post", f"/api/applications/{data['public_id']}/actions/accept", {"version": 1}
        ).status_code
        == 404
    )
    assert out("get", "/api/applications/due").json() == []


def test_due_lists_through_the_api(caseworker_user, household):
    cw = client_for(caseworker_user)
    with on("2026-11-02"):
        data = cw("post", "/api/applications", submit_body(household)).json()
        cw("post", f"/api/applications/{data['public_id']}/actions/accept", {"version": 1})
    with on("2026-11-20"):
        due = cw("get", "/api/applications/due").json()
    assert due == [
        {
            "township_code": "350112001",
            "overdue": [
                {
                    "application": data["public_id"],
                    "kind": "verification_start",
                    "label": "发起家庭经济状况核对",
                    "due_date": "2026-11-02",
                    "is_provisional": False,
                }
            ],
            "due_soon": [
                {
                    "application": data["public_id"],
                    "kind": "investigation",
                    "label": "入户调查（含核对结果）",
                    "due_date": "2026-11-23",
                    "is_provisional": False,
                }
            ],
        }
    ]
