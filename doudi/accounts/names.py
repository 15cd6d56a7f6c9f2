"""How a user is named wherever staff read who did something."""

from __future__ import annotations

from typing import Any


def staff_name(user: Any) -> str:
    """The staff member's display name, else the user name; "" for nobody (a system step)."""
    if user is None:
        return ""
    profile = getattr(user, "staff_profile", None)
    return profile.display_name if profile is not None else user.get_username()
