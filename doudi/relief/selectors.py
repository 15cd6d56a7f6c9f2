"""Reads of the relief app, always scoped to the actor's region: a fund or payment outside it
does not exist for the actor (NotFound → 404)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from uuid import UUID

from django.db.models import QuerySet, Sum
from django.utils import timezone

from doudi.accounts.permissions import Permission
from doudi.accounts.scoping import Actor
from doudi.core.calendar import workday_calendar_get
from doudi.core.deadlines import DeadlineState, deadline_state
from doudi.core.exceptions import NotFound, PermissionDenied
from doudi.intake import selectors as intake_selectors
from doudi.intake.models import Application
from doudi.relief.models import (
    AdvancePayment,
    Instalment,
    InstalmentPlan,
    LedgerEntry,
    Reconciliation,
    ReserveFund,
)
from doudi.relief.services._common import FUND_NOT_FOUND, balance_of

ADVANCE_VIEW_PERMISSIONS = (Permission.ADVANCE_ASSISTANCE_PAY, Permission.RESERVE_FUND_VIEW)


def _uuid(value: UUID | str, message: str, field: str) -> UUID:
    try:
        return UUID(str(value))
    except ValueError as error:
        raise NotFound(message, field=field) from error


def fund_queryset(*, actor: Actor) -> QuerySet[ReserveFund]:
    actor.require(Permission.RESERVE_FUND_VIEW)
    return ReserveFund.objects.filter(actor.region_q()).select_related("township")


def fund_list(*, actor: Actor) -> list[ReserveFund]:
    """The region's funds, each with ``balance`` computed in one aggregate query."""
    funds = list(fund_queryset(actor=actor).order_by("township_code"))
    totals = dict(
        LedgerEntry.objects.filter(fund__in=funds)
        .values("fund_id")
        .annotate(total=Sum("amount"))
        .values_list("fund_id", "total")
    )
    for fund in funds:
        fund.balance = Decimal(totals.get(fund.pk) or 0).quantize(Decimal("0.01"))
    return funds


def fund_get(*, actor: Actor, public_id: UUID | str) -> ReserveFund:
    uuid = _uuid(public_id, FUND_NOT_FOUND, "fund")
    fund = fund_queryset(actor=actor).filter(public_id=uuid).first()
    if fund is None:
        raise NotFound(FUND_NOT_FOUND, field="fund")
    return fund


def fund_for_advances(*, actor: Actor) -> ReserveFund | None:
    """The fund a township caseworker pays from: their own township's."""
    actor.require(Permission.ADVANCE_ASSISTANCE_PAY)
    return ReserveFund.objects.filter(actor.region_q()).order_by("township_code").first()


def fund_balance(*, actor: Actor, fund: ReserveFund) -> Decimal:
    fund_get(actor=actor, public_id=fund.public_id)
    return balance_of(fund)


@dataclass(frozen=True)
class LedgerLine:
    entry: LedgerEntry
    balance: Decimal  # the running balance after this entry


def fund_entries(*, actor: Actor, fund: ReserveFund) -> list[LedgerLine]:
    """Every entry, oldest first, with the running balance."""
    fund_get(actor=actor, public_id=fund.public_id)
    running = Decimal("0.00")
    lines = []
    for entry in fund.entries.select_related("actor__staff_profile").order_by("id"):
        running += entry.amount
        lines.append(LedgerLine(entry, running))
    return lines


def fund_reconciliations(*, actor: Actor, fund: ReserveFund) -> QuerySet[Reconciliation]:
    fund_get(actor=actor, public_id=fund.public_id)
    return fund.reconciliations.select_related("reconciled_by__staff_profile", "adjustment")


def reconciliation_get(*, actor: Actor, public_id: UUID | str) -> Reconciliation:
    message = "对账记录不存在或不在您的管辖范围内"
    uuid = _uuid(public_id, message, "reconciliation")
    actor.require(Permission.RESERVE_FUND_VIEW)
    found = (
        Reconciliation.objects.filter(actor.region_q("fund__"), public_id=uuid)
        .select_related("fund__township", "reconciled_by__staff_profile", "adjustment")
        .first()
    )
    if found is None:
        raise NotFound(message, field="reconciliation")
    return found


def reconciliation_entries(
    *, actor: Actor, reconciliation: Reconciliation
) -> QuerySet[LedgerEntry]:
    """The entries this reconciliation covered: those since the previous one, up to its date."""
    reconciliation_get(actor=actor, public_id=reconciliation.public_id)
    if reconciliation.first_entry_id is None:
        return LedgerEntry.objects.none()
    return LedgerEntry.objects.filter(
        fund_id=reconciliation.fund_id,
        id__gte=reconciliation.first_entry_id,
        id__lte=reconciliation.last_entry_id,
    ).order_by("id")


# -- advances -----------------------------------------------------------------------------------


def _require_any(actor: Actor, permissions: tuple[Permission, ...]) -> None:
    if not any(actor.can(p) for p in permissions):
        actor.require(permissions[0])


def advance_queryset(*, actor: Actor) -> QuerySet[AdvancePayment]:
    _require_any(actor, ADVANCE_VIEW_PERMISSIONS)
    return AdvancePayment.objects.filter(actor.region_q()).select_related(
        "person", "household", "application", "fund__township"
    )


def advance_get(*, actor: Actor, public_id: UUID | str) -> AdvancePayment:
    message = "先行救助记录不存在或不在您的管辖范围内"
    uuid = _uuid(public_id, message, "advance")
    found = advance_queryset(actor=actor).filter(public_id=uuid).first()
    if found is None:
        raise NotFound(message, field="advance")
    return found


AdvanceState = DeadlineState | str  # plus "completed" and "reversed"

ADVANCE_STATE_LABELS = {
    "overdue": "补办已超期",
    "due_soon": "即将到期",
    "on_time": "待补办手续",
    "completed": "已补办",
    "reversed": "已冲销",
}


def advance_state(advance: AdvancePayment, today: dt.date | None = None) -> str:
    if advance.reversed_at is not None:
        return "reversed"
    if advance.application_id is not None:
        return "completed"
    return deadline_state(
        advance.paperwork_due, today or timezone.localdate(), workday_calendar_get()
    )


def advance_list(*, actor: Actor, limit: int = 200) -> list[AdvancePayment]:
    """The region's advance payments, newest first, each with ``state`` (overdue, due_soon,
    on_time, completed, reversed)."""
    today = timezone.localdate()
    advances = list(advance_queryset(actor=actor).order_by("-paid_on", "-id")[: max(1, limit)])
    for advance in advances:
        advance.state = advance_state(advance, today)
    return advances


# The states whose paperwork is still open (on time, due soon or overdue).
OPEN_STATES = ("overdue", "due_soon", "on_time")


def advance_filter(
    *, actor: Actor, township: str, state: str
) -> tuple[QuerySet[AdvancePayment], list[AdvancePayment]]:
    """The region's payments of the filter, newest first, and every payment of the township
    filter whose paperwork is still open, earliest due first, each with ``state``.

    Only open payments need the working-day calendar; there are few of them (a deadline closes
    within weeks), so their state is computed here and the state filter becomes their ids."""
    payments = advance_queryset(actor=actor)
    if township:
        payments = payments.filter(township_code=township)
    open_payments = payments.filter(reversed_at__isnull=True, application__isnull=True)
    today, calendar = timezone.localdate(), workday_calendar_get()
    pending = list(open_payments.order_by("paperwork_due", "id"))
    for advance in pending:
        advance.state = deadline_state(advance.paperwork_due, today, calendar)
    if state == "reversed":
        payments = payments.filter(reversed_at__isnull=False)
    elif state == "completed":
        payments = payments.filter(reversed_at__isnull=True, application__isnull=False)
    elif state == "open":
        payments = open_payments
    elif state in OPEN_STATES:
        payments = payments.filter(pk__in=[a.pk for a in pending if a.state == state])
    return payments.order_by("-paid_on", "-id"), pending


def advance_townships(*, actor: Actor) -> list[tuple[str, str]]:
    """(code, name) of every township of the actor's region that has paid an advance."""
    return list(
        advance_queryset(actor=actor)
        .order_by("township_code")
        .values_list("township_code", "fund__township__name")
        .distinct()
    )


# -- instalments --------------------------------------------------------------------------------


def instalment_plan_for(*, actor: Actor, application: Application) -> InstalmentPlan | None:
    """The plan of an application visible to the actor (NotFound outside the region)."""
    application = intake_selectors.application_get(actor=actor, public_id=application.public_id)
    return (
        InstalmentPlan.objects.filter(application=application)
        .prefetch_related("instalments__payment")
        .first()
    )


def instalment_get(*, actor: Actor, application: Application, number: int) -> Instalment:
    plan = instalment_plan_for(actor=actor, application=application)
    found = plan.instalments.filter(number=number).first() if plan is not None else None
    if found is None:
        raise NotFound(f"第{number}期不存在", field="instalment")
    return found


def require_view(actor: Actor) -> None:
    """For pages that show funds or advances: either permission is enough."""
    if not any(actor.can(p) for p in ADVANCE_VIEW_PERMISSIONS):
        raise PermissionDenied("无权限：查看临时救助备用金")
