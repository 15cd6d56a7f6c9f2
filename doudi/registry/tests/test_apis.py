from __future__ import annotations

import json
from datetime import date

import pytest
from django.test import Client

from doudi.accounts.services import api_token_create
from doudi.core.models import AuditEvent
from doudi.registry.models import Household, Membership, Person
from doudi.registry.tests.factories import make_id_number
from doudi.testing.clients import api_headers
from doudi.testing.state import row_counts

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(caseworker_user):
    client = Client(**api_headers(caseworker_user))

    def call(method: str, url: str, body=None, raw: str | None = None):  # type: ignore[no-untyped-def]
        data = raw if raw is not None else (json.dumps(body) if body is not None else None)
        kwargs = {"content_type": "application/json"} if data is not None else {}
        return (
            getattr(client, method)(url, data=data, **kwargs)
            if data is not None
            else getattr(client, method)(url)
        )

    return call


def _state() -> tuple[int, ...]:
    return row_counts(Household, Person, Membership, AuditEvent)


def _household_body(**overrides):  # type: ignore[no-untyped-def]
    body = {
        "village_code": "350112001001",
        "address": "吴航街道兴华社区20号",
        "area_type": "rural",
        "reason": "首次登记",
        "members": [
            {
                "relation": "head",
                "person": {
                    "name": "黄志强",
                    "id_number": make_id_number(date(1966, 10, 1)),
                    "hukou_region_code": "350112001001",
                    "hukou_type": "rural",
                    "disability_type": "physical",
                    "disability_grade": 2,
                    "labour_capacity": False,
                },
            },
            {
                "relation": "parent",
                "is_counted": False,
                "exclusion_reason": "clergy_3y",
                "person": {
                    "name": "黄德明",
                    "id_number": make_id_number(date(1940, 1, 9)),
                    "hukou_region_code": "350112001001",
                    "hukou_type": "rural",
                },
            },
        ],
    }
    body.update(overrides)
    return body


def test_it_registers_a_household_and_returns_it_with_masked_ids(api):
    response = api("post", "/api/households", _household_body())

    assert response.status_code == 201
    data = response.json()
    assert data["address"] == "吴航街道兴华社区20号"
    assert data["village_name"] == "兴华社区"
    members = data["members"]
    assert [
        (m["relation"], m["is_counted"], m["exclusion_reason"], m["person"]["name"])
        for m in members
    ] == [
        ("head", True, "", "黄志强"),
        ("parent", False, "clergy_3y", "黄德明"),
    ]
    head = members[0]["person"]
    assert head["sex"] == "M"
    assert head["birth_date"] == "1966-10-01"
    assert head["disability_grade"] == 2
    assert "*" * 10 in head["id_number_masked"]
    assert "id_number" not in head


def test_it_finds_a_household_by_id_number_name_and_region(api, household):
    head = household.memberships.get(relation="head").person
    from doudi.core.id_protection import id_number_decrypt

    number = id_number_decrypt(head.id_number_encrypted)
    for query in (
        f"id_number={number}",
        f"id_number={number.lower()}",
        "name=林建国",
        "name=林",
        "region_code=350112001001",
    ):
        response = api("get", f"/api/households?{query}")
        assert response.status_code == 200, query
        assert [row["public_id"] for row in response.json()] == [str(household.public_id)], query
    assert api("get", "/api/households?name=王").json() == []
    assert (
        api("get", "/api/households?name=林建").json() == []
    )  # a partial given name is not a surname


def test_a_search_without_criteria_is_refused_in_chinese(api):
    response = api("get", "/api/households")
    assert response.status_code == 400
    assert response.json() == {"message": "请至少填写身份证号码、姓名或区划代码之一", "field": "q"}


def test_an_invalid_id_number_is_refused_naming_the_field_and_nothing_is_written(api):
    body = _household_body()
    body["members"][0]["person"]["id_number"] = "350112196610010000"
    before = _state()

    response = api("post", "/api/households", body)

    assert response.status_code == 400
    data = response.json()
    assert data["field"] == "members[0].id_number"
    assert data["message"].startswith("身份证号码无效：")
    assert _state() == before


def test_the_same_registration_sent_twice_is_saved_once_and_the_second_answers_409(api):
    body = _household_body()
    first = api("post", "/api/households", body)
    after_first = _state()

    second = api("post", "/api/households", body)

    assert first.status_code == 201
    assert second.status_code == 409
    masked = first.json()["members"][0]["person"]["id_number_masked"]
    assert second.json() == {
        "message": f"身份证号码 {masked} 已登记，请直接选择该人员",
        "field": "members[0].id_number",
        "extra": {"code": "duplicate_id_number"},
    }
    assert _state() == after_first


def test_an_unknown_region_code_is_refused(api):
    before = _state()
    response = api("post", "/api/households", _household_body(village_code="350199001001"))
    assert response.status_code == 400
    assert response.json()["message"] == "区划代码不存在：350199001001"
    assert response.json()["field"] == "village_code"
    assert _state() == before


def test_a_person_counted_elsewhere_is_refused(api, household):
    head = household.memberships.get(relation="head").person
    body = _household_body(members=[{"relation": "head", "person_id": str(head.public_id)}])
    before = _state()

    response = api("post", "/api/households", body)

    assert response.status_code == 400
    assert response.json()["field"] == "members[0].person"
    assert "已作为共同生活家庭成员登记在其他家庭" in response.json()["message"]
    assert _state() == before


@pytest.mark.parametrize(
    ("_case", "raw", "expected_field", "expected_message"),
    [
        ("not json", "{", "", "请求体不是有效的 JSON"),
        (
            "missing members",
            json.dumps(
                {
                    "village_code": "350112001001",
                    "address": "x",
                    "area_type": "urban",
                    "reason": "r",
                }
            ),
            "members",
            "members：必填",
        ),
        (
            "wrong type",
            json.dumps(
                {
                    "village_code": "350112001001",
                    "address": "x",
                    "area_type": "urban",
                    "reason": "r",
                    "members": "张三",
                }
            ),
            "members",
            "members：须为列表",
        ),
    ],
)
def test_a_malformed_request_gets_a_chinese_error_naming_the_field(
    api, _case, raw, expected_field, expected_message
):
    before = _state()
    response = api("post", "/api/households", raw=raw)
    assert response.status_code == (400 if _case == "not json" else 422)
    data = response.json()
    assert data["message"] == expected_message
    assert (data["field"] or "") == expected_field
    assert _state() == before


def test_a_nested_field_error_names_the_path(api):
    body = _household_body()
    body["members"][1]["person"]["disability_grade"] = "二级"
    response = api("post", "/api/households", body)
    assert response.status_code == 422
    assert response.json()["field"] == "members[1].person.disability_grade"
    assert response.json()["message"] == "members[1].person.disability_grade：须为整数"


def test_an_unknown_household_id_is_not_found_in_chinese(api):
    unknown = api("get", "/api/households/0c8f7a4e-1b1e-4c53-9d7e-3f0b9d1a2b3c")
    malformed = api("get", "/api/households/not-a-uuid")
    assert unknown.status_code == 404
    assert unknown.json() == {"message": "家庭不存在或不在您的管辖范围内", "field": "household"}
    assert malformed.status_code == 404
    assert malformed.json() == {"message": "编号不存在或不在您的管辖范围内", "field": "public_id"}


def test_a_bad_token_is_refused(household):
    response = Client(HTTP_AUTHORIZATION="Bearer dd_wrong").get("/api/households?name=林")
    assert response.status_code == 401
    assert response.json() == {"message": "未登录或令牌无效", "field": None}


def test_a_revoked_token_is_refused(caseworker_user, household):
    from doudi.accounts.services import api_token_revoke

    token, record = api_token_create(user=caseworker_user, name="临时")
    api_token_revoke(actor=caseworker_user, token=record)
    response = Client(HTTP_AUTHORIZATION=f"Bearer {token}").get("/api/households?name=林")
    assert response.status_code == 401


def test_history_lists_who_changed_what_and_why(api, household):
    head = household.memberships.get(relation="head").person
    api("patch", f"/api/persons/{head.public_id}", {"reason": "更新电话", "phone": "10012345678"})

    history = api("get", f"/api/households/{household.public_id}/history").json()

    latest = history[0]
    assert (latest["who"], latest["what"], latest["subject"], latest["reason"]) == (
        "吴航经办",
        "修改",
        "人员信息：林建国",
        "更新电话",
    )
    assert latest["changes"] == [["联系电话", "", "10012345678"]]
    assert len(history) == 8  # 1 household + 3 memberships + 3 persons created, + 1 change


def test_the_id_card_endpoint_validates_a_number(api):
    response = api("get", "/api/idcard/11010519491231002x")
    data = response.json()
    assert (data["valid"], data["normalized"], data["sex"], data["birth_date"]) == (
        True,
        "11010519491231002X",
        "F",
        "1949-12-31",
    )


def test_a_malformed_id_number_in_a_search_is_refused_not_crashed(api):
    response = api("get", "/api/households?id_number=35011290030712X")
    assert response.status_code == 400
    assert response.json() == {
        "message": "身份证号码格式不正确：应为 18 位（或旧式 15 位）数字，末位可为 X",
        "field": "id_number",
    }


def test_a_legacy_15_digit_number_finds_the_upgraded_person(api, caseworker):
    from doudi.registry.services import MemberSpec
    from doudi.registry.tests.factories import person_facts, register_household

    legacy = "350112800517123"
    household = register_household(
        caseworker,
        address="吴航街道兴华社区30号",
        members=[
            MemberSpec(
                relation="head", facts=person_facts("郑老", date(1980, 5, 17), id_number=legacy)
            )
        ],
    )
    response = api("get", f"/api/households?id_number={legacy}")
    assert [row["public_id"] for row in response.json()] == [str(household.public_id)]
