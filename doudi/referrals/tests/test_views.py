from __future__ import annotations

import pytest

from doudi.referrals import services
from doudi.referrals.models import Referral
from doudi.referrals.tests.helpers import application_with_needs, state
from doudi.testing.clients import logged_in
from doudi.testing.clock import on
from doudi.testing.workbooks import value_rows

pytestmark = pytest.mark.django_db


@pytest.fixture
def referrals(caseworker, household):  # type: ignore[no-untyped-def]
    """Medical and housing referrals made on Monday 2 November 2026, due 16 November."""
    with on("2026-11-02"):
        application = application_with_needs(household, ["medical", "housing"])
        made = services.referrals_from_application(actor=caseworker, application=application)
    return {r.need: r for r in made}


def test_the_list_shows_due_soon_and_overdue_referrals(caseworker_user, partner_user, referrals):
    with on("2026-11-12"):
        window = logged_in(caseworker_user).get("/referrals/")
        bureau = logged_in(partner_user).get("/referrals/")
    with on("2026-11-17"):
        late = logged_in(partner_user).get("/referrals/")
    assert window.status_code == 200
    assert [r["referral"].need for r in window.context["rows"]] == [
        "housing",
        "medical",
    ]  # newest first
    assert [i["referral"].need for i in window.context["due_soon"]] == ["medical", "housing"]
    assert [r["referral"].need for r in bureau.context["rows"]] == ["medical"]
    assert bureau.context["is_partner"] is True
    assert [i["referral"].need for i in late.context["overdue"]] == ["medical"]
    assert "2026-11-16" in late.content.decode()
    assert "林建国" in late.content.decode()


def test_the_export_holds_exactly_the_rows_shown(caseworker_user, partner, referrals):
    with on("2026-11-03"):
        services.referral_answer(
            actor=partner,
            referral=referrals["medical"],
            outcome="granted",
            answer="已救助",
            amount="1200.00",
        )
        response = logged_in(caseworker_user).get("/referrals/?status=answered&format=xlsx")
    assert response.status_code == 200
    rows = value_rows(response.content)
    assert rows[0][:6] == ("转介单编号", "户主", "家庭地址", "救助需求", "协同部门", "状态")
    assert len(rows) == 2
    medical = rows[1]
    assert medical[1:6] == (
        "林建国",
        "吴航街道兴华社区1号",
        "医疗",
        "医疗保障部门（医疗救助）",
        "已反馈",
    )
    assert (medical[9], medical[10], medical[11]) == ("已办结", "已给予救助", 1200)


def test_the_partner_answers_on_the_page_and_the_window_reads_it(
    caseworker_user, partner_user, referrals
):
    medical = referrals["medical"]
    bureau = logged_in(partner_user)
    page = bureau.get(f"/referrals/{medical.public_id}/")
    assert page.context["actions"] == ["receive", "answer", "return"]
    assert (
        logged_in(caseworker_user).get(f"/referrals/{medical.public_id}/").context["actions"] == []
    )

    with on("2026-11-04"):
        response = bureau.post(
            f"/referrals/{medical.public_id}/actions/answer/",
            {"version": "1", "outcome": "not_eligible", "answer": "已享受大病保险，无自付"},
        )
    assert response.status_code == 302
    window_page = logged_in(caseworker_user).get(f"/referrals/{medical.public_id}/")
    text = window_page.content.decode()
    assert "不符合条件" in text
    assert "已享受大病保险，无自付" in text
    assert "长乐医保经办" in text


def test_an_answer_without_outcome_on_the_page_changes_nothing(partner_user, referrals):
    medical = referrals["medical"]
    before = state()
    client = logged_in(partner_user)
    response = client.post(
        f"/referrals/{medical.public_id}/actions/answer/", {"version": "1", "answer": "已办"}
    )
    assert response.status_code == 302
    page = client.get(response.url)
    assert "请选择办理结果（已给予救助、不符合条件、已转其他渠道）" in page.content.decode()
    assert state() == before


def test_a_caseworker_refers_from_the_household_page(caseworker_user, household):
    client = logged_in(caseworker_user)
    form = client.get(f"/households/{household.public_id}/referrals/new/")
    assert form.status_code == 200
    head = household.memberships.get(relation="head").person

    with on("2026-11-02"):
        response = client.post(
            f"/households/{household.public_id}/referrals/new/",
            {"need": "legal", "person": str(head.public_id), "note": "欠薪纠纷"},
        )
    referral = Referral.objects.get()
    assert response.status_code == 302
    assert response.url == f"/referrals/{referral.public_id}/"
    assert (referral.department, referral.person, referral.note) == ("legal_aid", head, "欠薪纠纷")
    assert referral.deadline.due_date.isoformat() == "2026-11-16"


def test_a_bad_referral_form_is_shown_again_with_the_error(caseworker_user, household):
    before = state()
    response = logged_in(caseworker_user).post(
        f"/households/{household.public_id}/referrals/new/",
        {"need": "housing", "department": "legal_aid", "note": "房屋漏雨"},
    )
    assert response.status_code == 400
    assert response.context["error"].field == "department"
    assert (
        "“住房”需求应转介至住房和城乡建设部门（住房救助）或慈善组织（慈善帮扶）"
        in response.content.decode()
    )
    assert "房屋漏雨" in response.content.decode()
    assert state() == before
