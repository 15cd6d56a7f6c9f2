"""Runs every YAML scenario in `scenarios/` (one test per scenario, named by its sentence)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from doudi.policy import evaluate

SCENARIO_DIR = Path(__file__).parent / "scenarios"
RESULT_FIELDS = {"eligible", "amount", "basis", "requires_county_approval", "reasons_include"}


def _scenarios() -> list[Any]:
    found = []
    for path in sorted(SCENARIO_DIR.glob("*.yaml")):
        for scenario in yaml.safe_load(path.read_text(encoding="utf-8")):
            found.append(pytest.param(scenario, id=f"{path.stem}: {scenario['name']}"))
    return found


def test_scenario_names_are_unique_sentences() -> None:
    names = [param.values[0]["name"] for param in _scenarios()]
    assert len(names) == len(set(names))
    assert all(len(name) >= 15 for name in names)


@pytest.mark.parametrize("scenario", _scenarios())
def test_scenario(scenario: dict[str, Any]) -> None:
    # given
    assert "month" not in scenario["situation"], "month belongs to the scenario, not the situation"
    situation = {**scenario["situation"], "month": scenario["month"]}

    # when
    result = evaluate(situation)

    # then
    for key, expected in scenario["programmes"].items():
        assert set(expected) <= RESULT_FIELDS, (
            f"unknown expectation in {key}: {set(expected) - RESULT_FIELDS}"
        )
        actual = result.programmes[key]
        if "eligible" in expected:
            assert actual.eligible is expected["eligible"], (key, actual.reasons)
        if "amount" in expected:
            assert f"{actual.amount:.2f}" == expected["amount"], (key, actual.reasons)
        if "basis" in expected:
            assert actual.basis == expected["basis"], key
        if "requires_county_approval" in expected:
            assert actual.requires_county_approval is expected["requires_county_approval"], key
        for text in expected.get("reasons_include", []):
            assert any(text in reason for reason in actual.reasons), (key, text, actual.reasons)
    for name, value in scenario.get("parameters", {}).items():
        assert result.parameters[name] == value, name
