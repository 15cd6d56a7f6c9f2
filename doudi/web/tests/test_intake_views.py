"""The application pages: the form, the work list and the case page with its actions."""

from __future__ import annotations

import pytest

from doudi.benefits.models import Entitlement
from doudi.core.models import AuditEvent
from doudi.intake.models import Application, CaseEvent, Consent
from doudi.intake.tests.test_services import members, on, to_awaiting
from doudi.testing.clients import logged_in
from doudi.web.tests.forms import staff_form

pytestmark = pytest.mark.django_db


def test_the_household_page_offers_the_application_to_the_caseworker_only(
    caseworker_user, approver_user, household
):
    url = f"/households/{household.public_id}/"
    assert "申请救助" in logged_in(caseworker_user).get(url).content.decode()
    assert "申请救助" not in logged_in(approver_user).get(url).content.decode()


def test_the_form_lists_every_counted_member_with_a_consent(caseworker_user, household):
    page = logged_in(caseworker_user).get(f"/households/{household.public_id}/apply/")
    text = page.content.decode()
    assert page.status_code == 200
    for name in ("林建国", "陈秀英", "林小雨", "最低生活保障（低保）", "工资性收入", "监护人代签"):
        assert name in text


def test_the_caseworker_files_an_application_and_sees_it_in_the_worklist(
    caseworker_user, household
):
    client = logged_in(caseworker_user)

    response = client.post(f"/households/{household.public_id}/apply/", staff_form(household))

    application = Application.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/applications/{application.public_id}/"
    assert application.status == "submitted"
    assert application.programmes == ["dibao"]
    assert application.situation["assets"] == {"real_estate": 1}
    head = members(household)["head"]
    incomes = {m["id"]: m["incomes"] for m in application.situation["members"]}
    assert incomes[str(head.public_id)] == [{"type": "wage", "monthly": "1200.00", "stable": True}]
    assert Consent.objects.filter(application=application).count() == 3
    case_page = client.get(response["Location"]).content.decode()
    assert "申请已提交" in case_page
    assert "已提交" in case_page
    assert "提交申请 · 草稿 → 已提交" in case_page
    assert 'data-testid="action-accept"' in case_page
    worklist = client.get("/applications/")
    rows = worklist.context["rows"]
    assert [(r["head"], r["status_label"], r["programmes"]) for r in rows] == [
        ("林建国", "已提交", ["最低生活保障（低保）"])
    ]
    assert str(application.public_id) in worklist.content.decode()


def test_the_same_form_sent_twice_lands_on_the_application_already_filed(
    caseworker_user, household
):
    client = logged_in(caseworker_user)
    first = client.post(f"/households/{household.public_id}/apply/", staff_form(household))

    second = client.post(f"/households/{household.public_id}/apply/", staff_form(household))

    application = Application.objects.get()
    assert first["Location"] == second["Location"] == f"/applications/{application.public_id}/"
    page = client.get(second["Location"]).content.decode()
    assert "该家庭已有办理中的最低生活保障（低保）申请，不能重复申请" in page
    assert Consent.objects.count() == 3


def test_a_missing_consent_shows_the_chinese_error_and_writes_nothing(caseworker_user, household):
    audit_before = AuditEvent.objects.count()

    response = logged_in(caseworker_user).post(
        f"/households/{household.public_id}/apply/", staff_form(household, skip="spouse")
    )

    assert response.status_code == 200
    assert "以下共同生活家庭成员尚未签署授权核对书：陈秀英" in response.content.decode()
    assert Application.objects.count() == 0
    assert Consent.objects.count() == 0
    assert CaseEvent.objects.count() == 0
    assert AuditEvent.objects.count() == audit_before


def test_the_caseworker_accepts_through_the_action_and_the_deadlines_appear(
    caseworker_user, household
):
    client = logged_in(caseworker_user)
    with on("2026-11-02"):
        client.post(f"/households/{household.public_id}/apply/", staff_form(household))
        application = Application.objects.get()

        response = client.post(
            f"/applications/{application.public_id}/actions/accept/", {"version": "1"}
        )
        page = client.get(response["Location"]).content.decode()

    application.refresh_from_db()
    assert response.status_code == 302
    assert application.status == "accepted"
    assert "已办理：受理" in page
    assert "2026-12-14" in page  # the overall limit: 30 working days
    assert client.get("/applications/").context["rows"][0]["overall"].kind == "overall"


def test_a_stale_version_shows_the_conflict_and_changes_nothing(caseworker_user, household):
    client = logged_in(caseworker_user)
    client.post(f"/households/{household.public_id}/apply/", staff_form(household))
    application = Application.objects.get()

    response = client.post(
        f"/applications/{application.public_id}/actions/accept/", {"version": "7"}, follow=True
    )

    application.refresh_from_db()
    assert "该申请已被他人处理，请刷新后重试" in response.content.decode()
    assert application.status == "submitted"


def test_the_approver_confirms_and_the_page_shows_the_entitlement(
    caseworker, approver_user, household
):
    application = to_awaiting(caseworker, household)
    client = logged_in(approver_user)
    with on("2026-11-20"):
        before = client.get(f"/applications/{application.public_id}/").content.decode()
        assert 'data-testid="action-confirm"' in before
        assert 'data-testid="action-accept"' not in before
        assert "初审测算结果" in before

        response = client.post(
            f"/applications/{application.public_id}/actions/confirm/",
            {"version": str(application.version)},
        )
        page = client.get(response["Location"]).content.decode()

    application.refresh_from_db()
    assert application.status == "confirmed"
    assert Entitlement.objects.get().monthly_amount == 2107
    assert "已办理：确认" in page
    assert "2,107.00" in page
    assert "2026年12月" in page
    assert "长乐审核" in page  # the timeline names the approver


def test_the_approver_may_not_take_the_caseworkers_step(approver_user, caseworker, household):
    application = to_awaiting(caseworker, household)
    version = application.version

    response = logged_in(approver_user).post(
        f"/applications/{application.public_id}/actions/close_notice_without_objection/",
        {"version": str(version)},
    )

    application.refresh_from_db()
    assert response.status_code == 403
    assert application.version == version


def test_the_outsider_gets_404(outsider_user, caseworker, household):
    application = to_awaiting(caseworker, household)
    client = logged_in(outsider_user)

    assert client.get(f"/applications/{application.public_id}/").status_code == 404
    assert client.get(f"/households/{household.public_id}/apply/").status_code == 404
    response = client.post(
        f"/applications/{application.public_id}/actions/withdraw/",
        {"version": str(application.version), "reason": "试探"},
    )
    assert response.status_code == 404
    application.refresh_from_db()
    assert application.status == "awaiting_confirmation"
    assert client.get("/applications/").context["rows"] == []
