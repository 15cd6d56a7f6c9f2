from __future__ import annotations

import pytest

from doudi.registry.tests.factories import register_household


@pytest.fixture
def household(caseworker):
    """A household of 吴航街道, registered by its caseworker."""
    return register_household(caseworker)


@pytest.fixture
def other_household(outsider):
    """A household of 航城街道 (the outsider's township)."""
    return register_household(outsider, village="350112002001", address="航城街道航城社区8号")
