"""`evaluate`: the JSON form, the record of parameters and rule version, local standards,
alternative parameter trees and programme selection."""

from __future__ import annotations

import re
import shutil
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml

from doudi.policy import (
    DatedStandards,
    Evaluation,
    SituationError,
    evaluate,
    parse_situation,
    rule_version,
)
from doudi.policy.codes import PROGRAMMES
from doudi.policy.system import PARAMETERS_DIR


def _situation(**fields: Any) -> dict[str, Any]:
    return {
        "month": "2023-03",
        "region": "350102",
        "members": [
            {
                "id": "m1",
                "relation": "head",
                "birth_date": "1985-04-02",
                "counted": True,
                "incomes": [{"type": "wage", "monthly": "2000.00"}],
            },
            {"id": "m2", "relation": "spouse", "birth_date": "1987-01-01", "counted": True},
            {"id": "m3", "relation": "child", "birth_date": "2015-06-01", "counted": True},
        ],
        **fields,
    }


def test_to_json_has_exactly_the_documented_shape() -> None:
    # when
    result = evaluate(_situation()).to_json()

    # then
    assert list(result) == ["month", "region", "rule_version", "parameters", "programmes"]
    assert result["month"] == "2023-03"
    assert result["region"] == "350102"
    assert list(result["programmes"]) == list(PROGRAMMES)
    for programme in result["programmes"].values():
        assert list(programme) == ["eligible", "amount", "reasons"]
        assert re.fullmatch(r"\d+\.\d\d", programme["amount"])
        assert programme["reasons"]
    assert result["programmes"]["dibao"]["amount"] == "1228.00"
    assert result["programmes"]["dibao"]["reasons"][4] == (
        "认定家庭月收入 1,500.00 元，月人均收入 500.00 元，低于当地低保标准 880.00 元"
        "（《社会救助暂行办法》第九条；民发〔2021〕57号 第二十三条）"
    )


def test_it_records_the_parameter_values_used_and_the_rule_version() -> None:
    result = evaluate(_situation())

    assert result.rule_version == rule_version()
    assert re.fullmatch(r"[\w.]+\+p\.[0-9a-f]{12}\.r\.[0-9a-f]{12}", result.rule_version)
    assert result.parameters["dibao.standard"] == "880.00"
    assert result.parameters["minimum_wage"] == "1960.00"
    assert result.parameters["minimum_wage.tier"] == "2"
    assert result.parameters["dibao.employment_cost_rate"] == "0.25"
    assert result.parameters["dibao.provincial_floor"] == "4750.00"
    assert result.parameters["assets.financial_months"] == "24"
    assert result.parameters["dibao.category_supplement.sum_all"] == "false"
    # the orphan standard is recorded from 2023-07: nothing in force, nothing recorded
    assert "orphan.institution" not in result.parameters
    assert evaluate(_situation(month="2023-07")).parameters["orphan.institution"] == "2100.00"
    # Fuzhou publishes tekun totals only from 2025-07: no value is recorded before
    assert "tekun.total_standard.dispersed.self_care" not in result.parameters


def test_it_accepts_a_parsed_situation() -> None:
    situation = parse_situation(_situation())
    assert isinstance(evaluate(situation), Evaluation)


def test_it_evaluates_only_the_requested_programmes() -> None:
    result = evaluate(_situation(programmes=["tekun", "dibao"]))
    assert list(result.programmes) == ["dibao", "tekun"]


def test_a_local_standard_replaces_the_yaml_value_county_first() -> None:
    # given: the platform holds a 鼓楼区 standard of 900 from 2023-01 and a city-wide 950
    standards = DatedStandards(
        {
            ("dibao.standard", "350102"): [("2023-01", "900.00")],
            ("dibao.standard", "350100"): [("2022-01", "950.00")],
        }
    )

    # when
    county = evaluate(_situation(), local_standards=standards)
    city = evaluate(_situation(region="350103"), local_standards=standards)
    before = evaluate(_situation(month="2022-12"), local_standards=standards)

    # then
    assert county.parameters["dibao.standard"] == "900.00"
    assert county.programmes["dibao"].amount == Decimal("1290.00")  # 2700 − 1500 + 90
    assert (
        "当地低保标准 900.00 元/人·月（本地标准库：鼓楼区）" in county.programmes["dibao"].reasons
    )
    assert city.parameters["dibao.standard"] == "950.00"
    assert before.parameters["dibao.standard"] == "950.00"


def test_a_local_standard_can_be_a_count_and_a_bad_one_is_reported() -> None:
    # given: 40 months of the standard for 鼓楼区 (a Decimal from the database)
    good = DatedStandards({("assets.financial_months", "350102"): [("2023-01", Decimal("40"))]})
    bad = DatedStandards({("dibao.standard", "350100"): [("2023-01", "-1")]})

    # when
    result = evaluate(_situation(), local_standards=good)

    # then
    assert result.parameters["assets.financial_months"] == "40"
    with pytest.raises(SituationError) as caught:
        evaluate(_situation(), local_standards=bad)
    assert str(caught.value) == (
        "local_standards['dibao.standard']：350100：应为不小于 0 的金额（元，最多两位小数），"
        '如 "880.00"："-1"'
    )


def test_an_override_wins_over_a_local_standard() -> None:
    standards = DatedStandards({("dibao.standard", "350102"): [("2023-01", "900.00")]})
    result = evaluate(_situation(overrides={"dibao.standard": "800.00"}), local_standards=standards)
    assert result.parameters["dibao.standard"] == "800.00"
    assert "当地低保标准 800.00 元/人·月（本次评估指定值）" in result.programmes["dibao"].reasons


def test_it_can_run_on_another_parameter_tree(tmp_path: Path) -> None:
    # given: a copy of the tree where the employment cost rate becomes 30 % from 2023-01
    tree = tmp_path / "parameters"
    shutil.copytree(PARAMETERS_DIR, tree)
    rate_file = tree / "dibao" / "employment_cost_rate.yaml"
    data = yaml.safe_load(rate_file.read_text(encoding="utf-8"))
    data["values"]["2023-01-01"] = 0.3
    rate_file.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")

    # when
    result = evaluate(_situation(), parameters=tree)

    # then: 2640 − (2000 − 600) + 88
    assert result.programmes["dibao"].amount == Decimal("1328.00")
    assert result.parameters["dibao.employment_cost_rate"] == "0.3"


def test_a_what_if_override_does_not_leak_into_the_next_evaluation() -> None:
    evaluate(_situation(overrides={"dibao.employment_cost_rate": "0.30"}))
    assert evaluate(_situation()).programmes["dibao"].amount == Decimal("1228.00")


def test_per_member_amounts_are_reported_for_person_programmes() -> None:
    result = evaluate(
        {
            "month": "2023-03",
            "region": "350102",
            "members": [
                {
                    "id": "mother",
                    "relation": "head",
                    "birth_date": "1948-01-01",
                    "counted": True,
                    "tekun": {"supporters_unable": True},
                },
                {
                    "id": "son",
                    "relation": "child",
                    "birth_date": "1978-01-01",
                    "counted": True,
                    "disability": {"type": "physical", "grade": 1},
                },
            ],
        }
    )
    assert result.programmes["tekun"].member_amounts == {"mother": Decimal("1202.80")}
    assert result.programmes["disability_care_subsidy"].member_amounts == {"son": Decimal("119.00")}
    assert result.programmes["dibao"].basis == "household"


def test_an_unknown_override_is_refused_before_anything_is_computed() -> None:
    with pytest.raises(SituationError) as caught:
        evaluate(_situation(overrides={"dibao.standrad": "700.00"}))
    assert (
        str(caught.value)
        == 'overrides["dibao.standrad"]：未知的参数名 "dibao.standrad"（可用参数见 docs/policy.md）'
    )
