from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone

from doudi.accounts.permissions import Permission
from doudi.accounts.scoping import actor_for_user


def staff_context(request: HttpRequest) -> dict[str, Any]:
    actor = actor_for_user(getattr(request, "user", None))
    context: dict[str, Any] = {"actor": actor}
    if actor is not None and actor.can(Permission.CALENDAR_MANAGE):
        from doudi.core.calendar import holiday_schedule_missing_years

        context["missing_holiday_years"] = holiday_schedule_missing_years(
            today=timezone.localdate()
        )
    return context
