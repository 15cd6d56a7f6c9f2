"""What the referral tests share: fixed dates, partner departments, an application with needs."""

from __future__ import annotations

from doudi.accounts.models import OrgUnit, Role, StaffProfile
from doudi.accounts.scoping import Actor, actor_for_user
from doudi.core.models import AuditEvent, Deadline, Division
from doudi.intake.models import Application
from doudi.referrals.models import Referral
from doudi.testing.state import row_counts


def make_partner(username: str, division_code: str, department: str, *, name: str) -> Actor:
    """A partner user in a department's unit (one unit per division and department)."""
    from django.contrib.auth import get_user_model

    division = Division.objects.get(code=division_code)
    unit, _ = OrgUnit.objects.get_or_create(
        division=division,
        partner_department=department,
        defaults={"name": name, "level": division.level},
    )
    user = get_user_model().objects.create_user(username=username, password="pass-1234")
    StaffProfile.objects.create(
        user=user, org_unit=unit, display_name=f"{name}经办", roles=[Role.PARTNER]
    )
    actor = actor_for_user(user)
    assert actor is not None
    return actor


def application_with_needs(household, needs: list[str]) -> Application:  # type: ignore[no-untyped-def]
    """A submitted application written directly (no audit event), declaring ``needs``."""
    return Application.objects.create(
        household=household,
        programmes=["dibao"],
        channel="window",
        status="submitted",
        province_code=household.province_code,
        city_code=household.city_code,
        county_code=household.county_code,
        township_code=household.township_code,
        village_code=household.village_code,
        needs=needs,
    )


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
