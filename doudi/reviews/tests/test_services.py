from __future__ import annotations

import datetime as dt
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from doudi.accounts.models import Role
from doudi.accounts.scoping import actor_for_user
from doudi.accounts.tests.fixtures import WUHANG, make_staff
from doudi.benefits.models import Entitlement
from doudi.core.exceptions import ApplicationError, NotFound, PermissionDenied
from doudi.core.models import Deadline, Division
from doudi.intake.models import ConfirmationSetting
from doudi.intake.services import Declaration, IncomeSpec
from doudi.registry.models import Person
from doudi.reviews import selectors, services
from doudi.reviews.models import ChangeReport, EntitlementChange, ReviewCase, ReviewEvent
from doudi.reviews.tests.helpers import (
    confirmed_dibao,
    entitlement_rows,
    people,
    state,
    tekun_household,
)
from doudi.testing.clock import on

pytestmark = pytest.mark.django_db

D = dt.date


def wage(household, monthly: str, *, stable: bool = True) -> Declaration:  # type: ignore[no-untyped-def]
    head = people(household)["head"]
    return Declaration(
        incomes=[IncomeSpec(person=head, type="wage", monthly=monthly, stable=stable)]
    )


def reviewed(caseworker, household, monthly: str, *, day: str = "2027-03-10", **kwargs):  # type: ignore[no-untyped-def]
    with on(day):
        review = services.review_start(actor=caseworker, household=household)
        return services.review_record_situation(
            actor=caseworker, review=review, declaration=wage(household, monthly), **kwargs
        )


def proposed(caseworker, household, monthly: str, **kwargs):  # type: ignore[no-untyped-def]
    review = reviewed(caseworker, household, monthly, **kwargs)
    with on("2027-03-10"):
        return services.review_propose(actor=caseworker, review=review, reason="户主收入变化")


@pytest.fixture
def dibao_household(caseworker, approver, household):  # type: ignore[no-untyped-def]
    confirmed_dibao(caseworker, approver, household)
    return household


# -- decisions ---------------------------------------------------------------------------------


def test_a_review_leads_to_a_decrease_from_the_month_after_the_decision(
    caseworker, approver, dibao_household
):
    # given: the head's wage rose from 1,200 to 2,000 yuan
    review = proposed(caseworker, dibao_household, "2000.00")
    assert review.status == "proposed"
    assert review.proposal == {
        "dibao": {
            "kind": "decrease",
            "old_amount": "2107.00",
            "new_amount": "1507.00",
            "phase_out_months": None,
        }
    }

    # when
    with on("2027-03-15"):
        review = services.review_decide(actor=approver, review=review, reason="收入增加，减发")

    # then: 970 × 3 − (2,000 − 25 %) + 97 = 1,507.00 from April; March is the last month at 2,107
    assert review.status == "decided"
    assert review.decided_on == D(2027, 3, 15)
    assert entitlement_rows(dibao_household) == [
        ("dibao", Decimal("2107.00"), D(2026, 12, 1), D(2027, 3, 1)),
        ("dibao", Decimal("1507.00"), D(2027, 4, 1), None),
    ]
    old, new = Entitlement.objects.filter(household=dibao_household).order_by("id")
    assert new.application_id == old.application_id
    change = EntitlementChange.objects.get()
    assert (
        change.kind,
        change.old_entitlement_id,
        change.new_entitlement_id,
        change.old_amount,
        change.new_amount,
        change.effective_month,
        change.to_month,
        change.reason,
        change.decided_by_id,
        change.evaluation_id,
    ) == (
        "decrease",
        old.pk,
        new.pk,
        Decimal("2107.00"),
        Decimal("1507.00"),
        D(2027, 4, 1),
        None,
        "收入增加，减发",
        approver.user.pk,
        review.evaluation_id,
    )
    assert review.evaluation.month == "2027-03"
    assert review.evaluation.channel == "review"
    assert list(ReviewEvent.objects.values_list("action", "from_status", "to_status")) == [
        ("start", "", "investigating"),
        ("record_situation", "investigating", "investigating"),
        ("propose", "investigating", "proposed"),
        ("decide", "proposed", "decided"),
    ]


def test_a_review_leads_to_a_stop_when_income_is_above_the_marginal_line(
    caseworker, approver, dibao_household
):
    # given: 7,000 − 25 % = 5,250 yuan, above 1.5 × 970 × 3 = 4,365: no phase-out
    review = proposed(caseworker, dibao_household, "7000.00")
    assert review.proposal["dibao"]["kind"] == "stop"
    assert review.phase_out_evaluation.result["programmes"]["dibao"]["eligible"] is False

    # when
    with on("2027-03-15"):
        services.review_decide(actor=approver, review=review, reason="收入超过低保边缘标准，停发")

    # then
    assert entitlement_rows(dibao_household) == [
        ("dibao", Decimal("2107.00"), D(2026, 12, 1), D(2027, 3, 1))
    ]
    change = EntitlementChange.objects.get()
    assert (change.kind, change.new_entitlement, change.new_amount, change.effective_month) == (
        "stop",
        None,
        None,
        D(2027, 4, 1),
    )


def test_a_dibao_household_above_the_standard_but_below_the_marginal_line_phases_out(
    caseworker, approver, dibao_household
):
    # given: 5,000 − 25 % = 3,750 yuan: above 2,910, below 4,365
    review = proposed(caseworker, dibao_household, "5000.00")
    assert review.proposal["dibao"] == {
        "kind": "phase_out",
        "old_amount": "2107.00",
        "new_amount": "2107.00",
        "phase_out_months": 6,
    }
    assert review.evaluation.result["programmes"]["dibao"]["eligible"] is False
    assert review.phase_out_evaluation.situation["phase_out"] == {
        "months_since_exit": 1,
        "previous_amount": "2107.00",
        "still_in_difficulty": False,
    }

    # when
    with on("2027-03-15"):
        services.review_decide(actor=approver, review=review, reason="进入渐退期")

    # then: six months from the month after the determination, April to September
    assert entitlement_rows(dibao_household) == [
        ("dibao", Decimal("2107.00"), D(2026, 12, 1), D(2027, 3, 1)),
        ("dibao", Decimal("2107.00"), D(2027, 4, 1), D(2027, 9, 1)),
    ]
    change = EntitlementChange.objects.get()
    assert (change.kind, change.to_month, change.evaluation_id) == (
        "phase_out",
        D(2027, 9, 1),
        review.phase_out_evaluation_id,
    )


def test_unchanged_circumstances_change_no_entitlement(caseworker, approver, dibao_household):
    review = proposed(caseworker, dibao_household, "1200.00")
    assert review.proposal["dibao"]["kind"] == "unchanged"
    with on("2027-03-15"):
        services.review_decide(actor=approver, review=review, reason="家庭情况无变化")
    assert entitlement_rows(dibao_household) == [
        ("dibao", Decimal("2107.00"), D(2026, 12, 1), None)
    ]
    assert EntitlementChange.objects.count() == 0


def test_suspend_then_resume_opens_a_new_entitlement(caseworker, approver, dibao_household):
    # given: the family cannot be reached
    with on("2027-03-10"):
        review = services.review_start(actor=caseworker, household=dibao_household)
        review = services.review_propose(
            actor=caseworker, review=review, reason="多次入户联系不上", suspend=True
        )
    with on("2027-03-15"):
        services.review_decide(actor=approver, review=review, reason="暂停发放")
    assert entitlement_rows(dibao_household)[-1] == (
        "dibao",
        Decimal("2107.00"),
        D(2026, 12, 1),
        D(2027, 3, 1),
    )

    # when: found again in May, the wage unchanged
    review = reviewed(caseworker, dibao_household, "1200.00", day="2027-05-06")
    assert review.engine_proposal["dibao"]["kind"] == "resume"
    with on("2027-05-06"):
        review = services.review_propose(actor=caseworker, review=review, reason="已联系上")
    with on("2027-05-08"):
        services.review_decide(actor=approver, review=review, reason="恢复发放")

    # then
    assert entitlement_rows(dibao_household) == [
        ("dibao", Decimal("2107.00"), D(2026, 12, 1), D(2027, 3, 1)),
        ("dibao", Decimal("2107.00"), D(2027, 6, 1), None),
    ]
    assert list(EntitlementChange.objects.values_list("kind", "new_amount", "effective_month")) == [
        ("suspend", None, D(2027, 4, 1)),
        ("resume", Decimal("2107.00"), D(2027, 6, 1)),
    ]


# -- 特困 termination --------------------------------------------------------------------------


def test_tekun_stop_waits_for_the_seven_day_notice(caseworker, approver):
    household = tekun_household(caseworker)
    person = str(household.memberships.get().person.public_id)
    with on("2027-03-10"):
        review = services.review_start(actor=caseworker, household=household)
        review = services.review_record_situation(
            actor=caseworker,
            review=review,
            declaration=Declaration(),
            supporters_unable={person: False},
            findings="其子已有赡养能力",
        )
        review = services.review_propose(actor=caseworker, review=review, reason="赡养人有能力")
    assert (review.status, review.notice_published_on) == ("notice", D(2027, 3, 10))

    # when: the county decides on the notice's last day
    before = state(household)
    with on("2027-03-17"), pytest.raises(ApplicationError) as error:
        services.review_decide(actor=approver, review=review, reason="终止供养")

    # then
    assert error.value.message == (
        "终止特困人员救助供养须公示7日（2027-03-10发布，2027-03-17届满），公示期满后方可作出决定"
    )
    assert state(household) == before

    # when: the day after
    with on("2027-03-18"):
        services.review_decide(actor=approver, review=review, reason="终止供养，转介低保评估")

    # then: support stops from April
    assert entitlement_rows(household) == [
        ("tekun", Decimal("1490.00"), D(2026, 7, 1), D(2027, 3, 1))
    ]
    assert list(EntitlementChange.objects.values_list("kind", "effective_month")) == [
        ("stop", D(2027, 4, 1))
    ]


def test_an_objection_during_the_notice_reopens_the_investigation(caseworker, approver):
    household = tekun_household(caseworker)
    person = str(household.memberships.get().person.public_id)
    with on("2027-03-10"):
        review = services.review_start(actor=caseworker, household=household)
        review = services.review_record_situation(
            actor=caseworker,
            review=review,
            declaration=Declaration(),
            supporters_unable={person: False},
        )
        review = services.review_propose(actor=caseworker, review=review, reason="赡养人有能力")
    with on("2027-03-12"):
        review = services.review_record_objection(
            actor=caseworker, review=review, objection="其子重病，无赡养能力"
        )
    assert (review.status, review.proposal, review.notice_published_on) == (
        "investigating",
        {},
        None,
    )
    deadline = Deadline.objects.get(object_type="reviews.reviewcase")
    assert (deadline.kind, deadline.start_date, deadline.due_date) == (
        "tekun_stop_reinvestigation",
        D(2027, 3, 12),
        D(2027, 4, 2),
    )
    with on("2027-03-20"), pytest.raises(ApplicationError):
        services.review_decide(actor=approver, review=review, reason="终止")
    assert entitlement_rows(household)[0][3] is None


# -- refusals change nothing -------------------------------------------------------------------


def test_the_proposer_may_not_decide_their_own_proposal(caseworker, dibao_household):
    both = actor_for_user(
        make_staff("wuhang_both", WUHANG, [Role.CASEWORKER, Role.APPROVER], display_name="双岗")
    )
    ConfirmationSetting.objects.create(
        county=Division.objects.get(code="350112"), delegated_to_township=True
    )
    review = reviewed(both, dibao_household, "2000.00")
    with on("2027-03-10"):
        review = services.review_propose(actor=both, review=review, reason="收入增加")
    before = state(dibao_household)
    with on("2027-03-15"), pytest.raises(PermissionDenied) as error:
        services.review_decide(actor=both, review=review, reason="减发")
    assert error.value.message == "不能对本人提出的复核意见作出决定"
    assert state(dibao_household) == before


def test_the_outsider_sees_nothing_and_can_do_nothing(
    caseworker, approver, outsider, dibao_household
):
    review = proposed(caseworker, dibao_household, "2000.00")
    before = state(dibao_household)
    with on("2027-03-15"):
        for call in (
            lambda: services.review_start(actor=outsider, household=dibao_household),
            lambda: services.change_report_record(
                actor=outsider, household=dibao_household, reported_by="family", description="x"
            ),
            lambda: services.review_record_objection(actor=outsider, review=review, objection="x"),
            lambda: selectors.review_get(actor=outsider, public_id=review.public_id),
        ):
            with pytest.raises(NotFound):
                call()
    assert state(dibao_household) == before
    assert selectors.review_due_list(actor=outsider, today=D(2027, 12, 1)) == []


def test_a_stale_version_is_refused(caseworker, approver, dibao_household):
    review = proposed(caseworker, dibao_household, "2000.00")
    before = state(dibao_household)
    with on("2027-03-15"), pytest.raises(ApplicationError) as error:
        services.review_decide(actor=approver, review=review, reason="减发", version=2)
    assert (error.value.message, error.value.field) == (
        "该复核案件已被他人处理，请刷新后重试",
        "version",
    )
    assert state(dibao_household) == before


@pytest.mark.parametrize("reason", ["", "   "])
def test_every_change_needs_written_reasons(caseworker, approver, dibao_household, reason):
    review = reviewed(caseworker, dibao_household, "2000.00")
    before = state(dibao_household)
    with on("2027-03-10"), pytest.raises(ApplicationError) as error:
        services.review_propose(actor=caseworker, review=review, reason=reason)
    assert (error.value.message, error.value.field) == ("请填写复核意见的书面理由", "reason")
    assert state(dibao_household) == before
    with on("2027-03-10"):
        review = services.review_propose(actor=caseworker, review=review, reason="收入增加")
    before = state(dibao_household)
    with on("2027-03-15"), pytest.raises(ApplicationError) as error:
        services.review_decide(actor=approver, review=review, reason=reason)
    assert (error.value.message, error.value.field) == ("请填写复核决定的书面理由", "reason")
    assert state(dibao_household) == before


def test_the_caseworker_may_not_decide_and_the_auditor_may_do_nothing(
    caseworker, auditor, dibao_household
):
    review = proposed(caseworker, dibao_household, "2000.00")
    before = state(dibao_household)
    with on("2027-03-15"):
        with pytest.raises(PermissionDenied):
            services.review_decide(actor=caseworker, review=review, reason="减发")
        with pytest.raises(PermissionDenied):
            services.review_start(actor=auditor, household=dibao_household)
    assert state(dibao_household) == before


def test_an_invalid_situation_is_refused_and_nothing_is_recorded(caseworker, dibao_household):
    with on("2027-03-10"):
        review = services.review_start(actor=caseworker, household=dibao_household)
    before = state(dibao_household)
    with on("2027-03-10"), pytest.raises(ApplicationError) as error:
        services.review_record_situation(
            actor=caseworker, review=review, declaration=wage(dibao_household, "-5.00")
        )
    assert "金额不能为负数" in error.value.message
    assert state(dibao_household) == before


# -- change reports and the schedule -----------------------------------------------------------


def test_a_change_report_starts_a_review_or_joins_the_open_one(
    caseworker, village_worker, dibao_household
):
    with on("2027-02-01"):
        first = services.change_report_record(
            actor=village_worker,
            household=dibao_household,
            reported_by="family",
            reporter_name="林建国",
            description="户主找到新工作",
        )
        second = services.change_report_record(
            actor=caseworker,
            household=dibao_household,
            reported_by="staff",
            description="入户发现家中新购车辆",
            reported_on=D(2027, 1, 30),
        )
    assert first.review_id == second.review_id
    review = first.review
    assert (review.trigger, review.status, review.started_by_id) == (
        "change_report",
        "investigating",
        village_worker.user.pk,
    )
    assert list(ChangeReport.objects.order_by("id").values_list("reported_by", "reported_on")) == [
        ("family", D(2027, 2, 1)),
        ("staff", D(2027, 1, 30)),
    ]


def test_a_change_report_needs_a_description_and_a_known_reporter(caseworker, dibao_household):
    before = state(dibao_household)
    with on("2027-02-01"):
        with pytest.raises(ApplicationError) as error:
            services.change_report_record(
                actor=caseworker, household=dibao_household, reported_by="family", description=""
            )
        assert (error.value.message, error.value.field) == ("请填写变化情况", "description")
        with pytest.raises(ApplicationError) as error:
            services.change_report_record(
                actor=caseworker,
                household=dibao_household,
                reported_by="neighbour",
                description="x",
            )
        assert error.value.field == "reported_by"
        with pytest.raises(ApplicationError) as error:
            services.change_report_record(
                actor=caseworker,
                household=dibao_household,
                reported_by="family",
                description="x",
                reported_on=D(2027, 2, 2),
            )
        assert error.value.message == "报告日期不能晚于今天"
    assert state(dibao_household) == before


def test_the_schedule_follows_the_review_class(caseworker, approver, dibao_household):
    # given: confirmed 2026-11-20, stable household → reviewed yearly
    (row, status) = selectors.review_due_list(actor=caseworker, today=D(2027, 11, 1))[0]
    assert (row.review_class, row.last_review_on, row.next_review_on, status) == (
        "stable",
        D(2026, 11, 20),
        D(2027, 11, 20),
        "due_soon",
    )
    assert selectors.review_due_list(actor=caseworker, today=D(2027, 10, 20)) == []

    # when: a review finds an unstable wage and a head able to work
    Person.objects.filter(pk=people(dibao_household)["head"].pk).update(labour_capacity=True)
    with on("2027-03-10"):
        review = services.review_start(actor=caseworker, household=dibao_household)
        review = services.review_record_situation(
            actor=caseworker,
            review=review,
            declaration=wage(dibao_household, "2000.00", stable=False),
        )
    with on("2027-03-10"):
        review = services.review_propose(actor=caseworker, review=review, reason="收入不稳定")
    with on("2027-03-15"):
        services.review_decide(actor=approver, review=review, reason="减发")

    # then: half-yearly from the decision
    (row, status) = selectors.review_due_list(actor=caseworker, today=D(2027, 9, 16))[0]
    assert (row.review_class, row.last_review_on, row.next_review_on, status) == (
        "unstable_with_labour_capacity",
        D(2027, 3, 15),
        D(2027, 9, 15),
        "overdue",
    )


def test_the_schedule_command_opens_due_reviews_once(caseworker, approver, dibao_household):
    with on("2027-11-19"):
        call_command("reviews", "schedule", stdout=StringIO())
    assert ReviewCase.objects.count() == 0
    out = StringIO()
    with on("2027-11-20"):
        call_command("reviews", "schedule", stdout=out)
        call_command("reviews", "schedule", stdout=StringIO())
    assert out.getvalue().strip() == "已生成定期复核案件 1 件"
    review = ReviewCase.objects.get()
    assert (review.trigger, review.due_on, review.status, review.started_by) == (
        "schedule",
        D(2027, 11, 20),
        "investigating",
        None,
    )


def test_a_household_without_entitlements_is_not_reviewed(caseworker, household):
    with on("2027-03-10"), pytest.raises(ApplicationError) as error:
        services.review_start(actor=caseworker, household=household)
    assert error.value.message == "该家庭没有在保或暂停发放的救助待遇，无需复核"
    assert ReviewCase.objects.count() == 0
