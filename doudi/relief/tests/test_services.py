from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from doudi.core.exceptions import ApplicationError, NotFound, PermissionDenied
from doudi.core.models import AuditEvent, Deadline
from doudi.relief import selectors, services
from doudi.relief.models import (
    AdvancePayment,
    InstalmentPayment,
    LedgerEntry,
    Reconciliation,
    ReserveFund,
)
from doudi.relief.tests.helpers import (
    WUHANG,
    confirmed_temporary_application,
    people,
    relief_state,
    temporary_application,
)
from doudi.testing.clock import on

pytestmark = pytest.mark.django_db


def id_of(person) -> str:  # type: ignore[no-untyped-def]
    from doudi.core.id_protection import id_number_decrypt

    return id_number_decrypt(person.id_number_encrypted)


@pytest.fixture
def fund(approver):  # type: ignore[no-untyped-def]
    with on("2026-09-25"):
        fund = services.reserve_fund_create(actor=approver, township_code=WUHANG)
        services.reserve_fund_top_up(
            actor=approver, fund=fund, amount="20000.00", memo="长民〔2026〕8号 拨付备用金"
        )
    return fund


def pay(caseworker, fund, person, amount="3000.00", emergency="家中失火，房屋烧毁"):  # type: ignore[no-untyped-def]
    return services.advance_payment_record(
        actor=caseworker,
        fund=fund,
        id_number=id_of(person),
        name=person.name,
        amount=amount,
        emergency=emergency,
    )


# -- the whole path ---------------------------------------------------------------------------


def test_paid_first_with_paperwork_after(caseworker, approver, household, fund):
    # given: the county topped the fund up with 20,000 yuan
    head = people(household)["head"]
    assert selectors.fund_balance(actor=caseworker, fund=fund) == Decimal("20000.00")

    # when: the caseworker pays 3,000 first on Monday 2026-09-28
    with on("2026-09-28"):
        advance = pay(caseworker, fund, head)

    # then: the balance is 17,000 and the paperwork is due on the 10th working day after it,
    # counted over the National Day holiday (10-10 is a make-up working day): 2026-10-16
    assert selectors.fund_balance(actor=caseworker, fund=fund) == Decimal("17000.00")
    assert advance.amount == Decimal("3000.00")
    assert advance.household == household
    assert advance.paperwork_due == dt.date(2026, 10, 16)
    assert advance.ledger_entry.amount == Decimal("-3000.00")
    assert advance.ledger_entry.kind == "advance_payment"
    deadline = Deadline.objects.get(object_type="relief.advance", object_id=str(advance.pk))
    assert (deadline.kind, deadline.start_date, deadline.due_date, deadline.region_code) == (
        "advance_paperwork",
        dt.date(2026, 9, 28),
        dt.date(2026, 10, 16),
        WUHANG,
    )
    assert deadline.closed_at is None
    audit = AuditEvent.objects.filter(action="relief.advance_paid").get()
    assert audit.parameters["balance_after"] == "17000.00"
    assert audit.parameters["paperwork_due"] == "2026-10-16"
    with on("2026-10-14"):
        assert selectors.advance_list(actor=caseworker)[0].state == "due_soon"

    # when: the application is filed and linked (补办手续)
    with on("2026-10-12"):
        application = temporary_application(caseworker, household, kind="emergency")
        advance = services.advance_payment_link(
            actor=caseworker, advance=advance, application_id=str(application.public_id)
        )

    # then: the deadline is closed and the advance counts as completed
    deadline.refresh_from_db()
    assert deadline.closed_at is not None
    assert advance.application == application
    assert selectors.advance_state(advance) == "completed"
    linked = AuditEvent.objects.filter(action="relief.advance_paperwork_completed").get()
    assert linked.parameters["on_time"] is True
    assert [e.kind for e in LedgerEntry.objects.order_by("id")] == ["top_up", "advance_payment"]


def test_a_person_of_another_township_may_be_helped(caseworker, fund, other_household):
    # given: a family registered in 航城街道 hit by an emergency in 吴航街道
    head = people(other_household)["head"]

    # when
    with on("2026-09-28"):
        advance = pay(caseworker, fund, head, amount="800.00")

    # then: 吴航 pays from its own fund and the payment belongs to 吴航
    assert advance.household == other_household
    assert advance.township_code == WUHANG
    assert selectors.fund_balance(actor=caseworker, fund=fund) == Decimal("19200.00")


def test_the_paperwork_is_overdue_after_the_due_date(caseworker, household, fund):
    with on("2026-09-28"):
        pay(caseworker, fund, people(household)["head"])
    with on("2026-10-19"):
        (advance,) = selectors.advance_list(actor=caseworker)
    assert advance.state == "overdue"


# -- refusals change nothing ------------------------------------------------------------------


def test_above_the_township_limit_is_refused_and_goes_to_normal_approval(
    caseworker, household, fund
):
    # given: the demo limit of 5,000 yuan taken from the policy parameter
    assert fund.advance_limit == Decimal("5000.00")
    assert fund.advance_limit_is_demo is True
    before = relief_state()

    # when
    with on("2026-09-28"), pytest.raises(ApplicationError) as error:
        pay(caseworker, fund, people(household)["head"], amount="5000.01")

    # then
    assert error.value.message == (
        "先行救助金额 5,000.01 元 超过本乡镇（街道）单笔限额 5,000.00 元，不能先行救助；"
        "请按正常程序提交临时救助申请，由县级民政部门审批"
    )
    assert error.value.field == "amount"
    assert error.value.extra == {
        "requires_county_approval": True,
        "household": str(household.public_id),
    }
    assert relief_state() == before


def test_exactly_the_limit_may_be_paid_first(caseworker, household, fund):
    with on("2026-09-28"):
        advance = pay(caseworker, fund, people(household)["head"], amount="5000.00")
    assert advance.amount == Decimal("5000.00")


def test_more_than_the_balance_is_refused_with_both_amounts(caseworker, approver, household):
    with on("2026-09-28"):
        fund = services.reserve_fund_create(actor=approver, township_code=WUHANG)
        services.reserve_fund_top_up(actor=approver, fund=fund, amount="2500.00", memo="拨付")
        before = relief_state()
        with pytest.raises(ApplicationError) as error:
            pay(caseworker, fund, people(household)["head"], amount="2500.50")
    assert error.value.message == "备用金余额不足：本次支出 2,500.50 元，当前余额 2,500.00 元"
    assert relief_state() == before


@pytest.mark.parametrize(
    ("_case", "changes", "message", "field"),
    [
        ("no amount", {"amount": ""}, "请填写先行救助金额", "amount"),
        ("negative", {"amount": "-5"}, "先行救助金额必须大于0，不能为 -5.00 元", "amount"),
        (
            "three decimals",
            {"amount": "1.005"},
            "先行救助金额格式不正确：1.005（元，最多两位小数）",
            "amount",
        ),
        (
            "no emergency",
            {"emergency": " "},
            "请写明急难情形（如 火灾、交通事故、突发重病）",
            "emergency",
        ),
        (
            "wrong name",
            {"name": "林建军"},
            "未找到与该身份证号码和姓名相符的登记人员，请先登记或核对后重试",
            "id_number",
        ),
        (
            "bad id",
            {"id_number": "123"},
            "身份证号码格式不正确：应为 18 位（或旧式 15 位）数字，末位可为 X",
            "id_number",
        ),
    ],
)
def test_bad_input_is_refused_and_nothing_is_written(
    caseworker, household, fund, _case, changes, message, field
):
    head = people(household)["head"]
    values = {
        "id_number": id_of(head),
        "name": head.name,
        "amount": "1000.00",
        "emergency": "车祸受伤",
        **changes,
    }
    before = relief_state()
    with on("2026-09-28"), pytest.raises(ApplicationError) as error:
        services.advance_payment_record(actor=caseworker, fund=fund, **values)
    assert (error.value.message, error.value.field) == (message, field)
    assert relief_state() == before


def test_the_outsider_and_the_auditor_cannot_pay(outsider, auditor, approver, household, fund):
    head = people(household)["head"]
    before = relief_state()
    with on("2026-09-28"):
        with pytest.raises(NotFound):
            pay(outsider, fund, head)
        with pytest.raises(PermissionDenied):
            pay(auditor, fund, head)
        with pytest.raises(PermissionDenied):
            pay(approver, fund, head)  # the county tops up; it does not pay first
        with pytest.raises(PermissionDenied):
            services.reserve_fund_top_up(actor=auditor, fund=fund, amount="1.00", memo="x")
        with pytest.raises(PermissionDenied):
            services.reserve_fund_top_up(actor=outsider, fund=fund, amount="1.00", memo="x")
        with pytest.raises(NotFound):
            selectors.fund_get(actor=outsider, public_id=fund.public_id)
    assert relief_state() == before


def test_linking_an_application_without_temporary_assistance_is_refused(
    caseworker, household, fund
):
    from doudi.intake import services as intake_services
    from doudi.intake.services import ConsentSpec, Declaration

    members = people(household)
    with on("2026-09-28"):
        advance = pay(caseworker, fund, members["head"])
        dibao = intake_services.application_submit(
            actor=caseworker,
            household=household,
            programmes=["dibao"],
            channel="window",
            consents=[
                ConsentSpec(person=members["head"]),
                ConsentSpec(person=members["spouse"]),
                ConsentSpec(person=members["child"], signed_by="guardian", proxy_reason="未成年"),
            ],
            declaration=Declaration(),
        )
        before = relief_state()
        with pytest.raises(ApplicationError) as error:
            services.advance_payment_link(
                actor=caseworker, advance=advance, application_id=str(dibao.public_id)
            )
    assert error.value.message == "补办的申请须包含临时救助项目"
    assert relief_state() == before


def test_linking_another_households_application_is_refused(
    caseworker, outsider, household, other_household, fund
):
    with on("2026-09-28"):
        advance = pay(caseworker, fund, people(household)["head"])
        other = temporary_application(outsider, other_household, kind="emergency")
        before = relief_state()
        with pytest.raises(ApplicationError) as error:
            services.advance_payment_link(
                actor=caseworker, advance=advance, application_id=str(other.public_id)
            )
    assert error.value.field == "application"
    assert relief_state() == before


# -- reversal ---------------------------------------------------------------------------------


def test_a_reversal_books_the_payment_back_once(caseworker, approver, household, fund):
    # given
    with on("2026-09-28"):
        advance = pay(caseworker, fund, people(household)["head"])

    # when
    with on("2026-09-29"):
        entry = services.advance_payment_reverse(
            actor=approver, advance=advance, reason="误发：对象已获其他救助"
        )

    # then: the balance is back to 20,000, the deadline closed, both entries kept
    assert (entry.kind, entry.amount, entry.reverses_id) == (
        "reversal",
        Decimal("3000.00"),
        advance.ledger_entry_id,
    )
    assert selectors.fund_balance(actor=caseworker, fund=fund) == Decimal("20000.00")
    assert Deadline.objects.get(object_type="relief.advance").closed_at is not None
    advance.refresh_from_db()
    assert selectors.advance_state(advance) == "reversed"
    assert advance.reversal_reason == "误发：对象已获其他救助"

    # and: a second reversal, a reversal without reason, or by the caseworker changes nothing
    before = relief_state()
    with on("2026-09-29"):
        with pytest.raises(ApplicationError, match="不能重复冲销"):
            services.advance_payment_reverse(actor=approver, advance=advance, reason="再次")
        with pytest.raises(PermissionDenied):
            services.advance_payment_reverse(actor=caseworker, advance=advance, reason="再次")
    assert relief_state() == before


def test_a_reversal_needs_a_reason(caseworker, approver, household, fund):
    with on("2026-09-28"):
        advance = pay(caseworker, fund, people(household)["head"])
        before = relief_state()
        with pytest.raises(ApplicationError) as error:
            services.advance_payment_reverse(actor=approver, advance=advance, reason="  ")
    assert (error.value.message, error.value.field) == ("请写明冲销原因", "reason")
    assert relief_state() == before


def test_ledger_entries_are_never_changed_or_deleted(fund):
    entry = LedgerEntry.objects.get()
    entry.amount = Decimal("1.00")
    with pytest.raises(RuntimeError, match="只能追加，不能修改"):
        entry.save()
    with pytest.raises(RuntimeError, match="只能追加，不能删除"):
        entry.delete()
    assert LedgerEntry.objects.get().amount == Decimal("20000.00")


# -- reconciliation ---------------------------------------------------------------------------


def test_reconciliation_records_the_difference_and_the_entries_since_the_last_one(
    caseworker, approver, household, fund
):
    # given: a first reconciliation without difference, then two payments
    with on("2026-09-30"):
        first = services.reserve_fund_reconcile(
            actor=approver, fund=fund, counted_balance="20000.00", as_of="2026-09-30"
        )
    with on("2026-10-08"):
        pay(caseworker, fund, people(household)["head"], amount="3000.00")
        pay(caseworker, fund, people(household)["spouse"], amount="1200.00")

    # when: the bank statement shows 15,700 (50 yuan bank fee not booked)
    with on("2026-10-09"):
        second = services.reserve_fund_reconcile(
            actor=approver,
            fund=fund,
            counted_balance="15750.00",
            as_of="2026-10-09",
            note="银行手续费50元未入账",
            adjust=True,
        )

    # then
    assert (first.ledger_balance, first.difference) == (Decimal("20000.00"), Decimal("0.00"))
    assert (second.counted_balance, second.ledger_balance, second.difference) == (
        Decimal("15750.00"),
        Decimal("15800.00"),
        Decimal("-50.00"),
    )
    assert second.reconciled_by == approver.user
    covered = selectors.reconciliation_entries(actor=approver, reconciliation=second)
    assert [(e.kind, e.amount) for e in covered] == [
        ("advance_payment", Decimal("-3000.00")),
        ("advance_payment", Decimal("-1200.00")),
    ]
    assert [
        e.kind for e in selectors.reconciliation_entries(actor=approver, reconciliation=first)
    ] == ["top_up"]
    assert (second.adjustment.kind, second.adjustment.amount) == ("adjustment", Decimal("-50.00"))
    assert selectors.fund_balance(actor=approver, fund=fund) == Decimal("15750.00")
    audit = AuditEvent.objects.filter(action="relief.fund_reconciled").order_by("id").last()
    assert audit.parameters["difference"] == "-50.00"
    assert audit.parameters["entries"] == 2


def test_a_difference_without_explanation_is_refused(approver, fund):
    before = relief_state()
    with on("2026-09-30"), pytest.raises(ApplicationError) as error:
        services.reserve_fund_reconcile(actor=approver, fund=fund, counted_balance="19990.00")
    assert error.value.message == (
        "实存 19,990.00 元 与台账余额 20,000.00 元 相差 -10.00 元，请说明原因"
    )
    assert error.value.field == "note"
    assert relief_state() == before


def test_a_future_or_earlier_date_is_refused(approver, fund):
    with on("2026-09-30"):
        services.reserve_fund_reconcile(actor=approver, fund=fund, counted_balance="20000.00")
        before = relief_state()
        with pytest.raises(ApplicationError, match="不能晚于今天"):
            services.reserve_fund_reconcile(
                actor=approver, fund=fund, counted_balance="20000.00", as_of="2026-10-01"
            )
        with pytest.raises(ApplicationError, match="不能早于上次对账日期"):
            services.reserve_fund_reconcile(
                actor=approver, fund=fund, counted_balance="20000.00", as_of="2026-09-29"
            )
    assert relief_state() == before


def test_only_the_county_officer_reconciles(caseworker, auditor, outsider, fund):
    before = relief_state()
    with on("2026-09-30"):
        for actor in (caseworker, auditor):
            with pytest.raises(PermissionDenied):
                services.reserve_fund_reconcile(actor=actor, fund=fund, counted_balance="1.00")
    assert relief_state() == before
    assert Reconciliation.objects.count() == 0


# -- the fund itself --------------------------------------------------------------------------


def test_one_fund_per_township(approver, fund):
    before = relief_state()
    with on("2026-09-30"), pytest.raises(ApplicationError) as error:
        services.reserve_fund_create(actor=approver, township_code=WUHANG)
    assert error.value.message == "吴航街道已设立临时救助备用金"
    assert relief_state() == before


def test_a_fund_is_created_for_a_township_only(approver, caseworker):
    with on("2026-09-30"):
        with pytest.raises(ApplicationError, match="不是乡镇"):
            services.reserve_fund_create(actor=approver, township_code="350112001001")
        with pytest.raises(NotFound):
            services.reserve_fund_create(actor=approver, township_code="350102001")
        with pytest.raises(PermissionDenied):
            services.reserve_fund_create(actor=caseworker, township_code=WUHANG)
    assert ReserveFund.objects.count() == 0


def test_the_county_sets_its_own_limit(caseworker, approver, household, fund):
    with on("2026-09-30"):
        fund = services.reserve_fund_configure(
            actor=approver, fund=fund, advance_limit="2000.00", paperwork_working_days="5"
        )
        assert (fund.advance_limit, fund.advance_limit_is_demo, fund.paperwork_working_days) == (
            Decimal("2000.00"),
            False,
            5,
        )
        with pytest.raises(ApplicationError, match="超过本乡镇（街道）单笔限额 2,000.00 元"):
            pay(caseworker, fund, people(household)["head"], amount="2000.01")
        advance = pay(caseworker, fund, people(household)["head"], amount="2000.00")
    assert advance.paperwork_due == dt.date(2026, 10, 13)  # 5 wd over National Day


# -- staged payments --------------------------------------------------------------------------


def test_staged_payments_of_an_expenditure_case(caseworker, approver, household):
    # given: a confirmed expenditure-type case approved at 3,000 yuan
    application = confirmed_temporary_application(caseworker, approver, household)
    assert services.approved_temporary_amount(application) == Decimal("3000.00")

    # when
    with on("2026-11-23"):
        plan = services.instalment_plan_create(
            actor=caseworker,
            application=application,
            instalments=[("2026-12", "1500.00"), ("2027-01", "1000.00"), ("2027-02", "500.00")],
        )
        first = plan.instalments.get(number=1)
        payment = services.instalment_pay(actor=caseworker, instalment=first, reference="BK001")

    # then
    assert [(i.number, i.month, i.amount) for i in plan.instalments.order_by("number")] == [
        (1, dt.date(2026, 12, 1), Decimal("1500.00")),
        (2, dt.date(2027, 1, 1), Decimal("1000.00")),
        (3, dt.date(2027, 2, 1), Decimal("500.00")),
    ]
    assert (payment.paid_on, payment.reference) == (dt.date(2026, 11, 23), "BK001")

    # and: paying the same instalment twice is refused by the database, nothing changes
    before = relief_state()
    with on("2026-11-24"), pytest.raises(ApplicationError) as error:
        services.instalment_pay(actor=caseworker, instalment=first)
    assert error.value.message == "第1期（2026-12，1,500.00 元）已于 2026-11-23 发放，不能重复发放"
    assert relief_state() == before
    assert InstalmentPayment.objects.count() == 1


def test_a_plan_above_the_approved_amount_is_refused(caseworker, approver, household):
    application = confirmed_temporary_application(caseworker, approver, household)
    before = relief_state()
    with on("2026-11-23"), pytest.raises(ApplicationError) as error:
        services.instalment_plan_create(
            actor=caseworker,
            application=application,
            instalments=[("2026-12", "2000.00"), ("2027-01", "1000.01")],
        )
    assert error.value.message == "分期合计 3,000.01 元 超过核定金额 3,000.00 元"
    assert relief_state() == before


def test_months_must_increase(caseworker, approver, household):
    application = confirmed_temporary_application(caseworker, approver, household)
    with on("2026-11-23"), pytest.raises(ApplicationError) as error:
        services.instalment_plan_create(
            actor=caseworker,
            application=application,
            instalments=[("2027-01", "100.00"), ("2026-12", "100.00")],
        )
    assert error.value.field == "instalments[1].month"


def test_an_unconfirmed_or_emergency_case_has_no_plan(caseworker, approver, household):
    with on("2026-11-02"):
        application = temporary_application(caseworker, household)
        with pytest.raises(ApplicationError, match="尚未审核确认"):
            services.instalment_plan_create(
                actor=caseworker, application=application, instalments=[("2026-12", "1.00")]
            )


def test_the_outsider_cannot_see_or_pay_instalments(
    caseworker, approver, outsider, auditor, household
):
    application = confirmed_temporary_application(caseworker, approver, household)
    with on("2026-11-23"):
        plan = services.instalment_plan_create(
            actor=caseworker, application=application, instalments=[("2026-12", "3000.00")]
        )
        before = relief_state()
        with pytest.raises(NotFound):
            services.instalment_pay(actor=outsider, instalment=plan.instalments.get())
        with pytest.raises(PermissionDenied):
            services.instalment_pay(actor=auditor, instalment=plan.instalments.get())
        with pytest.raises(NotFound):
            selectors.instalment_plan_for(actor=outsider, application=application)
    assert relief_state() == before


def test_advances_are_listed_only_in_the_paying_region(
    caseworker, outsider, auditor, household, fund
):
    with on("2026-09-28"):
        pay(caseworker, fund, people(household)["head"])
        assert len(selectors.advance_list(actor=auditor)) == 1
        assert selectors.advance_list(actor=outsider) == []
        advance = AdvancePayment.objects.get()
        with pytest.raises(NotFound):
            selectors.advance_get(actor=outsider, public_id=advance.public_id)
