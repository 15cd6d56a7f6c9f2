"""Region scopes. Every selector filters by the actor's scope; views never do it alone."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q

from doudi.accounts.models import StaffProfile
from doudi.accounts.permissions import Permission, roles_grant
from doudi.core.exceptions import PermissionDenied
from doudi.core.models import Division, DivisionLevel

# Column that carries a code of each level, on every region-scoped table.
LEVEL_FIELDS = {
    DivisionLevel.PROVINCE: "province_code",
    DivisionLevel.CITY: "city_code",
    DivisionLevel.COUNTY: "county_code",
    DivisionLevel.TOWNSHIP: "township_code",
    DivisionLevel.VILLAGE: "village_code",
}


@dataclass(frozen=True)
class Actor:
    """Who is acting: the user, the roles they hold and the region they cover."""

    user: Any
    roles: tuple[str, ...]
    region_code: str
    region_level: str
    region_name: str
    display_name: str

    def can(self, permission: Permission) -> bool:
        return roles_grant(self.roles, permission)

    def require(self, permission: Permission) -> None:
        from doudi.accounts.permissions import PERMISSION_LABELS

        if not self.can(permission):
            raise PermissionDenied(f"无权限：{PERMISSION_LABELS[permission]}")

    def region_q(self, prefix: str = "") -> Q:
        """A filter selecting rows inside this actor's region; `prefix` reaches a related row."""
        field = LEVEL_FIELDS[DivisionLevel(self.region_level)]
        return Q(**{f"{prefix}{field}": self.region_code})

    def region_prefix(self) -> str:
        """The leading digits every division code inside this region shares (350000 -> "35")."""
        length = {"province": 2, "city": 4, "county": 6, "township": 9, "village": 12}[
            self.region_level
        ]
        return self.region_code[:length]

    def covers_row(self, row: Any) -> bool:
        """Whether a loaded region-scoped row (one with the ``*_code`` columns) lies in this
        region: :meth:`region_q` for a row in hand."""
        return getattr(row, LEVEL_FIELDS[DivisionLevel(self.region_level)], "") == self.region_code

    def covers(self, division: Division) -> bool:
        field = LEVEL_FIELDS[DivisionLevel(self.region_level)]
        if division.level == self.region_level:
            return division.code == self.region_code
        return getattr(division, field, "") == self.region_code


def actor_for_user(user: Any) -> Actor | None:
    """The actor for a logged-in staff user; None for users without a staff profile."""
    if not getattr(user, "is_authenticated", False):
        return None
    cached = getattr(user, "_doudi_actor", None)
    if cached is not None:
        return cached
    try:
        profile = StaffProfile.objects.select_related("org_unit__division").get(user=user)
    except StaffProfile.DoesNotExist:
        return None
    division = profile.org_unit.division
    actor = Actor(
        user=user,
        roles=tuple(profile.roles),
        region_code=division.code,
        region_level=division.level,
        region_name=division.name,
        display_name=profile.display_name,
    )
    user._doudi_actor = actor
    return actor
