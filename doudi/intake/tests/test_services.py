from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

import pytest

from doudi.accounts.models import Role
from doudi.accounts.scoping import actor_for_user
from doudi.accounts.tests.fixtures import WUHANG, make_staff
from doudi.benefits.models import Entitlement
from doudi.core.exceptions import ApplicationError, NotFound, PermissionDenied
from doudi.core.models import AuditEvent, Deadline, Division
from doudi.intake import selectors, services
from doudi.intake.models import Application, CaseEvent, ConfirmationSetting, Consent
from doudi.intake.services import ConsentSpec, Declaration, IncomeSpec, TemporarySpec
from doudi.standards.models import EvaluationRecord
from doudi.testing.cases import application_at
from doudi.testing.clock import on
from doudi.testing.state import row_counts

pytestmark = pytest.mark.django_db


def members(household):  # type: ignore[no-untyped-def]
    return {m.relation: m.person for m in household.memberships.select_related("person")}


# An emergency 临时救助 request: a fire, 3,000 yuan asked.
FIRE = TemporarySpec(kind="emergency", requested="3000.00", reason="火灾")


def submit(caseworker, household, **overrides):  # type: ignore[no-untyped-def]
    people = members(household)
    values = {
        "programmes": ["dibao"],
        "channel": "window",
        "consents": [
            ConsentSpec(person=people["head"]),
            ConsentSpec(person=people["spouse"]),
            ConsentSpec(person=people["child"], signed_by="guardian", proxy_reason="未成年"),
        ],
        "declaration": Declaration(
            incomes=[IncomeSpec(person=people["head"], type="wage", monthly="1200.00")]
        ),
    }
    values.update(overrides)
    if "temporary_assistance" in values["programmes"] and "declaration" not in overrides:
        values["declaration"] = dataclasses.replace(values["declaration"], temporary=FIRE)
    return services.application_submit(actor=caseworker, household=household, **values)


def to_notice(caseworker, household, *, start: str = "2026-11-02"):  # type: ignore[no-untyped-def]
    """Submitted and accepted on ``start`` (a Monday), visited, proposed and published on the
    Friday of the same week."""
    return application_at("published", caseworker=caseworker, household=household, start=start)


def to_awaiting(caseworker, household):  # type: ignore[no-untyped-def]
    return application_at("awaiting", caseworker=caseworker, household=household)


def snapshot(application: Application) -> tuple:
    application.refresh_from_db()
    return (
        application.status,
        application.version,
        *row_counts(
            CaseEvent.objects.filter(application=application),
            AuditEvent,
            Entitlement,
            Deadline.objects.filter(closed_at__isnull=True),
            EvaluationRecord,
        ),
    )


def deadlines(application: Application) -> list[tuple]:
    return [
        (d.kind, d.start_date.isoformat(), d.due_date.isoformat(), d.is_provisional, d.is_open)
        for d in Deadline.objects.filter(
            object_type="intake.application", object_id=str(application.pk)
        ).order_by("id")
    ]


# -- the main path ----------------------------------------------------------------------------


def test_the_whole_path_ends_in_an_entitlement_from_next_month(caseworker, approver, household):
    # given: a 3-person household of 吴航街道 whose head earns 1,200 yuan a month
    application = to_awaiting(caseworker, household)

    # when
    with on("2026-11-20"):
        application = services.application_confirm(actor=approver, application=application)

    # then: 970 × 3 − (1,200 − 25 %) + 10 % supplement for the child = 2,107.00
    assert application.status == "confirmed"
    assert application.confirmed_by == approver.user
    assert application.proposer == caseworker.user
    assert application.accepted_on == dt.date(2026, 11, 2)
    assert application.version == 8  # 1 at submission, +1 per later step
    entitlements = list(
        Entitlement.objects.values_list(
            "programme", "monthly_amount", "from_month", "to_month", "household_id"
        )
    )
    assert entitlements == [("dibao", Decimal("2107.00"), dt.date(2026, 12, 1), None, household.pk)]
    record = application.proposal_evaluation
    assert record.month == "2026-11"
    assert record.result["programmes"]["dibao"]["amount"] == "2107.00"
    assert application.proposal == {"dibao": {"eligible": True, "amount": "2107.00"}}
    events = list(application.events.values_list("action", "from_status", "to_status", "actor_id"))
    cw, ap = caseworker.user.pk, approver.user.pk
    assert events == [
        ("submit", "draft", "submitted", cw),
        ("accept", "submitted", "accepted", cw),
        ("start_verification", "accepted", "verifying", cw),
        ("record_home_visit", "verifying", "home_visit", cw),
        ("give_initial_opinion", "home_visit", "initial_opinion", cw),
        ("publish_notice", "initial_opinion", "public_notice", cw),
        ("close_notice_without_objection", "public_notice", "awaiting_confirmation", cw),
        ("confirm", "awaiting_confirmation", "confirmed", ap),
    ]
    opinion = application.events.get(action="give_initial_opinion")
    assert opinion.parameters["evaluation_id"] == record.pk
    assert application.events.get(action="confirm").parameters == {
        "from_month": "2026-12-01",
        "programmes": ["dibao"],
        "evaluation_id": record.pk,
    }
    audit = list(
        AuditEvent.objects.filter(object_type="intake.application")
        .order_by("id")
        .values_list("action", "object_id", "region_code")
    )
    expected = [f"application.{action}" for action, *_ in events]
    # starting verification also takes the consents over for the verification report
    expected.insert(
        expected.index("application.start_verification") + 1, "verification.consents_take_over"
    )
    assert audit == [(action, str(application.pk), "350112001001") for action in expected]
    assert deadlines(application) == [
        ("verification_start", "2026-11-02", "2026-11-02", False, False),
        ("investigation", "2026-11-02", "2026-11-23", False, False),
        ("overall", "2026-11-02", "2026-12-14", False, False),
        ("confirmation", "2026-11-13", "2026-11-27", False, False),
    ]
    assert Consent.objects.filter(application=application).count() == 3


def test_submitting_needs_every_counted_members_consent_and_writes_nothing_without(
    caseworker, household
):
    people = members(household)
    before = (Application.objects.count(), CaseEvent.objects.count(), AuditEvent.objects.count())
    with pytest.raises(ApplicationError) as error:
        submit(caseworker, household, consents=[ConsentSpec(person=people["head"])])
    assert error.value.message == "以下共同生活家庭成员尚未签署授权核对书：陈秀英、林小雨"
    with pytest.raises(ApplicationError, match="代签原因"):
        submit(
            caseworker,
            household,
            consents=[
                ConsentSpec(person=people["head"]),
                ConsentSpec(person=people["spouse"]),
                ConsentSpec(person=people["child"], signed_by="guardian"),
            ],
        )
    assert (
        Application.objects.count(),
        CaseEvent.objects.count(),
        AuditEvent.objects.count(),
    ) == before


def test_an_invalid_declaration_is_refused_at_submission(caseworker, household):
    people = members(household)
    declaration = Declaration(
        incomes=[IncomeSpec(person=people["head"], type="lottery", monthly="-5.00")]
    )
    with pytest.raises(ApplicationError) as error:
        submit(caseworker, household, declaration=declaration)
    assert "未知的收入类型" in error.value.message
    assert "金额不能为负数" in error.value.message
    assert Application.objects.count() == 0


def test_a_second_open_application_for_the_same_programme_is_refused(caseworker, household):
    submit(caseworker, household, programmes=["dibao", "marginal_household"])
    with pytest.raises(ApplicationError) as error:
        submit(caseworker, household, programmes=["dibao"])
    assert error.value.message == "该家庭已有办理中的最低生活保障（低保）申请，不能重复申请"
    other = submit(caseworker, household, programmes=["disability_living_subsidy"])
    assert other.status == "submitted"
    assert Application.objects.count() == 2


def test_the_declared_situation_is_built_from_the_registry_and_the_declaration(
    caseworker, household
):
    with on("2026-11-02"):
        application = submit(caseworker, household)
    people = members(household)
    assert application.situation == {
        "month": "2026-11",
        "region": "350112",
        "area_type": "urban",
        "members": [
            {
                "id": str(people[relation].public_id),
                "name": people[relation].name,
                "relation": relation,
                "birth_date": people[relation].birth_date.isoformat(),
                "counted": True,
                "labour_capacity": True,
                "in_school": "none",
                "serious_illness": False,
                "incomes": incomes,
            }
            for relation, incomes in [
                ("head", [{"type": "wage", "monthly": "1200.00", "stable": True}]),
                ("spouse", []),
                ("child", []),
            ]
        ],
    }


# -- refusal, objection, extension ------------------------------------------------------------


def test_refusal_needs_reasons_and_opens_the_three_day_notice(caseworker, approver, household):
    application = to_awaiting(caseworker, household)
    with on("2026-11-20"):
        before = snapshot(application)
        with pytest.raises(ApplicationError) as error:
            services.application_refuse(actor=approver, application=application, reason="  ")
        assert error.value.message == "不予确认须书面说明理由"
        assert snapshot(application) == before

        application = services.application_refuse(
            actor=approver, application=application, reason="家庭有未申报的经营性收入"
        )
    assert application.status == "refused"
    assert application.refused_by == approver.user
    assert application.refusal_reason == "家庭有未申报的经营性收入"
    assert Entitlement.objects.count() == 0
    assert application.events.last().parameters == {"reason": "家庭有未申报的经营性收入"}
    assert deadlines(application)[-2:] == [
        ("confirmation", "2026-11-13", "2026-11-27", False, False),
        ("refusal_notice", "2026-11-20", "2026-11-25", False, True),
    ]


def test_an_unfavourable_opinion_is_not_published_and_goes_to_refusal(
    caseworker, approver, household
):
    with on("2026-11-02"):
        application = submit(caseworker, household)
        for step in (services.application_accept, services.application_start_verification):
            application = step(actor=caseworker, application=application)
        application = services.application_record_home_visit(
            actor=caseworker,
            application=application,
            investigators=["甲", "乙"],
            record_signed=True,
            photos=1,
        )
        application = services.application_give_initial_opinion(
            actor=caseworker, application=application, favourable=False, opinion="收入超标"
        )
        with pytest.raises(ApplicationError, match="不予公示"):
            services.application_publish_notice(actor=caseworker, application=application)
        application = services.application_refuse(
            actor=approver, application=application, reason="收入超过低保标准"
        )
    assert application.status == "refused"


def test_an_objection_leads_to_reinvestigation_and_a_new_notice(caseworker, approver, household):
    application = to_notice(caseworker, household)
    with on("2026-11-09"):
        application = services.application_record_objection(
            actor=caseworker, application=application, objection="邻居反映户主另有收入"
        )
        assert application.objection_open is True
        application = services.application_reinvestigate(actor=caseworker, application=application)
        application = services.application_record_home_visit(
            actor=caseworker,
            application=application,
            investigators=["甲", "乙", "丙"],
            record_signed=True,
            photos=2,
            findings="核实无其他收入",
        )
    with on("2026-11-11"):
        application = services.application_give_initial_opinion(
            actor=caseworker, application=application, favourable=True, opinion="异议不成立"
        )
        application = services.application_publish_notice(actor=caseworker, application=application)
        # the new notice runs to 11-18; it cannot be closed before 11-19
        with pytest.raises(ApplicationError, match="公示期未满7日"):
            services.application_close_notice(actor=caseworker, application=application)
    with on("2026-11-19"):
        application = services.application_close_notice(actor=caseworker, application=application)
        application = services.application_confirm(actor=approver, application=application)

    assert [e.action for e in application.events.all()] == [
        "submit",
        "accept",
        "start_verification",
        "record_home_visit",
        "give_initial_opinion",
        "publish_notice",
        "record_objection",
        "reinvestigate",
        "record_home_visit",
        "give_initial_opinion",
        "publish_notice",
        "close_notice_without_objection",
        "confirm",
    ]
    assert EvaluationRecord.objects.count() == 2
    assert ("reinvestigation", "2026-11-09", "2026-11-30", False, False) in deadlines(application)
    assert ("confirmation", "2026-11-18", "2026-12-02", False, False) in deadlines(application)
    assert Entitlement.objects.get().from_month == dt.date(2026, 12, 1)


def test_the_limit_is_extended_once_and_only_with_a_reason(caseworker, household):
    with on("2026-11-02"):
        application = submit(caseworker, household)
        application = services.application_accept(actor=caseworker, application=application)
        before = snapshot(application)
        with pytest.raises(ApplicationError) as error:
            services.application_extend(actor=caseworker, application=application, reason="")
        assert error.value.message == "延长办理时限须填写理由"
        assert snapshot(application) == before
        assert application.extension_reason == ""

        application = services.application_extend(
            actor=caseworker, application=application, reason="需跨省核对赡养人收入"
        )
        assert application.status == "accepted"
        assert ("overall", "2026-11-02", "2026-12-14", False, False) in deadlines(application)
        # 45 working days: 2027 has no holiday schedule yet, so 01-01 counts and it is provisional
        assert ("overall_extended", "2026-11-02", "2027-01-04", True, True) in deadlines(
            application
        )
        before = snapshot(application)
        with pytest.raises(ApplicationError, match="不能再次延长"):
            services.application_extend(actor=caseworker, application=application, reason="再延")
        assert snapshot(application) == before


def test_withdrawal_closes_every_open_deadline(caseworker, household):
    with on("2026-11-02"):
        application = submit(caseworker, household)
        application = services.application_accept(actor=caseworker, application=application)
        application = services.application_withdraw(
            actor=caseworker, application=application, reason="申请人外出务工"
        )
    assert application.status == "withdrawn"
    assert all(not is_open for *_, is_open in deadlines(application))


# -- who decides ------------------------------------------------------------------------------


def test_where_the_county_delegated_the_township_approver_confirms(caseworker, approver, household):
    township_approver = actor_for_user(
        make_staff("wuhang_approver", WUHANG, [Role.APPROVER], display_name="吴航审核")
    )
    ConfirmationSetting.objects.create(
        county=Division.objects.get(code="350112"), delegated_to_township=True
    )
    application = to_awaiting(caseworker, household)
    with on("2026-11-20"):
        before = snapshot(application)
        with pytest.raises(PermissionDenied) as error:
            services.application_confirm(actor=approver, application=application)
        assert "应由乡镇（街道）审核确认人办理" in error.value.message
        assert snapshot(application) == before
        application = services.application_confirm(actor=township_approver, application=application)
    assert application.confirmed_by == township_approver.user


def test_without_delegation_the_township_approver_may_not_confirm(caseworker, household):
    township_approver = actor_for_user(
        make_staff("wuhang_approver", WUHANG, [Role.APPROVER], display_name="吴航审核")
    )
    application = to_awaiting(caseworker, household)
    before = snapshot(application)
    with pytest.raises(PermissionDenied, match="应由县级审核确认人办理"):
        services.application_confirm(actor=township_approver, application=application)
    assert snapshot(application) == before


def test_nobody_confirms_their_own_proposal(caseworker, household):
    # a township officer holding both roles, where confirmation is delegated
    both = actor_for_user(
        make_staff("wuhang_both", WUHANG, [Role.CASEWORKER, Role.APPROVER], display_name="双岗")
    )
    ConfirmationSetting.objects.create(
        county=Division.objects.get(code="350112"), delegated_to_township=True
    )
    with on("2026-11-02"):
        application = submit(both, household)
        for step in (services.application_accept, services.application_start_verification):
            application = step(actor=both, application=application)
        application = services.application_record_home_visit(
            actor=both,
            application=application,
            investigators=["甲", "乙"],
            record_signed=True,
            photos=1,
        )
        application = services.application_give_initial_opinion(
            actor=both, application=application, favourable=True, opinion="同意"
        )
        application = services.application_publish_notice(actor=both, application=application)
    with on("2026-11-10"):
        application = services.application_close_notice(actor=both, application=application)
        before = snapshot(application)
        with pytest.raises(PermissionDenied) as error:
            services.application_confirm(actor=both, application=application)
    assert error.value.message == "不能审核确认本人提出的初审意见"
    assert snapshot(application) == before


def test_of_two_confirmations_on_the_same_version_only_the_first_succeeds(
    caseworker, approver, household
):
    application = to_awaiting(caseworker, household)
    stale = Application.objects.get(pk=application.pk)
    version = stale.version
    with on("2026-11-20"):
        services.application_confirm(actor=approver, application=application, version=version)
        after_first = snapshot(application)
        with pytest.raises(ApplicationError) as error:
            services.application_confirm(actor=approver, application=stale, version=version)
    assert error.value.message == "该申请已被他人处理，请刷新后重试"
    assert snapshot(application) == after_first
    assert Entitlement.objects.count() == 1


def test_a_stale_version_is_refused_even_for_a_different_action(caseworker, approver, household):
    application = to_awaiting(caseworker, household)
    with on("2026-11-20"):
        before = snapshot(application)
        with pytest.raises(ApplicationError, match="已被他人处理"):
            services.application_refuse(
                actor=approver,
                application=application,
                reason="理由",
                version=application.version - 1,
            )
    assert snapshot(application) == before


# -- region and roles -------------------------------------------------------------------------


def test_the_outsider_sees_nothing_and_can_do_nothing(caseworker, outsider, household):
    application = submit(caseworker, household)
    assert list(selectors.application_list(actor=outsider)) == []
    with pytest.raises(NotFound):
        selectors.application_get(actor=outsider, public_id=application.public_id)
    before = snapshot(application)
    with pytest.raises(NotFound):
        services.application_accept(actor=outsider, application=application)
    with pytest.raises(NotFound):
        submit(outsider, household)
    assert snapshot(application) == before


def test_denied_actions_change_nothing(caseworker, approver, auditor, analyst, household):
    application = submit(caseworker, household)
    before = snapshot(application)
    with pytest.raises(PermissionDenied):
        services.application_accept(actor=auditor, application=application)
    with pytest.raises(PermissionDenied):
        services.application_accept(actor=approver, application=application)
    with pytest.raises(PermissionDenied):
        services.application_accept(actor=analyst, application=application)
    with pytest.raises(PermissionDenied):
        submit(auditor, household)
    with pytest.raises(ApplicationError, match="当前状态为“已提交”，不能执行“确认”"):
        services.application_confirm(actor=approver, application=application)
    assert snapshot(application) == before

    application = services.application_accept(actor=caseworker, application=application)
    application = services.application_start_verification(actor=caseworker, application=application)
    before = snapshot(application)
    with pytest.raises(ApplicationError, match="入户调查须有2名以上调查人员，本次为1名"):
        services.application_record_home_visit(
            actor=caseworker,
            application=application,
            investigators=["甲", "甲"],
            record_signed=True,
            photos=1,
        )
    assert snapshot(application) == before
    assert application.status == "verifying"
    assert selectors.application_get(actor=auditor, public_id=application.public_id) == application


def test_due_lists_group_overdue_and_due_soon_by_township(caseworker, approver, household):
    with on("2026-11-02"):
        application = submit(caseworker, household)
        application = services.application_accept(actor=caseworker, application=application)
    with on("2026-11-20"):
        lists = selectors.application_due_lists(actor=approver)
    assert list(lists) == [WUHANG]
    assert [(d.kind, d.due_date.isoformat()) for d in lists[WUHANG]["overdue"]] == [
        ("verification_start", "2026-11-02")
    ]
    assert [(d.kind, d.due_date.isoformat()) for d in lists[WUHANG]["due_soon"]] == [
        ("investigation", "2026-11-23")
    ]
