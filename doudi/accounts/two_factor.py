"""Two-factor login (TOTP, django-otp) and the password's age: who must use a second factor, and
the writes of enrolling and verifying (docs/login.md).

A second factor is required of everyone whose scope is a county or wider (they see the
personal data of a whole county or more) and of administrators; township and village staff may
enrol, and once they have, their login asks for it too. Applicants do not use it."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from doudi.accounts.models import PasswordRecord, Role
from doudi.accounts.scoping import actor_for_user
from doudi.core.audit import audit_event_record
from doudi.core.models import DivisionLevel

WIDE_LEVELS = frozenset({DivisionLevel.COUNTY, DivisionLevel.CITY, DivisionLevel.PROVINCE})
DEVICE_NAME = "身份验证器"


def two_factor_required(user: Any) -> bool:
    """Whether ``user`` may not work without a second factor: administrators (the admin site or
    the admin role) and staff whose region is a county, a city or the province."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser or user.is_staff:
        return True
    actor = actor_for_user(user)
    if actor is None:
        return False
    return Role.ADMIN in actor.roles or actor.region_level in WIDE_LEVELS


def is_verified(user: Any) -> bool:
    """Whether this request's session has passed the second factor (django-otp's
    OTPMiddleware, or ``django_otp.login`` in this request, sets ``otp_device``)."""
    return getattr(user, "otp_device", None) is not None


def confirmed_device(user: Any) -> TOTPDevice | None:
    """The user's confirmed TOTP device, if they have enrolled."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def has_confirmed_device(user: Any) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def pending_device(user: Any) -> TOTPDevice:
    """The device being enrolled (not yet confirmed): created on first call, the same one until
    it is confirmed, so reloading the enrolment page shows the same secret."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


@transaction.atomic
def two_factor_enrol_confirm(*, user: Any, device: TOTPDevice, token: str) -> bool:
    """Confirm the pending ``device`` with a code from the authenticator; audited. False (and
    nothing confirmed) when the code is wrong."""
    if device.user_id != user.pk or device.confirmed:
        return False
    if not device.verify_token((token or "").strip()):
        return False
    TOTPDevice.objects.filter(pk=device.pk).update(confirmed=True)
    device.confirmed = True
    audit_event_record(
        actor=user,
        action="two_factor.enrolled",
        object_type="otp_totp.totpdevice",
        object_id=str(device.pk),
        region_code=_region_code(user),
    )
    return True


def two_factor_verify(*, user: Any, token: str) -> TOTPDevice | None:
    """The confirmed device that accepts ``token`` (a six-digit code), or None. Wrong codes are
    throttled by the device (each failure doubles the wait before the next try is checked)."""
    device = confirmed_device(user)
    if device is None or not device.verify_token((token or "").strip()):
        return None
    return device


@transaction.atomic
def two_factor_reset(*, actor: Any, user: Any) -> int:
    """Remove every TOTP device of ``user`` (a lost phone): they enrol again at their next
    login. Audited; returns how many devices were removed."""
    count, _ = TOTPDevice.objects.filter(user=user).delete()
    audit_event_record(
        actor=actor,
        action="two_factor.reset",
        object_type="auth.user",
        object_id=str(user.pk),
        region_code=_region_code(user),
        parameters={"username": user.get_username(), "devices": count},
    )
    return count


def password_expired(user: Any, *, now: Any = None) -> bool:
    """Whether ``user``'s password is older than DOUDI_PASSWORD_MAX_AGE_DAYS (0: never expires).
    A user without a record (set before the rule existed) counts from when they joined."""
    days = settings.DOUDI_PASSWORD_MAX_AGE_DAYS
    if not days:
        return False
    record = PasswordRecord.objects.filter(user=user).first()
    changed_at = record.changed_at if record is not None else user.date_joined
    return (now or timezone.now()) - changed_at > timedelta(days=days)


def _region_code(user: Any) -> str:
    actor = actor_for_user(user)
    return actor.region_code if actor is not None else ""
