"""The parameter files follow the convention of docs/policy.md: documented, referenced, dated,
demo values labelled, region keys valid, and every name usable as an override."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from doudi.core import divisions
from doudi.policy import default_catalogue, evaluate
from doudi.policy.money import round_fen, yuan_value_to_fen
from doudi.policy.regional import REGIONAL_CHILD, resolve, value_in_force
from doudi.policy.system import PARAMETERS_DIR, find_parameter, tax_benefit_system

PARAMETER_FILES = sorted(
    path for path in PARAMETERS_DIR.rglob("*.yaml") if path.name != "index.yaml"
)
REGION_KEY = re.compile(r"^(r35\d{4}|default)$")


def _load(path: Path) -> dict[str, Any]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    "path", PARAMETER_FILES, ids=lambda path: str(path.relative_to(PARAMETERS_DIR))
)
def test_every_file_has_a_description_a_unit_and_references(path: Path) -> None:
    data = _load(path)
    metadata = data["metadata"]
    assert data["description"]
    assert metadata["unit"] in {
        "CNY", "CNY/month", "CNY/year", "ratio", "months", "years", "count", "tier", "boolean",
    }  # fmt: skip
    assert metadata["reference"], "metadata.reference must name the source"
    for reference in metadata["reference"]:
        assert {"title", "document_number", "clause"} <= set(reference)


@pytest.mark.parametrize(
    "path", PARAMETER_FILES, ids=lambda path: str(path.relative_to(PARAMETERS_DIR))
)
def test_every_demo_value_is_labelled_as_such(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    data = _load(path)
    if data["metadata"].get("demo_value"):
        assert "演示值" in data["description"]
    demo_lines = [
        line for line in text.splitlines() if "demo_value: true" in line and "note" in line
    ]
    assert all("演示" in line or "推算" in line or "推定" in line for line in demo_lines)


def test_every_regional_file_names_an_existing_household_variable_and_valid_regions() -> None:
    system = tax_benefit_system()
    counties = set(divisions.fujian_counties())
    regional = [entry for entry in default_catalogue().values() if entry.variable]
    assert len(regional) >= 10
    for entry in regional:
        assert system.get_variable(entry.variable).entity.key == "household", entry.name
        if entry.name == "minimum_wage":  # derived: tier table × the county's tier
            continue
        node = find_parameter(system, entry.name)
        for key in node.children[REGIONAL_CHILD].children:
            assert REGION_KEY.match(key), (entry.name, key)
            if key != "default" and not key.endswith("00"):
                assert key[1:] in counties, (entry.name, key)


def test_every_county_but_kinmen_has_a_minimum_wage_tier_and_a_dibao_standard() -> None:
    system = tax_benefit_system()
    tier = find_parameter(system, "minimum_wage.tier")
    standard = find_parameter(system, "dibao.standard")
    for county in divisions.fujian_counties():
        if county == "350527":  # 金门县: nominal, no residents administered
            continue
        assert f"r{county}" in tier.children[REGIONAL_CHILD].children, county
        assert resolve(standard, county, "2021-01-01") is not None, county


def test_no_local_dibao_standard_is_below_the_provincial_floor() -> None:
    system = tax_benefit_system()
    standard = find_parameter(system, "dibao.standard")
    floor = find_parameter(system, "dibao.provincial_floor")
    for year in range(2021, 2027):
        for month in range(1, 13):
            instant = f"{year}-{month:02d}-01"
            floor_value = value_in_force(floor, instant)
            if floor_value is None:
                continue
            monthly_floor = round_fen(float(floor_value.value) * 100 / 12)
            for county in divisions.fujian_counties():
                found = resolve(standard, county, instant)
                if found is not None:
                    assert yuan_value_to_fen(found.value) >= monthly_floor, (county, instant)


def test_every_name_formats_and_parses_its_own_value() -> None:
    system = tax_benefit_system()
    for name, entry in default_catalogue().items():
        if entry.variable:
            continue
        found = value_in_force(find_parameter(system, name), "2024-01-01")
        assert found is not None, name
        text = entry.format(found.value)
        assert entry.format(entry.parse(text)) == text, name


def test_overriding_any_parameter_with_its_own_value_changes_nothing() -> None:
    # given: a household that touches most rules
    situation = {
        "month": "2024-01",
        "region": "350404",
        "members": [
            {
                "id": "m1",
                "relation": "head",
                "birth_date": "1950-01-01",
                "counted": True,
                "self_care_failed_items": 2,
                "tekun": {"supporters_unable": True},
            },
            {
                "id": "m2",
                "relation": "child",
                "birth_date": "1980-01-01",
                "counted": True,
                "disability": {"type": "physical", "grade": 2},
                "incomes": [{"type": "wage", "monthly": "1300.00", "stable": False}],
            },
        ],
        "expenses": {"medical_12m": "3000.00"},
        "temporary": {"kind": "expenditure", "requested": "4000.00", "reason": "医疗"},
    }
    baseline = evaluate(situation).to_json()

    for name, value in baseline["parameters"].items():
        # when
        result = evaluate({**situation, "overrides": {name: value}}).to_json()

        # then: decisions and amounts do not move (reasons announce the override)
        assert _decisions(result) == _decisions(baseline), name
        assert result["parameters"] == baseline["parameters"], name


def _decisions(result: dict[str, Any]) -> dict[str, tuple[bool, str]]:
    return {
        key: (value["eligible"], value["amount"]) for key, value in result["programmes"].items()
    }


def test_every_variable_with_a_formula_documents_its_rule() -> None:
    system = tax_benefit_system()
    undocumented = [
        name
        for name, variable in system.variables.items()
        if variable.formulas and not (type(variable).__doc__ or "").strip()
    ]
    assert undocumented == []
