"""孤儿、事实无人抚养儿童基本生活保障 (orphan and unsupported-child allowance)."""

from __future__ import annotations

import numpy as np
from openfisca_core.model_api import MONTH, Variable

from doudi.policy import sources
from doudi.policy.entities import Household, Person
from doudi.policy.money import yuan_value_to_fen


class orphan_person_amount(Variable):
    """Monthly allowance of an orphan or unsupported child under 18 (fen).

    Rule: the provincial minimum upbringing standard, 集中养育 (institution) or 社会散居
    (community), indexed every 1 July [V3]: 2,100 / 1,700 (start date [GAP], taken as 2023-07-01
    [I]), 2,213 / 1,792 from 2024-07-01, 2,335 / 1,891 from 2025-07-01. Unsupported children and
    children living with HIV receive the orphan standard. A minor who is tekun (did not choose the
    orphan scheme) is not paid here. No standard is recorded before 2023-07: the variable has no
    formula then, and `evaluate` refuses such a month for a household with an orphan.
    """

    value_type = int
    entity = Person
    definition_period = MONTH
    label = "孤儿基本生活费（分/月）"
    reference = [sources.ORPHAN_FUJIAN]

    def formula_2023_07(person, period, parameters):
        p = parameters(period).orphan
        eligible = (
            person("counted", period)
            & (person("orphan_kind", period) > 0)
            & (person("age", period) < p.maximum_age)
            & ~person("is_tekun", period)
        )
        institution = int(yuan_value_to_fen(p.institution))
        community = int(yuan_value_to_fen(p.community))
        amount = np.where(person("orphan_institution", period), institution, community)
        return np.where(eligible, amount, 0)


class orphan_amount(Variable):
    """Household total of orphan allowances (fen per month)."""

    value_type = int
    entity = Household
    definition_period = MONTH
    label = "孤儿基本生活费合计（分/月）"

    def formula(household, period, parameters):
        return household.sum(household.members("orphan_person_amount", period)).astype(np.int64)


VARIABLES = (orphan_person_amount, orphan_amount)
