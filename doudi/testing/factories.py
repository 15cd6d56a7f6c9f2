"""Rows written directly for tests with factory-boy, no services and no audit events: users, civil
affairs and partner units, staff with their profile, applications and entitlements. An application
driven through the intake services is `doudi.testing.cases.application_at`; the persona cast is in
`doudi/accounts/tests/fixtures.py`."""

from __future__ import annotations

from decimal import Decimal

import factory
from django.conf import settings
from factory.django import DjangoModelFactory

from doudi.accounts.models import OrgUnit, Role, StaffProfile
from doudi.benefits.models import Entitlement
from doudi.core.models import Division
from doudi.intake.models import Application


class UserFactory(DjangoModelFactory):
    """A login (``create_user``, the password hashed) without a staff profile."""

    class Meta:
        model = settings.AUTH_USER_MODEL

    username = factory.Sequence(lambda n: f"user{n}")
    password = "pass-1234"

    @classmethod
    def _create(cls, model_class, *args, **kwargs):  # type: ignore[no-untyped-def]
        return model_class._default_manager.create_user(*args, **kwargs)


class OrgUnitFactory(DjangoModelFactory):
    """A new unit covering the division ``division_code``: by default its 民政办."""

    class Meta:
        model = OrgUnit

    class Params:
        division_code = "350112"

    division = factory.LazyAttribute(lambda unit: Division.objects.get(code=unit.division_code))
    name = factory.LazyAttribute(lambda unit: f"{unit.division.name}民政办")
    level = factory.LazyAttribute(lambda unit: unit.division.level)


class DivisionOfficeFactory(OrgUnitFactory):
    """The unit of a division, written the first time only (every staff member of the division
    shares it)."""

    class Meta:
        django_get_or_create = ("division",)


class DepartmentUnitFactory(OrgUnitFactory):
    """The unit of a partner department in a division, written the first time only."""

    class Meta:
        django_get_or_create = ("division", "partner_department")


class StaffProfileFactory(DjangoModelFactory):
    """A staff profile: by default a 经办人 of a new unit, named after the username."""

    class Meta:
        model = StaffProfile

    org_unit = factory.SubFactory(OrgUnitFactory)
    user = factory.SubFactory(UserFactory)
    display_name = factory.LazyAttribute(lambda profile: f"{profile.user.username}经办")
    roles = factory.LazyFunction(lambda: [Role.CASEWORKER])


def staff_user(  # type: ignore[no-untyped-def]
    username: str,
    *,
    org_unit,
    roles: list[str],
    display_name: str | None = None,
    is_staff: bool = False,
):
    """The user ``username`` (password ``pass-1234``) with a staff profile in ``org_unit``."""
    named = {} if display_name is None else {"display_name": display_name}
    profile = StaffProfileFactory(
        user__username=username, user__is_staff=is_staff, org_unit=org_unit, roles=roles, **named
    )
    return profile.user


def partner_user(username: str, *, org_unit, display_name: str | None = None):  # type: ignore[no-untyped-def]
    """A 协同部门 user of ``org_unit`` (a partner department's unit)."""
    return staff_user(username, org_unit=org_unit, roles=[Role.PARTNER], display_name=display_name)


class ApplicationFactory(DjangoModelFactory):
    """An application row of ``household`` (required): submitted at the window for 低保 by
    default, with the household's division codes."""

    class Meta:
        model = Application

    household = None
    programmes = factory.LazyFunction(lambda: ["dibao"])
    channel = "window"
    status = "submitted"
    province_code = factory.SelfAttribute("household.province_code")
    city_code = factory.SelfAttribute("household.city_code")
    county_code = factory.SelfAttribute("household.county_code")
    township_code = factory.SelfAttribute("household.township_code")
    village_code = factory.SelfAttribute("household.village_code")


class EntitlementFactory(DjangoModelFactory):
    """An entitlement row of ``household`` (required) from ``from_month`` (required), of a
    confirmed application for its ``programme`` unless an ``application`` is given."""

    class Meta:
        model = Entitlement

    household = None
    application = factory.SubFactory(
        ApplicationFactory,
        household=factory.SelfAttribute("..household"),
        programmes=factory.LazyAttribute(
            lambda application: [application.factory_parent.programme]
        ),
        status="confirmed",
    )
    programme = "dibao"
    monthly_amount = Decimal("500.00")
    county_code = factory.SelfAttribute("household.county_code")
    township_code = factory.SelfAttribute("household.township_code")
