"""Turn computed values into a decision per programme, with reasons in Chinese.

Each programme has one writer; they read the same `Context` (facts of one household).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from doudi.policy.explain.benefits import (
    explain_disability_care,
    explain_disability_living,
    explain_orphan,
    explain_temporary,
)
from doudi.policy.explain.context import Context
from doudi.policy.explain.dibao import explain_dibao
from doudi.policy.explain.statuses import explain_marginal, explain_rigid
from doudi.policy.explain.tekun import explain_tekun
from doudi.policy.results import ProgrammeResult

WRITERS: Mapping[str, Callable[[Context], ProgrammeResult]] = {
    "dibao": explain_dibao,
    "tekun": explain_tekun,
    "marginal_household": explain_marginal,
    "rigid_expenditure_household": explain_rigid,
    "temporary_assistance": explain_temporary,
    "disability_living_subsidy": explain_disability_living,
    "disability_care_subsidy": explain_disability_care,
    "orphan": explain_orphan,
}

# The variables the writers read, computed once per evaluation.
HOUSEHOLD_FACTS = (
    "dibao_standard",
    "minimum_wage",
    "minimum_wage_tier",
    "counted_member_count",
    "dibao_member_count",
    "dibao_gross_income",
    "dibao_employment_deduction",
    "rigid_expense_deduction",
    "dibao_assessed_income",
    "dibao_income_below_standard",
    "asset_financial_months",
    "financial_assets_limit",
    "assets_within_limits",
    "dibao_household_eligible",
    "dibao_gap_amount",
    "dibao_phase_out",
    "dibao_phase_out_amount",
    "dibao_eligible",
    "dibao_amount",
    "tekun_eligible",
    "tekun_amount",
    "marginal_income_line",
    "marginal_household_eligible",
    "rigid_expenses_12m",
    "below_disposable_income",
    "rigid_expenditure_household_eligible",
    "temporary_assistance_cap",
    "temporary_assistance_eligible",
    "temporary_assistance_amount",
    "temporary_requires_county_approval",
    "disability_income_band",
    "disability_living_subsidy_standard",
    "disability_living_subsidy_amount",
    "disability_care_subsidy_amount",
    "orphan_amount",
)
PERSON_FACTS = (
    "age",
    "is_severely_disabled",
    "assessed_wage_income",
    "counted_income",
    "employment_cost_deduction",
    "assessed_income",
    "tekun_no_labour_capacity",
    "is_tekun",
    "self_care_level",
    "tekun_basic_standard",
    "tekun_care_standard",
    "tekun_local_total",
    "tekun_person_amount",
    "dibao_member",
    "individual_coverage",
    "individual_coverage_amount",
    "category_supplement",
    "dibao_covered",
    "disability_living_subsidy_person",
    "disability_care_subsidy_person",
    "orphan_person_amount",
)


def explain(context: Context, programmes: tuple[str, ...]) -> dict[str, ProgrammeResult]:
    """The results of the requested programmes, in `codes.PROGRAMMES` order."""
    return {key: WRITERS[key](context) for key in programmes}


__all__ = ["HOUSEHOLD_FACTS", "PERSON_FACTS", "Context", "explain"]
