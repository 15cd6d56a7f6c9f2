"""The pages: applicants' self-service under /self/, the staff form's needs and channel, and the
cross-region window pages."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from doudi.core.id_protection import id_number_decrypt
from doudi.intake.models import Application, CaseEvent, Consent
from doudi.intake.tests.test_services import members, on, submit
from doudi.portal.models import ApplicantAccount
from doudi.testing.state import row_counts
from doudi.web.tests.forms import staff_form

pytestmark = pytest.mark.django_db


def logged_in(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def counts() -> tuple[int, ...]:
    return row_counts(Application, CaseEvent, Consent, ApplicantAccount, get_user_model())


def online_form(household, *, skip: str = "") -> dict:  # type: ignore[no-untyped-def]
    people = members(household)
    data = {
        "programmes": ["dibao", "temporary_assistance"],
        "needs": ["medical", "education"],
        "temporary_kind": "emergency",
        "temporary_requested": "3000.00",
        "temporary_reason": "火灾",
    }
    for relation, signed_by, reason in (
        ("head", "self", ""),
        ("spouse", "proxy", "在外务工，委托丈夫代签"),
        ("child", "guardian", "未成年"),
    ):
        key = str(people[relation].public_id)
        if relation != skip:
            data[f"consent_{key}"] = "on"
        data[f"signed_by_{key}"] = signed_by
        data[f"proxy_reason_{key}"] = reason
    return data


# -- registration and login -------------------------------------------------------------------


def test_a_person_registers_and_lands_on_their_home_page(household):
    spouse = members(household)["spouse"]
    client = Client()
    with on("2026-11-02"):
        response = client.post(
            "/self/register/",
            {
                "name": "陈秀英",
                "id_number": id_number_decrypt(spouse.id_number_encrypted),
                "phone": "13900000002",
                "password": "Xiuying-2026!",
            },
        )
        page = client.get("/self/").content.decode()
    assert response.status_code == 302
    assert response.url == "/self/"
    assert "您好，陈秀英" in page
    assert "吴航街道兴华社区1号" in page
    assert ApplicantAccount.objects.get().person == spouse


def test_no_match_on_registration_shows_the_window_message_and_creates_nothing(household):
    before = counts()
    with on("2026-11-02"):
        response = Client().post(
            "/self/register/",
            {
                "name": "陈秀英",
                "id_number": id_number_decrypt(members(household)["head"].id_number_encrypted),
                "phone": "13900000002",
                "password": "Xiuying-2026!",
            },
        )
    assert response.status_code == 200
    assert "请携带身份证到户籍地或居住地的乡镇（街道）窗口申请" in response.content.decode()
    assert counts() == before


def test_the_applicant_logs_in_with_id_number_and_password(applicant_user, household):
    number = id_number_decrypt(members(household)["head"].id_number_encrypted)
    client = Client()
    wrong = client.post("/self/login/", {"id_number": number, "password": "nope"})
    assert wrong.status_code == 200
    assert "身份证号码或密码不正确" in wrong.content.decode()
    right = client.post(
        "/self/login/", {"id_number": number, "password": "pass-1234", "next": "/self/apply/"}
    )
    assert (right.status_code, right.url) == (302, "/self/apply/")
    assert client.get("/self/").status_code == 200


def test_staff_cannot_use_applicant_pages_and_applicants_cannot_use_staff_pages(
    applicant_user, caseworker_user, household
):
    assert logged_in(caseworker_user).get("/self/").status_code == 403
    assert logged_in(applicant_user).get("/applications/").status_code == 403
    assert logged_in(applicant_user).get(
        f"/households/{household.public_id}/apply/"
    ).status_code == (403)
    anonymous = Client().get("/self/apply/")
    assert (anonymous.status_code, anonymous.url) == (302, "/self/login/?next=%2Fself%2Fapply%2F")


# -- applying online and following the case ---------------------------------------------------


def test_the_applicant_applies_online_and_follows_the_status(
    applicant_user, caseworker_user, household
):
    client = logged_in(applicant_user)
    form = client.get("/self/apply/").content.decode()
    assert "待本人签署" in form  # the spouse's consent is not given yet
    with on("2026-11-02"):
        response = client.post("/self/apply/", online_form(household))
    application = Application.objects.get()
    assert (response.status_code, response.url) == (
        302,
        f"/self/applications/{application.public_id}/",
    )
    assert (application.channel, application.submitted_by) == ("online", applicant_user)
    assert application.needs == ["medical", "education"]

    # the township sees it in its work list and accepts it
    assert (
        str(application.public_id)
        in logged_in(caseworker_user).get("/applications/").content.decode()
    )
    with on("2026-11-02"):
        logged_in(caseworker_user).post(
            f"/applications/{application.public_id}/actions/accept/", {"version": "1"}
        )

    page = client.get(f"/self/applications/{application.public_id}/").content.decode()
    assert "已受理" in page
    assert "申请已受理，即将核对家庭经济状况。" in page
    assert "发起家庭经济状况核对：2026年11月2日前" in page
    assert "网上申请" in page
    assert "医疗、教育" in page
    assert "吴航经办" not in page  # no staff names
    home = client.get("/self/").content.decode()
    assert "最低生活保障（低保）、临时救助" in home


def test_the_online_form_sent_twice_lands_on_the_application_already_filed(
    applicant_user, household
):
    client = logged_in(applicant_user)
    with on("2026-11-02"):
        first = client.post("/self/apply/", online_form(household))
        second = client.post("/self/apply/", online_form(household))

    application = Application.objects.get()
    assert first.url == second.url == f"/self/applications/{application.public_id}/"
    assert "不能重复申请" in client.get(second.url).content.decode()


def test_a_missing_consent_online_shows_the_error_and_writes_nothing(applicant_user, household):
    before = counts()
    with on("2026-11-02"):
        response = logged_in(applicant_user).post(
            "/self/apply/", online_form(household, skip="spouse")
        )
    assert response.status_code == 200
    assert "以下共同生活家庭成员尚未签署授权核对书：陈秀英" in response.content.decode()
    assert counts() == before


def test_an_applicant_opening_someone_elses_application_gets_404(
    applicant_user, outsider, other_household
):
    with on("2026-11-02"):
        foreign = submit(outsider, other_household)
    response = logged_in(applicant_user).get(f"/self/applications/{foreign.public_id}/")
    assert response.status_code == 404
    assert logged_in(applicant_user).get("/self/applications/nonsense/").status_code == 404


# -- the staff form: needs and the village worker's channel -----------------------------------


def test_the_staff_form_stores_needs_and_refuses_an_unknown_one(caseworker_user, household):
    client = logged_in(caseworker_user)
    page = client.get(f"/households/{household.public_id}/apply/").content.decode()
    for label in ("医疗", "教育", "住房", "就业", "照料护理", "法律援助"):
        assert label in page
    before = counts()
    with on("2026-11-02"):
        bad = client.post(
            f"/households/{household.public_id}/apply/", {**staff_form(household), "needs": ["x"]}
        )
    assert "其他救助需求取值无效：&#x27;x&#x27;" in bad.content.decode()
    assert counts() == before
    with on("2026-11-02"):
        client.post(
            f"/households/{household.public_id}/apply/",
            {**staff_form(household), "needs": ["legal", "care"]},
        )
    assert Application.objects.get().needs == ["legal", "care"]


def test_the_village_worker_files_through_the_form_on_their_channel(village_worker_user, household):
    client = logged_in(village_worker_user)
    page = client.get(f"/households/{household.public_id}/apply/").content.decode()
    assert 'data-testid="channel-fixed">村（社区）代办' in page
    with on("2026-11-02"):
        response = client.post(f"/households/{household.public_id}/apply/", staff_form(household))
    application = Application.objects.get()
    assert response.status_code == 302
    assert (application.channel, application.submitted_by) == (
        "village_worker",
        village_worker_user,
    )
    # they see the case, but no action is offered that they could take
    case = client.get(f"/applications/{application.public_id}/")
    assert case.status_code == 200
    denied = client.post(f"/applications/{application.public_id}/actions/accept/", {"version": "1"})
    assert denied.status_code == 403
    application.refresh_from_db()
    assert (application.status, application.version) == ("submitted", 1)


# -- the cross-region window ------------------------------------------------------------------


def test_a_foreign_window_files_a_disability_subsidy_and_gets_a_receipt(
    gudong_caseworker_user, household
):
    client = logged_in(gudong_caseworker_user)
    head = members(household)["head"]
    found = client.post(
        "/cross-region/",
        {"name": "林建国", "id_number": id_number_decrypt(head.id_number_encrypted)},
    )
    assert (found.status_code, found.url) == (302, "/cross-region/apply/")
    form = client.get("/cross-region/apply/").content.decode()
    assert "困难残疾人生活补贴" in form
    assert "最低生活保障（低保）" not in form  # not on offer at a foreign window

    data = {**staff_form(household), "programmes": ["disability_living_subsidy"]}
    with on("2026-11-02"):
        response = client.post("/cross-region/apply/", data)
        receipt = client.get("/cross-region/receipt/").content.decode()
    assert (response.status_code, response.url) == (302, "/cross-region/receipt/")
    assert "长乐区（350112）" in receipt
    assert "吴航街道（350112001）" in receipt
    assert "提交后本窗口不能再查看" in receipt
    application = Application.objects.get()
    assert application.receiving_township_code == "350102001"
    with on("2026-11-02"):
        assert client.get(f"/applications/{application.public_id}/").status_code == 404


def test_a_foreign_window_filing_dibao_is_refused_and_writes_nothing(
    gudong_caseworker_user, household
):
    client = logged_in(gudong_caseworker_user)
    head = members(household)["head"]
    client.post(
        "/cross-region/",
        {"name": "林建国", "id_number": id_number_decrypt(head.id_number_encrypted)},
    )
    before = counts()
    with on("2026-11-02"):
        response = client.post("/cross-region/apply/", staff_form(household))
    assert response.status_code == 404
    assert counts() == before


def test_a_wrong_name_at_the_window_finds_nothing(gudong_caseworker_user, household):
    client = logged_in(gudong_caseworker_user)
    head = members(household)["head"]
    response = client.post(
        "/cross-region/", {"name": "林建", "id_number": id_number_decrypt(head.id_number_encrypted)}
    )
    assert response.status_code == 200
    assert "未找到姓名和身份证号码一致" in response.content.decode()
    assert "cross_region_household" not in client.session
    # and the form stays closed: back to the search
    assert client.get("/cross-region/apply/").url == "/cross-region/"


def test_the_temporary_assistance_receipt_says_this_township_handles_it(
    gudong_caseworker_user, household
):
    client = logged_in(gudong_caseworker_user)
    head = members(household)["head"]
    client.post(
        "/cross-region/",
        {"name": "林建国", "id_number": id_number_decrypt(head.id_number_encrypted)},
    )
    with on("2026-11-02"):
        client.post(
            "/cross-region/apply/",
            {
                **staff_form(household),
                "programmes": ["temporary_assistance"],
                "temporary_kind": "emergency",
                "temporary_requested": "3000.00",
                "temporary_reason": "火灾",
            },
        )
        receipt = client.get("/cross-region/receipt/").content.decode()
    assert "急难发生地临时救助：由本乡镇（街道）鼓东街道（350102001）办理" in receipt
    application = Application.objects.get()
    with on("2026-11-02"):
        assert client.get(f"/applications/{application.public_id}/").status_code == 200
