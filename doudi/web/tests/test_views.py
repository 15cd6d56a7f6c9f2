from __future__ import annotations

import pytest
from django.test import Client

from doudi.core.id_protection import id_number_decrypt
from doudi.core.models import AuditEvent
from doudi.testing.clients import logged_in

pytestmark = pytest.mark.django_db


def test_it_logs_in_with_a_password_and_shows_the_users_region(caseworker_user):
    client = Client()
    response = client.post("/login/", {"username": "wuhang_caseworker", "password": "pass-1234"})
    assert response.status_code == 302
    assert response["Location"] == "/"
    page = client.get("/").content.decode()
    assert "吴航经办 · 吴航街道" in page
    assert "吴航街道 工作台" in page
    assert "经办人" in page


def test_a_wrong_password_shows_a_chinese_error(caseworker_user):
    response = Client().post("/login/", {"username": "wuhang_caseworker", "password": "nope"})
    assert response.status_code == 200
    assert "用户名或密码不正确" in response.content.decode()


def test_the_dashboard_counts_only_the_users_region(
    caseworker_user, approver_user, household, other_household
):
    township = logged_in(caseworker_user).get("/").context["statistics"]
    county = logged_in(approver_user).get("/").context["statistics"]
    assert township == {"households": 1, "persons": 3, "not_counted": 0}
    assert county == {"households": 2, "persons": 6, "not_counted": 0}


def test_search_by_name_lists_the_households_of_the_region_with_masked_ids(
    caseworker_user, household, other_household
):
    response = logged_in(caseworker_user).get("/households/?name=林建国")
    page = response.content.decode()
    results = response.context["results"]
    assert [r.address for r in results] == ["吴航街道兴华社区1号"]
    head = household.memberships.get(relation="head").person
    assert head.id_number_masked in page
    assert id_number_decrypt(head.id_number_encrypted) not in page


def test_the_county_approver_finds_households_of_every_township(
    approver_user, household, other_household
):
    results = logged_in(approver_user).get("/households/?name=林建国").context["results"]
    assert sorted(r.address for r in results) == ["吴航街道兴华社区1号", "航城街道航城社区8号"]


def test_a_search_with_a_bad_region_code_shows_the_error(caseworker_user):
    page = logged_in(caseworker_user).get("/households/?region_code=35x").content.decode()
    assert "区划代码格式不正确：35x" in page


def test_the_household_page_shows_members_and_history(caseworker_user, household):
    page = logged_in(caseworker_user).get(f"/households/{household.public_id}/").content.decode()
    for text in (
        "林建国",
        "户主",
        "陈秀英",
        "配偶",
        "林小雨",
        "子女",
        "变更历史",
        "首次登记",
        "吴航经办",
    ):
        assert text in page


def test_revealing_an_id_shows_it_once_and_logs_it(caseworker_user, household):
    client = logged_in(caseworker_user)
    head = household.memberships.get(relation="head").person
    number = id_number_decrypt(head.id_number_encrypted)

    response = client.post(
        f"/persons/{head.public_id}/reveal-id/",
        {"purpose": "核对户口簿", "household": str(household.public_id)},
    )
    shown = client.get(response["Location"]).content.decode()
    again = client.get(response["Location"]).content.decode()

    assert number in shown
    assert number not in again
    assert (
        AuditEvent.objects.filter(action="person.id_number_viewed", actor=caseworker_user).count()
        == 1
    )


def test_revealing_without_a_purpose_is_refused_and_not_logged(caseworker_user, household):
    client = logged_in(caseworker_user)
    head = household.memberships.get(relation="head").person
    response = client.post(
        f"/persons/{head.public_id}/reveal-id/",
        {"purpose": "", "household": str(household.public_id)},
    )
    page = client.get(response["Location"]).content.decode()
    assert "请填写查看完整身份证号码的用途" in page
    assert not AuditEvent.objects.filter(action="person.id_number_viewed").exists()


def test_the_auditor_sees_masked_ids_without_a_reveal_button(auditor_user, household):
    page = logged_in(auditor_user).get(f"/households/{household.public_id}/").content.decode()
    assert "查看用途" not in page


def test_the_outsider_gets_not_found_for_another_townships_household(outsider_user, household):
    assert logged_in(outsider_user).get(f"/households/{household.public_id}/").status_code == 404


def test_a_user_without_a_staff_profile_is_refused(db):
    from doudi.testing.factories import UserFactory

    user = UserFactory(username="nobody", password="x")
    response = logged_in(user).get("/")
    assert response.status_code == 403
    assert "该账号未配置工作人员信息" in response.content.decode()


def test_the_dashboard_marks_deadlines_computed_without_a_schedule_as_provisional(
    caseworker_user, outsider_user, partner_user
):
    import datetime as dt

    import time_machine

    from doudi.core.calendar import deadline_open

    with time_machine.travel(
        dt.datetime(2026, 12, 21, 9, tzinfo=dt.timezone(dt.timedelta(hours=8))), tick=False
    ):
        # given: a 10-working-day deadline from 2026-12-21 reaches into 2027, which has no schedule yet
        deadline_open(
            object_type="intake.application",
            object_id="7",
            kind="investigation",
            region_code="350112001001",
            start_date=dt.date(2026, 12, 21),
            working_days=10,
        )
        # when
        own = logged_in(caseworker_user).get("/")
        other = logged_in(outsider_user).get("/")
        partner = logged_in(partner_user).get("/")  # the county's medical-security bureau

    # then
    ((row, remaining),) = own.context["deadlines"]
    deadline = row.deadline
    assert (deadline.due_date, deadline.is_provisional, remaining) == (
        dt.date(2027, 1, 4),
        True,
        10,
    )
    assert (row.owner_label, row.kind_label, row.url) == (
        "救助申请",
        "入户调查（含核对结果）",
        None,
    )
    assert 'data-testid="provisional"' in own.content.decode()
    assert other.context["deadlines"] == []
    assert partner.context["deadlines"] == []  # applications are not the partner's business


@pytest.mark.parametrize("url", ["/login/", "/api/docs", "/"])
def test_no_page_loads_anything_from_another_host(url, caseworker_user):
    import re

    page = logged_in(caseworker_user).get(url).content.decode()
    external = re.findall(r'(?:src|href)="(https?://[^"]+)"', page)
    assert external == []
    assert "cdn" not in page.lower()


def test_a_county_officer_adds_a_standard_on_the_standards_page(approver_user, caseworker_user):
    from doudi.standards.models import LocalStandard

    client = logged_in(approver_user)
    response = client.post(
        "/standards/",
        {
            "region_code": "350112",
            "area_scope": "unified",
            "amount": "900.00",
            "effective_from": "2026-01-01",
            "document": "长民〔2025〕9号（合成）",
            "reason": "年度调标",
            "is_demo": "on",
        },
    )
    assert response.status_code == 302
    standard = LocalStandard.objects.get()
    assert (standard.amount, standard.is_demo, standard.created_by) == (900, True, approver_user)
    page = logged_in(caseworker_user).get("/standards/").content.decode()
    assert "900.00" in page
    assert "演示值" in page
    assert "新增一期低保标准" not in page  # the caseworker may read but not set


def test_a_bad_date_on_the_standards_page_is_explained_and_nothing_saved(approver_user):
    from doudi.standards.models import LocalStandard

    client = logged_in(approver_user)
    response = client.post(
        "/standards/",
        {
            "region_code": "350112",
            "amount": "900",
            "effective_from": "2026-01-15",
            "document": "x",
            "reason": "y",
        },
    )
    assert response.status_code == 200
    assert "标准按月执行：起始日期须为某月 1 日" in response.content.decode()
    assert LocalStandard.objects.count() == 0
