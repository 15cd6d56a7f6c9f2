"""先行救助 (POLICY.md §5): a township pays a small emergency amount first, from its reserve
fund, and the temporary-assistance application is filed and linked afterwards by a deadline.
Above the township's limit the county approves through a normal application."""

from __future__ import annotations

from decimal import Decimal
from typing import Any
from uuid import UUID

from django.db import IntegrityError, transaction
from django.utils import timezone

from doudi.accounts.permissions import Permission
from doudi.accounts.scoping import Actor
from doudi.core import idcard
from doudi.core.audit import audit_event_record
from doudi.core.calendar import deadline_close, deadline_open, workday_calendar_get
from doudi.core.exceptions import ApplicationError, NotFound, text_required
from doudi.core.id_protection import id_number_hash
from doudi.core.models import Deadline
from doudi.core.money import amount_parse, format_yuan
from doudi.intake.models import Application
from doudi.intake.workflow import ApplicationStatus
from doudi.programmes import Programme
from doudi.registry.models import Membership, Person
from doudi.relief.dates import advance_payment_allowed, paperwork_due
from doudi.relief.models import AdvancePayment, EntryKind, LedgerEntry, ReserveFund
from doudi.relief.services._common import (
    ADVANCE_DEADLINE_KIND,
    ADVANCE_OBJECT_TYPE,
    balance_of,
    fund_lock,
    today,
)

ADVANCE_NOT_FOUND = "先行救助记录不存在或不在您的管辖范围内"
PERSON_NOT_FOUND = "未找到与该身份证号码和姓名相符的登记人员，请先登记或核对后重试"


def _person(id_number: str, name: str) -> tuple[Person, Membership]:
    """The registered person with this ID number and name, anywhere in the province (no hukou
    restriction, POLICY.md §5), and their active household membership."""
    number = idcard.parse((id_number or "").strip(), today=today()).normalized
    if number is None or len(number) != 18:
        raise ApplicationError(
            "身份证号码格式不正确：应为 18 位（或旧式 15 位）数字，末位可为 X", field="id_number"
        )
    name = text_required(name, field="name", message="请填写救助对象姓名")
    person = Person.objects.filter(id_number_hash=id_number_hash(number), name=name).first()
    if person is None:
        raise ApplicationError(PERSON_NOT_FOUND, field="id_number")
    membership = (
        Membership.objects.filter(person=person, is_active=True)
        .select_related("household")
        .order_by("id")
        .first()
    )
    if membership is None:
        raise ApplicationError(
            f"{person.name}未登记在任何家庭中，请先登记家庭信息", field="id_number"
        )
    return person, membership


def _amount_check(value: Decimal, fund: ReserveFund, membership: Membership) -> Decimal:
    """The fund's balance, once ``value`` is known to be within the township's limit (else the
    county must approve a normal application) and the balance."""
    if not advance_payment_allowed(value, fund.advance_limit):
        raise ApplicationError(
            f"先行救助金额 {format_yuan(value)} 超过本乡镇（街道）单笔限额 "
            f"{format_yuan(fund.advance_limit)}，不能先行救助；"
            "请按正常程序提交临时救助申请，由县级民政部门审批",
            field="amount",
            extra={
                "requires_county_approval": True,
                "household": str(membership.household.public_id),
            },
        )
    balance = balance_of(fund)
    if value > balance:
        raise ApplicationError(
            f"备用金余额不足：本次支出 {format_yuan(value)}，当前余额 {format_yuan(balance)}",
            field="amount",
        )
    return balance


def _advance_create(
    *,
    actor: Actor,
    fund: ReserveFund,
    person: Person,
    membership: Membership,
    value: Decimal,
    emergency: str,
) -> AdvancePayment:
    """The ledger entry (paid out of the fund today) and the payment, with its paperwork due
    date; and the paperwork deadline."""
    day = today()
    due = paperwork_due(day, fund.paperwork_working_days, workday_calendar_get())
    entry = LedgerEntry.objects.create(
        fund=fund,
        kind=EntryKind.ADVANCE_PAYMENT,
        amount=-value,
        entry_date=day,
        memo=f"先行救助 {person.name}：{emergency}",
        actor=actor.user,
    )
    advance = AdvancePayment.objects.create(
        fund=fund,
        province_code=fund.province_code,
        city_code=fund.city_code,
        county_code=fund.county_code,
        township_code=fund.township_code,
        person=person,
        household=membership.household,
        amount=value,
        paid_on=day,
        emergency=emergency,
        ledger_entry=entry,
        paperwork_due=due.date,
        paperwork_due_is_provisional=due.provisional,
        paid_by=actor.user,
    )
    deadline_open(
        object_type=ADVANCE_OBJECT_TYPE,
        object_id=str(advance.pk),
        kind=ADVANCE_DEADLINE_KIND,
        region_code=fund.township_code,
        start_date=day,
        working_days=fund.paperwork_working_days,
    )
    return advance


@transaction.atomic
def advance_payment_record(
    *,
    actor: Actor,
    fund: ReserveFund,
    id_number: str,
    name: str,
    amount: Any,
    emergency: str,
) -> AdvancePayment:
    """Pay ``amount`` first to a person in an emergency (急难型), from ``fund``.

    Refused above the township's limit (the county must approve a normal application), and
    above the fund's balance. Writes the ledger entry, the payment, the paperwork deadline
    (``advance_paperwork``, working days) and the audit event in one transaction."""
    fund = fund_lock(actor=actor, fund=fund, permission=Permission.ADVANCE_ASSISTANCE_PAY)
    value = amount_parse(amount, field="amount", label="先行救助金额")
    emergency = text_required(
        emergency, field="emergency", message="请写明急难情形（如 火灾、交通事故、突发重病）"
    )
    person, membership = _person(id_number, name)
    balance = _amount_check(value, fund, membership)
    advance = _advance_create(
        actor=actor,
        fund=fund,
        person=person,
        membership=membership,
        value=value,
        emergency=emergency,
    )
    audit_event_record(
        actor=actor.user,
        action="relief.advance_paid",
        obj=advance,
        region_code=fund.township_code,
        parameters={
            "fund": str(fund.public_id),
            "person": str(person.public_id),
            "household": str(membership.household.public_id),
            "amount": str(value),
            "advance_limit": str(fund.advance_limit),
            "balance_after": str(balance - value),
            "paperwork_due": advance.paperwork_due.isoformat(),
            "emergency": emergency,
        },
    )
    return advance


def _advance_lock(actor: Actor, advance: AdvancePayment, permission: Permission) -> AdvancePayment:
    actor.require(permission)
    locked = (
        AdvancePayment.objects.select_for_update().filter(actor.region_q(), pk=advance.pk).first()
    )
    if locked is None:
        raise NotFound(ADVANCE_NOT_FOUND, field="advance")
    return locked


def _close_paperwork(advance: AdvancePayment) -> bool:
    now = timezone.now()
    closed = False
    for deadline in Deadline.objects.filter(
        object_type=ADVANCE_OBJECT_TYPE,
        object_id=str(advance.pk),
        kind=ADVANCE_DEADLINE_KIND,
        closed_at__isnull=True,
    ):
        deadline_close(deadline=deadline, at=now)
        closed = True
    return closed


@transaction.atomic
def advance_payment_link(
    *, actor: Actor, advance: AdvancePayment, application_id: UUID | str
) -> AdvancePayment:
    """补办手续: link the temporary-assistance application of the same household filed for this
    payment; closes the paperwork deadline."""
    advance = _advance_lock(actor, advance, Permission.ADVANCE_ASSISTANCE_PAY)
    if advance.reversed_at is not None:
        raise ApplicationError("该笔先行救助已冲销，无需补办手续", field="application")
    if advance.application_id is not None:
        raise ApplicationError("该笔先行救助已补办手续", field="application")
    try:
        public_id = UUID(str(application_id).strip())
    except ValueError as error:
        raise ApplicationError(
            f"申请编号格式不正确：{application_id}", field="application"
        ) from error
    application = Application.objects.filter(
        public_id=public_id, household_id=advance.household_id
    ).first()
    if application is None:
        raise ApplicationError(
            "未找到该家庭的这份申请，补办的申请须由救助对象所在家庭提出", field="application"
        )
    if Programme.TEMPORARY_ASSISTANCE not in application.programmes:
        raise ApplicationError("补办的申请须包含临时救助项目", field="application")
    if application.status in (ApplicationStatus.DRAFT, ApplicationStatus.WITHDRAWN):
        raise ApplicationError(
            f"该申请状态为“{application.get_status_display()}”，不能作为补办手续",
            field="application",
        )
    if AdvancePayment.objects.filter(application=application).exists():
        raise ApplicationError("该申请已用于另一笔先行救助的补办手续", field="application")
    now = timezone.now()
    advance.application = application
    advance.linked_at = now
    advance.linked_by = actor.user
    try:
        with transaction.atomic():
            advance.save(update_fields=["application", "linked_at", "linked_by", "updated_at"])
    except IntegrityError as error:
        raise ApplicationError(
            "该申请已用于另一笔先行救助的补办手续", field="application"
        ) from error
    closed = _close_paperwork(advance)
    audit_event_record(
        actor=actor.user,
        action="relief.advance_paperwork_completed",
        obj=advance,
        region_code=advance.township_code,
        parameters={
            "application": str(application.public_id),
            "paperwork_due": advance.paperwork_due.isoformat(),
            "on_time": timezone.localdate(now) <= advance.paperwork_due,
            "deadline_closed": closed,
        },
    )
    return advance


@transaction.atomic
def advance_payment_reverse(*, actor: Actor, advance: AdvancePayment, reason: str) -> LedgerEntry:
    """冲销: the county officer books the payment back into the fund (a wrong person, money
    returned), with a reason. The payment row stays; a reversal entry is appended."""
    actor.require(Permission.RESERVE_FUND_MANAGE)
    advance = _advance_lock(actor, advance, Permission.RESERVE_FUND_MANAGE)
    fund = fund_lock(actor=actor, fund=advance.fund, permission=Permission.RESERVE_FUND_MANAGE)
    reason = text_required(reason, field="reason", message="请写明冲销原因")
    if advance.reversed_at is not None:
        raise ApplicationError("该笔先行救助已冲销，不能重复冲销", field="advance")
    original = advance.ledger_entry
    try:
        with transaction.atomic():
            entry = LedgerEntry.objects.create(
                fund=fund,
                kind=EntryKind.REVERSAL,
                amount=-original.amount,
                entry_date=today(),
                memo=f"冲销先行救助 {advance.person.name}：{reason}",
                reverses=original,
                actor=actor.user,
            )
    except IntegrityError as error:
        raise ApplicationError("该笔先行救助已冲销，不能重复冲销", field="advance") from error
    advance.reversed_at = timezone.now()
    advance.reversal_reason = reason
    advance.save(update_fields=["reversed_at", "reversal_reason", "updated_at"])
    closed = _close_paperwork(advance)
    audit_event_record(
        actor=actor.user,
        action="relief.advance_reversed",
        obj=advance,
        region_code=advance.township_code,
        parameters={
            "amount": str(advance.amount),
            "reason": reason,
            "entry": entry.pk,
            "deadline_closed": closed,
            "balance_after": str(balance_of(fund)),
        },
    )
    return entry
