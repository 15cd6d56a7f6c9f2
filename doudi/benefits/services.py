"""Opening, continuing and closing entitlements, and recording one-off grants.

Decisions are made elsewhere (intake's confirmation, a review's decision); these functions only
write what a decision grants, inside the caller's transaction, and refuse what the database
refuses: a second open entitlement of one programme for a household, a second grant of one
programme for an application (never paid twice)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction

from doudi.benefits.models import Entitlement, OneOffGrant
from doudi.core.exceptions import ApplicationError


class OpenEntitlementExists(ApplicationError):
    """The household already holds an open entitlement of the programme."""


class GrantExists(ApplicationError):
    """The application's one-off grant of the programme is already recorded."""


def entitlements_open(
    *,
    application: Any,
    household: Any,
    amounts: Mapping[str, Decimal],
    from_month: dt.date,
    county_code: str,
    township_code: str,
) -> list[Entitlement]:
    """One entitlement per programme of ``amounts`` (monthly amount, yuan) from ``from_month``,
    granted by ``application``. All or none: OpenEntitlementExists, with nothing written, when
    the household already holds an open one of any of them."""
    try:
        with transaction.atomic():
            return [
                Entitlement.objects.create(
                    application=application,
                    household=household,
                    programme=programme,
                    monthly_amount=amount,
                    from_month=from_month,
                    county_code=county_code,
                    township_code=township_code,
                )
                for programme, amount in amounts.items()
            ]
    except IntegrityError as error:
        raise OpenEntitlementExists(
            "该家庭已有同一救助项目的有效待遇", field="programme"
        ) from error


def entitlement_lock(*, entitlement: Entitlement) -> Entitlement:
    """The entitlement as it is now, locked until the caller's transaction ends."""
    return Entitlement.objects.select_for_update().get(pk=entitlement.pk)


def entitlement_close(*, entitlement: Entitlement, last_month: dt.date) -> Entitlement:
    """Stop paying after ``last_month`` (the first day of the last month paid)."""
    entitlement.to_month = last_month
    entitlement.save(update_fields=["to_month", "updated_at"])
    return entitlement


def entitlement_continue(
    *,
    previous: Entitlement,
    monthly_amount: Decimal,
    from_month: dt.date,
    to_month: dt.date | None = None,
) -> Entitlement:
    """The next row of ``previous``'s programme for its household (a changed amount, a resumed
    payment, a phase-out until ``to_month``); ``previous`` must be closed first.
    OpenEntitlementExists when another row of the programme is still open."""
    try:
        with transaction.atomic():
            return Entitlement.objects.create(
                application=previous.application,
                household=previous.household,
                programme=previous.programme,
                monthly_amount=monthly_amount,
                from_month=from_month,
                to_month=to_month,
                county_code=previous.county_code,
                township_code=previous.township_code,
            )
    except IntegrityError as error:
        raise OpenEntitlementExists(
            "该家庭已有同一救助项目的有效待遇", field="programme"
        ) from error


def one_off_grants_record(
    *,
    application: Any,
    household: Any,
    amounts: Mapping[str, Decimal],
    approved_by: Any,
    approved_month: dt.date,
    requires_county_approval: bool,
    county_approved: bool,
    county_code: str,
    township_code: str,
    village_code: str,
) -> list[OneOffGrant]:
    """One grant per programme of ``amounts`` (yuan) for ``application``. All or none:
    GrantExists, with nothing written, when one of them is already recorded."""
    try:
        with transaction.atomic():
            return [
                OneOffGrant.objects.create(
                    application=application,
                    household=household,
                    programme=programme,
                    amount=amount,
                    approved_by=approved_by,
                    approved_month=approved_month,
                    requires_county_approval=requires_county_approval,
                    county_approved=county_approved,
                    county_code=county_code,
                    township_code=township_code,
                    village_code=village_code,
                )
                for programme, amount in amounts.items()
            ]
    except IntegrityError as error:
        raise GrantExists("该申请的一次性救助已确认", field="programme") from error
