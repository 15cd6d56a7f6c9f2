"""The relief services: every write in one transaction, with its audit event (docs/relief.md)."""

from doudi.relief.services.advances import (
    advance_payment_link,
    advance_payment_record,
    advance_payment_reverse,
)
from doudi.relief.services.funds import (
    reserve_fund_configure,
    reserve_fund_create,
    reserve_fund_reconcile,
    reserve_fund_top_up,
    township_limit_default,
)
from doudi.relief.services.instalments import (
    approved_temporary_amount,
    instalment_pay,
    instalment_plan_create,
)

__all__ = [
    "advance_payment_link",
    "advance_payment_record",
    "advance_payment_reverse",
    "approved_temporary_amount",
    "instalment_pay",
    "instalment_plan_create",
    "reserve_fund_configure",
    "reserve_fund_create",
    "reserve_fund_reconcile",
    "reserve_fund_top_up",
    "township_limit_default",
]
