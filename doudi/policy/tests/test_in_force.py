"""`parameters_in_force`: the values `evaluate` records, for a place and month without a household."""

from __future__ import annotations

from typing import Any

import pytest

from doudi.policy import (
    DatedStandards,
    SituationError,
    default_catalogue,
    evaluate,
    parameters_in_force,
)

LOCAL = DatedStandards(
    {
        ("dibao.standard", "350102"): [("2025-07", "1000.00")],
        ("assets.financial_months", "350100"): [("2022-01", "36")],
        ("minimum_wage.tier", "350902"): [("2025-01", "1")],
    }
)


def _household(region: str, month: str, **fields: Any) -> dict[str, Any]:
    """Any household: the parameters in force do not depend on who lives there."""
    head = {"id": "m1", "relation": "head", "birth_date": "1958-04-02", "counted": True}
    return {"month": month, "region": region, "members": [head], **fields}


def _values(region: str | None, month: str, **options: Any) -> dict[str, str]:
    return {name: p.value for name, p in parameters_in_force(region, month, **options).items()}


@pytest.mark.parametrize(
    "region",
    [
        "350102",  # 鼓楼区: 福州's city-wide standard, 880 → 970 from 2025-07-01
        "350902",  # 蕉城区: its own standard, 800 → 866 from 2025-07-01
        "350203",  # 思明区: 厦门 48 months of financial assets
        "350128",  # 平潭: its own standard, not 福州's
        "350527",  # 金门: no standard, the provincial floor ÷ 12
        "350402",  # 梅列区 (retired code): 三明's values
    ],
)
@pytest.mark.parametrize("month", ["2022-03", "2022-04", "2025-06", "2025-07"])
def test_it_gives_exactly_the_values_evaluate_records(region: str, month: str) -> None:
    # when
    recorded = evaluate(_household(region, month)).parameters

    # then
    assert _values(region, month) == recorded


@pytest.mark.parametrize("region", ["350102", "350103", "350902", "350128"])
@pytest.mark.parametrize("month", ["2025-06", "2025-07"])
def test_with_a_local_standard_it_gives_the_values_evaluate_records(
    region: str, month: str
) -> None:
    # when
    recorded = evaluate(_household(region, month), local_standards=LOCAL).parameters

    # then
    assert _values(region, month, local_standards=LOCAL) == recorded


def test_the_area_type_is_taken_as_in_a_situation() -> None:
    recorded = evaluate(
        _household("350102", "2025-07", area_type="rural"), local_standards=LOCAL
    ).parameters
    assert _values("350102", "2025-07", area_type="rural", local_standards=LOCAL) == recorded


def test_it_says_where_each_value_comes_from_and_whether_it_is_a_demo_value() -> None:
    # when
    before = parameters_in_force("350102", "2025-06", local_standards=LOCAL)
    after = parameters_in_force("350102", "2025-07", local_standards=LOCAL)
    kinmen = parameters_in_force("350527", "2023-03")

    # then: 福州's 880 is a demo value from 2022-01-01; the local 1,000 replaces 970 in July
    standard = before["dibao.standard"]
    assert (standard.value, standard.origin, standard.is_demo) == ("880.00", "parameters", True)
    assert standard.source is not None
    assert (standard.source.key, standard.source.since) == ("r350100", "2022-01-01")
    assert after["dibao.standard"].value == "1000.00"
    assert (after["dibao.standard"].origin, after["dibao.standard"].source) == (
        "local:350102",
        None,
    )
    assert (before["assets.financial_months"].value, before["assets.financial_months"].origin) == (
        "36",
        "local:350100",
    )
    # 金门 has no standard: the provincial floor (4,750 a year in 2023) ÷ 12, computed, not a file value
    assert kinmen["dibao.standard"].value == "395.83"
    assert (kinmen["dibao.standard"].origin, kinmen["dibao.standard"].source) == (
        "parameters",
        None,
    )
    assert kinmen["dibao.provincial_floor"].value == "4750.00"
    assert kinmen["dibao.provincial_floor"].source is not None
    assert kinmen["dibao.provincial_floor"].source.since == "2023-01-01"


def test_without_a_region_it_gives_the_province_wide_values_only() -> None:
    # given
    recorded = evaluate(_household("350102", "2023-03")).parameters
    regional = {name for name, entry in default_catalogue().items() if entry.variable}

    # when
    province = _values(None, "2023-03")

    # then
    assert province == {name: value for name, value in recorded.items() if name not in regional}
    assert province["temporary_assistance.township_approval_limit"] == "5000.00"
    assert parameters_in_force(None, "2023-03")[
        "temporary_assistance.township_approval_limit"
    ].is_demo


@pytest.mark.parametrize(
    ("region", "month", "area_type"),
    [
        ("350100", "2023-03", ""),  # a city, not a county
        ("350102", "2020-06", ""),  # before any dibao standard or provincial floor
        ("350102", "2023-13", ""),
        ("350102", "2023-03", "suburban"),
    ],
)
def test_it_refuses_what_evaluate_refuses_with_the_same_message(
    region: str, month: str, area_type: str
) -> None:
    # given
    with pytest.raises(SituationError) as evaluated:
        evaluate(_household(region, month, area_type=area_type))

    # when
    with pytest.raises(SituationError) as read:
        parameters_in_force(region, month, area_type=area_type)

    # then: the same problems (the household's own aside: a birth date after a bad month)
    assert list(read.value.problems) == [
        problem for problem in evaluated.value.problems if not problem.path.startswith("members")
    ]


def test_a_caller_changing_the_answer_does_not_change_the_next_one() -> None:
    first = parameters_in_force("350102", "2023-03")
    first.clear()
    assert parameters_in_force("350102", "2023-03")["dibao.standard"].value == "880.00"
