"""Form data as staff fill the pages in, shared by the page tests."""

from __future__ import annotations

from typing import Any

from doudi.intake.tests.test_services import members


def staff_form(household, *, skip: str = "") -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """The form as a caseworker fills it: dibao at the window, the head earning 1,200 a month,
    every member's consent (the child's by the guardian) except ``skip``'s."""
    people = members(household)
    data: dict[str, Any] = {"programmes": ["dibao"], "channel": "window", "asset_real_estate": "1"}
    for relation, person in people.items():
        key = str(person.public_id)
        if relation != skip:
            data[f"consent_{key}"] = "on"
        data[f"signed_by_{key}"] = "guardian" if relation == "child" else "self"
        data[f"proxy_reason_{key}"] = "未成年" if relation == "child" else ""
    head = str(people["head"].public_id)
    data[f"income_type_{head}_0"] = "wage"
    data[f"income_amount_{head}_0"] = "1200.00"
    return data
