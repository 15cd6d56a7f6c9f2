"""低保边缘家庭 (marginal household): above the dibao line, below 1.5 × the standard.

No cash of its own: the status opens specialised assistance, and individual coverage (单人保) for
its seriously ill or severely disabled members (see `dibao_coverage.py`).
"""

from __future__ import annotations

import numpy as np
from openfisca_core.model_api import MONTH, Variable

from doudi.policy import sources
from doudi.policy.entities import Household
from doudi.policy.money import round_fen


class marginal_income_line(Variable):
    """低保边缘 income line per person: ratio × the local standard (fen, rounded half up).

    Source: 2020 MCA/MOF notice and the MCA 认定办法 (marginal_household.income_ratio 1.5 [V3];
    localities may raise it to 2).
    """

    value_type = int
    entity = Household
    definition_period = MONTH
    label = "低保边缘收入线（分/人·月）"
    reference = [sources.MARGINAL_NOTICE_2020, sources.MARGINAL_RULES]

    def formula(household, period, parameters):
        ratio = parameters(period).marginal_household.income_ratio
        return round_fen(ratio * household("dibao_standard", period))


class marginal_household_eligible(Variable):
    """低保边缘家庭: not dibao or tekun, per-capita income below the line, assets within rules.

    Rule (MCA 2024 notice and 认定办法 [V3]): not eligible for dibao or tekun; per-capita income
    < 1.5 × the local dibao standard; assets within local rules. Decision: a household with a
    tekun member or in the dibao phase-out period is not marginal; income is assessed as for dibao.
    """

    value_type = bool
    entity = Household
    definition_period = MONTH
    label = "低保边缘家庭"
    reference = [sources.MARGINAL_RULES, sources.MARGINAL_NOTICE_2020]

    def formula(household, period, parameters):
        members = household("dibao_member_count", period).astype(np.int64)
        line = household("marginal_income_line", period).astype(np.int64)
        below = household("dibao_assessed_income", period) < line * members
        return (
            (members >= 1)
            & below
            & household("assets_within_limits", period)
            & ~household("dibao_household_eligible", period)
            & ~household("dibao_phase_out", period)
            & ~household("tekun_eligible", period)
        )


VARIABLES = (marginal_income_line, marginal_household_eligible)
