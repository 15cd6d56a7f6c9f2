"""The demo cast for a synthetic county: one account per role, with a known password or, for a
production-like set-up, a generated one.

The known password is for the embedded demo only: `doudi demo` refuses it when DEBUG is off and
the database is PostgreSQL, where `doudi demo --generated-passwords` gives each account a random
password instead (`demo_password_generate`)."""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction

from doudi.accounts.models import OrgUnit, PartnerDepartment, Role, StaffProfile
from doudi.accounts.two_factor import DEVICE_NAME, two_factor_required
from doudi.core.audit import audit_event_record
from doudi.core.models import Division

DEMO_PASSWORD = "doudi-demo-2026"
# 18 random bytes: 24 URL-safe characters, 144 bits.
GENERATED_PASSWORD_BYTES = 18
# The demo accounts that must log in with a second factor (county scope or wider, admins) share
# this TOTP secret, so that anyone trying the demo can add it to an authenticator app (or run
# `oathtool --totp -b MRXXKZDJFVSGK3LPFV2G65DQFUZDAMRW`). Base32 of the 20 bytes below. Not with
# generated passwords: there each account enrols its own device at its first login.
DEMO_TOTP_KEY = b"doudi-demo-totp-2026"
DEMO_TOTP_SECRET = "MRXXKZDJFVSGK3LPFV2G65DQFUZDAMRW"


def demo_password_generate() -> str:
    """A strong random password for one demo account (printed once, stored only as a hash)."""
    return secrets.token_urlsafe(GENERATED_PASSWORD_BYTES)


@dataclass(frozen=True)
class DemoAccount:
    username: str
    display_name: str
    division_code: str
    roles: tuple[str, ...]
    is_admin: bool = False
    is_verification_centre: bool = False
    partner_department: str = ""


def demo_accounts(county_code: str) -> list[DemoAccount]:
    townships = list(
        Division.objects.filter(parent_id=county_code, level="township").order_by("code")[:2]
    )
    county = Division.objects.get(code=county_code)
    accounts = [
        DemoAccount("county_approver", f"{county.name}审核确认人", county_code, (Role.APPROVER,)),
        DemoAccount(
            "county_officer", f"{county.name}民政干部", county_code, (Role.COUNTY_OFFICER,)
        ),
        DemoAccount(
            "verifier",
            f"{county.name}核对中心",
            county_code,
            (Role.VERIFICATION_OFFICER,),
            is_verification_centre=True,
        ),
        DemoAccount("county_auditor", f"{county.name}审计监督", county_code, (Role.AUDITOR,)),
        DemoAccount(
            "medical_partner",
            f"{county.name}医疗保障局经办",
            county_code,
            (Role.PARTNER,),
            partner_department=PartnerDepartment.MEDICAL_ASSISTANCE,
        ),
        DemoAccount(
            "tax_partner",
            f"{county.name}税务局经办",
            county_code,
            (Role.PARTNER,),
            partner_department=PartnerDepartment.TAX,
        ),
        DemoAccount("city_analyst", "市级分析人员", county.city_code, (Role.ANALYST,)),
        DemoAccount(
            "province_admin", "省级系统管理员", county.province_code, (Role.ADMIN,), is_admin=True
        ),
    ]
    for index, township in enumerate(townships, start=1):
        accounts.insert(
            index - 1,
            DemoAccount(
                f"caseworker{index}", f"{township.name}经办人", township.code, (Role.CASEWORKER,)
            ),
        )
    village = (
        Division.objects.filter(parent_id=townships[0].code, level="village")
        .order_by("code")
        .first()
        if townships
        else None
    )
    if village is not None:
        accounts.insert(
            len(townships),
            DemoAccount(
                "village_worker1", f"{village.name}协理员", village.code, (Role.VILLAGE_WORKER,)
            ),
        )
    return accounts


def _unit_name(division: Division, account: DemoAccount) -> str:
    if account.partner_department:
        return f"{division.name}{PartnerDepartment(account.partner_department).label}"
    return f"{division.name}{'核对中心' if account.is_verification_centre else '民政'}"


@transaction.atomic
def demo_staff_ensure(
    county_code: str, *, passwords: Mapping[str, str] | None = None
) -> list[tuple[DemoAccount, str]]:
    """Create the demo accounts that do not exist yet; returns every account with its region name.

    Without `passwords` new accounts get the public DEMO_PASSWORD and existing ones keep theirs.
    With `passwords` (username → password, one for every demo account) every account, new or
    existing, is given its password: re-running resets them, so lost passwords can be replaced."""
    user_model = get_user_model()
    result = []
    for account in demo_accounts(county_code):
        division = Division.objects.get(code=account.division_code)
        unit, _ = OrgUnit.objects.get_or_create(
            division=division,
            is_verification_centre=account.is_verification_centre,
            partner_department=account.partner_department,
            defaults={"name": _unit_name(division, account), "level": division.level},
        )
        user = user_model.objects.filter(username=account.username).first()
        if user is None:
            user = user_model.objects.create_user(
                username=account.username,
                password=passwords[account.username] if passwords else DEMO_PASSWORD,
                is_staff=account.is_admin,
                is_superuser=account.is_admin,
            )
            StaffProfile.objects.create(
                user=user,
                org_unit=unit,
                display_name=account.display_name,
                roles=list(account.roles),
            )
        elif passwords:
            user.set_password(passwords[account.username])
            user.save(update_fields=["password"])
            # Who reset it is the command line; the event says that it happened, never to what.
            audit_event_record(actor=None, action="staff.demo_password_reset", obj=user)
        if not passwords:
            demo_device_ensure(user)
        result.append((account, division.name))
    return result


def demo_device_ensure(user) -> None:  # type: ignore[no-untyped-def]
    """Enrol the demo TOTP secret for a demo account that must use a second factor and has no
    device yet (as the enrolment page does for a newcomer, who scans their own secret)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    if not two_factor_required(user) or TOTPDevice.objects.filter(user=user).exists():
        return
    TOTPDevice.objects.create(user=user, name=DEVICE_NAME, key=DEMO_TOTP_KEY.hex(), confirmed=True)
