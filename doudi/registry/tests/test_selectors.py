from __future__ import annotations

import pytest

from doudi.core.exceptions import ApplicationError, NotFound, PermissionDenied
from doudi.registry import selectors

pytestmark = pytest.mark.django_db


def test_each_persona_sees_exactly_its_region(
    caseworker, approver, outsider, auditor, household, other_household
):
    def addresses(actor):  # type: ignore[no-untyped-def]
        return sorted(
            s.address for s in selectors.household_search(actor=actor, region_code="350112")
        )

    assert addresses(caseworker) == ["吴航街道兴华社区1号"]
    assert addresses(outsider) == ["航城街道航城社区8号"]
    assert addresses(approver) == ["吴航街道兴华社区1号", "航城街道航城社区8号"]
    assert addresses(auditor) == ["吴航街道兴华社区1号", "航城街道航城社区8号"]


def test_the_analyst_sees_no_individual_records(analyst, household):
    with pytest.raises(PermissionDenied):
        selectors.household_search(actor=analyst, region_code="350112")
    assert selectors.region_statistics(actor=analyst) == {
        "households": 1,
        "persons": 3,
        "not_counted": 0,
    }


def test_a_household_outside_the_region_does_not_exist_for_the_actor(outsider, household):
    with pytest.raises(NotFound) as error:
        selectors.household_get(actor=outsider, public_id=household.public_id)
    assert error.value.message == "家庭不存在或不在您的管辖范围内"


def test_a_person_outside_the_region_does_not_exist_for_the_actor(outsider, household):
    head = household.memberships.get(relation="head").person
    with pytest.raises(NotFound):
        selectors.person_get(actor=outsider, public_id=head.public_id)


def test_search_limits_are_checked(caseworker):
    with pytest.raises(ApplicationError) as error:
        selectors.household_search(actor=caseworker, name="林", limit=1000)
    assert error.value.message == "每页条数须在 1 至 100 之间"


def test_summary_counts_members_and_counted_members(caseworker, household):
    (summary,) = selectors.household_search(actor=caseworker, name="林小雨")
    assert (summary.head_name, summary.member_count, summary.counted_count) == ("林建国", 3, 3)


def test_a_region_code_outside_the_actors_region_finds_nothing(
    caseworker, household, other_household
):
    assert selectors.household_search(actor=caseworker, region_code="350112002") == []
    assert selectors.household_search(actor=caseworker, region_code="350102") == []
    assert [
        s.address for s in selectors.household_search(actor=caseworker, region_code="350112")
    ] == ["吴航街道兴华社区1号"]
