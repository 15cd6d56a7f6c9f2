"""What the relief services share: the fund row locked for a ledger write, its balance computed
in the database, and the parsing of amounts and texts into the platform's errors."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import Sum
from django.utils import timezone

from doudi.accounts.permissions import Permission
from doudi.accounts.scoping import Actor
from doudi.core.exceptions import ApplicationError, NotFound
from doudi.core.money import format_yuan, parse_yuan
from doudi.relief.models import LedgerEntry, ReserveFund

FUND_NOT_FOUND = "备用金不存在或不在您的管辖范围内"
ADVANCE_OBJECT_TYPE = "relief.advance"
ADVANCE_DEADLINE_KIND = "advance_paperwork"
ZERO = Decimal("0.00")


def today() -> dt.date:
    return timezone.localdate()


def fund_lock(*, actor: Actor, fund: ReserveFund, permission: Permission) -> ReserveFund:
    """The fund row, locked until the transaction ends (``SELECT … FOR UPDATE``), so that two
    ledger writes on one fund run one after the other. Outside the actor's region: NotFound.

    On SQLite ``select_for_update`` is a no-op; SQLite lets one writer at a time hold the
    database, which serialises the writes just as well (docs/relief.md)."""
    actor.require(permission)
    locked = ReserveFund.objects.select_for_update().filter(actor.region_q(), pk=fund.pk).first()
    if locked is None:
        raise NotFound(FUND_NOT_FOUND, field="fund")
    return locked


def balance_of(fund: ReserveFund, *, as_of: dt.date | None = None) -> Decimal:
    """The sum of the fund's entries (up to ``as_of``), computed by the database."""
    entries = LedgerEntry.objects.filter(fund_id=fund.pk)
    if as_of is not None:
        entries = entries.filter(entry_date__lte=as_of)
    total = entries.aggregate(total=Sum("amount"))["total"]
    return Decimal(total or ZERO).quantize(Decimal("0.01"))


def amount_parse(value: Any, *, field: str, label: str) -> Decimal:
    """A positive amount of yuan with at most two decimals."""
    if value is None or (isinstance(value, str) and not value.strip()):
        raise ApplicationError(f"请填写{label}", field=field)
    try:
        amount = parse_yuan(value)
    except (TypeError, ValueError) as error:
        raise ApplicationError(
            f"{label}格式不正确：{value}（元，最多两位小数）", field=field
        ) from error
    if amount <= 0:
        raise ApplicationError(f"{label}必须大于0，不能为 {format_yuan(amount)}", field=field)
    if amount >= Decimal("10000000000"):
        raise ApplicationError(f"{label}过大：{format_yuan(amount)}", field=field)
    return amount
