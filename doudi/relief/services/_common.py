"""What the relief services share: the fund row locked for a ledger write, its balance computed
in the database, and the parsing of amounts and texts into the platform's errors."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Sum
from django.utils import timezone

from doudi.accounts.permissions import Permission
from doudi.accounts.scoping import Actor
from doudi.core.exceptions import NotFound
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
