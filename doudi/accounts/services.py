from __future__ import annotations

import secrets
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from doudi.accounts.models import ApiToken, OrgUnit, Role, StaffProfile
from doudi.core.audit import audit_event_record
from doudi.core.exceptions import ApplicationError
from doudi.core.models import Division

TOKEN_PREFIX = "dd_"
LAST_USED_RESOLUTION = timedelta(minutes=5)


def org_unit_get_or_create(
    *, division: Division, name: str | None = None, is_verification_centre: bool = False
) -> OrgUnit:
    unit, _ = OrgUnit.objects.get_or_create(
        division=division,
        is_verification_centre=is_verification_centre,
        defaults={"name": name or f"{division.name}民政办", "level": division.level},
    )
    return unit


@transaction.atomic
def staff_create(
    *, actor, username: str, password: str, display_name: str, org_unit: OrgUnit, roles: list[str]
) -> StaffProfile:
    unknown = [role for role in roles if role not in Role.values]
    if unknown:
        raise ApplicationError(f"角色不存在：{'、'.join(unknown)}", field="roles")
    if not roles:
        raise ApplicationError("至少需要一个角色", field="roles")
    user_model = get_user_model()
    if user_model.objects.filter(username=username).exists():
        raise ApplicationError(f"用户名已存在：{username}", field="username")
    user = user_model.objects.create_user(username=username, password=password)
    profile = StaffProfile.objects.create(
        user=user, org_unit=org_unit, display_name=display_name, roles=roles
    )
    audit_event_record(
        actor=actor,
        action="staff.created",
        obj=profile,
        region_code=org_unit.division_id,
        parameters={"username": username, "roles": roles},
    )
    return profile


@transaction.atomic
def api_token_create(*, user, name: str) -> tuple[str, ApiToken]:
    """Create a token; the clear token is returned once and never stored."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    record = ApiToken.objects.create(
        user=user, name=name, token_hash=ApiToken.hash_token(token), prefix=token[:8]
    )
    audit_event_record(
        actor=user, action="api_token.created", obj=record, parameters={"name": name}
    )
    return token, record


def api_token_authenticate(*, token: str):
    """The active user owning the token, or None."""
    if not token.startswith(TOKEN_PREFIX):
        return None
    record = (
        ApiToken.objects.select_related("user")
        .filter(token_hash=ApiToken.hash_token(token), revoked_at__isnull=True)
        .first()
    )
    if record is None or not record.user.is_active:
        return None
    now = timezone.now()
    # Recorded at most every few minutes: a write on every request would cost a commit each time.
    if record.last_used_at is None or now - record.last_used_at > LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=record.pk).update(last_used_at=now)
    return record.user


@transaction.atomic
def api_token_revoke(*, actor, token: ApiToken) -> None:
    ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
    audit_event_record(actor=actor, action="api_token.revoked", obj=token)


@transaction.atomic
def password_change(*, user, password: str) -> None:
    """Set ``user``'s new password (already validated against AUTH_PASSWORD_VALIDATORS, which
    also records when it was set); audited."""
    user.set_password(password)
    user.save(update_fields=["password"])
    audit_event_record(
        actor=user, action="password.changed", object_type="auth.user", object_id=str(user.pk)
    )
