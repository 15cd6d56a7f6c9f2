"""Doudi's rules as code (no Django): given a household, a month and parameters, decide every
social-assistance programme — whether it applies, the amount, and why — on OpenFisca-core.

Public API::

    from doudi.policy import evaluate, parse_situation
    result = evaluate({"month": "2023-03", "region": "350102", "members": [...]})
    result.to_json()

See docs/policy.md for the situation format, the parameters and the decisions on gaps.
"""

from __future__ import annotations

from doudi.policy.evaluate import (
    ALL_OUTPUTS,
    CORE_OUTPUTS,
    DatedStandards,
    StandardsProvider,
    default_catalogue,
    evaluate,
    evaluate_batch,
)
from doudi.policy.parser import parse_situation
from doudi.policy.results import Evaluation, ProgrammeResult
from doudi.policy.situation import Problem, Situation, SituationError
from doudi.policy.system import rule_version

__all__ = [
    "ALL_OUTPUTS",
    "CORE_OUTPUTS",
    "DatedStandards",
    "Evaluation",
    "Problem",
    "ProgrammeResult",
    "Situation",
    "SituationError",
    "StandardsProvider",
    "default_catalogue",
    "evaluate",
    "evaluate_batch",
    "parse_situation",
    "rule_version",
]
