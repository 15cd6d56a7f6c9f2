"""The asset limits of the policy engine for a month and region (not re-implemented here).

The engine is asked for the parameters in force (`doudi.policy.parameters_in_force`, the values an
evaluation records) with the database's local standards, exactly as `doudi.standards.engine`
evaluates a household. The parameters are cached per (region, area type, month, state of the
local-standards table)."""

from __future__ import annotations

import threading
from decimal import Decimal

from django.db.models import Count, Max

from doudi.policy import parameters_in_force
from doudi.standards.engine import DatabaseStandards
from doudi.standards.models import LocalStandard
from doudi.verification.findings import Limits

NAMES = (
    "dibao.standard",
    "assets.financial_months",
    "assets.vehicles_max",
    "assets.real_estate_max",
    "assets.business_registrations_max",
)
_cache: dict[tuple[str, str, str, object], dict[str, str]] = {}
_lock = threading.Lock()


def policy_parameters(*, region: str, area_type: str, month: str) -> dict[str, str]:
    """The engine's parameters (strings) that verification uses, for `region` in `month`."""
    state = LocalStandard.objects.aggregate(count=Count("id"), changed=Max("updated_at"))
    key = (region, area_type, month, (state["count"], state["changed"]))
    with _lock:
        cached = _cache.get(key)
    if cached is not None:
        return cached
    in_force = parameters_in_force(
        region,
        month,
        area_type=area_type,
        local_standards=DatabaseStandards(region_code=region, area_type=area_type),
    )
    found = {name: in_force[name].value for name in NAMES}
    with _lock:
        _cache[key] = found
    return found


def limits_for(*, region: str, area_type: str, month: str, counted_members: int) -> Limits:
    p = policy_parameters(region=region, area_type=area_type, month=month)
    return Limits(
        standard=Decimal(p["dibao.standard"]),
        financial_months=int(p["assets.financial_months"]),
        vehicles_max=int(p["assets.vehicles_max"]),
        real_estate_max=int(p["assets.real_estate_max"]),
        business_registrations_max=int(p["assets.business_registrations_max"]),
        counted_members=counted_members,
    )
