"""Who dibao covers and how much is paid: category supplements, individual coverage, phase-out.

Three mutually exclusive ways into dibao for a household: (1) the whole dibao unit qualifies
(`dibao_household_eligible`); (2) it just left dibao and is in the phase-out period; (3) it is a
marginal household and its seriously ill or severely disabled members are covered alone
(单人保). Category supplements are paid on top for members covered under (1) and (3).
"""

from __future__ import annotations

import numpy as np
from openfisca_core.model_api import MONTH, Variable

from doudi.policy import sources
from doudi.policy.entities import Household, Person
from doudi.policy.money import round_fen


class dibao_phase_out(Variable):
    """渐退期: a household that no longer qualifies keeps dibao for 6–12 months.

    Rule (Fujian 2019 八条措施 [V]): a dibao household that meets exit conditions at review but is
    still a low-income household (per-capita income below the marginal line) or still has real
    medical, education or employment difficulties keeps protection for 6–12 months from the month
    after the determination (dibao.phase_out.months, demo 6). Input: `months_since_dibao_exit`
    counts that month as 1.
    """

    value_type = bool
    entity = Household
    definition_period = MONTH
    label = "处于低保渐退期"
    reference = [sources.FUJIAN_EIGHT_MEASURES]

    def formula(household, period, parameters):
        p = parameters(period)
        members = household("dibao_member_count", period).astype(np.int64)
        months = household("months_since_dibao_exit", period)
        in_window = (
            household("previously_dibao", period)
            & (members >= 1)
            & (months >= 1)
            & (months <= p.dibao.phase_out.months)
            & ~household("dibao_household_eligible", period)
        )
        line = round_fen(p.marginal_household.income_ratio * household("dibao_standard", period))
        low_income = household("dibao_assessed_income", period) < line * members
        return in_window & (low_income | household("phase_out_difficulty", period))


class dibao_phase_out_amount(Variable):
    """Phase-out payment: the pre-exit monthly amount × that month's share of the schedule.

    Demo schedule ([GAP]): 100 % every month ("延续保障"); Beijing's draft 100/100/80/80/60/60 %
    can be set in dibao.phase_out.payment_schedule.
    """

    value_type = int
    entity = Household
    definition_period = MONTH
    label = "渐退期保障金（分/月）"
    reference = [sources.FUJIAN_EIGHT_MEASURES]

    def formula(household, period, parameters):
        schedule = parameters(period).dibao.phase_out.payment_schedule
        shares = np.array([schedule[f"month_{month:02d}"] for month in range(1, 13)])
        index = np.clip(household("months_since_dibao_exit", period), 1, 12) - 1
        amount = round_fen(shares[index] * household("previous_dibao_amount", period))
        return np.where(household("dibao_phase_out", period), amount, 0)


class individual_coverage(Variable):
    """单人保: a seriously ill or severely disabled member of a marginal household is covered alone.

    Rule: 民发〔2021〕57号 第八条 (grade 1–2, or grade 3 intellectual/mental disability; 重特大疾病)
    [V3]; Fujian 2019 八条措施 "可单独申请入保" [V]. Decision: treated as a single-person household
    — the person's own assessed income must be below the standard.
    """

    value_type = bool
    entity = Person
    definition_period = MONTH
    label = "单人保"
    reference = [sources.DIBAO_RULES_ART_8, sources.FUJIAN_EIGHT_MEASURES]

    def formula(person, period, parameters):
        qualifying = person("serious_illness", period) | person("is_severely_disabled", period)
        below = person("assessed_income", period) < person.household("dibao_standard", period)
        marginal = person.household("marginal_household_eligible", period)
        return person("dibao_member", period) & qualifying & below & marginal


class individual_coverage_amount(Variable):
    """单人保 amount: standard − own assessed income, at least floor_share × standard (fen).

    The floor (dibao.individual_coverage.floor_share, demo 60 % after 青岛 [V3]; Fujian [GAP]).
    """

    value_type = int
    entity = Person
    definition_period = MONTH
    label = "单人保金额（分/月）"
    reference = [sources.DIBAO_RULES_ART_8]

    def formula(person, period, parameters):
        share = parameters(period).dibao.individual_coverage.floor_share
        standard = person.household("dibao_standard", period).astype(np.int64)
        gap = standard - person("assessed_income", period)
        amount = np.maximum(gap, round_fen(share * standard))
        return np.where(person("individual_coverage", period), amount, 0)


class category_supplement(Variable):
    """分类施保: an extra share of the standard for special members covered by dibao.

    Rule: 社会救助暂行办法 第十二条 requires further help for the elderly, minors, the severely
    disabled and the seriously ill; amounts are local ([GAP] for Fujian). Demo rule after 吉林:
    serious illness 30 %, severe disability 20 %, aged 70+ 10 %, minors 10 % of the standard,
    highest single item only (dibao.category_supplement.sum_all = true adds them up).
    Not paid during phase-out, whose amount already continues the previous payment.
    """

    value_type = int
    entity = Person
    definition_period = MONTH
    label = "分类施保金额（分/月）"
    reference = [sources.INTERIM_MEASURES_ART_12]

    def formula(person, period, parameters):
        p = parameters(period).dibao.category_supplement
        age = person("age", period)
        shares = np.stack(
            [
                np.where(person("serious_illness", period), p.serious_illness, 0.0),
                np.where(person("is_severely_disabled", period), p.severe_disability, 0.0),
                np.where(age >= p.elderly_age, p.elderly, 0.0),
                np.where(age < 18, p.minor, 0.0),
            ]
        )
        share = shares.sum(axis=0) if p.sum_all else shares.max(axis=0)
        household_covered = person("dibao_member", period) & person.household(
            "dibao_household_eligible", period
        )
        covered = household_covered | person("individual_coverage", period)
        standard = person.household("dibao_standard", period)
        return np.where(covered, round_fen(share * standard), 0)


class dibao_covered(Variable):
    """The person receives dibao this month (whole household, phase-out, or individual coverage)."""

    value_type = bool
    entity = Person
    definition_period = MONTH
    label = "享受低保"
    reference = [sources.DIBAO_RULES_ART_23, sources.DIBAO_RULES_ART_8]

    def formula(person, period, parameters):
        unit = person.household("dibao_household_eligible", period) | person.household(
            "dibao_phase_out", period
        )
        return (person("dibao_member", period) & unit) | person("individual_coverage", period)


class dibao_eligible(Variable):
    """The household receives dibao for at least one member."""

    value_type = bool
    entity = Household
    definition_period = MONTH
    label = "享受低保"

    def formula(household, period, parameters):
        return household.any(household.members("dibao_covered", period))


class dibao_amount(Variable):
    """Monthly dibao of the household (fen): gap amount or phase-out amount or individual
    coverage, plus category supplements."""

    value_type = int
    entity = Household
    definition_period = MONTH
    label = "月低保金（分）"
    reference = [sources.INTERIM_MEASURES_ART_12, sources.DIBAO_RULES_ART_23]

    def formula(household, period, parameters):
        individual = household.sum(household.members("individual_coverage_amount", period))
        supplements = household.sum(household.members("category_supplement", period))
        return (
            household("dibao_gap_amount", period)
            + household("dibao_phase_out_amount", period)
            + individual.astype(np.int64)
            + supplements.astype(np.int64)
        )


VARIABLES = (
    dibao_phase_out,
    dibao_phase_out_amount,
    individual_coverage,
    individual_coverage_amount,
    category_supplement,
    dibao_covered,
    dibao_eligible,
    dibao_amount,
)
