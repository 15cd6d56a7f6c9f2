"""OpenFisca variables, one module per programme; `ALL_VARIABLES` is what the system loads."""

from __future__ import annotations

from doudi.policy.variables import (
    assets,
    dibao,
    dibao_coverage,
    disability,
    income,
    inputs,
    marginal,
    orphan,
    regional_values,
    rigid_expenditure,
    tekun,
    temporary,
)

ALL_VARIABLES = (
    *inputs.VARIABLES,
    *regional_values.VARIABLES,
    *income.VARIABLES,
    *assets.VARIABLES,
    *tekun.VARIABLES,
    *dibao.VARIABLES,
    *dibao_coverage.VARIABLES,
    *marginal.VARIABLES,
    *rigid_expenditure.VARIABLES,
    *temporary.VARIABLES,
    *disability.VARIABLES,
    *orphan.VARIABLES,
)
