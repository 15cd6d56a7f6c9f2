"""The staff channels: needs on the one form, village workers, filing at a window outside the
household's region (跨省通办, 急难发生地)."""

from __future__ import annotations

import json

import pytest

from doudi.core.exceptions import ApplicationError, NotFound, PermissionDenied
from doudi.core.id_protection import id_number_decrypt
from doudi.core.models import AuditEvent
from doudi.intake import selectors, services
from doudi.intake.models import Application, CaseEvent, Consent
from doudi.intake.services import OUT_OF_REGION_MESSAGE, household_find_for_window
from doudi.intake.tests.test_services import members, on, submit
from doudi.registry.tests.factories import register_household
from doudi.testing.clients import api_client
from doudi.testing.state import row_counts

pytestmark = pytest.mark.django_db


def counts() -> tuple[int, ...]:
    return row_counts(
        Application, CaseEvent, Consent, AuditEvent.objects.filter(action="application.submit")
    )


# -- needs ------------------------------------------------------------------------------------


def test_declared_needs_are_stored_once_each_in_the_order_given(caseworker, household):
    with on("2026-11-02"):
        application = submit(caseworker, household, needs=["medical", "education", "medical"])
    assert application.needs == ["medical", "education"]
    assert application.events.get().parameters["needs"] == ["medical", "education"]


def test_an_unknown_need_is_refused_naming_the_field_and_nothing_is_written(caseworker, household):
    before = counts()
    with on("2026-11-02"), pytest.raises(ApplicationError) as error:
        submit(caseworker, household, needs=["medical", "money"])
    assert error.value.field == "needs[1]"
    assert error.value.message == (
        "其他救助需求取值无效：'money'，可选：medical（医疗）、education（教育）、housing（住房）、"
        "employment（就业）、care（照料护理）、legal（法律援助）"
    )
    assert counts() == before


# -- who may submit, and on which channel -----------------------------------------------------


def test_a_village_worker_files_for_their_village_on_the_village_worker_channel(
    village_worker, caseworker, household
):
    # when: the village worker picks "window" — the channel is theirs whatever they send
    with on("2026-11-02"):
        application = submit(village_worker, household, channel="window")

    # then
    assert application.channel == "village_worker"
    assert application.status == "submitted"
    assert application.submitted_by == village_worker.user
    assert application.receiving_township_code == ""
    assert application.village_code == "350112001001"
    assert list(selectors.application_list(actor=village_worker)) == [application]
    assert list(selectors.application_list(actor=caseworker)) == [application]


def test_a_village_worker_takes_no_step_on_the_case_and_nothing_changes(village_worker, household):
    with on("2026-11-02"):
        application = submit(village_worker, household)
    before = counts(), application.version, application.status
    with on("2026-11-02"), pytest.raises(PermissionDenied):
        services.application_accept(actor=village_worker, application=application)
    application.refresh_from_db()
    assert (counts(), application.version, application.status) == before


def test_a_village_worker_cannot_file_for_another_village(village_worker, caseworker):
    # given: a household of 西关社区, the same township but another village
    other = register_household(caseworker, village="350112001002", address="吴航街道西关社区3号")
    before = counts()

    # when / then: it does not exist for them, whatever the programme
    for programmes in (["dibao"], ["disability_living_subsidy"], ["temporary_assistance"]):
        with on("2026-11-02"), pytest.raises(NotFound) as error:
            submit(village_worker, other, programmes=programmes)
        assert error.value.message == OUT_OF_REGION_MESSAGE
    assert counts() == before


def test_staff_may_not_choose_the_online_channel(caseworker, household):
    before = counts()
    with on("2026-11-02"), pytest.raises(ApplicationError) as error:
        submit(caseworker, household, channel="online")
    assert error.value.field == "channel"
    assert error.value.message.startswith("网上申请只能由申请人本人通过网上办事大厅提交")
    assert counts() == before


@pytest.mark.parametrize("persona", ["approver", "auditor", "analyst", "partner"])
def test_roles_without_intake_submit_are_refused(persona, household, request):
    actor = request.getfixturevalue(persona)
    before = counts()
    with on("2026-11-02"), pytest.raises(PermissionDenied) as error:
        submit(actor, household)
    assert error.value.message == "无权限：提交救助申请"
    assert counts() == before


# -- 跨省通办: the disability subsidies at any window of the province --------------------------


def test_a_disability_subsidy_filed_at_another_county_is_routed_to_the_households_township(
    gudong_caseworker, caseworker, household
):
    # when: 鼓东街道 (鼓楼区) takes an application of a 吴航 (长乐区) household
    with on("2026-11-02"):
        application = submit(
            gudong_caseworker,
            household,
            programmes=["disability_living_subsidy", "disability_care_subsidy"],
        )

    # then: it belongs to 吴航 and records the window that took it
    codes = (
        application.province_code,
        application.city_code,
        application.county_code,
        application.township_code,
        application.village_code,
        application.receiving_township_code,
    )
    assert codes == ("350000", "350100", "350112", "350112001", "350112001001", "350102001")
    assert application.channel == "window"
    assert application.submitted_by == gudong_caseworker.user
    assert application.situation["region"] == "350112"
    assert application.events.get().parameters == {
        "programmes": ["disability_living_subsidy", "disability_care_subsidy"],
        "channel": "window",
        "consents": 3,
        "needs": [],
        "routing": "cross_region",
        "receiving_township_code": "350102001",
    }
    assert list(selectors.application_list(actor=caseworker)) == [application]
    with pytest.raises(NotFound):
        selectors.application_get(actor=gudong_caseworker, public_id=application.public_id)


@pytest.mark.parametrize(
    "programmes",
    [
        ["dibao"],
        ["disability_living_subsidy", "dibao"],
        ["disability_care_subsidy", "temporary_assistance"],
        ["tekun"],
    ],
)
def test_other_programmes_at_a_foreign_window_are_refused_and_nothing_is_written(
    programmes, gudong_caseworker, household
):
    before = counts()
    with on("2026-11-02"), pytest.raises(NotFound) as error:
        submit(gudong_caseworker, household, programmes=programmes)
    assert error.value.message == OUT_OF_REGION_MESSAGE
    assert error.value.field == "household"
    assert counts() == before


def test_the_outsider_township_of_the_same_county_may_take_a_disability_subsidy(
    outsider, household
):
    with on("2026-11-02"):
        application = submit(outsider, household, programmes=["disability_care_subsidy"])
    assert (application.township_code, application.receiving_township_code) == (
        "350112001",
        "350112002",
    )


# -- 急难发生地: temporary assistance where the emergency happened -----------------------------


def test_temporary_assistance_filed_where_the_emergency_happened_is_handled_there(
    gudong_caseworker, caseworker, household
):
    with on("2026-11-02"):
        application = submit(gudong_caseworker, household, programmes=["temporary_assistance"])

    codes = (
        application.province_code,
        application.city_code,
        application.county_code,
        application.township_code,
        application.village_code,
        application.receiving_township_code,
    )
    assert codes == ("350000", "350100", "350102", "350102001", "350102001", "350102001")
    assert application.household == household
    assert application.situation["region"] == "350102"
    assert application.events.get().parameters["routing"] == "emergency_place"
    assert selectors.application_get(actor=gudong_caseworker, public_id=application.public_id)
    assert list(selectors.application_list(actor=caseworker)) == []
    audit = AuditEvent.objects.get(action="application.submit")
    assert audit.region_code == "350102001"


def test_a_busy_programme_is_refused_wherever_it_is_filed(gudong_caseworker, caseworker, household):
    with on("2026-11-02"):
        submit(caseworker, household, programmes=["temporary_assistance"])
    before = counts()
    with on("2026-11-03"), pytest.raises(ApplicationError) as error:
        submit(gudong_caseworker, household, programmes=["temporary_assistance"])
    assert error.value.message == "该家庭已有办理中的临时救助申请，不能重复申请"
    assert counts() == before


# -- finding the household at a foreign window -------------------------------------------------


def test_the_window_finds_a_household_by_id_number_and_the_same_persons_name(
    gudong_caseworker, household
):
    head = members(household)["head"]
    number = id_number_decrypt(head.id_number_encrypted)
    found = household_find_for_window(actor=gudong_caseworker, id_number=number, name="林建国")
    assert found == household
    with pytest.raises(NotFound) as error:
        household_find_for_window(actor=gudong_caseworker, id_number=number, name="陈秀英")
    assert error.value.field == "id_number"
    with pytest.raises(ApplicationError) as error:
        household_find_for_window(actor=gudong_caseworker, id_number="12345", name="林建国")
    assert error.value.field == "id_number"


def test_only_a_caseworker_at_a_window_may_look_households_up(village_worker, approver, household):
    number = id_number_decrypt(members(household)["head"].id_number_encrypted)
    for actor in (village_worker, approver):
        with pytest.raises(PermissionDenied):
            household_find_for_window(actor=actor, id_number=number, name="林建国")


# -- the API ----------------------------------------------------------------------------------


def _post(user, body):  # type: ignore[no-untyped-def]
    client, headers = api_client(user, name="测试")
    return client.post(
        "/api/applications", data=json.dumps(body), content_type="application/json", **headers
    )


def _body(household, **overrides):  # type: ignore[no-untyped-def]
    people = members(household)
    body = {
        "household": str(household.public_id),
        "programmes": ["dibao"],
        "channel": "window",
        "consents": [
            {"person": str(people["head"].public_id)},
            {"person": str(people["spouse"].public_id)},
            {
                "person": str(people["child"].public_id),
                "signed_by": "guardian",
                "proxy_reason": "未成年",
            },
        ],
    }
    body.update(overrides)
    return body


def test_the_api_takes_needs_and_answers_a_foreign_window_with_a_receipt(
    gudong_caseworker_user, caseworker_user, household
):
    with on("2026-11-02"):
        response = _post(caseworker_user, _body(household, needs=["housing"]))
        assert response.status_code == 201, response.json()
        assert Application.objects.get().needs == ["housing"]

        response = _post(
            gudong_caseworker_user, _body(household, programmes=["disability_living_subsidy"])
        )
    assert response.status_code == 202, response.json()
    application = Application.objects.get(programmes=["disability_living_subsidy"])
    assert response.json() == {
        "public_id": str(application.public_id),
        "programmes": ["disability_living_subsidy"],
        "county_code": "350112",
        "township_code": "350112001",
        "receiving_township_code": "350102001",
        "message": "已受理，申请已转至家庭所在地办理",
    }


def test_the_api_refuses_a_bad_need_and_a_foreign_dibao_writing_nothing(
    gudong_caseworker_user, caseworker_user, household
):
    before = counts()
    with on("2026-11-02"):
        bad = _post(caseworker_user, _body(household, needs=["lottery"]))
        foreign = _post(gudong_caseworker_user, _body(household))
    assert bad.status_code == 400
    assert bad.json()["field"] == "needs[0]"
    assert foreign.status_code == 404
    assert foreign.json()["message"] == OUT_OF_REGION_MESSAGE
    assert counts() == before
