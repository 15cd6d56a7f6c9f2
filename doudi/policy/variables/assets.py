"""Household size and the asset test shared by dibao, tekun, marginal and rigid-expenditure.

The asset limits are local and Fujian's are a [GAP] (POLICY.md §2.5); the demo rule set follows
Xiamen and Shenzhen. One rule set serves every programme (a documented simplification: the
parameter tree can be split by programme when local documents differ).
"""

from __future__ import annotations

import numpy as np
from openfisca_core.model_api import MONTH, Variable

from doudi.policy import sources
from doudi.policy.entities import Household


class counted_member_count(Variable):
    """Number of members counted as 共同生活家庭成员 (民发〔2021〕57号 第七条)."""

    value_type = int
    entity = Household
    definition_period = MONTH
    label = "共同生活家庭成员人数"
    reference = [sources.DIBAO_RULES_ART_7]

    def formula(household, period, parameters):
        return household.sum(household.members("counted", period)).astype(np.int64)


class financial_assets_limit(Variable):
    """Maximum household financial assets (fen): months × dibao standard × counted members.

    Rule: per-capita financial assets ≤ N months of the local standard (N from
    assets.financial_months by region: Xiamen 48 [V3], default 24 demo).
    """

    value_type = int
    entity = Household
    definition_period = MONTH
    label = "家庭金融资产上限（分）"
    reference = [sources.DIBAO_RULES_ASSETS]

    def formula(household, period, parameters):
        months = household("asset_financial_months", period).astype(np.int64)
        standard = household("dibao_standard", period).astype(np.int64)
        return months * standard * household("counted_member_count", period)


class assets_within_limits(Variable):
    """The household's assets meet the local rules (社会救助暂行办法 第九条、第十条).

    Rule (demo, [GAP] for Fujian): financial assets within `financial_assets_limit`; at most
    assets.vehicles_max motor vehicles (disabled mobility vehicles, motorcycles and e-bikes are
    not declared); at most assets.real_estate_max dwellings; at most
    assets.business_registrations_max business registrations.
    """

    value_type = bool
    entity = Household
    definition_period = MONTH
    label = "家庭财产符合规定"
    reference = [sources.INTERIM_MEASURES_ART_9, sources.DIBAO_RULES_ASSETS]

    def formula(household, period, parameters):
        p = parameters(period).assets
        return (
            (household("financial_assets", period) <= household("financial_assets_limit", period))
            & (household("vehicles", period) <= p.vehicles_max)
            & (household("real_estate", period) <= p.real_estate_max)
            & (household("business_registrations", period) <= p.business_registrations_max)
        )


VARIABLES = (counted_member_count, financial_assets_limit, assets_within_limits)
