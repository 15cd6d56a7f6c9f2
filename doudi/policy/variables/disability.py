"""残疾人两项补贴: 困难残疾人生活补贴 and 重度残疾人护理补贴 (Fujian 实施办法 [V3]).

Both stack with dibao; the care subsidy also stacks with tekun. Decision [R]: tekun persons do
not receive the living subsidy (their basic living is already covered), as 国发〔2015〕52号 targets
disabled people in dibao families.
"""

from __future__ import annotations

import numpy as np
from openfisca_core.model_api import MONTH, Variable

from doudi.policy import sources
from doudi.policy.entities import Household, Person
from doudi.policy.money import round_fen


class disability_income_band(Variable):
    """Per-capita income between 100 % and 130 % of the standard (on totals, inclusive)."""

    value_type = bool
    entity = Household
    definition_period = MONTH
    label = "人均收入在低保标准100%–130%之间"
    reference = [sources.DISABILITY_FUJIAN]

    def formula(household, period, parameters):
        ratio = parameters(period).disability_living_subsidy.income_ceiling_ratio
        members = household("dibao_member_count", period).astype(np.int64)
        standard = household("dibao_standard", period).astype(np.int64)
        income = household("dibao_assessed_income", period)
        ceiling = round_fen(ratio * standard) * members
        return (members >= 1) & (income >= standard * members) & (income <= ceiling)


class disability_living_subsidy_person(Variable):
    """困难残疾人生活补贴 for one person (fen per month).

    Rule (Fujian 实施办法 [V3]): a person holding a disability certificate who is (1) covered by
    dibao; or (2) severely disabled in a household whose per-capita income is 100–130 % of the
    standard; or (3) severely disabled, 60+ and without fixed income of their own (decision:
    no counted income; excluded items such as the basic pension do not count).
    """

    value_type = int
    entity = Person
    definition_period = MONTH
    label = "困难残疾人生活补贴（分/月）"
    reference = [sources.DISABILITY_FUJIAN]

    def formula(person, period, parameters):
        disabled = person("counted", period) & (person("disability_grade", period) >= 1)
        severe = person("is_severely_disabled", period)
        band = person.household("disability_income_band", period)
        elderly_no_income = (person("age", period) >= 60) & (person("counted_income", period) == 0)
        qualifies = person("dibao_covered", period) | (severe & (band | elderly_no_income))
        eligible = disabled & qualifies & ~person("is_tekun", period)
        standard = person.household("disability_living_subsidy_standard", period)
        return np.where(eligible, standard, 0)


class disability_care_subsidy_person(Variable):
    """重度残疾人护理补贴 for one person (fen per month): grade 1 or 2, any type.

    Rule (Fujian 实施办法 [V3]): 一级、二级 disabled persons needing long-term care; the amount
    depends on the grade and on hardship. Decision: hardship (生活困难) means covered by dibao or
    recognised as tekun.
    """

    value_type = int
    entity = Person
    definition_period = MONTH
    label = "重度残疾人护理补贴（分/月）"
    reference = [sources.DISABILITY_FUJIAN]

    def formula(person, period, parameters):
        grade = person("disability_grade", period)
        hardship = person("dibao_covered", period) | person("is_tekun", period)
        amount = np.select(
            [hardship & (grade == 1), hardship & (grade == 2), grade == 1, grade == 2],
            [
                person.household("disability_care_standard_hardship_grade_1", period),
                person.household("disability_care_standard_hardship_grade_2", period),
                person.household("disability_care_standard_other_grade_1", period),
                person.household("disability_care_standard_other_grade_2", period),
            ],
            0,
        )
        return np.where(person("counted", period), amount, 0)


class disability_living_subsidy_amount(Variable):
    """Household total of the living subsidy (fen per month)."""

    value_type = int
    entity = Household
    definition_period = MONTH
    label = "困难残疾人生活补贴合计（分/月）"

    def formula(household, period, parameters):
        return household.sum(household.members("disability_living_subsidy_person", period)).astype(
            np.int64
        )


class disability_care_subsidy_amount(Variable):
    """Household total of the care subsidy (fen per month)."""

    value_type = int
    entity = Household
    definition_period = MONTH
    label = "重度残疾人护理补贴合计（分/月）"

    def formula(household, period, parameters):
        return household.sum(household.members("disability_care_subsidy_person", period)).astype(
            np.int64
        )


VARIABLES = (
    disability_income_band,
    disability_living_subsidy_person,
    disability_care_subsidy_person,
    disability_living_subsidy_amount,
    disability_care_subsidy_amount,
)
