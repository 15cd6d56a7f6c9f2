from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from doudi.core.exceptions import ApplicationError, NotFound, PermissionDenied
from doudi.core.models import AuditEvent, Deadline
from doudi.intake import services as intake_services
from doudi.intake.services import ConsentSpec, Declaration, IncomeSpec
from doudi.referrals import selectors, services
from doudi.referrals.models import Referral, ReferralTimeLimit
from doudi.referrals.tests.helpers import application_with_needs, make_partner, state
from doudi.testing.clock import on

pytestmark = pytest.mark.django_db


def submit_with_needs(caseworker, household, needs):  # type: ignore[no-untyped-def]
    people = {m.relation: m.person for m in household.memberships.select_related("person")}
    return intake_services.application_submit(
        actor=caseworker,
        household=household,
        programmes=["dibao"],
        channel="window",
        consents=[
            ConsentSpec(person=people["head"]),
            ConsentSpec(person=people["spouse"]),
            ConsentSpec(person=people["child"], signed_by="guardian", proxy_reason="未成年"),
        ],
        declaration=Declaration(
            incomes=[IncomeSpec(person=people["head"], type="wage", monthly="1200.00")]
        ),
        needs=needs,
    )


@pytest.fixture
def medical_referral(caseworker, household):  # type: ignore[no-untyped-def]
    with on("2026-11-02"):
        application = application_with_needs(household, ["medical"])
        (referral,) = services.referrals_from_application(actor=caseworker, application=application)
    return referral


# -- the whole path ------------------------------------------------------------------------------


def test_an_application_with_two_needs_is_referred_answered_and_seen_by_the_window(
    caseworker, approver, auditor, partner, household
):
    # given: education answers within 15 working days here, medical keeps the default 10
    ReferralTimeLimit.objects.create(
        department="education_assistance", working_days=15, note="长教〔2026〕1号（合成）"
    )
    education_partner = make_partner(
        "changle_education", "350112", "education_assistance", name="长乐区教育局"
    )

    # when: the window submits on Monday 2 November 2026 and the needs are referred
    with on("2026-11-02"):
        application = submit_with_needs(caseworker, household, ["medical", "education"])
        services.referrals_from_application(actor=caseworker, application=application)

    # then: one referral per need, to the department serving it, due in working days
    referrals = {r.need: r for r in Referral.objects.filter(application=application)}
    assert sorted(referrals) == ["education", "medical"]
    medical, education = referrals["medical"], referrals["education"]
    assert (medical.department, education.department) == (
        "medical_assistance",
        "education_assistance",
    )
    assert (medical.status, medical.origin, medical.version) == ("sent", "application", 1)
    assert (medical.province_code, medical.city_code, medical.county_code) == (
        "350000",
        "350100",
        "350112",
    )
    assert (medical.township_code, medical.village_code) == ("350112001", "350112001001")
    assert medical.created_by == caseworker.user
    assert medical.deadline.due_date == dt.date(2026, 11, 16)
    assert education.deadline.due_date == dt.date(2026, 11, 23)
    assert (medical.deadline.working_days, education.deadline.working_days) == (10, 15)
    assert medical.deadline.object_type == "referrals.referral"
    assert medical.deadline.region_code == "350112001001"
    created = AuditEvent.objects.filter(action="referral.created").order_by("id")
    assert [(e.parameters["need"], e.parameters["due_date"]) for e in created] == [
        ("medical", "2026-11-16"),
        ("education", "2026-11-23"),
    ]
    assert {e.region_code for e in created} == {"350112001001"}

    # and each partner sees only its own department's referral
    assert [r.pk for r in selectors.referral_list(actor=partner)] == [medical.pk]
    assert [r.pk for r in selectors.referral_list(actor=education_partner)] == [education.pk]

    # when: the medical-security bureau receives on Wednesday and answers on Friday
    with on("2026-11-04"):
        medical = services.referral_receive(actor=partner, referral=medical, version=1)
    assert (medical.status, medical.version, medical.received_by) == (
        "received",
        2,
        partner.user,
    )
    with on("2026-11-06"):
        medical = services.referral_answer(
            actor=partner,
            referral=medical,
            outcome="granted",
            answer="已纳入医疗救助，住院自付部分按70%救助",
            amount="3000.50",
            version=2,
        )

    # then: answered, the deadline closed, every step audited
    assert (medical.status, medical.version, medical.outcome) == ("answered", 3, "granted")
    assert medical.amount == Decimal("3000.50")
    assert medical.answered_by == partner.user
    assert medical.deadline.closed_at is not None
    assert not Deadline.objects.get(pk=education.deadline_id).closed_at
    assert list(
        AuditEvent.objects.filter(object_id=str(medical.pk), action__startswith="referral.")
        .order_by("id")
        .values_list("action", flat=True)
    ) == ["referral.created", "referral.received", "referral.answered"]
    answered = AuditEvent.objects.get(action="referral.answered")
    assert answered.parameters == {
        "public_id": str(medical.public_id),
        "from": "received",
        "to": "answered",
        "deadline_closed": True,
        "outcome": "granted",
        "amount": "3000.50",
    }

    # and the window (and its county and auditor) read the answer
    for reader in (caseworker, approver, auditor):
        seen = selectors.referral_get(actor=reader, public_id=medical.public_id)
        assert (seen.get_outcome_display(), seen.answer, seen.amount) == (
            "已给予救助",
            "已纳入医疗救助，住院自付部分按70%救助",
            Decimal("3000.50"),
        )


def test_referring_an_application_again_creates_nothing(caseworker, household):
    # given
    with on("2026-11-02"):
        application = application_with_needs(household, ["medical", "care", "medical"])
        first = services.referrals_from_application(actor=caseworker, application=application)
    before = state()

    # when
    with on("2026-11-03"):
        again = services.referrals_from_application(actor=caseworker, application=application)

    # then
    assert [(r.need, r.department) for r in first] == [
        ("medical", "medical_assistance"),
        ("care", "charity"),
    ]
    assert again == []
    assert state() == before


def test_a_need_added_later_is_referred_alone(caseworker, household):
    with on("2026-11-02"):
        application = application_with_needs(household, ["housing"])
        services.referrals_from_application(actor=caseworker, application=application)
        application.needs = ["housing", "employment", "legal"]
        application.save(update_fields=["needs"])
        added = services.referrals_from_application(actor=caseworker, application=application)
    assert [(r.need, r.department) for r in added] == [
        ("employment", "employment_assistance"),
        ("legal", "legal_aid"),
    ]
    assert Referral.objects.filter(application=application).count() == 3


def test_referring_works_inside_the_callers_transaction_and_rolls_back_with_it(
    caseworker, household
):
    from django.db import transaction

    application = application_with_needs(household, ["medical"])
    before = state()
    inside: list[int] = []

    def submission() -> None:
        with transaction.atomic():
            services.referrals_from_application(actor=caseworker, application=application)
            inside.append(Referral.objects.count())
            raise RuntimeError("submission failed later")

    with pytest.raises(RuntimeError):
        submission()
    assert inside == [1]
    assert state() == before


def test_an_unknown_need_refers_nothing(caseworker, household):
    application = application_with_needs(household, ["medical", "pension"])
    before = state()
    with pytest.raises(ApplicationError) as error:
        services.referrals_from_application(actor=caseworker, application=application)
    assert error.value.field == "needs[1]"
    assert error.value.message.startswith("未知的救助需求：'pension'")
    assert state() == before


def test_the_outsider_cannot_refer_another_townships_application(outsider, household):
    application = application_with_needs(household, ["medical"])
    before = state()
    with pytest.raises(NotFound):
        services.referrals_from_application(actor=outsider, application=application)
    assert state() == before


# -- manual referrals ----------------------------------------------------------------------------


def test_a_caseworker_refers_a_member_to_charity_by_hand(caseworker, household):
    head = household.memberships.get(relation="head").person
    with on("2026-11-02"):
        referral = services.referral_create(
            actor=caseworker,
            household=household,
            need="medical",
            department="charity",
            person=head,
            note="医保报销后仍有大额自付",
        )
    assert (referral.origin, referral.need, referral.department, referral.person) == (
        "manual",
        "medical",
        "charity",
        head,
    )
    assert referral.note == "医保报销后仍有大额自付"
    assert referral.deadline.due_date == dt.date(2026, 11, 16)
    assert (
        AuditEvent.objects.filter(action="referral.created", object_id=str(referral.pk)).count()
        == 1
    )


@pytest.mark.parametrize(
    ("_case", "values", "field", "message"),
    [
        ("no need", {"need": ""}, "need", "请选择救助需求"),
        (
            "wrong department",
            {"need": "medical", "department": "housing_assistance"},
            "department",
            "“医疗”需求应转介至医疗保障部门（医疗救助）或慈善组织（慈善帮扶）",
        ),
        (
            "unknown department",
            {"need": "medical", "department": "tax"},
            "department",
            "请选择协同部门",
        ),
    ],
)
def test_a_bad_manual_referral_is_refused_and_writes_nothing(
    caseworker, household, _case, values, field, message
):
    before = state()
    with pytest.raises(ApplicationError) as error:
        services.referral_create(actor=caseworker, household=household, **values)
    assert (error.value.field, error.value.message) == (field, message)
    assert state() == before


def test_a_person_outside_the_household_cannot_be_referred(caseworker, household, other_household):
    stranger = other_household.memberships.get(relation="head").person
    before = state()
    with pytest.raises(ApplicationError) as error:
        services.referral_create(
            actor=caseworker, household=household, need="medical", person=stranger
        )
    assert (error.value.field, error.value.message) == ("person", "该人员不是本家庭成员")
    assert state() == before


def test_an_open_referral_is_not_made_twice(caseworker, household, medical_referral):
    before = state()
    with pytest.raises(ApplicationError) as error:
        services.referral_create(actor=caseworker, household=household, need="medical")
    assert error.value.message == (
        "该家庭的“医疗”需求已转介至医疗保障部门（医疗救助），尚未办结，无需重复转介"
    )
    assert state() == before


@pytest.mark.parametrize(
    ("persona", "error_type"),
    [
        ("approver", PermissionDenied),
        ("auditor", PermissionDenied),
        ("partner", PermissionDenied),
        ("outsider", NotFound),
    ],
)
def test_only_the_households_caseworker_refers_by_hand(request, household, persona, error_type):
    actor = request.getfixturevalue(persona)
    before = state()
    with pytest.raises(error_type):
        services.referral_create(actor=actor, household=household, need="medical")
    assert state() == before


# -- who sees what -------------------------------------------------------------------------------


def test_a_partner_of_another_department_or_county_does_not_see_the_referral(
    medical_referral, villages
):
    other_department = make_partner(
        "changle_housing", "350112", "housing_assistance", name="长乐区住建局"
    )
    other_county = make_partner(
        "fuqing_medical", "350181", "medical_assistance", name="福清市医保局"
    )
    for actor in (other_department, other_county):
        assert selectors.referral_list(actor=actor) == []
        with pytest.raises(NotFound):
            selectors.referral_get(actor=actor, public_id=medical_referral.public_id)


def test_the_outsider_sees_no_referral_and_the_analyst_may_not_look(
    medical_referral, outsider, analyst, village_worker
):
    assert selectors.referral_list(actor=outsider) == []
    with pytest.raises(NotFound):
        selectors.referral_get(actor=outsider, public_id=medical_referral.public_id)
    for actor in (analyst, village_worker):
        with pytest.raises(PermissionDenied):
            selectors.referral_list(actor=actor)


# -- refused partner actions ---------------------------------------------------------------------


def test_a_partner_of_another_department_or_county_cannot_act(medical_referral, villages):
    other_department = make_partner("changle_legal", "350112", "legal_aid", name="长乐区司法局")
    other_county = make_partner(
        "fuqing_medical", "350181", "medical_assistance", name="福清市医保局"
    )
    before = state()
    for actor in (other_department, other_county):
        with pytest.raises(NotFound):
            services.referral_receive(actor=actor, referral=medical_referral, version=1)
        with pytest.raises(NotFound):
            services.referral_answer(
                actor=actor, referral=medical_referral, outcome="granted", answer="已救助"
            )
        with pytest.raises(NotFound):
            services.referral_return(actor=actor, referral=medical_referral, reason="不归我管")
    assert state() == before


@pytest.mark.parametrize("persona", ["caseworker", "approver", "auditor"])
def test_civil_affairs_staff_may_not_answer(request, medical_referral, persona):
    actor = request.getfixturevalue(persona)
    before = state()
    with pytest.raises(PermissionDenied) as error:
        services.referral_answer(
            actor=actor, referral=medical_referral, outcome="granted", answer="已救助", version=1
        )
    assert error.value.message == "无权限：办理转介并反馈"
    with pytest.raises(PermissionDenied):
        services.referral_receive(actor=actor, referral=medical_referral, version=1)
    assert state() == before


@pytest.mark.parametrize(
    ("_case", "values", "field", "message"),
    [
        (
            "no outcome",
            {"outcome": "", "answer": "已办理"},
            "outcome",
            "请选择办理结果（已给予救助、不符合条件、已转其他渠道）",
        ),
        ("no text", {"outcome": "not_eligible", "answer": "  "}, "answer", "请填写反馈意见"),
        (
            "amount without help",
            {"outcome": "not_eligible", "answer": "不符合", "amount": "100"},
            "amount",
            "只有“已给予救助”时才填写救助金额",
        ),
        (
            "three decimals",
            {"outcome": "granted", "answer": "已救助", "amount": "10.005"},
            "amount",
            "救助金额格式不正确：10.005（元，最多两位小数）",
        ),
        (
            "zero",
            {"outcome": "granted", "answer": "已救助", "amount": "0"},
            "amount",
            "救助金额必须大于0，不能为 0.00 元",
        ),
    ],
)
def test_a_bad_answer_is_refused_and_changes_nothing(
    partner, medical_referral, _case, values, field, message
):
    before = state()
    with pytest.raises(ApplicationError) as error:
        services.referral_answer(actor=partner, referral=medical_referral, version=1, **values)
    assert (error.value.field, error.value.message) == (field, message)
    assert state() == before


def test_answering_twice_is_refused(partner, medical_referral):
    with on("2026-11-03"):
        answered = services.referral_answer(
            actor=partner,
            referral=medical_referral,
            outcome="not_eligible",
            answer="已享受大病保险",
        )
    before = state()
    with on("2026-11-04"), pytest.raises(ApplicationError) as error:
        services.referral_answer(
            actor=partner, referral=answered, outcome="granted", answer="改为救助", version=2
        )
    assert (error.value.field, error.value.message) == ("action", "转介单已反馈，不能反馈")
    assert state() == before
    assert Referral.objects.get(pk=answered.pk).outcome == "not_eligible"


def test_of_two_partner_users_answering_the_same_version_only_the_first_succeeds(
    partner, medical_referral
):
    # given: a colleague in the same bureau, both having read version 1
    colleague = make_partner(
        "changle_medical_2", "350112", "medical_assistance", name="长乐区医疗保障局"
    )
    stale = Referral.objects.get(pk=medical_referral.pk)
    with on("2026-11-03"):
        services.referral_answer(
            actor=partner, referral=medical_referral, outcome="granted", answer="已救助", version=1
        )
    before = state()

    # when
    with on("2026-11-03"), pytest.raises(ApplicationError) as error:
        services.referral_answer(
            actor=colleague, referral=stale, outcome="redirected", answer="转慈善", version=1
        )

    # then
    assert (error.value.field, error.value.message) == (
        "version",
        "该转介单已被他人处理，请刷新后重试",
    )
    assert state() == before
    assert Referral.objects.get(pk=medical_referral.pk).answered_by == partner.user


def test_a_partner_returns_a_referral_with_a_reason(partner, medical_referral, caseworker):
    before = state()
    with pytest.raises(ApplicationError) as error:
        services.referral_return(actor=partner, referral=medical_referral, reason=" ", version=1)
    assert (error.value.field, error.value.message) == ("reason", "请填写退回理由")
    assert state() == before

    with on("2026-11-03"):
        returned = services.referral_return(
            actor=partner, referral=medical_referral, reason="该户未参加本区基本医保", version=1
        )
    assert (returned.status, returned.return_reason, returned.returned_by) == (
        "returned",
        "该户未参加本区基本医保",
        partner.user,
    )
    assert returned.deadline.closed_at is not None
    # the window may refer the need again once the first one is closed
    with on("2026-11-04"):
        again = services.referral_create(
            actor=caseworker,
            household=medical_referral.household,
            need="medical",
            department="charity",
        )
    assert again.status == "sent"
    with pytest.raises(ApplicationError) as error:
        services.referral_receive(actor=partner, referral=returned)
    assert error.value.message == "转介单已退回，不能接收"


# -- time limits and due lists -------------------------------------------------------------------


def test_due_states_follow_working_days(partner, medical_referral):
    # due Monday 16 November 2026
    referral = selectors.referral_get(actor=partner, public_id=medical_referral.public_id)
    assert selectors.referral_due_state(referral, today=dt.date(2026, 11, 10)).state == "on_time"
    assert selectors.referral_due_state(referral, today=dt.date(2026, 11, 11)).state == "due_soon"
    assert selectors.referral_due_state(referral, today=dt.date(2026, 11, 17)).label == "已逾期"
    lists = selectors.referral_due_lists([referral], today=dt.date(2026, 11, 17))
    assert lists == {"overdue": [referral], "due_soon": []}


def test_a_loaded_holiday_schedule_moves_the_due_date(admin_actor, medical_referral):
    from doudi.core.calendar import holiday_schedule_load

    # given: the deadline runs 2026-11-02 → 2026-11-16; declare two synthetic holidays inside it
    with on("2026-11-02"):
        holiday_schedule_load(
            actor=admin_actor.user,
            year=2026,
            source="合成节假日安排（测试）",
            days=[
                (dt.date(2026, 11, 5), False, "测试假日"),
                (dt.date(2026, 11, 6), False, "测试假日"),
            ],
        )
    # then
    referral = Referral.objects.select_related("deadline").get(pk=medical_referral.pk)
    assert referral.deadline.due_date == dt.date(2026, 11, 18)


def test_submitting_an_application_refers_its_needs_at_once_and_a_refused_one_refers_nothing(
    caseworker, household
):
    people = {m.relation: m.person for m in household.memberships.filter(is_counted=True)}
    consents = [
        ConsentSpec(person=people["head"]),
        ConsentSpec(person=people["spouse"]),
        ConsentSpec(person=people["child"], signed_by="guardian", proxy_reason="未成年"),
    ]
    with on("2026-11-02"):
        # given: a submission missing a member's consent, with needs
        before = state()
        with pytest.raises(ApplicationError):
            intake_services.application_submit(
                actor=caseworker,
                household=household,
                programmes=["dibao"],
                channel="window",
                consents=consents[:1],
                declaration=Declaration(),
                needs=["medical", "legal"],
            )
        # then: nothing was referred
        assert state() == before

        # when: the complete form is submitted
        application = intake_services.application_submit(
            actor=caseworker,
            household=household,
            programmes=["dibao"],
            channel="window",
            consents=consents,
            declaration=Declaration(),
            needs=["medical", "legal"],
        )

    # then: one referral per need, to the department serving it, due in 10 working days
    referrals = list(
        Referral.objects.filter(application=application)
        .order_by("department")
        .values_list("need", "department", "status")
    )
    assert referrals == [("legal", "legal_aid", "sent"), ("medical", "medical_assistance", "sent")]
    due = set(
        Deadline.objects.filter(object_type="referrals.referral").values_list("due_date", flat=True)
    )
    assert due == {dt.date(2026, 11, 16)}
