from __future__ import annotations

import pytest

from doudi.accounts.models import Role
from doudi.accounts.scoping import actor_for_user
from doudi.accounts.tests.fixtures import make_staff
from doudi.core.division_sync import villages_ensure
from doudi.core.models import Division

GUDONG = "350102001"  # 鼓东街道, 鼓楼区: a window in another county of the province
GUDONG_VILLAGE = "350102001001"


@pytest.fixture
def gudong_caseworker_user(villages):
    villages_ensure(Division, [(GUDONG_VILLAGE, "鼓东社区")])
    return make_staff("gudong_caseworker", GUDONG, [Role.CASEWORKER], display_name="鼓东经办")


@pytest.fixture
def gudong_caseworker(gudong_caseworker_user):
    return actor_for_user(gudong_caseworker_user)
