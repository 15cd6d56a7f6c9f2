"""What the referral tests share: fixed dates, partner departments, an application with needs."""

from __future__ import annotations

from doudi.accounts.scoping import Actor, actor_for_user
from doudi.core.models import AuditEvent, Deadline
from doudi.intake.models import Application
from doudi.referrals.models import Referral
from doudi.testing.factories import ApplicationFactory, DepartmentUnitFactory, partner_user
from doudi.testing.state import row_counts


def make_partner(username: str, division_code: str, department: str, *, name: str) -> Actor:
    """A partner user in a department's unit (one unit per division and department)."""
    unit = DepartmentUnitFactory(
        division_code=division_code, partner_department=department, name=name
    )
    actor = actor_for_user(partner_user(username, org_unit=unit, display_name=f"{name}经办"))
    assert actor is not None
    return actor


def application_with_needs(household, needs: list[str]) -> Application:  # type: ignore[no-untyped-def]
    """A submitted application written directly (no audit event), declaring ``needs``."""
    return ApplicationFactory(household=household, needs=needs)


def state() -> tuple:
    """What a refused action must leave unchanged."""
    return (
        Referral.objects.count(),
        sum(Referral.objects.values_list("version", flat=True)),
        tuple(Referral.objects.order_by("id").values_list("status", flat=True)),
        *row_counts(
            AuditEvent.objects.filter(action__startswith="referral."),
            Deadline.objects.filter(object_type="referrals.referral"),
            Deadline.objects.filter(object_type="referrals.referral", closed_at__isnull=True),
        ),
    )
