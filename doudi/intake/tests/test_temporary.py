"""临时救助 through the intake path: declared on the one form (services, API, staff form, portal),
proposed by the engine, published, confirmed into one one-off grant (一次性救助), county
approval above the township limit, and the decision notice's one-off line."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client

from doudi.accounts.models import Role
from doudi.accounts.scoping import actor_for_user
from doudi.accounts.tests.fixtures import WUHANG, make_staff
from doudi.benefits.models import Entitlement, OneOffGrant
from doudi.core.exceptions import ApplicationError, PermissionDenied
from doudi.core.models import AuditEvent, Deadline
from doudi.documents import selectors as document_selectors
from doudi.intake import services
from doudi.intake.models import Application, CaseEvent, ConfirmationSetting, Consent
from doudi.intake.services import ConsentSpec, Declaration, IncomeSpec, TemporarySpec
from doudi.intake.tests.test_apis import client_for, submit_body
from doudi.intake.tests.test_services import members
from doudi.intake.workflow import CaseFacts, check
from doudi.programmes import PUBLISHED_IN_NOTICE
from doudi.relief import services as relief_services
from doudi.standards.models import EvaluationRecord
from doudi.testing.clock import on
from doudi.testing.state import row_counts

FIRE = TemporarySpec(kind="emergency", requested="3000.00", reason="火灾")
EMERGENCY_REASONS = [
    "申请急难型临时救助（事由：火灾），申请金额 3,000.00 元",
    "核定临时救助金 3,000.00 元（一次性）",
]


def state() -> tuple[int, ...]:
    return row_counts(
        Application,
        CaseEvent,
        Consent,
        Entitlement,
        OneOffGrant,
        AuditEvent,
        Deadline.objects.filter(closed_at__isnull=True),
        EvaluationRecord,
    )


def consents(household) -> list[ConsentSpec]:  # type: ignore[no-untyped-def]
    people = members(household)
    return [
        ConsentSpec(person=people["head"]),
        ConsentSpec(person=people["spouse"]),
        ConsentSpec(person=people["child"], signed_by="guardian", proxy_reason="未成年"),
    ]


def file_temporary(caseworker, household, temporary=FIRE, **overrides):  # type: ignore[no-untyped-def]
    values = {
        "programmes": ["temporary_assistance"],
        "channel": "window",
        "consents": consents(household),
        "declaration": Declaration(
            incomes=[IncomeSpec(person=members(household)["head"], type="wage", monthly="1200.00")],
            temporary=temporary,
        ),
    }
    values.update(overrides)
    return services.application_submit(actor=caseworker, household=household, **values)


def to_awaiting_confirmation(caseworker, application):  # type: ignore[no-untyped-def]
    """Accepted on Monday 2026-11-02, visited on 11-05, proposed and published on 11-06,
    notice closed on 11-16."""
    with on("2026-11-02"):
        application = services.application_accept(actor=caseworker, application=application)
        application = services.application_start_verification(
            actor=caseworker, application=application
        )
    with on("2026-11-05"):
        application = services.application_record_home_visit(
            actor=caseworker,
            application=application,
            investigators=["吴航经办", "兴华社区主任"],
            record_signed=True,
            photos=3,
            findings="住房失火，家具衣物烧毁",
        )
    with on("2026-11-06"):
        application = services.application_give_initial_opinion(
            actor=caseworker, application=application, favourable=True, opinion="同意临时救助"
        )
        application = services.application_publish_notice(actor=caseworker, application=application)
    with on("2026-11-16"):
        return services.application_close_notice(actor=caseworker, application=application)


@pytest.fixture
def township_approver(villages):  # type: ignore[no-untyped-def]
    return actor_for_user(
        make_staff("wuhang_approver", WUHANG, [Role.APPROVER], display_name="吴航审核")
    )


def delegate() -> None:
    ConfirmationSetting.objects.create(county_id="350112", delegated_to_township=True)


# -- the whole path -----------------------------------------------------------------------------


def test_an_emergency_temporary_only_application_ends_in_one_grant_of_the_exact_amount(
    caseworker, approver, household
):
    with on("2026-11-02"):
        application = file_temporary(caseworker, household)
    assert application.situation["temporary"] == {
        "kind": "emergency",
        "requested": "3000.00",
        "reason": "火灾",
        "repeat_within_year": False,
    }
    application = to_awaiting_confirmation(caseworker, application)
    proposal = application.proposal["temporary_assistance"]
    assert proposal["eligible"] is True
    assert proposal["amount"] == "3000.00"
    assert proposal["requires_county_approval"] is False
    assert proposal["township_approval_limit"] == "5000.00"
    assert len(proposal["reasons"]) == 4
    assert proposal["reasons"][0] == EMERGENCY_REASONS[0]
    assert proposal["reasons"][2] == EMERGENCY_REASONS[1]
    assert proposal["reasons"][3].startswith("不超过乡镇（街道）审批额度 5,000.00 元")
    # Temporary assistance is published by the township that gives it (doudi.programmes).
    assert "temporary_assistance" in PUBLISHED_IN_NOTICE
    assert application.notice_published_on == dt.date(2026, 11, 6)

    with on("2026-11-20"):
        application = services.application_confirm(actor=approver, application=application)
    assert application.status == "confirmed"
    assert Entitlement.objects.count() == 0
    grant = OneOffGrant.objects.get()
    assert (
        grant.application,
        grant.household,
        grant.programme,
        grant.amount,
        grant.approved_by,
        grant.approved_month,
        grant.requires_county_approval,
        grant.county_approved,
        grant.village_code,
    ) == (
        application,
        household,
        "temporary_assistance",
        Decimal("3000.00"),
        approver.user,
        dt.date(2026, 11, 1),
        False,
        True,
        "350112001001",
    )
    event = application.events.get(action="confirm")
    assert event.parameters["one_off"] == {"temporary_assistance": "3000.00"}

    before = state()
    with (
        on("2026-11-20"),
        pytest.raises(ApplicationError, match="^当前状态为“已确认”，不能执行“确认”$"),
    ):
        services.application_confirm(actor=approver, application=application)
    assert state() == before
    assert OneOffGrant.objects.get().amount == Decimal("3000.00")

    # The decision notice prints the one-off amount, not a monthly one.
    with on("2026-11-20"):
        notice = document_selectors.decision_notice_content(actor=approver, application=application)
    assert notice.lines == ()
    assert [(line.programme, line.amount, line.approved_month) for line in notice.one_off] == [
        ("临时救助", Decimal("3000.00"), dt.date(2026, 11, 1))
    ]


def test_the_database_refuses_a_second_grant_for_the_same_programme(
    caseworker, approver, household
):
    with on("2026-11-02"):
        application = file_temporary(caseworker, household)
    application = to_awaiting_confirmation(caseworker, application)
    with on("2026-11-20"):
        services.application_confirm(actor=approver, application=application)
    grant = OneOffGrant.objects.get()
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        OneOffGrant.objects.create(
            **{
                f.attname: getattr(grant, f.attname)
                for f in OneOffGrant._meta.concrete_fields
                if f.name not in ("id", "public_id", "created_at", "updated_at")
            }
        )
    assert OneOffGrant.objects.count() == 1


def test_above_the_township_limit_a_delegated_township_approver_is_refused_the_county_confirms(
    caseworker, approver, township_approver, household
):
    delegate()
    with on("2026-11-02"):
        application = file_temporary(
            caseworker, household, dataclasses.replace(FIRE, requested="5500.00")
        )
    application = to_awaiting_confirmation(caseworker, application)
    proposal = application.proposal["temporary_assistance"]
    assert (proposal["amount"], proposal["requires_county_approval"]) == ("5500.00", True)

    before = state()
    version = application.version
    with on("2026-11-20"), pytest.raises(PermissionDenied) as raised:
        services.application_confirm(actor=township_approver, application=application)
    assert raised.value.message == "临时救助金额超过乡镇（街道）审批额度，须由县级民政部门审核确认"
    assert state() == before
    application.refresh_from_db()
    assert (application.status, application.version) == ("awaiting_confirmation", version)

    with on("2026-11-20"):
        application = services.application_confirm(actor=approver, application=application)
    grant = OneOffGrant.objects.get()
    assert (grant.amount, grant.requires_county_approval, grant.county_approved) == (
        Decimal("5500.00"),
        True,
        True,
    )
    assert Entitlement.objects.count() == 0


def test_within_the_limit_the_delegated_township_approver_confirms(
    caseworker, township_approver, household
):
    delegate()
    with on("2026-11-02"):
        application = file_temporary(caseworker, household)
    application = to_awaiting_confirmation(caseworker, application)
    with on("2026-11-20"):
        services.application_confirm(actor=township_approver, application=application)
    grant = OneOffGrant.objects.get()
    assert (grant.amount, grant.approved_by, grant.county_approved) == (
        Decimal("3000.00"),
        township_approver.user,
        False,
    )


def test_the_confirmed_grant_is_the_amount_relief_plans_instalments_from(
    caseworker, approver, household
):
    expenditure = TemporarySpec(kind="expenditure", requested="3000.00", reason="子女住院手术")
    with on("2026-11-02"):
        application = file_temporary(caseworker, household, expenditure)
    application = to_awaiting_confirmation(caseworker, application)
    with on("2026-11-20"):
        application = services.application_confirm(actor=approver, application=application)
    assert relief_services.approved_temporary_amount(application) == Decimal("3000.00")
    assert OneOffGrant.objects.get().amount == Decimal("3000.00")


# -- the pure guard ---------------------------------------------------------------------------


def _facts(**values) -> CaseFacts:  # type: ignore[no-untyped-def]
    base = {
        "today": dt.date(2026, 11, 20),
        "actor_id": 7,
        "actor_roles": frozenset({"approver"}),
        "proposer_id": 3,
        "confirmation_delegated_to_township": True,
    }
    return CaseFacts(**{**base, **values})


def test_the_guard_sends_temporary_assistance_above_the_limit_to_the_county():
    assert check("confirm", _facts(actor_level="township")) == []
    assert check("confirm", _facts(actor_level="township", requires_county_approval=True)) == [
        "临时救助金额超过乡镇（街道）审批额度，须由县级民政部门审核确认"
    ]
    assert check("confirm", _facts(actor_level="county", requires_county_approval=True)) == []
    assert (
        check(
            "confirm",
            _facts(
                actor_level="county",
                requires_county_approval=True,
                confirmation_delegated_to_township=False,
            ),
        )
        == []
    )
    # A refusal grants nothing: the delegated township may still refuse.
    assert (
        check(
            "refuse",
            _facts(
                actor_level="township", requires_county_approval=True, refusal_reasons="不符合条件"
            ),
        )
        == []
    )


def test_the_guard_lets_caseworkers_village_workers_and_applicants_submit():
    today = dt.date(2026, 11, 2)
    for roles in ({"caseworker"}, {"village_worker"}):
        assert check("submit", CaseFacts(today=today, actor_roles=frozenset(roles))) == []
    assert check("submit", CaseFacts(today=today, actor_is_applicant=True)) == []
    for roles in (set(), {"approver"}, {"auditor"}):
        assert check("submit", CaseFacts(today=today, actor_roles=frozenset(roles))) == [
            "只有经办人、村（社区）工作人员或申请人本人可以执行“提交申请”"
        ]


# -- bad input --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("temporary", "field", "message"),
    [
        (None, "temporary", "申请临时救助须填写临时救助类型、申请金额和事由"),
        (
            dataclasses.replace(FIRE, kind=""),
            "temporary.kind",
            "请选择临时救助类型，可选：emergency（急难型）、expenditure（支出型）",
        ),
        (
            dataclasses.replace(FIRE, kind="flood"),
            "temporary.kind",
            "临时救助类型取值无效：'flood'，可选：emergency（急难型）、expenditure（支出型）",
        ),
        (dataclasses.replace(FIRE, requested=""), "temporary.requested", "请填写临时救助申请金额"),
        (
            dataclasses.replace(FIRE, requested="3千"),
            "temporary.requested",
            "临时救助申请金额格式不正确：3千（元，最多两位小数）",
        ),
        (
            dataclasses.replace(FIRE, requested="0"),
            "temporary.requested",
            "临时救助申请金额必须大于0，不能为 0.00 元",
        ),
        (dataclasses.replace(FIRE, reason="  "), "temporary.reason", "请填写临时救助事由"),
        (
            dataclasses.replace(FIRE, repeat_justification="再次受灾"),
            "temporary.repeat_justification",
            "未申报一年内因同一事由获得过临时救助，不需要填写再次救助的理由",
        ),
    ],
)
def test_a_missing_or_bad_temporary_block_is_refused_naming_the_field_and_nothing_is_written(
    caseworker, household, temporary, field, message
):
    before = state()
    with on("2026-11-02"), pytest.raises(ApplicationError) as raised:
        file_temporary(caseworker, household, temporary)
    assert (raised.value.field, raised.value.message) == (field, message)
    assert state() == before


def test_a_temporary_block_without_the_programme_is_refused(caseworker, household):
    before = state()
    with on("2026-11-02"), pytest.raises(ApplicationError) as raised:
        file_temporary(caseworker, household, programmes=["dibao"])
    assert raised.value.field == "temporary"
    assert raised.value.message == (
        "未勾选临时救助项目，不能填写临时救助申请情况；请勾选临时救助或清空这些内容"
    )
    assert state() == before


# -- API, staff form, portal ----------------------------------------------------------------


def test_the_api_takes_the_temporary_block_and_refuses_it_missing(
    caseworker_user, approver_user, household
):
    call = client_for(caseworker_user)
    body = {**submit_body(household), "programmes": ["temporary_assistance"], "channel": "window"}
    before = state()
    with on("2026-11-02"):
        response = call("post", "/api/applications", body)
    assert response.status_code == 400
    assert response.json()["field"] == "temporary"
    assert response.json()["message"] == "申请临时救助须填写临时救助类型、申请金额和事由"
    assert state() == before
    with on("2026-11-02"):
        response = call(
            "post",
            "/api/applications",
            {**body, "temporary": {"kind": "emergency", "requested": "3000.00"}},
        )
    assert (response.status_code, response.json()["field"]) == (400, "temporary.reason")
    assert state() == before
    with on("2026-11-02"):
        response = call(
            "post",
            "/api/applications",
            {**body, "temporary": {"kind": "emergency", "requested": "3000.00", "reason": "火灾"}},
        )
    assert response.status_code == 201
    data = response.json()
    assert data["one_off_grants"] == []
    application = Application.objects.get(public_id=data["public_id"])
    assert application.situation["temporary"]["requested"] == "3000.00"
    application = to_awaiting_confirmation(actor_for_user(caseworker_user), application)
    with on("2026-11-20"):
        response = client_for(approver_user)(
            "post",
            f"/api/applications/{application.public_id}/actions/confirm",
            {"version": application.version},
        )
    assert response.status_code == 200, response.content
    assert response.json()["entitlements"] == []
    assert response.json()["one_off_grants"] == [
        {
            "programme": "temporary_assistance",
            "amount": "3000.00",
            "approved_month": "2026-11-01",
            "approved_by": "长乐审核",
            "requires_county_approval": False,
            "county_approved": True,
        }
    ]


def _form(household) -> dict:  # type: ignore[no-untyped-def]
    people = members(household)
    data = {"programmes": ["temporary_assistance"], "channel": "window"}
    for relation, signed_by, reason in (
        ("head", "self", ""),
        ("spouse", "proxy", "在外务工，委托丈夫代签"),
        ("child", "guardian", "未成年"),
    ):
        key = str(people[relation].public_id)
        data[f"consent_{key}"] = "on"
        data[f"signed_by_{key}"] = signed_by
        data[f"proxy_reason_{key}"] = reason
    return data


TEMPORARY_FIELDS = {
    "temporary_kind": "emergency",
    "temporary_requested": "3000.00",
    "temporary_reason": "火灾",
}


def test_the_staff_form_files_temporary_assistance(caseworker_user, household):
    client = Client()
    client.force_login(caseworker_user)
    url = f"/households/{household.public_id}/apply/"
    with on("2026-11-02"):
        page = client.get(url).content.decode()
        assert 'name="temporary_requested"' in page
        before = state()
        response = client.post(url, {**_form(household), "temporary_kind": "emergency"})
        assert response.status_code == 200
        assert "请填写临时救助申请金额" in response.content.decode()
        assert state() == before
        response = client.post(url, {**_form(household), **TEMPORARY_FIELDS})
    assert response.status_code == 302
    application = Application.objects.get()
    assert application.situation["temporary"] == {
        "kind": "emergency",
        "requested": "3000.00",
        "reason": "火灾",
        "repeat_within_year": False,
    }


def test_the_staff_form_ignores_temporary_fields_when_the_programme_is_not_ticked(
    caseworker_user, household
):
    client = Client()
    client.force_login(caseworker_user)
    with on("2026-11-02"):
        response = client.post(
            f"/households/{household.public_id}/apply/",
            {**_form(household), "programmes": ["dibao"], **TEMPORARY_FIELDS},
        )
    assert response.status_code == 302
    assert "temporary" not in Application.objects.get().situation


def test_the_portal_files_temporary_assistance(applicant_user, household):
    client = Client()
    client.force_login(applicant_user)
    people = members(household)
    data = {"programmes": ["temporary_assistance"], **TEMPORARY_FIELDS}
    for relation, signed_by, reason in (
        ("head", "self", ""),
        ("spouse", "proxy", "在外务工，委托丈夫代签"),
        ("child", "guardian", "未成年"),
    ):
        key = str(people[relation].public_id)
        data[f"consent_{key}"] = "on"
        data[f"signed_by_{key}"] = signed_by
        data[f"proxy_reason_{key}"] = reason
    with on("2026-11-02"):
        assert 'name="temporary_kind"' in client.get("/self/apply/").content.decode()
        before = state()
        response = client.post("/self/apply/", {**data, "temporary_reason": ""})
        assert "请填写临时救助事由" in response.content.decode()
        assert state() == before
        response = client.post("/self/apply/", data)
    assert response.status_code == 302
    application = Application.objects.get()
    assert (application.channel, application.situation["temporary"]["reason"]) == (
        "online",
        "火灾",
    )
    assert application.submitted_by == applicant_user
