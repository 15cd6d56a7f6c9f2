"""Simulating a change of standards over a population (doudi.policy.simulation).

The five households of 鼓楼区 (350102, 福州市 standard 880 yuan in 2023, minimum wage tier 2 =
1,960 yuan) are single adults of 43 with stable wages of 0, 800, 1,160, 1,200 and 2,000 yuan.
With the demo 25 % employment cost their assessed incomes are 0, 600, 870, 900 and 1,500 yuan, so
at 880 yuan the first three get 880, 280 and 10 yuan (1,170 yuan) and the fourth is a marginal
household (900 < 1.5 × 880). One more household lives in 思明区 (厦门市, 890 yuan)."""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pytest

from doudi.policy import evaluate
from doudi.policy.population import population_from_tables
from doudi.policy.simulation import (
    PROGRAMMES,
    DibaoStandardRule,
    Proposal,
    SimulationError,
    simulate,
)
from doudi.policy.simulation_report import total
from doudi.policy.tests.test_population import snapshot_tables
from doudi.synth.generator import SynthConfig, generate_tables

WAGES_YUAN = (0, 800, 1160, 1200, 2000)


def five_households():
    households = [{"household_id": i + 1, "county_code": "350102"} for i in range(5)]
    households.append({"household_id": 6, "county_code": "350203"})
    persons = [
        {"household_id": i + 1, "wage_monthly_fen": wage * 100, "wage_stable": True}
        for i, wage in enumerate(WAGES_YUAN)
    ]
    persons.append({"household_id": 6})
    return population_from_tables(*snapshot_tables(households, persons))


def _row(report, county, programme):
    (row,) = [r for r in report.rows if r.county == county and r.programme == programme]
    return row


def test_raising_a_standard_makes_the_lowest_income_households_entrants():
    # given: 鼓楼区 raised from 880 to 1,000 yuan
    proposal = Proposal(starts="2023-01", dibao_standard={"350102": "1000.00"})

    # when
    report = simulate(five_households(), month="2023-01", proposal=proposal)

    # then: 1,000 − 900 = 100 yuan for the 1,200-yuan earner; the others gain 120 yuan each
    dibao = _row(report, "350102", "dibao")
    assert (dibao.households_before, dibao.households_after) == (3, 4)
    assert (dibao.persons_before, dibao.persons_after) == (3, 4)
    assert (dibao.entrants, dibao.leavers, dibao.increased, dibao.decreased) == (1, 0, 3, 0)
    assert (dibao.cost_before_fen, dibao.cost_after_fen) == (117_000, 163_000)
    assert (dibao.cost_before, dibao.cost_after, dibao.cost_difference) == (
        Decimal("1170.00"),
        Decimal("1630.00"),
        Decimal("460.00"),
    )
    marginal = _row(report, "350102", "marginal_household")
    assert (marginal.households_before, marginal.households_after, marginal.leavers) == (1, 0, 1)


def test_lowering_a_standard_makes_leavers():
    # given: every county of the proposal at 44 % of its minimum wage, to the nearest 10 yuan
    rule = DibaoStandardRule(share="0.44", rounding_yuan=10, counties=("350102",))

    # when
    report = simulate(five_households(), month="2023-01", proposal=Proposal("2023-01", rule))

    # then: 0.44 × 1,960 = 862.40 → 860; the 870-yuan household leaves and becomes marginal
    dibao = _row(report, "350102", "dibao")
    assert (dibao.households_before, dibao.households_after) == (3, 2)
    assert (dibao.entrants, dibao.leavers, dibao.increased, dibao.decreased) == (0, 1, 0, 2)
    assert (dibao.cost_before_fen, dibao.cost_after_fen) == (117_000, 112_000)
    marginal = _row(report, "350102", "marginal_household")
    assert (marginal.households_before, marginal.households_after, marginal.entrants) == (1, 2, 1)
    (gulou, siming) = report.standards
    assert (gulou.standard_before_fen, gulou.standard_after_fen) == (88_000, 86_000)
    assert (gulou.tier, gulou.minimum_wage_fen) == (2, 196_000)
    assert gulou.share_before_percent == "44.90%"
    assert gulou.share_after_percent == "43.88%"
    assert (gulou.meets_target_before, gulou.meets_target_after) == (True, False)
    assert (gulou.within_band_before, gulou.within_band_after) == (True, True)
    assert (gulou.meets_floor_before, gulou.meets_floor_after) == (True, True)
    assert gulou.standard_source == "福州市，2022-01-01 起，演示值"
    assert not siming.changed


def test_a_county_not_in_the_proposal_is_unchanged():
    proposal = Proposal(starts="2023-01", dibao_standard={"350102": "1000.00"})
    report = simulate(five_households(), month="2023-01", proposal=proposal)
    for programme in PROGRAMMES:
        row = _row(report, "350203", programme)
        assert row.households_before == row.households_after
        assert row.cost_before_fen == row.cost_after_fen
        assert (row.entrants, row.leavers, row.increased, row.decreased) == (0, 0, 0, 0)
    assert _row(report, "350203", "dibao").cost_before_fen == 89_000  # no income: the standard
    siming = report.standards[1]
    assert (siming.standard_before_fen, siming.standard_after_fen) == (89_000, 89_000)


def test_rounding_up_guarantees_the_target_and_the_averages_say_which_is_which():
    # given
    rule = DibaoStandardRule(share=0.44, rounding_yuan=10, rounding="up")

    # when
    report = simulate(five_households(), month="2023-01", proposal=Proposal("2023-01", rule))

    # then: 862.40 → 870 and 893.20 → 900
    assert [s.standard_after_fen for s in report.standards] == [87_000, 90_000]
    assert all(s.meets_target_after for s in report.standards)
    assert (
        report.average_share(after=False, weighted=False)
        == (Decimal(88_000) / 196_000 + Decimal(89_000) / 203_000) / 2
    )
    assert (
        report.average_share(after=False, weighted=True)
        == (Decimal(88_000) / 196_000 * 5 + Decimal(89_000) / 203_000) / 6
    )
    assert report.meets_target(after=True, weighted=False) is True


def test_scalar_and_regional_overrides_apply_to_the_proposal_only():
    # given: employment cost 30 % instead of 25 %, and tier 3 for every county
    proposal = Proposal(
        starts="2023-01",
        overrides={"dibao.employment_cost_rate": "0.30", "minimum_wage.tier": "3"},
    )

    # when
    report = simulate(five_households(), month="2023-01", proposal=proposal)

    # then: assessed incomes 0, 560, 812, 840, 1,400 → 880, 320, 68, 40 yuan
    dibao = _row(report, "350102", "dibao")
    assert (dibao.cost_before_fen, dibao.cost_after_fen) == (117_000, 130_800)
    assert dibao.entrants == 1
    gulou = report.standards[0]
    assert (gulou.minimum_wage_fen, gulou.minimum_wage_after_fen) == (196_000, 181_000)
    assert gulou.standard_after_fen == 88_000


def test_totals_are_the_sum_of_the_parts_in_whole_fen():
    # given
    households, persons = generate_tables(
        SynthConfig(counties=("350112", "350203", "350421"), persons=4_000, seed=3)
    )
    population = population_from_tables(households, persons)
    proposal = Proposal("2023-07", DibaoStandardRule(share="0.46", rounding_yuan=10))

    # when
    report = simulate(population, month="2023-07", proposal=proposal)

    # then
    assert len(report.rows) == 3 * len(PROGRAMMES)
    for key, programme_total in zip(PROGRAMMES, report.programme_totals(), strict=True):
        parts = report.rows_of(key)
        assert programme_total == total(parts, county="", name="合计", key=key)
        assert programme_total.cost_after_fen == sum(row.cost_after_fen for row in parts)
    assert report.total_cost_after_fen == sum(c.cost_after_fen for c in report.county_costs())
    for row in report.rows:
        assert isinstance(row.cost_after_fen, int)
        assert row.cost_after == Decimal(row.cost_after_fen) / 100
        assert row.households_after - row.households_before == row.entrants - row.leavers
    born = persons["birth_date"].to_numpy() <= np.datetime64("2023-07-31")
    deaths = persons["date_of_death"].to_numpy()
    alive = np.isnat(deaths) | (deaths >= np.datetime64("2023-07-01"))
    assert report.person_count == int((born & alive).sum()) < 4_000
    assert [s.standard_after_fen for s in report.standards] == [90_000, 93_000, 76_000]


def test_it_agrees_with_the_one_household_evaluation():
    # given: a generated population, and each household evaluated alone as a situation
    households, persons = generate_tables(SynthConfig(counties=("350112",), persons=400, seed=5))
    population = population_from_tables(households, persons)
    proposal = Proposal("2023-03", {"350112": "950.00"})

    # when
    report = simulate(population, month="2023-03", proposal=proposal, programmes=("dibao",))

    # then
    rows = persons.to_pylist()
    expected = {"before": 0, "after": 0}
    for index, household in enumerate(households.to_pylist()):
        members = [row for row in rows if row["household_id"] == household["household_id"]]
        situation = _situation(household, members, population, index)
        for when, overrides in (("before", {}), ("after", {"dibao.standard": "950.00"})):
            result = evaluate({**situation, "overrides": overrides})
            expected[when] += int(result.programmes["dibao"].amount * 100)
    dibao = report.programme_totals()[0]
    assert (dibao.cost_before_fen, dibao.cost_after_fen) == (expected["before"], expected["after"])
    assert dibao.cost_after_fen > dibao.cost_before_fen > 0


def _situation(household, members, population, index):
    def incomes(row):
        found = []
        if row["wage_monthly_fen"]:
            found.append(
                {
                    "type": "wage",
                    "monthly": _yuan(row["wage_monthly_fen"]),
                    "stable": row["wage_stable"],
                }
            )
        pension = row["pension_monthly_fen"]
        if pension:
            kind = "basic_pension" if pension <= 28_000 else "pension"
            found.append({"type": kind, "monthly": _yuan(pension)})
        for key, kind in (
            ("business_monthly_fen", "business"),
            ("other_income_monthly_fen", "other"),
        ):
            if row[key]:
                found.append({"type": kind, "monthly": _yuan(row[key])})
        return found

    schooling = {"preschool": "none"}
    return {
        "month": "2023-03",
        "region": household["county_code"],
        "programmes": ["dibao"],
        "members": [
            {
                "id": f"m{row['person_id']}",
                "relation": row["relation"],
                "birth_date": row["birth_date"].isoformat(),
                "counted": row["counted"]
                and row["birth_date"].isoformat() <= "2023-03-31"
                and (
                    row["date_of_death"] is None or row["date_of_death"].isoformat() >= "2023-03-01"
                ),
                "in_school": schooling.get(row["schooling"], row["schooling"]),
                "disability": {"type": row["disability_type"], "grade": row["disability_grade"]}
                if row["disability_type"]
                else None,
                "serious_illness": row["serious_illness"],
                "incomes": incomes(row),
            }
            for row in members
            if row["birth_date"].isoformat() <= "2023-03-31"
        ],
        "assets": {
            "financial": _yuan(household["financial_assets_fen"]),
            "vehicles": household["vehicles"],
            "real_estate": household["real_estate_count"],
            "business_registrations": household["business_registrations"],
        },
    }


def _yuan(fen: int) -> str:
    return f"{fen // 100}.{fen % 100:02d}"


def test_it_lists_every_problem_of_a_proposal():
    # given
    proposal = Proposal(
        starts="2023-13",
        dibao_standard={"350100": "900.00", "350102": "-1", "350203": 900.5},
        overrides={"dibao.foo": "1", "dibao.employment_cost_rate": "much"},
    )

    # when
    with pytest.raises(SimulationError) as error:
        simulate(five_households(), month="2023-01", proposal=proposal)

    # then
    assert error.value.problems == [
        "方案起始月份应为 YYYY-MM：'2023-13'",
        "'350100' 不是福建省县级行政区划代码",
        "县 350102 的低保标准应大于 0：-1",
        "县 350203 的低保标准应为金额（元，最多两位小数）：900.5",
        "未知的参数名 'dibao.foo'（可用参数见 docs/policy.md）",
        '参数 dibao.employment_cost_rate：应为不小于 0 的小数，如 "0.25"："much"',
    ]


def test_it_refuses_a_month_before_the_proposal_and_counties_outside_the_population():
    rule = DibaoStandardRule(share="0.50", rounding_yuan=10, counties=("350112",))
    with pytest.raises(SimulationError) as error:
        simulate(five_households(), month="2022-12", proposal=Proposal("2023-01", rule))
    assert error.value.problems == [
        "测算月份 2022-12 早于方案起始月份 2023-01，方案尚未生效",
        "以下县不在所选人口数据（或辖区）中：350112",
    ]


def test_a_month_without_standards_is_a_simulation_error():
    with pytest.raises(SimulationError) as error:
        simulate(five_households(), month="2019-01", proposal=Proposal("2019-01"))
    assert len(error.value.problems) == 1
    assert "2019-01" in error.value.problems[0]


def test_the_rule_rounds_in_exact_decimal_arithmetic():
    assert DibaoStandardRule(share="0.44").standard_fen(196_000) == 86_000
    assert DibaoStandardRule(share="0.45", rounding="down").standard_fen(203_000) == 91_000
    assert DibaoStandardRule(share="0.44", rounding_yuan=0).standard_fen(196_000) == 86_240
    assert DibaoStandardRule(share="0.44", rounding_yuan=1).standard_fen(166_000) == 73_000
    assert DibaoStandardRule(share="0.4425", rounding_yuan=5).standard_fen(181_000) == 80_000


def test_the_json_form_has_yuan_strings_and_both_averages():
    proposal = Proposal(starts="2023-01", dibao_standard={"350102": "1000.00"})
    data = simulate(five_households(), month="2023-01", proposal=proposal).to_json()
    assert data["proposal"] == "自 2023-01 起，低保标准调整为：350102 1000.00 元"
    assert data["total_cost_before"] == "2060.00"  # 1,170 + 890 (思明区); no subsidies
    assert data["total_cost_after"] == "2520.00"
    assert data["average_share"]["mean_after"] == "0.4743"
    assert data["average_share"]["weighted_after"] == "0.4982"
    assert data["standards"][0]["share_after"] == "0.5102"
    assert data["provincial_floor_before"] == "4750.00"
    assert np.isclose(float(data["target_share"]), 0.44)


def test_a_standard_held_outside_the_parameter_files_is_the_baseline_and_kept_where_unchanged():
    # given: the platform holds 1,000 yuan for 鼓楼区 and 900 for 思明区; the proposal only moves 鼓楼区
    proposal = Proposal(starts="2023-01", dibao_standard={"350102": "1100.00"})

    # when
    report = simulate(
        five_households(),
        month="2023-01",
        proposal=proposal,
        baseline_standards={"350102": Decimal("1000.00"), "350203": "900.00"},
    )

    # then: 鼓楼区 1,000 → 1,100; its baseline pays 1,000 + 400 + 130 + 100 = 1,630 yuan
    gulou, siming = report.standards
    assert (gulou.standard_before_fen, gulou.standard_after_fen) == (100_000, 110_000)
    assert (gulou.standard_source, gulou.standard_is_demo) == ("地方录入的标准", False)
    assert _row(report, "350102", "dibao").cost_before_fen == 163_000
    assert (siming.standard_before_fen, siming.standard_after_fen) == (90_000, 90_000)
    assert (
        _row(report, "350203", "dibao").cost_before_fen
        == _row(report, "350203", "dibao").cost_after_fen
        == 90_000
    )
