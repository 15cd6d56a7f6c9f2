"""临时救助 (temporary assistance): emergency or expenditure type; stacks with every programme."""

from __future__ import annotations

import numpy as np
from openfisca_core.model_api import MONTH, Variable

from doudi.policy import sources
from doudi.policy.codes import TEMPORARY_KINDS
from doudi.policy.entities import Household
from doudi.policy.money import yuan_value_to_fen

EMERGENCY = TEMPORARY_KINDS["emergency"]
EXPENDITURE = TEMPORARY_KINDS["expenditure"]


class temporary_assistance_cap(Variable):
    """Maximum temporary assistance for the household (fen).

    Demo rule ([GAP]: Fujian caps not found): emergency (急难型) up to 6 × the monthly dibao
    standard per household (after a Hubei township rule); expenditure (支出型) up to 6 × the
    standard × counted members (after Shenzhen, 2–12 months × family size).
    """

    value_type = int
    entity = Household
    definition_period = MONTH
    label = "临时救助上限（分）"
    reference = [sources.INTERIM_MEASURES_ART_47, sources.TEMPORARY_OPINION_2020]

    def formula(household, period, parameters):
        p = parameters(period).temporary_assistance
        standard = household("dibao_standard", period).astype(np.int64)
        kind = household("temporary_kind", period)
        members = household("counted_member_count", period).astype(np.int64)
        return np.select(
            [kind == EMERGENCY, kind == EXPENDITURE],
            [p.emergency_cap_months * standard, p.expenditure_cap_months * standard * members],
            0,
        )


class temporary_repeat_blocked(Variable):
    """Same reason helped within the year, without a recorded justification.

    Rule (Kashi, Hubei township [V3]; a soft rule per POLICY.md §5): the same applicant with the
    same reason is helped at most once a calendar year, unless the caseworker overrides it with
    a documented reason (`temporary.repeat_justification`).
    """

    value_type = bool
    entity = Household
    definition_period = MONTH
    label = "同一事由一年内重复申请且未说明理由"

    def formula(household, period, parameters):
        return household("temporary_repeat_within_year", period) & ~household(
            "temporary_repeat_justified", period
        )


class temporary_assistance_eligible(Variable):
    """Temporary assistance applies.

    Rule (社会救助暂行办法 第四十七条 [V]; 2020 opinion item 15 [V3]): emergency hardship
    (accident, sudden serious illness) is helped without an income test; expenditure hardship
    (education, medical or other necessary spending) requires per-capita income below the
    prior-year per-capita disposable income and assets within rules (广东 rule as cited [V3]).
    """

    value_type = bool
    entity = Household
    definition_period = MONTH
    label = "符合临时救助条件"
    reference = [sources.INTERIM_MEASURES_ART_47, sources.TEMPORARY_OPINION_2020]

    def formula(household, period, parameters):
        kind = household("temporary_kind", period)
        means_tested = household("below_disposable_income", period) & household(
            "assets_within_limits", period
        )
        kind_ok = (kind == EMERGENCY) | ((kind == EXPENDITURE) & means_tested)
        return (
            kind_ok
            & (household("temporary_requested", period) > 0)
            & ~household("temporary_repeat_blocked", period)
        )


class temporary_assistance_amount(Variable):
    """The amount requested, capped (fen)."""

    value_type = int
    entity = Household
    definition_period = MONTH
    label = "临时救助金额（分）"
    reference = [sources.INTERIM_MEASURES_ART_47]

    def formula(household, period, parameters):
        amount = np.minimum(
            household("temporary_requested", period), household("temporary_assistance_cap", period)
        )
        return np.where(household("temporary_assistance_eligible", period), amount, 0)


class temporary_requires_county_approval(Variable):
    """Above the township approval limit, the county civil-affairs bureau approves.

    Rule (社会救助暂行办法 第四十八条 [V]: small amounts may be delegated to the township):
    Jinjiang's 5,000 yuan [V] used province-wide as a demo value.
    """

    value_type = bool
    entity = Household
    definition_period = MONTH
    label = "需报县级民政部门审批"
    reference = [sources.INTERIM_MEASURES_ART_48]

    def formula(household, period, parameters):
        limit = yuan_value_to_fen(parameters(period).temporary_assistance.township_approval_limit)
        return household("temporary_assistance_amount", period) > limit


VARIABLES = (
    temporary_assistance_cap,
    temporary_repeat_blocked,
    temporary_assistance_eligible,
    temporary_assistance_amount,
    temporary_requires_county_approval,
)
