"""Personal facts derived for every programme: age, severe disability, and assessed income.

Income assessment follows 民发〔2021〕57号 (what counts) and the Fujian 2019 八条措施 (deductions:
employment cost, disabled workers, unstable work imputed at the minimum wage).
"""

from __future__ import annotations

import numpy as np
from openfisca_core.model_api import MONTH, Variable

from doudi.policy import sources
from doudi.policy.codes import COUNTED_INCOME_TYPES, DISABILITY_TYPES
from doudi.policy.entities import Person
from doudi.policy.money import round_fen

INTELLECTUAL = DISABILITY_TYPES["intellectual"]
MENTAL = DISABILITY_TYPES["mental"]


class age(Variable):
    """Completed years on the first day of the month.

    Decision [GAP] (docs/policy.md): thresholds (16, 18, 60, 70) are judged on the first day of
    the assessment month, so a person turning 60 on 15 March counts as 60 from April — the month
    after the fact, as benefits start "from the next month" (POLICY.md §2.6).
    """

    value_type = int
    entity = Person
    definition_period = MONTH
    label = "月初周岁"

    def formula(person, period, parameters):
        birth = person("birth_date", period)
        birth_year = birth.astype("datetime64[Y]").astype(np.int64) + 1970
        birth_month_start = birth.astype("datetime64[M]")
        birth_month = birth_month_start.astype(np.int64) % 12 + 1
        birth_day = (birth - birth_month_start).astype(np.int64) + 1
        month = period.start.month
        before_birthday = (birth_month > month) | ((birth_month == month) & (birth_day > 1))
        return period.start.year - birth_year - before_birthday


class is_severely_disabled(Variable):
    """重度残疾人: grade 1 or 2 of any type, or grade 3 intellectual or mental disability.

    Source: Fujian 2019 八条措施 "重度残疾人（含三级精神、智力残疾人）"; 民发〔2021〕57号 第八条 uses
    the same groups for individual coverage. Used by individual coverage, the rigid-expense
    deduction, category supplements and the disability living subsidy.
    """

    value_type = bool
    entity = Person
    definition_period = MONTH
    label = "重度残疾人"
    reference = [sources.FUJIAN_EIGHT_MEASURES, sources.DIBAO_RULES_ART_8]

    def formula(person, period, parameters):
        grade = person("disability_grade", period)
        kind = person("disability_type", period)
        mental_or_intellectual = (kind == INTELLECTUAL) | (kind == MENTAL)
        return ((grade >= 1) & (grade <= 2)) | (mental_or_intellectual & (grade == 3))


class assessed_wage_income(Variable):
    """工资性收入 as assessed: stable wages plus unstable work, imputed at the minimum wage.

    Rule: "不稳定就业的，按当地最低工资标准计算收入" (Fujian 2019 八条措施 [V]). Decision: the
    reported amount is kept when it is higher than the minimum wage; imputation can be switched off
    with dibao.impute_unstable_work (the 2024 MCA notice forbids 虚拟收入, see docs/policy.md).
    """

    value_type = int
    entity = Person
    definition_period = MONTH
    label = "认定的工资性收入（分/月）"
    reference = [sources.FUJIAN_EIGHT_MEASURES]

    def formula(person, period, parameters):
        impute = parameters(period).dibao.impute_unstable_work
        reported = person("income_wage_unstable", period)
        minimum = person.household("minimum_wage", period)
        unstable = np.where(
            person("unstable_work", period) & impute, np.maximum(reported, minimum), reported
        )
        return person("income_wage", period) + unstable


class counted_income(Variable):
    """Income that counts as family income, before deductions (fen per month).

    Rule: wages, net business and property income, pensions, support payments, unemployment
    insurance and other transfers count; 优待抚恤金, rewards, scholarships, social-assistance money,
    poverty-relief funds and 高龄津贴 do not; the 城乡居民基础养老金 is excluded during the 十四五
    period (民发〔2021〕57号 第十一条、第十二条; dated parameter dibao.exclude_basic_pension).
    """

    value_type = int
    entity = Person
    definition_period = MONTH
    label = "计入家庭收入的收入（分/月）"
    reference = [sources.DIBAO_RULES_INCOME]

    def formula(person, period, parameters):
        total = person("assessed_wage_income", period).astype(np.int64)
        for key in COUNTED_INCOME_TYPES:
            if key != "wage":
                total = total + person(f"income_{key}", period)
        if not parameters(period).dibao.exclude_basic_pension:
            total = total + person("income_basic_pension", period)
        return total


class employment_cost_deduction(Variable):
    """就业成本扣减 (fen per month), at most the person's assessed wage income.

    Rule (Fujian 2019 八条措施 [V]): deduct 20–30 % of employment income, or of the local minimum
    wage (dibao.employment_cost_rate, demo 25 %; basis dibao.employment_cost_on_minimum_wage). For a
    disabled worker, 50 % of the minimum wage is deducted instead when that is more.
    """

    value_type = int
    entity = Person
    definition_period = MONTH
    label = "就业成本扣减（分/月）"
    reference = [sources.FUJIAN_EIGHT_MEASURES]

    def formula(person, period, parameters):
        p = parameters(period).dibao
        wage = person("assessed_wage_income", period).astype(np.int64)
        minimum = person.household("minimum_wage", period).astype(np.int64)
        basis = minimum if p.employment_cost_on_minimum_wage else wage
        cost = np.where(wage > 0, round_fen(p.employment_cost_rate * basis), 0)
        disabled = person("disability_grade", period) >= 1
        disabled_deduction = np.where(
            disabled & (wage > 0), round_fen(p.disabled_worker_deduction_share * minimum), 0
        )
        return np.minimum(np.maximum(cost, disabled_deduction), wage)


class assessed_income(Variable):
    """A person's assessed income: counted income minus their employment deductions (fen/month)."""

    value_type = int
    entity = Person
    definition_period = MONTH
    label = "本人认定收入（分/月）"
    reference = [sources.DIBAO_RULES_INCOME, sources.FUJIAN_EIGHT_MEASURES]

    def formula(person, period, parameters):
        return person("counted_income", period) - person("employment_cost_deduction", period)


VARIABLES = (
    age,
    is_severely_disabled,
    assessed_wage_income,
    counted_income,
    employment_cost_deduction,
    assessed_income,
)
