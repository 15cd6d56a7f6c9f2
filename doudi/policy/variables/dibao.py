"""最低生活保障 (dibao) for the whole household: income test, asset test and the gap amount.

The dibao unit is the counted members who are not tekun (see `tekun.py`). Its income is assessed
on totals in fen; the benefit is `standard × members − assessed income` (民发〔2021〕57号 第二十三条,
社会救助暂行办法 第十二条), with no rounding except the computed deductions.
"""

from __future__ import annotations

import numpy as np
from openfisca_core.model_api import MONTH, Variable

from doudi.policy import sources
from doudi.policy.entities import Household, Person
from doudi.policy.money import round_fen


class dibao_member(Variable):
    """A counted member assessed and covered with the dibao unit.

    Not in the unit: tekun persons (特困 and 低保 exclude each other, 民发〔2021〕43号) and children
    paid the orphan allowance. Decision [R] (docs/policy.md): the orphan standard (≈ 2 × the dibao
    standard) is a full living guarantee, so the child is not also counted for dibao ("就高").
    """

    value_type = bool
    entity = Person
    definition_period = MONTH
    label = "低保计算单位成员"
    reference = [sources.DIBAO_RULES_ART_7, sources.TEKUN_RULES]

    def formula(person, period, parameters):
        orphan_paid = person("orphan_person_amount", period) > 0
        return person("counted", period) & ~person("is_tekun", period) & ~orphan_paid


class dibao_member_count(Variable):
    """Number of members in the dibao unit."""

    value_type = int
    entity = Household
    definition_period = MONTH
    label = "低保计算人数"

    def formula(household, period, parameters):
        return household.sum(household.members("dibao_member", period)).astype(np.int64)


class dibao_gross_income(Variable):
    """Counted income of the dibao unit's members, before deductions (fen per month)."""

    value_type = int
    entity = Household
    definition_period = MONTH
    label = "家庭月收入（扣减前，分）"
    reference = [sources.DIBAO_RULES_INCOME]

    def formula(household, period, parameters):
        members = household.members("dibao_member", period)
        income = household.members("counted_income", period)
        return household.sum(np.where(members, income, 0)).astype(np.int64)


class dibao_employment_deduction(Variable):
    """Employment-cost and disabled-worker deductions of the dibao unit's members (fen)."""

    value_type = int
    entity = Household
    definition_period = MONTH
    label = "就业成本扣减合计（分）"
    reference = [sources.FUJIAN_EIGHT_MEASURES]

    def formula(household, period, parameters):
        members = household.members("dibao_member", period)
        deduction = household.members("employment_cost_deduction", period)
        return household.sum(np.where(members, deduction, 0)).astype(np.int64)


class has_serious_illness_or_severe_disability(Variable):
    """A member of the dibao unit is seriously ill or severely disabled (重病、重残)."""

    value_type = bool
    entity = Household
    definition_period = MONTH
    label = "有重病或重度残疾成员"

    def formula(household, period, parameters):
        members = household.members("dibao_member", period)
        ill = household.members("serious_illness", period)
        severe = household.members("is_severely_disabled", period)
        return household.any(members & (ill | severe))


class rigid_expense_deduction(Variable):
    """重病、重残刚性支出扣减: 12 months of medical and rehabilitation expenses ÷ 12 (fen/month).

    Rule: "因重病、重残产生的刚性支出予以扣减" (Fujian 2019 八条措施 [V]; 民发〔2021〕57号 allows
    deducting rigid expenses from illness and disability). Decision: only when a member of the dibao
    unit is seriously ill or severely disabled; education costs are not deducted.
    """

    value_type = int
    entity = Household
    definition_period = MONTH
    label = "刚性支出扣减（分/月）"
    reference = [sources.FUJIAN_EIGHT_MEASURES, sources.DIBAO_RULES_INCOME]

    def formula(household, period, parameters):
        expenses = household("medical_expenses_12m", period).astype(np.int64) + household(
            "rehabilitation_expenses_12m", period
        )
        monthly = round_fen(expenses / 12)
        return np.where(household("has_serious_illness_or_severe_disability", period), monthly, 0)


class dibao_assessed_income(Variable):
    """Assessed monthly family income: counted income − deductions, not below zero (fen)."""

    value_type = int
    entity = Household
    definition_period = MONTH
    label = "认定的家庭月收入（分）"
    reference = [sources.DIBAO_RULES_INCOME, sources.FUJIAN_EIGHT_MEASURES]

    def formula(household, period, parameters):
        income = (
            household("dibao_gross_income", period)
            - household("dibao_employment_deduction", period)
            - household("rigid_expense_deduction", period)
        )
        return np.maximum(income, 0)


class dibao_income_below_standard(Variable):
    """Per-capita assessed income is below the local standard (社会救助暂行办法 第九条).

    Compared on totals, exactly: assessed income < standard × members of the dibao unit.
    """

    value_type = bool
    entity = Household
    definition_period = MONTH
    label = "人均收入低于低保标准"
    reference = [sources.INTERIM_MEASURES_ART_9, sources.DIBAO_RULES_ART_23]

    def formula(household, period, parameters):
        members = household("dibao_member_count", period).astype(np.int64)
        standard = household("dibao_standard", period).astype(np.int64)
        return (members >= 1) & (household("dibao_assessed_income", period) < standard * members)


class dibao_household_eligible(Variable):
    """The dibao unit qualifies as a household: income below the standard and assets within rules."""

    value_type = bool
    entity = Household
    definition_period = MONTH
    label = "家庭符合低保条件"
    reference = [sources.INTERIM_MEASURES_ART_9]

    def formula(household, period, parameters):
        return household("dibao_income_below_standard", period) & household(
            "assets_within_limits", period
        )


class dibao_gap_amount(Variable):
    """补差: standard × members − assessed income (fen), for a qualifying household.

    Source: 社会救助暂行办法 第十二条; 民发〔2021〕57号 第二十三条 [V]. With the optional minimum
    payment (dibao.minimum_payment.enabled, off by default, demo [GAP]) the amount is at least
    share × standard per member.
    """

    value_type = int
    entity = Household
    definition_period = MONTH
    label = "低保补差金额（分/月）"
    reference = [sources.INTERIM_MEASURES_ART_12, sources.DIBAO_RULES_ART_23]

    def formula(household, period, parameters):
        p = parameters(period).dibao.minimum_payment
        members = household("dibao_member_count", period).astype(np.int64)
        standard = household("dibao_standard", period).astype(np.int64)
        gap = standard * members - household("dibao_assessed_income", period)
        if p.enabled:
            gap = np.maximum(gap, round_fen(p.share * standard) * members)
        return np.where(household("dibao_household_eligible", period), gap, 0)


VARIABLES = (
    dibao_member,
    dibao_member_count,
    dibao_gross_income,
    dibao_employment_deduction,
    has_serious_illness_or_severe_disability,
    rigid_expense_deduction,
    dibao_assessed_income,
    dibao_income_below_standard,
    dibao_household_eligible,
    dibao_gap_amount,
)
