"""刚性支出困难家庭 (rigid-expenditure household): income not low, but rigid costs crushing.

A status without cash (specialised assistance and temporary assistance follow from it).
"""

from __future__ import annotations

import numpy as np
from openfisca_core.model_api import MONTH, Variable

from doudi.policy import sources
from doudi.policy.entities import Household
from doudi.policy.money import round_fen, yuan_value_to_fen


class rigid_expenses_12m(Variable):
    """Rigid expenditure of the 12 months before the application: medical, education and
    disability rehabilitation (fen). Source: MCA 认定办法 (living costs are not itemised here)."""

    value_type = int
    entity = Household
    definition_period = MONTH
    label = "近12个月刚性支出（分）"
    reference = [sources.MARGINAL_RULES]

    def formula(household, period, parameters):
        return (
            household("medical_expenses_12m", period).astype(np.int64)
            + household("education_expenses_12m", period)
            + household("rehabilitation_expenses_12m", period)
        )


class below_disposable_income(Variable):
    """Annualised per-capita assessed income < prior-year per-capita disposable income.

    Compared on totals: 12 × assessed monthly income < disposable income × members
    (rigid_expenditure_household.disposable_income, a demo value [R]/[GAP]).
    """

    value_type = bool
    entity = Household
    definition_period = MONTH
    label = "人均收入低于上年度人均可支配收入"
    reference = [sources.MARGINAL_RULES]

    def formula(household, period, parameters):
        annual = yuan_value_to_fen(parameters(period).rigid_expenditure_household.disposable_income)
        members = household("dibao_member_count", period).astype(np.int64)
        income = household("dibao_assessed_income", period).astype(np.int64)
        return (members >= 1) & (12 * income < annual * members)


class rigid_expenditure_household_eligible(Variable):
    """刚性支出困难家庭.

    Rule (MCA 2024 notice; 认定办法 [V3]): not dibao, tekun or marginal; per-capita income below
    the prior-year per-capita disposable income; assets within rules; rigid expenditure of the
    last 12 months / family income of the last 12 months > the local ratio (demo 60 % after
    Shenzhen; Fujian [GAP]). Decision: family income for the ratio is 12 × the counted monthly
    income before deductions; with no income, any rigid expenditure exceeds the ratio.
    """

    value_type = bool
    entity = Household
    definition_period = MONTH
    label = "刚性支出困难家庭"
    reference = [sources.MARGINAL_RULES]

    def formula(household, period, parameters):
        ratio = parameters(period).rigid_expenditure_household.expense_ratio
        income_12m = 12 * household("dibao_gross_income", period).astype(np.int64)
        heavy = household("rigid_expenses_12m", period) > round_fen(ratio * income_12m)
        return (
            heavy
            & household("below_disposable_income", period)
            & household("assets_within_limits", period)
            & ~household("dibao_eligible", period)
            & ~household("tekun_eligible", period)
            & ~household("marginal_household_eligible", period)
        )


VARIABLES = (rigid_expenses_12m, below_disposable_income, rigid_expenditure_household_eligible)
