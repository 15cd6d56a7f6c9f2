"""Reading local standards: what staff see, and what the rules engine is fed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Q, QuerySet

from doudi.accounts.permissions import Permission
from doudi.accounts.scoping import Actor
from doudi.core.models import Division
from doudi.standards.models import AreaScope, LocalStandard


def local_standard_list(*, actor: Actor, parameter: str = "") -> QuerySet[LocalStandard]:
    """Standards of the actor's region, of the regions above it (which apply to it) and below it."""
    actor.require(Permission.STANDARDS_VIEW)
    division = Division.objects.get(code=actor.region_code)
    above = [
        code for code in (division.province_code, division.city_code, division.county_code) if code
    ]
    prefix = actor.region_prefix()
    queryset = LocalStandard.objects.filter(
        Q(region_id__in=above) | Q(region__code__startswith=prefix)
    ).select_related("region", "created_by__staff_profile")
    if parameter:
        queryset = queryset.filter(parameter=parameter)
    return queryset.order_by("parameter", "region_id", "area_scope", "-effective_from")


@dataclass(frozen=True)
class StandardInForce:
    amount: Decimal
    region_code: str
    region_name: str
    effective_from: date
    document: str
    is_demo: bool


def local_standard_in_force(
    *, parameter: str, region_code: str, month: date, area_scope: str = AreaScope.UNIFIED
) -> StandardInForce | None:
    """The value in force for a region in a month: the county's own, else its city's (平潭综合实验区
    sets its own as a county). None when neither has one: the engine then uses its provincial default.
    An urban or rural value is preferred to a unified one when asked for; a unified value serves both."""
    division = Division.objects.filter(code=region_code).first()
    if division is None:
        return None
    scopes = (
        [area_scope, AreaScope.UNIFIED] if area_scope != AreaScope.UNIFIED else [AreaScope.UNIFIED]
    )
    levels = [division.county_code, division.city_code]
    if (
        division.county_code
        and Division.objects.filter(code=division.county_code, is_management_region=True).exists()
    ):
        levels = [division.county_code]  # 平潭综合实验区 does not inherit 福州's standards
    for code in levels:
        if not code:
            continue
        for scope in scopes:
            standard = (
                LocalStandard.objects.filter(
                    parameter=parameter, region_id=code, area_scope=scope, effective_from__lte=month
                )
                .filter(Q(effective_to__isnull=True) | Q(effective_to__gte=month))
                .select_related("region")
                .first()
            )
            if standard is not None:
                return StandardInForce(
                    amount=standard.amount,
                    region_code=standard.region_id,
                    region_name=standard.region.name,
                    effective_from=standard.effective_from,
                    document=standard.document,
                    is_demo=standard.is_demo,
                )
    return None
