"""Who may see and send department feeds: `exchange.view` (the verification centre and
auditors) and `exchange.upload` (the verification centre for every feed; a partner department's
staff, or its API tokens, for the feeds their department sends)."""

from __future__ import annotations

from doudi.accounts.models import Role, StaffProfile
from doudi.accounts.permissions import Permission
from doudi.accounts.scoping import Actor
from doudi.core.exceptions import PermissionDenied
from doudi.exchange.schemas import FEEDS, FeedSchema


def can_view_feeds(actor: Actor) -> bool:
    return actor.can(Permission.EXCHANGE_VIEW)


def require_view_feeds(actor: Actor) -> None:
    if not can_view_feeds(actor):
        raise PermissionDenied("无权限：查看部门数据交换")


def _partner_department(actor: Actor) -> str:
    profile = StaffProfile.objects.select_related("org_unit").filter(user=actor.user).first()
    return profile.org_unit.partner_department if profile else ""


def can_upload_feed(actor: Actor, schema: FeedSchema) -> bool:
    return schema in uploadable_feeds(actor)


def uploadable_feeds(actor: Actor) -> list[FeedSchema]:
    """The feeds `actor` may send, in declaration order: every feed for the verification
    centre, their own department's feeds for a partner department's staff, none otherwise."""
    if not actor.can(Permission.EXCHANGE_UPLOAD):
        return []
    if Role.VERIFICATION_OFFICER in actor.roles:
        return list(FEEDS.values())
    if Role.PARTNER not in actor.roles:
        return []
    department = _partner_department(actor)
    if not department:
        return []
    return [schema for schema in FEEDS.values() if schema.partner_department == department]


def require_upload_any(actor: Actor) -> list[FeedSchema]:
    feeds = uploadable_feeds(actor)
    if not feeds:
        raise PermissionDenied("无权限：报送部门数据")
    return feeds


def require_upload_feed(actor: Actor, schema: FeedSchema) -> None:
    if not can_upload_feed(actor, schema):
        raise PermissionDenied(f"无权限：报送“{schema.label}”数据")
