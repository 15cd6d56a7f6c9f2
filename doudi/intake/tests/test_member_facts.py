"""特困 and orphan facts recorded at the window reach the rules: a single elderly person without
able supporters is proposed for 特困, the same person with able supporters is not, an orphan is
proposed for orphan support; bad facts are refused with the field named and nothing kept."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client

from doudi.core.exceptions import ApplicationError
from doudi.intake import services
from doudi.intake.models import Application
from doudi.intake.services import ConsentSpec, Declaration, MemberFacts
from doudi.registry.services import MemberSpec
from doudi.registry.tests.factories import person_facts, register_household
from doudi.testing.cases import application_at
from doudi.testing.clients import api_headers
from doudi.testing.clock import on

pytestmark = pytest.mark.django_db


@pytest.fixture
def elder(caseworker):  # type: ignore[no-untyped-def]
    """陈阿婆, 78, living alone in 兴华社区 with no income."""
    return register_household(
        caseworker,
        address="吴航街道兴华社区陈阿婆家",
        members=[
            MemberSpec(relation="head", facts=person_facts("陈阿婆", date(1948, 4, 1), sex="F"))
        ],
    )


@pytest.fixture
def orphan_home(caseworker):  # type: ignore[no-untyped-def]
    """A grandmother of 70 and her orphaned grandson of 9."""
    return register_household(
        caseworker,
        address="吴航街道兴华社区林家",
        members=[
            MemberSpec(relation="head", facts=person_facts("林阿嬷", date(1956, 2, 1), sex="F")),
            MemberSpec(relation="grandchild", facts=person_facts("林小宝", date(2017, 6, 1))),
        ],
    )


def _person(household, relation: str):  # type: ignore[no-untyped-def]
    return household.memberships.get(relation=relation).person


def proposed(caseworker, household, programmes, facts):  # type: ignore[no-untyped-def]
    """Filed, verified, visited and proposed; the stored proposal."""
    return application_at(
        "proposed",
        caseworker=caseworker,
        household=household,
        programmes=programmes,
        declaration=Declaration(member_facts=facts),
        photos=2,
        opinion="经调查属实",
    )


def test_an_elder_without_able_supporters_is_proposed_for_tekun(caseworker, elder):
    head = _person(elder, "head")
    application = proposed(
        caseworker,
        elder,
        ["tekun"],
        [MemberFacts(person=head, supporters_unable=True, self_care_failed_items=0)],
    )
    member = application.situation["members"][0]
    assert member["tekun"] == {"supporters_unable": True, "centralised": False, "recognised": False}
    assert member["self_care_failed_items"] == 0
    assert application.proposal["tekun"]["eligible"] is True
    assert application.proposal["tekun"]["amount"] != "0.00"


def test_the_same_elder_with_able_supporters_is_not(caseworker, elder):
    head = _person(elder, "head")
    application = proposed(caseworker, elder, ["tekun"], [MemberFacts(person=head)])
    assert application.proposal["tekun"] == {"eligible": False, "amount": "0.00"}


def test_without_facts_the_member_has_none_in_the_situation(caseworker, elder):
    application = proposed(caseworker, elder, ["tekun"], [])
    assert "tekun" not in application.situation["members"][0]
    assert application.proposal["tekun"]["eligible"] is False


def test_an_orphan_is_proposed_for_orphan_support(caseworker, orphan_home):
    child = _person(orphan_home, "grandchild")
    application = proposed(
        caseworker,
        orphan_home,
        ["orphan"],
        [MemberFacts(person=child, orphan_kind="orphan", orphan_institution=False)],
    )
    grandson = next(m for m in application.situation["members"] if m["relation"] == "grandchild")
    assert grandson["orphan"] == {
        "kind": "orphan",
        "institution": False,
        "chooses_orphan_scheme": True,
    }
    assert application.proposal["orphan"]["eligible"] is True
    assert application.proposal["orphan"]["amount"] != "0.00"


@pytest.mark.parametrize(
    ("fact", "field", "message"),
    [
        (
            {"self_care_failed_items": 7},
            "member_facts[0].self_care_failed_items",
            "生活不能自理项数应为 0 至 6 的整数",
        ),
        (
            {"orphan_kind": "stray"},
            "member_facts[0].orphan_kind",
            "孤儿身份取值无效：'stray'，可选：孤儿、事实无人抚养儿童",
        ),
    ],
)
def test_bad_facts_are_refused_and_nothing_is_kept(caseworker, elder, fact, field, message):
    head = _person(elder, "head")
    with on("2026-11-02"), pytest.raises(ApplicationError) as refusal:
        services.application_submit(
            actor=caseworker,
            household=elder,
            programmes=["tekun"],
            channel="window",
            consents=[ConsentSpec(person=head)],
            declaration=Declaration(member_facts=[MemberFacts(person=head, **fact)]),
        )
    assert (refusal.value.field, refusal.value.message) == (field, message)
    assert Application.objects.count() == 0


def test_facts_of_someone_outside_the_household_are_refused(caseworker, elder, orphan_home):
    head = _person(elder, "head")
    stranger = _person(orphan_home, "grandchild")
    with on("2026-11-02"), pytest.raises(ApplicationError) as refusal:
        services.application_submit(
            actor=caseworker,
            household=elder,
            programmes=["tekun"],
            channel="window",
            consents=[ConsentSpec(person=head)],
            declaration=Declaration(member_facts=[MemberFacts(person=stranger)]),
        )
    assert (refusal.value.field, refusal.value.message) == (
        "member_facts[0].person",
        "林小宝不是本家庭的共同生活家庭成员",
    )
    assert Application.objects.count() == 0


def test_the_api_takes_the_facts(caseworker_user, elder):
    head = _person(elder, "head")
    headers = api_headers(caseworker_user, name="窗口")
    with on("2026-11-02"):
        response = Client().post(
            "/api/applications",
            {
                "household": str(elder.public_id),
                "programmes": ["tekun"],
                "channel": "window",
                "consents": [{"person": str(head.public_id)}],
                "member_facts": [
                    {
                        "person": str(head.public_id),
                        "supporters_unable": True,
                        "centralised": True,
                        "self_care_failed_items": 3,
                    }
                ],
            },
            content_type="application/json",
            **headers,
        )
    assert response.status_code == 201, response.content
    member = Application.objects.get().situation["members"][0]
    assert member["tekun"] == {"supporters_unable": True, "centralised": True, "recognised": False}
    assert member["self_care_failed_items"] == 3


def test_the_window_form_records_the_facts_and_keeps_them_on_a_refusal(caseworker_user, elder):
    head = _person(elder, "head")
    key = str(head.public_id)
    client = Client()
    client.force_login(caseworker_user)
    url = f"/households/{elder.public_id}/apply/"
    page = client.get(url).content.decode()
    assert f'name="supporters_unable_{key}"' in page
    form = {
        "programmes": ["tekun"],
        "channel": "window",
        f"signed_by_{key}": "self",
        f"supporters_unable_{key}": "on",
        f"self_care_failed_items_{key}": "2",
    }
    # no consent ticked: refused, and what was entered is still on the form
    refused = client.post(url, form)
    assert refused.status_code == 200
    text = refused.content.decode()
    assert "以下共同生活家庭成员尚未签署授权核对书：陈阿婆" in text
    assert f'name="supporters_unable_{key}" id="supporters_unable_{key}" checked' in text
    assert '<option value="2" selected>2</option>' in text
    assert Application.objects.count() == 0

    with on("2026-11-02"):
        response = client.post(url, {**form, f"consent_{key}": "on"})
    assert response.status_code == 302
    member = Application.objects.get().situation["members"][0]
    assert member["tekun"] == {"supporters_unable": True, "centralised": False, "recognised": False}
    assert member["self_care_failed_items"] == 2
