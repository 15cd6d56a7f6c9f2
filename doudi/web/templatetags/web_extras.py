"""Template filters for the staff pages: permission checks against the one permission table, and
amounts with thousands separators."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template

from doudi.accounts.permissions import Permission

register = template.Library()


@register.filter
def can(actor: Any, permission: str) -> bool:
    """`{% if actor|can:"simulation.run" %}`: the actor holds the permission (False for no actor)."""
    return actor is not None and actor.can(Permission(permission))


@register.filter
def thousands(amount: Decimal | int | None) -> str:
    """1234567.5 → '1,234,567.50' (Decimal yuan, two decimals); integers without decimals."""
    if amount is None or amount == "":
        return ""
    if isinstance(amount, int):
        return f"{amount:,}"
    return f"{Decimal(amount):,.2f}"
