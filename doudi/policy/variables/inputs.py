"""Input variables: the facts of a situation (see `doudi.policy.situation` for the JSON format).

Money is integer fen (`int`, stored as int32 by OpenFisca), never float. Vocabularies are small
integer codes from `doudi.policy.codes`. Every input is monthly except the birth date.
"""

from __future__ import annotations

import datetime

from openfisca_core.model_api import ETERNITY, MONTH, Variable

from doudi.policy.codes import COUNTED_INCOME_TYPES
from doudi.policy.entities import Household, Person


def _input(name: str, entity: object, value_type: type, label: str) -> type[Variable]:
    period = ETERNITY if value_type is datetime.date else MONTH
    return type(
        name,
        (Variable,),
        {
            "value_type": value_type,
            "entity": entity,
            "definition_period": period,
            "label": label,
            "__module__": __name__,
        },
    )


PERSON_INPUTS: tuple[type[Variable], ...] = (
    _input("birth_date", Person, datetime.date, "出生日期"),
    _input("counted", Person, bool, "计入共同生活家庭成员"),
    _input("labour_capacity", Person, bool, "有劳动能力（申报，规则暂未使用）"),
    _input("schooling", Person, int, "在学情况（codes.SCHOOLING）"),
    _input("disability_type", Person, int, "残疾类别（codes.DISABILITY_TYPES，0 为无）"),
    _input("disability_grade", Person, int, "残疾等级 1–4（0 为无残疾人证）"),
    _input("serious_illness", Person, bool, "患重特大疾病"),
    _input("self_care_failed_items", Person, int, "6项日常生活活动中不能自主完成的项数"),
    *(
        _input(f"income_{key}", Person, int, f"{label}（分/月）")
        for key, label in COUNTED_INCOME_TYPES.items()
    ),
    _input("income_wage_unstable", Person, int, "不稳定就业的工资性收入（分/月，申报数）"),
    _input("unstable_work", Person, bool, "不稳定就业（灵活就业、临时工等）"),
    _input("income_basic_pension", Person, int, "城乡居民基本养老保险基础养老金（分/月）"),
    _input("income_excluded", Person, int, "按规定不计入家庭收入的款项合计（分/月）"),
    _input("supporters_unable", Person, bool, "无法定赡养、抚养、扶养义务人，或义务人无履行能力"),
    _input("tekun_centralised", Person, bool, "特困人员选择集中供养（否则分散供养）"),
    _input("tekun_recognised", Person, bool, "已认定为特困人员（用于未成年人延续至18周岁）"),
    _input("orphan_kind", Person, int, "孤儿/事实无人抚养儿童（codes.ORPHAN_KINDS，0 为否）"),
    _input("orphan_institution", Person, bool, "在儿童福利机构集中养育（否则社会散居）"),
    _input("chooses_orphan_scheme", Person, bool, "同时符合特困条件的未成年人选择孤儿保障"),
)

HOUSEHOLD_INPUTS: tuple[type[Variable], ...] = (
    _input("region", Household, int, "户籍所在县（市、区）行政区划代码"),
    _input("financial_assets", Household, int, "家庭金融资产合计（分）"),
    _input("vehicles", Household, int, "应申报的机动车数量"),
    _input("real_estate", Household, int, "住房套数"),
    _input("business_registrations", Household, int, "商事登记（营业执照）数量"),
    _input("medical_expenses_12m", Household, int, "近12个月自付医疗费用（分）"),
    _input("education_expenses_12m", Household, int, "近12个月教育支出（分）"),
    _input("rehabilitation_expenses_12m", Household, int, "近12个月残疾康复支出（分）"),
    _input("previously_dibao", Household, bool, "经复核已不符合低保条件的原低保家庭"),
    _input("months_since_dibao_exit", Household, int, "自认定不符合条件次月起的第几个月（1 起）"),
    _input("previous_dibao_amount", Household, int, "退出前的月低保金（分）"),
    _input("phase_out_difficulty", Household, bool, "仍有实际医疗、教育、就业等困难"),
    _input("temporary_kind", Household, int, "临时救助类型（codes.TEMPORARY_KINDS，0 为未申请）"),
    _input("temporary_requested", Household, int, "申请或核定的临时救助金额（分）"),
    _input("temporary_repeat_within_year", Household, bool, "同一事由一年内已获临时救助"),
    _input("temporary_repeat_justified", Household, bool, "再次救助已说明理由并经同意"),
)

VARIABLES = PERSON_INPUTS + HOUSEHOLD_INPUTS
