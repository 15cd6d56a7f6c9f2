"""Applicant accounts and online applications (全程网办)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.test import RequestFactory

from doudi.core.exceptions import ApplicationError, NotFound
from doudi.core.id_protection import id_number_decrypt
from doudi.core.models import AuditEvent
from doudi.intake import selectors as intake_selectors
from doudi.intake import services as intake_services
from doudi.intake.models import Application, CaseEvent, Consent
from doudi.intake.services import ConsentSpec, Declaration, IncomeSpec
from doudi.intake.tests.test_services import members, on, submit
from doudi.portal import selectors, services
from doudi.portal.models import ApplicantAccount
from doudi.registry.tests.factories import make_id_number
from doudi.testing.state import row_counts

pytestmark = pytest.mark.django_db


def number_of(person) -> str:  # type: ignore[no-untyped-def]
    return id_number_decrypt(person.id_number_encrypted)


def register(person, **overrides):  # type: ignore[no-untyped-def]
    values = {
        "name": person.name,
        "id_number": number_of(person),
        "phone": "13900000002",
        "password": "Xiuying-2026!",
    }
    values.update(overrides)
    return services.applicant_account_register(**values)


def account_counts() -> tuple[int, ...]:
    return row_counts(
        ApplicantAccount,
        get_user_model(),
        AuditEvent.objects.filter(action="portal.account_register"),
    )


def case_counts() -> tuple[int, ...]:
    return row_counts(Application, CaseEvent, Consent, AuditEvent)


# -- registration -----------------------------------------------------------------------------


def test_a_registry_person_registers_with_name_and_id_number(household):
    spouse = members(household)["spouse"]
    with on("2026-11-02"):
        account = register(spouse)
    assert account.person == spouse
    assert account.phone == "13900000002"
    assert account.user.check_password("Xiuying-2026!")
    assert number_of(spouse) not in account.user.username
    assert not hasattr(account.user, "staff_profile")
    audit = AuditEvent.objects.get(action="portal.account_register")
    assert (audit.actor, audit.object_id, audit.region_code) == (
        account.user,
        str(account.pk),
        "350112001001",
    )


@pytest.mark.parametrize("_case", ["unknown number", "another name", "another persons number"])
def test_no_match_tells_the_person_to_apply_at_the_window_and_creates_nothing(_case, household):
    people = members(household)
    overrides = {
        "unknown number": {"id_number": make_id_number(dt.date(1970, 1, 1))},
        "another name": {"name": "陈秀"},
        "another persons number": {"id_number": number_of(people["head"])},
    }[_case]
    before = account_counts()
    with on("2026-11-02"), pytest.raises(ApplicationError) as error:
        register(people["spouse"], **overrides)
    assert error.value.message == services.NO_MATCH_MESSAGE
    assert error.value.field == "id_number"
    assert "乡镇（街道）窗口" in error.value.message
    assert account_counts() == before


def test_one_account_per_person(household):
    spouse = members(household)["spouse"]
    with on("2026-11-02"):
        register(spouse)
    before = account_counts()
    with on("2026-11-02"), pytest.raises(ApplicationError) as error:
        register(spouse, phone="13900000003", password="Another-2026!")
    assert error.value.message == services.ACCOUNT_EXISTS_MESSAGE
    assert account_counts() == before


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"name": "  "}, "name", "请填写姓名"),
        ({"id_number": "35011219800517"}, "id_number", None),
        ({"phone": "0591-1234567"}, "phone", "手机号码格式不正确：应为以 1 开头的 11 位数字"),
        ({"password": "short"}, "password", None),
    ],
)
def test_bad_input_names_the_field_and_creates_nothing(overrides, field, message, household):
    before = account_counts()
    with on("2026-11-02"), pytest.raises(ApplicationError) as error:
        register(members(household)["spouse"], **overrides)
    assert error.value.field == field
    if message:
        assert error.value.message == message
    else:
        assert error.value.message.startswith(
            {"id_number": "身份证号码无效：", "password": "密码不符合要求："}[field]
        )
    assert account_counts() == before


def test_a_minor_cannot_register(household):
    before = account_counts()
    with on("2026-11-02"), pytest.raises(ApplicationError) as error:
        register(members(household)["child"])
    assert error.value.message == "未满 18 周岁的不能注册网上办事账号，请由监护人注册后代为申请"
    assert account_counts() == before


def test_login_finds_the_account_by_id_number_and_checks_the_password(applicant_user, household):
    number = number_of(members(household)["head"])

    def login(id_number: str, password: str):  # type: ignore[no-untyped-def]
        request = RequestFactory().post("/self/login/")
        return services.applicant_authenticate(
            request=request, id_number=id_number, password=password
        )

    assert login(number, "pass-1234") == applicant_user
    assert login(number, "wrong") is None
    assert login("bad", "pass-1234") is None


# -- applying online --------------------------------------------------------------------------


@pytest.fixture
def account(applicant_user):  # type: ignore[no-untyped-def]
    return applicant_user.applicant_account


def online_consents(household, **signed_by):  # type: ignore[no-untyped-def]
    people = members(household)
    return [
        ConsentSpec(person=people["head"]),
        ConsentSpec(
            person=people["spouse"],
            signed_by=signed_by.get("spouse", "proxy"),
            proxy_reason="" if signed_by.get("spouse") == "self" else "在外务工，委托丈夫代签",
        ),
        ConsentSpec(person=people["child"], signed_by="guardian", proxy_reason="未成年"),
    ]


def submit_online(account, household, **overrides):  # type: ignore[no-untyped-def]
    people = members(household)
    values = {
        "programmes": ["dibao"],
        "consents": online_consents(household),
        "declaration": Declaration(
            incomes=[IncomeSpec(person=people["head"], type="wage", monthly="1200.00")]
        ),
        "needs": ["medical"],
    }
    values.update(overrides)
    return services.application_submit_online(account=account, **values)


def test_the_applicant_files_online_and_the_township_sees_it_in_its_work_list(
    account, caseworker, household
):
    with on("2026-11-02"):
        application = submit_online(account, household)
    assert application.channel == "online"
    assert application.status == "submitted"
    assert application.submitted_by == account.user
    assert application.household == household
    assert (application.township_code, application.village_code) == ("350112001", "350112001001")
    assert application.receiving_township_code == ""
    assert application.needs == ["medical"]
    assert list(
        application.consents.order_by("id").values_list("person__name", "signed_by", "proxy_reason")
    ) == [
        ("林建国", "self", ""),
        ("陈秀英", "proxy", "在外务工，委托丈夫代签"),
        ("林小雨", "guardian", "未成年"),
    ]
    event = application.events.get()
    assert (event.actor, event.action, event.parameters["channel"]) == (
        account.user,
        "submit",
        "online",
    )
    assert list(intake_selectors.application_list(actor=caseworker)) == [application]


def test_a_missing_consent_online_is_refused_and_nothing_is_written(account, household):
    before = case_counts()
    with on("2026-11-02"), pytest.raises(ApplicationError) as error:
        submit_online(account, household, consents=online_consents(household)[:2])
    assert error.value.message == "以下共同生活家庭成员尚未签署授权核对书：林小雨"
    assert case_counts() == before


def test_the_applicant_cannot_sign_as_another_member(account, household):
    before = case_counts()
    with on("2026-11-02"), pytest.raises(ApplicationError) as error:
        submit_online(account, household, consents=online_consents(household, spouse="self"))
    assert error.value.field == "consents[1].signed_by"
    assert error.value.message.startswith("陈秀英的授权核对书不能以“本人签署”在您的账号下提交")
    assert case_counts() == before


def test_an_invalid_need_online_is_refused(account, household):
    before = case_counts()
    with on("2026-11-02"), pytest.raises(ApplicationError) as error:
        submit_online(account, household, needs=["cash"])
    assert error.value.field == "needs[0]"
    assert case_counts() == before


def test_an_applicant_without_a_household_cannot_apply(household):
    # given: a registry person who left the household
    with on("2026-11-02"):
        account = register(members(household)["spouse"])
    household.memberships.filter(person=account.person).update(is_active=False)
    before = case_counts()
    with on("2026-11-02"), pytest.raises(ApplicationError) as error:
        submit_online(account, household, consents=[])
    assert error.value.field == "household"
    assert case_counts() == before
    assert list(selectors.applicant_applications(account=account)) == []


# -- status tracking --------------------------------------------------------------------------


def test_the_applicant_follows_the_case_without_staff_names(account, caseworker, household):
    with on("2026-11-02"):
        application = submit_online(account, household)
        application = intake_services.application_accept(actor=caseworker, application=application)

    view = selectors.application_status_view(account=account, application=application)

    assert view.status_label == "已受理"
    assert view.explanation == "申请已受理，即将核对家庭经济状况。"
    # the earliest open deadline: the check is launched on the acceptance day
    assert (view.next_deadline_label, view.next_deadline_due) == (
        "发起家庭经济状况核对",
        dt.date(2026, 11, 2),
    )
    assert [(e.what, e.status_label) for e in view.timeline] == [
        ("提交申请", "已提交"),
        ("受理", "已受理"),
    ]
    assert "吴航经办" not in repr(view.timeline)


def test_an_applicant_cannot_open_another_households_application(
    account, outsider, other_household
):
    with on("2026-11-02"):
        foreign = submit(outsider, other_household)
    with pytest.raises(NotFound):
        selectors.applicant_application_get(account=account, public_id=foreign.public_id)
    with pytest.raises(NotFound):
        selectors.applicant_application_get(account=account, public_id="not-a-uuid")
    assert list(selectors.applicant_applications(account=account)) == []
