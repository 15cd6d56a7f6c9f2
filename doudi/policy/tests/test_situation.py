"""The strict situation parser: every problem at once, with its field path, in Chinese."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest

from doudi.policy import SituationError, evaluate, parse_situation


def _member(**fields: Any) -> dict[str, Any]:
    return {"id": "m1", "relation": "head", "birth_date": "1985-04-02", "counted": True, **fields}


def _situation(**fields: Any) -> dict[str, Any]:
    return {"month": "2023-03", "region": "350102", "members": [_member()], **fields}


def _problems(data: Any) -> list[str]:
    with pytest.raises(SituationError) as caught:
        parse_situation(data)
    return [str(problem) for problem in caught.value.problems]


def test_it_accepts_the_documented_example() -> None:
    # given
    data = {
        "month": "2023-03",
        "region": "350102",
        "overrides": {
            "dibao.standard": "700.00",
            "dibao.employment_cost_rate": "0.30",
            "minimum_wage": "1960.00",
        },
        "members": [
            {
                "id": "m1",
                "relation": "head",
                "birth_date": "1985-04-02",
                "counted": True,
                "labour_capacity": True,
                "in_school": "none",
                "disability": None,
                "serious_illness": False,
                "self_care_failed_items": 0,
                "incomes": [{"type": "wage", "monthly": "2000.00", "stable": True}],
            }
        ],
        "assets": {
            "financial": "0.00",
            "vehicles": 0,
            "real_estate": 1,
            "business_registrations": 0,
        },
        "expenses": {"medical_12m": "0.00", "education_12m": "0.00"},
    }

    # when
    situation = parse_situation(data)

    # then
    assert situation.members[0].incomes[0].monthly == Decimal("2000.00")
    assert situation.assets.real_estate == 1
    assert situation.overrides["dibao.employment_cost_rate"] == "0.30"


def test_it_reports_every_problem_at_once_with_its_path() -> None:
    # given
    data = {
        "month": "2023-13",
        "region": "350100",
        "overrides": {
            "dibao.foo": "1",
            "dibao.employment_cost_rate": "abc",
            "dibao.standard": 700.5,
        },
        "programmes": ["dibao", "lottery"],
        "members": [
            {
                "id": "m1",
                "relation": "boss",
                "birth_date": "1985-02-30",
                "counted": "yes",
                "colour": "red",
                "disability": {"type": "x", "grade": 5},
                "incomes": [
                    {"type": "wage", "monthly": "-5.00"},
                    {"type": "lottery", "monthly": "10"},
                    {"type": "pension", "monthly": 12.5, "stable": False},
                    {"type": "wage", "monthly": "1.234"},
                ],
            }
        ],
        "assets": {"financial": "abc", "vehicles": -1},
        "temporary": {"kind": "flood", "requested": "100.00"},
    }

    # when
    problems = _problems(data)

    # then
    assert problems == [
        'month：月份格式应为 YYYY-MM："2023-13"',
        'region："350100"（福州市）不是县级行政区划，应填写县（市、区）代码',
        'overrides["dibao.foo"]：未知的参数名 "dibao.foo"（可用参数见 docs/policy.md）',
        'overrides["dibao.employment_cost_rate"]：应为不小于 0 的小数，如 "0.25"："abc"',
        'overrides["dibao.standard"]：应写成字符串，如 "880.00"：700.5',
        "members[0].colour：未知字段，可用字段：id、name、relation、birth_date、counted、labour_capacity、"
        "in_school、disability、serious_illness、self_care_failed_items、incomes、tekun、orphan",
        'members[0].relation：未知的与户主关系 "boss"，可选：head、spouse、child、parent、grandchild、'
        "grandparent、sibling、child_in_law、other_relative",
        'members[0].birth_date：出生日期应为 YYYY-MM-DD："1985-02-30"',
        'members[0].counted：应为 true 或 false："yes"',
        'members[0].disability.type：未知的残疾类别 "x"，可选：physical、visual、hearing、speech、'
        "intellectual、mental、multiple",
        "members[0].disability.grade：应为 1 到 4 之间的整数：5",
        'members[0].incomes[0].monthly：金额不能为负数："-5.00"',
        'members[0].incomes[1].type：未知的收入类型 "lottery"，可选：wage、business、property、pension、'
        "support、unemployment、survivor、compensation、other、basic_pension、special_care、"
        "family_planning、scholarship、reward、social_assistance、poverty_relief、old_age_allowance、"
        "excluded",
        "members[0].incomes[2].stable：只有工资性收入（wage）可以标注为不稳定（stable: false）",
        'members[0].incomes[2].monthly：金额应写成字符串，不能用浮点数，如 "2000.00"：12.5',
        'members[0].incomes[3].monthly：金额最多两位小数："1.234"',
        'assets.financial：金额格式不正确："abc"',
        "assets.vehicles：应为 0 到 99 之间的整数：-1",
        'programmes[1]：未知的救助项目 "lottery"，可选：dibao、tekun、marginal_household、'
        "rigid_expenditure_household、temporary_assistance、disability_living_subsidy、"
        "disability_care_subsidy、orphan",
        'temporary.kind：未知的临时救助类型 "flood"，可选：emergency、expenditure',
        "temporary.reason：缺少字段",
    ]


@pytest.mark.parametrize(
    ("_case", "region", "message"),
    [
        ("missing", None, 'region：缺少地区代码（县级行政区划代码，如 "350102"）'),
        ("other province", "110105", 'region：不是福建省的行政区划代码："110105"'),
        ("unknown code", "359999", 'region：未知的行政区划代码 "359999"'),
        ("number", 350102, 'region：应为6位行政区划代码字符串，如 "350102"：350102'),
        ("seven digits", "3501021", 'region：应为6位行政区划代码字符串，如 "350102"："3501021"'),
    ],
)
def test_it_rejects_a_bad_region(_case: str, region: Any, message: str) -> None:
    assert _problems(_situation(region=region)) == [message]


def test_it_accepts_a_retired_county_code() -> None:
    # 350402 梅列区 merged into 三元区 in 2021: old records still carry it.
    assert parse_situation(_situation(region="350402")).region == "350402"


@pytest.mark.parametrize(
    ("_case", "month", "message"),
    [
        ("missing", None, "month：缺少评估月份（YYYY-MM）"),
        ("day included", "2023-03-01", 'month：月份格式应为 YYYY-MM："2023-03-01"'),
        ("month 13", "2023-13", 'month：月份格式应为 YYYY-MM："2023-13"'),
        ("number", 202303, "month：月份格式应为 YYYY-MM：202303"),
    ],
)
def test_it_rejects_a_malformed_month(_case: str, month: Any, message: str) -> None:
    assert _problems(_situation(month=month)) == [message]


def test_it_requires_exactly_one_head_and_unique_ids() -> None:
    data = _situation(members=[_member(relation="spouse"), _member(relation="child")])
    assert _problems(data) == [
        'members[1].id：成员编号重复："m1"',
        'members：必须有且只有一名户主（relation 为 "head"），现有 0 名',
    ]


def test_it_rejects_a_member_born_after_the_month() -> None:
    data = _situation(members=[_member(birth_date="2023-04-01")])
    assert _problems(data) == ["members[0].birth_date：出生日期 2023-04-01 晚于评估月份 2023-03"]


def test_it_rejects_an_amount_beyond_int32_fen() -> None:
    data = _situation(members=[_member(incomes=[{"type": "wage", "monthly": "30000000.00"}])])
    assert _problems(data) == [
        'members[0].incomes[0].monthly：金额超出可计算范围（不超过 20000000 元）："30000000.00"'
    ]


def test_it_refuses_a_month_without_a_dibao_standard_when_evaluating() -> None:
    # given: the provincial floor is recorded from 2021-09 and 鼓楼区 has values from 2021-01
    data = _situation(month="2020-06")

    # when
    with pytest.raises(SituationError) as caught:
        evaluate(data)

    # then
    assert [str(problem) for problem in caught.value.problems] == [
        "month：2020-06 地区 350102 没有在用的低保标准，省定低保最低标准最早记录自 2021-09-01 起"
    ]


def test_it_refuses_a_month_without_a_minimum_wage() -> None:
    with pytest.raises(SituationError) as caught:
        evaluate(_situation(month="2019-12", overrides={"dibao.standard": "700.00"}))
    assert str(caught.value) == "month：2019-12 没有在用的最低工资标准（最早记录自 2020-01-01 起）"


def test_it_refuses_an_orphan_before_the_orphan_standard_is_recorded() -> None:
    data = _situation(
        month="2023-06",
        members=[_member(birth_date="2015-01-01", orphan={"kind": "orphan"})],
    )
    with pytest.raises(SituationError) as caught:
        evaluate(data)
    assert str(caught.value) == (
        "members[0].orphan：2023-06 没有在用的孤儿最低养育标准（最早记录自 2023-07-01 起）"
    )


def test_the_dict_form_parses_back_to_the_same_situation() -> None:
    # given
    situation = parse_situation(
        _situation(
            members=[
                _member(
                    disability={"type": "mental", "grade": 3},
                    incomes=[{"type": "wage", "monthly": "1234.50", "stable": False}],
                    tekun={"supporters_unable": True},
                )
            ],
            phase_out={"months_since_exit": 2, "previous_amount": "500.00"},
            temporary={"kind": "emergency", "requested": "300.00", "reason": "火灾"},
            overrides={"dibao.minimum_payment.enabled": True},
        )
    )

    # when
    again = parse_situation(json.loads(json.dumps(situation.to_dict(), ensure_ascii=False)))

    # then
    assert again == situation
