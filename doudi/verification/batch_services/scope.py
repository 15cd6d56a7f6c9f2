"""The run's arguments: the division screened (inside the actor's region) and the region codes
the run is filed under, the month and the programme."""

from __future__ import annotations

import re

from django.utils import timezone

from doudi.accounts.scoping import LEVEL_FIELDS, Actor
from doudi.core.exceptions import ApplicationError, NotFound
from doudi.core.models import Division, DivisionLevel
from doudi.core.models.divisions import LEVEL_DEPTH
from doudi.programmes import KEYS as PROGRAMME_KEYS

REGION_NOT_FOUND = "区域不存在或不在您的管辖范围内"
MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


def _division(actor: Actor, region_code: str) -> Division:
    division = Division.objects.filter(code=(region_code or "").strip()).first()
    if division is None or not actor.covers(division):
        raise NotFound(REGION_NOT_FOUND, field="region")
    return division


def _region_codes(division: Division) -> dict[str, str]:
    """The division's own code and those of the levels above it; levels below stay blank, so
    `actor.region_q()` finds the run for actors whose region contains the whole division."""
    depth = LEVEL_DEPTH[DivisionLevel(division.level)]
    codes = {}
    for level, field in LEVEL_FIELDS.items():
        if level == division.level:
            codes[field] = division.code
        elif LEVEL_DEPTH[level] < depth:
            codes[field] = getattr(division, field, "") or ""
        else:
            codes[field] = ""
    return codes


def _month(month: str | None) -> str:
    if month is None or not month.strip():
        return timezone.localdate().strftime("%Y-%m")
    month = month.strip()
    if not MONTH.match(month):
        raise ApplicationError(f"核对月份格式应为 YYYY-MM：{month!r}", field="month")
    return month


def _programme(programme: str | None) -> str:
    programme = (programme or "").strip()
    if programme and programme not in PROGRAMME_KEYS:
        raise ApplicationError(f"救助项目取值无效：{programme!r}", field="programme")
    return programme
