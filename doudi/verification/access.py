"""Who may do what with verification: the permissions `verification.view`, `.request`,
`.sign` and `.consent_manage` (accounts/permissions.py), with one rule on top: a verification
officer acts only from a verification centre (`OrgUnit.is_verification_centre`).

The region itself is checked by the selectors (`actor.region_q`): outside it, 404."""

from __future__ import annotations

from doudi.accounts.models import Role, StaffProfile
from doudi.accounts.permissions import Permission, roles_grant
from doudi.accounts.scoping import Actor
from doudi.core.exceptions import PermissionDenied


def is_verification_centre(actor: Actor) -> bool:
    return StaffProfile.objects.filter(
        user=actor.user, org_unit__is_verification_centre=True
    ).exists()


def _holds(actor: Actor, permission: Permission) -> bool:
    """The permission, held through a role other than verification officer, or as a
    verification officer of a verification centre."""
    held = {role for role in actor.roles if roles_grant([role], permission)}
    if not held:
        return False
    if held == {Role.VERIFICATION_OFFICER}:
        return is_verification_centre(actor)
    return True


def can_read(actor: Actor) -> bool:
    return _holds(actor, Permission.VERIFICATION_VIEW)


def can_request(actor: Actor) -> bool:
    return _holds(actor, Permission.VERIFICATION_REQUEST)


def can_sign(actor: Actor) -> bool:
    return _holds(actor, Permission.VERIFICATION_SIGN)


def can_record_consent(actor: Actor) -> bool:
    return _holds(actor, Permission.VERIFICATION_CONSENT_MANAGE)


def require_read(actor: Actor) -> None:
    if not can_read(actor):
        raise PermissionDenied("无权限：查看家庭经济状况核对报告")


def require_request(actor: Actor) -> None:
    if not can_request(actor):
        raise PermissionDenied("无权限：发起家庭经济状况核对")


def require_sign(actor: Actor) -> None:
    if not can_sign(actor):
        raise PermissionDenied("无权限：签发核对报告（限核对中心核对人员）")


def require_record_consent(actor: Actor) -> None:
    if not can_record_consent(actor):
        raise PermissionDenied("无权限：登记或撤回核对授权")
