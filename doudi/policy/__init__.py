"""Doudi's rules as code (no Django): given a household, a month and parameters, decide every
social-assistance programme — whether it applies, the amount, and why — on OpenFisca-core.

Public API (other contexts import from here; docs/policy.md "Public API")::

    from doudi.policy import evaluate, parameters_in_force, parse_situation
    result = evaluate({"month": "2023-03", "region": "350102", "members": [...]})
    result.to_json()
    parameters_in_force("350102", "2023-03")["dibao.standard"].value  # '880.00'

- one household: `evaluate`, `parse_situation`, `Situation` and its parts, `Evaluation`,
  `ProgrammeResult`, `SituationError` / `Problem`;
- many households: `evaluate_batch`, `CORE_OUTPUTS`, `ALL_OUTPUTS`;
- parameters: `parameters_in_force` / `ParameterInForce`, `StandardsProvider`, `DatedStandards`,
  `default_catalogue` / `ParameterEntry`, `rule_version`;
- simulation of a change of standards: `read_population`, `population_from_tables`,
  `Population`, `PopulationError`, `Proposal`, `DibaoStandardRule`, `simulate`,
  `SimulationError`, `SimulationReport` and its rows, and the report's `yuan` / `percent`;
- the vocabulary (programmes, relations, income types, …): the public submodule `codes`.

Every other module is internal to the package.
"""

from __future__ import annotations

from doudi.policy import codes
from doudi.policy.catalogue import ParameterEntry, default_catalogue
from doudi.policy.evaluate import ALL_OUTPUTS, CORE_OUTPUTS, evaluate, evaluate_batch
from doudi.policy.in_force import (
    DatedStandards,
    ParameterInForce,
    StandardsProvider,
    parameters_in_force,
)
from doudi.policy.parser import parse_situation
from doudi.policy.population import (
    HOUSEHOLDS_FILE,
    PERSONS_FILE,
    Population,
    PopulationError,
    population_from_tables,
    read_population,
)
from doudi.policy.results import Evaluation, ProgrammeResult
from doudi.policy.simulation import (
    ROUNDING_LABELS,
    SEED_TARGET_SHARE,
    DibaoStandardRule,
    Proposal,
    SimulationError,
    simulate,
)
from doudi.policy.simulation_report import (
    CountyCost,
    CountyStandard,
    ProgrammeChange,
    SimulationReport,
    percent,
    yuan,
)
from doudi.policy.situation import (
    Assets,
    Disability,
    Expenses,
    Income,
    Member,
    OrphanOptions,
    PhaseOut,
    Problem,
    Situation,
    SituationError,
    TekunOptions,
    Temporary,
)
from doudi.policy.system import rule_version

__all__ = [
    "ALL_OUTPUTS",
    "CORE_OUTPUTS",
    "HOUSEHOLDS_FILE",
    "PERSONS_FILE",
    "ROUNDING_LABELS",
    "SEED_TARGET_SHARE",
    "Assets",
    "CountyCost",
    "CountyStandard",
    "DatedStandards",
    "DibaoStandardRule",
    "Disability",
    "Evaluation",
    "Expenses",
    "Income",
    "Member",
    "OrphanOptions",
    "ParameterEntry",
    "ParameterInForce",
    "PhaseOut",
    "Population",
    "PopulationError",
    "Problem",
    "ProgrammeChange",
    "ProgrammeResult",
    "Proposal",
    "SimulationError",
    "SimulationReport",
    "Situation",
    "SituationError",
    "StandardsProvider",
    "TekunOptions",
    "Temporary",
    "codes",
    "default_catalogue",
    "evaluate",
    "evaluate_batch",
    "parameters_in_force",
    "parse_situation",
    "percent",
    "population_from_tables",
    "read_population",
    "rule_version",
    "simulate",
    "yuan",
]
