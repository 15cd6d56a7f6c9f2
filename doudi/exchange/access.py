"""Who may see and send department feeds: `exchange.view` (the verification centre and
auditors) and `exchange.upload` (the verification centre for every feed; a partner department's
staff, or its API tokens, for the feeds their department sends)."""

from __future__ import annotations

from doudi.accounts.models import Role, StaffProfile
from doudi.accounts.permissions import Permission
from doudi.accounts.scoping import Actor
from doudi.core.exceptions import PermissionDenied
from doudi.exchange.schemas import FeedSchema


def can_view_feeds(actor: Actor) -> bool:
    return actor.can(Permission.EXCHANGE_VIEW)


def require_view_feeds(actor: Actor) -> None:
    if not can_view_feeds(actor):
        raise PermissionDenied("无权限：查看部门数据交换")


def _partner_department(actor: Actor) -> str:
    profile = StaffProfile.objects.select_related("org_unit").filter(user=actor.user).first()
    return profile.org_unit.partner_department if profile else ""


def can_upload_feed(actor: Actor, schema: FeedSchema) -> bool:
    if not actor.can(Permission.EXCHANGE_UPLOAD):
        return False
    if Role.VERIFICATION_OFFICER in actor.roles:
        return True
    return (
        Role.PARTNER in actor.roles
        and bool(schema.partner_department)
        and _partner_department(actor) == schema.partner_department
    )


def require_upload_feed(actor: Actor, schema: FeedSchema) -> None:
    if not can_upload_feed(actor, schema):
        raise PermissionDenied(f"无权限：报送“{schema.label}”数据")
