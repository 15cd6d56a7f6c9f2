"""The township reserve fund (临时救助备用金): creation and settings by the county, top-ups,
and reconciliation against a counted balance. Every write locks the fund row and is audited in
the same transaction."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction

from doudi.accounts.permissions import Permission
from doudi.accounts.scoping import Actor
from doudi.core.audit import audit_event_record
from doudi.core.exceptions import ApplicationError, NotFound, text_required
from doudi.core.models import Division, DivisionLevel
from doudi.core.money import amount_parse, format_yuan, parse_yuan, quantize_yuan
from doudi.policy import parameters_in_force
from doudi.relief.dates import ADVANCE_PAPERWORK_WORKING_DAYS
from doudi.relief.models import EntryKind, LedgerEntry, Reconciliation, ReserveFund
from doudi.relief.services._common import (
    balance_of,
    fund_lock,
    today,
)

PAPERWORK_DAYS_MAX = 60


def township_limit_default(on: dt.date) -> Decimal:
    """The policy parameter ``temporary_assistance.township_approval_limit`` in force in the month
    of ``on`` (province-wide): Jinjiang's 5,000 yuan used as a demo value (POLICY.md §5; Fujian's
    cap is a [GAP])."""
    in_force = parameters_in_force(None, f"{on:%Y-%m}")
    return quantize_yuan(Decimal(in_force["temporary_assistance.township_approval_limit"].value))


def _paperwork_days(value: Any) -> int:
    text = str(value).strip()
    if not text.isdigit() or not 1 <= int(text) <= PAPERWORK_DAYS_MAX:
        raise ApplicationError(
            f"补办手续期限须为 1 至 {PAPERWORK_DAYS_MAX} 个工作日，不能为 {value}",
            field="paperwork_working_days",
        )
    return int(text)


def _fund_parameters(fund: ReserveFund) -> dict[str, Any]:
    return {
        "township": fund.township_code,
        "advance_limit": str(fund.advance_limit),
        "advance_limit_is_demo": fund.advance_limit_is_demo,
        "paperwork_working_days": fund.paperwork_working_days,
        "paperwork_days_is_demo": fund.paperwork_days_is_demo,
    }


@transaction.atomic
def reserve_fund_create(
    *,
    actor: Actor,
    township_code: str,
    advance_limit: Any = None,
    paperwork_working_days: Any = None,
) -> ReserveFund:
    """设立备用金 for a township of the county officer's region.

    Without an ``advance_limit`` the policy's demo value is used and the fund says so
    (``advance_limit_is_demo``); likewise the paperwork limit defaults to
    :data:`ADVANCE_PAPERWORK_WORKING_DAYS` (a demo value)."""
    actor.require(Permission.RESERVE_FUND_MANAGE)
    code = (township_code or "").strip()
    division = Division.objects.filter(code=code).first()
    if division is None or not actor.covers(division):
        raise NotFound("乡镇（街道）不存在或不在您的管辖范围内", field="township_code")
    if division.level != DivisionLevel.TOWNSHIP:
        raise ApplicationError(
            f"备用金按乡镇（街道）设立，{division.name}不是乡镇（街道）", field="township_code"
        )
    if ReserveFund.objects.filter(township=division).exists():
        raise ApplicationError(f"{division.name}已设立临时救助备用金", field="township_code")
    is_demo_limit = advance_limit in (None, "")
    limit = (
        township_limit_default(today())
        if is_demo_limit
        else amount_parse(advance_limit, field="advance_limit", label="先行救助单笔限额")
    )
    is_demo_days = paperwork_working_days in (None, "")
    days = (
        ADVANCE_PAPERWORK_WORKING_DAYS if is_demo_days else _paperwork_days(paperwork_working_days)
    )
    try:
        with transaction.atomic():
            fund = ReserveFund.objects.create(
                township=division,
                province_code=division.province_code,
                city_code=division.city_code,
                county_code=division.county_code,
                township_code=division.code,
                advance_limit=limit,
                advance_limit_is_demo=is_demo_limit,
                paperwork_working_days=days,
                paperwork_days_is_demo=is_demo_days,
                created_by=actor.user,
            )
    except IntegrityError as error:
        raise ApplicationError(
            f"{division.name}已设立临时救助备用金", field="township_code"
        ) from error
    audit_event_record(
        actor=actor.user,
        action="relief.fund_created",
        obj=fund,
        region_code=fund.township_code,
        parameters=_fund_parameters(fund),
    )
    return fund


@transaction.atomic
def reserve_fund_configure(
    *, actor: Actor, fund: ReserveFund, advance_limit: Any, paperwork_working_days: Any
) -> ReserveFund:
    """The county sets the township's own limit and paperwork time: no longer demo values."""
    fund = fund_lock(actor=actor, fund=fund, permission=Permission.RESERVE_FUND_MANAGE)
    before = _fund_parameters(fund)
    fund.advance_limit = amount_parse(
        advance_limit, field="advance_limit", label="先行救助单笔限额"
    )
    fund.paperwork_working_days = _paperwork_days(paperwork_working_days)
    fund.advance_limit_is_demo = False
    fund.paperwork_days_is_demo = False
    fund.save(
        update_fields=[
            "advance_limit",
            "paperwork_working_days",
            "advance_limit_is_demo",
            "paperwork_days_is_demo",
            "updated_at",
        ]
    )
    audit_event_record(
        actor=actor.user,
        action="relief.fund_configured",
        obj=fund,
        region_code=fund.township_code,
        parameters={"before": before, "after": _fund_parameters(fund)},
    )
    return fund


@transaction.atomic
def reserve_fund_top_up(*, actor: Actor, fund: ReserveFund, amount: Any, memo: str) -> LedgerEntry:
    """拨付: the county adds money to the township's fund."""
    fund = fund_lock(actor=actor, fund=fund, permission=Permission.RESERVE_FUND_MANAGE)
    value = amount_parse(amount, field="amount", label="拨付金额")
    memo = text_required(memo, field="memo", message="请填写拨付摘要（如 拨款文号、资金来源）")
    entry = LedgerEntry.objects.create(
        fund=fund,
        kind=EntryKind.TOP_UP,
        amount=value,
        entry_date=today(),
        memo=memo,
        actor=actor.user,
    )
    audit_event_record(
        actor=actor.user,
        action="relief.fund_topped_up",
        obj=entry,
        region_code=fund.township_code,
        parameters={
            "fund": str(fund.public_id),
            "amount": str(value),
            "memo": memo,
            "balance": str(balance_of(fund)),
        },
    )
    return entry


def _as_of(value: Any, last: Reconciliation | None) -> dt.date:
    if value in (None, ""):
        return today()
    if isinstance(value, dt.date):
        day = value
    else:
        try:
            day = dt.date.fromisoformat(str(value).strip())
        except ValueError as error:
            raise ApplicationError(
                f"对账日期格式不正确：{value}（YYYY-MM-DD）", field="as_of"
            ) from error
    if day > today():
        raise ApplicationError(f"对账日期 {day} 不能晚于今天 {today()}", field="as_of")
    if last is not None and day < last.as_of:
        raise ApplicationError(f"对账日期 {day} 不能早于上次对账日期 {last.as_of}", field="as_of")
    return day


def _counted(value: Any) -> Decimal:
    if value is None or (isinstance(value, str) and not value.strip()):
        raise ApplicationError("请填写实存或银行对账单余额", field="counted_balance")
    try:
        amount = parse_yuan(value)
    except (TypeError, ValueError) as error:
        raise ApplicationError(
            f"实存余额格式不正确：{value}（元，最多两位小数）", field="counted_balance"
        ) from error
    if amount < 0:
        raise ApplicationError("实存余额不能为负数", field="counted_balance")
    return amount


@transaction.atomic
def reserve_fund_reconcile(
    *,
    actor: Actor,
    fund: ReserveFund,
    counted_balance: Any,
    as_of: Any = None,
    note: str = "",
    adjust: bool = False,
) -> Reconciliation:
    """对账: compare the counted balance (cash count or bank statement) at ``as_of`` with the
    ledger's balance on that date, and record the difference and who reconciled.

    The report covers the entries booked on or before ``as_of`` since the previous
    reconciliation. A difference needs an explanation; with ``adjust`` it is also booked as a
    对账调整 entry so that the ledger agrees with the count from now on."""
    fund = fund_lock(actor=actor, fund=fund, permission=Permission.RESERVE_FUND_MANAGE)
    last = Reconciliation.objects.filter(fund=fund).order_by("-as_of", "-id").first()
    day = _as_of(as_of, last)
    counted = _counted(counted_balance)
    note = (note or "").strip()
    ledger = balance_of(fund, as_of=day)
    difference = counted - ledger
    if difference and not note:
        raise ApplicationError(
            f"实存 {format_yuan(counted)} 与台账余额 {format_yuan(ledger)} 相差 "
            f"{format_yuan(difference)}，请说明原因",
            field="note",
        )
    included = LedgerEntry.objects.filter(fund=fund, entry_date__lte=day)
    if last is not None and last.last_entry_id is not None:
        included = included.filter(id__gt=last.last_entry_id)
    ids = list(included.order_by("id").values_list("id", flat=True))
    adjustment = None
    if adjust and difference:
        adjustment = LedgerEntry.objects.create(
            fund=fund,
            kind=EntryKind.ADJUSTMENT,
            amount=difference,
            entry_date=today(),
            memo=f"{day} 对账调整：{note}",
            actor=actor.user,
        )
    reconciliation = Reconciliation.objects.create(
        fund=fund,
        as_of=day,
        counted_balance=counted,
        ledger_balance=ledger,
        difference=difference,
        first_entry_id=ids[0] if ids else None,
        last_entry_id=ids[-1] if ids else (last.last_entry_id if last else None),
        note=note,
        adjustment=adjustment,
        reconciled_by=actor.user,
    )
    audit_event_record(
        actor=actor.user,
        action="relief.fund_reconciled",
        obj=reconciliation,
        region_code=fund.township_code,
        parameters={
            "fund": str(fund.public_id),
            "as_of": day.isoformat(),
            "counted_balance": str(counted),
            "ledger_balance": str(ledger),
            "difference": str(difference),
            "entries": len(ids),
            "adjustment": str(adjustment.amount) if adjustment else None,
            "note": note,
        },
    )
    return reconciliation
