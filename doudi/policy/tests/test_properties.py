"""Properties that must hold for any household: monotone dibao, exclusivity, whole fen, JSON
round trips, and the batch path agreeing with the single-household path."""

from __future__ import annotations

import copy
import json
from decimal import Decimal
from typing import Any

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from doudi.policy import ALL_OUTPUTS, evaluate, evaluate_batch, parse_situation
from doudi.policy.builder import build_simulation, situation_arrays
from doudi.policy.system import tax_benefit_system
from doudi.policy.tests.strategies import situations

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(
    situation=situations(vulnerable=False, tekun=False, extras=False),
    member=st.integers(min_value=0, max_value=4),
    kind=st.sampled_from(["wage", "business", "pension", "support", "property"]),
    extra=st.integers(min_value=1, max_value=300_000),
)
def test_more_income_never_yields_more_dibao(
    situation: dict[str, Any], member: int, kind: str, extra: int
) -> None:
    # given: no phase-out, no tekun candidates and no individual-coverage candidates — the three
    # places where policy itself is not monotone (docs/policy.md "Known cliffs")
    richer = copy.deepcopy(situation)
    target = richer["members"][member % len(richer["members"])]
    target["incomes"].append({"type": kind, "monthly": f"{extra // 100}.{extra % 100:02d}"})

    # when
    before = evaluate(situation).programmes["dibao"].amount
    after = evaluate(richer).programmes["dibao"].amount

    # then
    assert after <= before


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(situation=st.one_of(situations(), situations(tekun=False, extras=False)))
def test_programmes_exclude_each_other_as_documented(situation: dict[str, Any]) -> None:
    # when
    result = evaluate(situation)
    persons, households = situation_arrays(parse_situation(situation))
    simulation = build_simulation(
        tax_benefit_system(),
        situation["month"],
        persons=persons,
        households=households,
        household_of_person=np.zeros(len(situation["members"]), dtype=np.int64),
    )
    tekun = simulation.calculate("is_tekun", situation["month"])
    dibao = simulation.calculate("dibao_covered", situation["month"])
    orphan = simulation.calculate("orphan_person_amount", situation["month"]) > 0
    programmes = result.programmes

    # then: no person is both tekun and on dibao, or both tekun and paid as an orphan
    assert not np.any(tekun & dibao)
    assert not np.any(tekun & orphan)
    # a marginal household has no tekun member and no whole-household dibao (单人保 is the exception)
    if programmes["marginal_household"].eligible:
        assert not programmes["tekun"].eligible
        assert programmes["dibao"].basis in ("", "individual_coverage")
    # a rigid-expenditure household is none of the others
    if programmes["rigid_expenditure_household"].eligible:
        assert not programmes["dibao"].eligible
        assert not programmes["tekun"].eligible
        assert not programmes["marginal_household"].eligible
    # statuses carry no cash
    assert programmes["marginal_household"].amount == 0
    assert programmes["rigid_expenditure_household"].amount == 0


@SETTINGS
@given(situation=situations())
def test_amounts_are_whole_non_negative_fen_and_zero_when_ineligible(
    situation: dict[str, Any],
) -> None:
    result = evaluate(situation)
    for key, programme in result.programmes.items():
        assert programme.amount == programme.amount.quantize(Decimal("0.01")), key
        assert programme.amount >= 0, key
        if not programme.eligible:
            assert programme.amount == 0, key
        for amount in programme.member_amounts.values():
            assert amount == amount.quantize(Decimal("0.01")), key
            assert amount > 0, key


@SETTINGS
@given(situation=situations())
def test_a_cli_like_json_round_trip_gives_the_same_evaluation(situation: dict[str, Any]) -> None:
    # given: the situation and the result travel as JSON text, as through a command line
    text_in = json.dumps(situation, ensure_ascii=False)
    first = evaluate(json.loads(text_in))

    # when
    parsed = parse_situation(json.loads(text_in))
    again = evaluate(json.loads(json.dumps(parsed.to_dict(), ensure_ascii=False)))
    text_out = json.dumps(first.to_json(), ensure_ascii=False)

    # then
    assert again.to_json() == first.to_json()
    assert json.loads(text_out) == first.to_json()


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(batch=st.lists(situations(months=("2023-07",)), min_size=1, max_size=25))
def test_the_batch_path_agrees_with_the_single_household_path(batch: list[dict[str, Any]]) -> None:
    # given: the situations laid out as arrays, households one after another
    persons: dict[str, list[Any]] = {}
    households: dict[str, list[Any]] = {}
    household_of_person: list[int] = []
    for index, situation in enumerate(batch):
        person_arrays, household_arrays = situation_arrays(parse_situation(situation))
        for name, values in person_arrays.items():
            persons.setdefault(name, []).extend(values.tolist())
        for name, values in household_arrays.items():
            households.setdefault(name, []).extend(values.tolist())
        household_of_person.extend([index] * len(situation["members"]))

    # when
    result = evaluate_batch(
        "2023-07",
        persons={
            name: np.array(values, dtype="datetime64[D]" if name == "birth_date" else None)
            for name, values in persons.items()
        },
        households={name: np.array(values) for name, values in households.items()},
        household_of_person=np.array(household_of_person),
        outputs=ALL_OUTPUTS,
    )

    # then
    for index, situation in enumerate(batch):
        single = evaluate(situation).programmes
        assert bool(result["dibao_eligible"][index]) == single["dibao"].eligible
        assert int(result["dibao_amount"][index]) == int(single["dibao"].amount * 100)
        assert int(result["tekun_amount"][index]) == int(single["tekun"].amount * 100)
        assert (
            bool(result["marginal_household_eligible"][index])
            == single["marginal_household"].eligible
        )
        assert (
            bool(result["rigid_expenditure_household_eligible"][index])
            == single["rigid_expenditure_household"].eligible
        )
        assert int(result["temporary_assistance_amount"][index]) == int(
            single["temporary_assistance"].amount * 100
        )
        assert int(result["orphan_amount"][index]) == int(single["orphan"].amount * 100)
