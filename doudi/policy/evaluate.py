"""Evaluate a household (with reasons) or a million households (vectorised), purely.

`evaluate` turns one situation into an `Evaluation`: per programme whether it applies, the amount
and why, plus the rule version and every parameter value used. `evaluate_batch` runs the same
OpenFisca variables on numpy arrays for whole caseloads, without reasons.

Local standards: the Django side can pass a `StandardsProvider` (e.g. backed by DB-held county
standards). For each place-dependent name it is asked for the county, then the city; the first
value found replaces the YAML value (county → city → YAML county → YAML city → provincial floor).
The parameters are set up and recorded as by `parameters_in_force` (`in_force.py`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray
from openfisca_core.errors import ParameterNotFoundError
from openfisca_core.parameters import Parameter
from openfisca_core.taxbenefitsystems import TaxBenefitSystem

from doudi.policy.builder import build_simulation, situation_arrays
from doudi.policy.catalogue import ParameterSource, system_and_catalogue
from doudi.policy.explain import HOUSEHOLD_FACTS, PERSON_FACTS, Context, explain
from doudi.policy.in_force import (
    ParameterSetup,
    StandardsProvider,
    earliest,
    in_force_record,
    parameter_setup,
    standards_missing,
)
from doudi.policy.parser import parse_situation
from doudi.policy.regional import value_in_force
from doudi.policy.results import Evaluation
from doudi.policy.situation import Problem, Situation, SituationError
from doudi.policy.system import find_parameter, rule_version

_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


def evaluate(
    situation: Situation | Mapping[str, Any],
    *,
    parameters: ParameterSource = None,
    local_standards: StandardsProvider | None = None,
) -> Evaluation:
    """Decide every programme for one household in one month.

    Args:
        situation: a `Situation`, or its JSON form (parsed strictly, see `parse_situation`).
        parameters: another parameter tree (a `ParameterNode` or a directory of YAML files);
            default: the packaged `doudi/policy/parameters`.
        local_standards: a `StandardsProvider` for place-dependent values (default: YAML only).

    Returns:
        The `Evaluation`; `Evaluation.to_json()` is its JSON form.

    Raises:
        SituationError: the situation is invalid, or a standard it needs is not in force in the
            month for the region (all problems are listed).

    Examples:
        >>> result = evaluate({"month": "2023-03", "region": "350102", "members": [
        ...     {"id": "m1", "relation": "head", "birth_date": "1960-01-01", "counted": True}]})
        >>> result.programmes["dibao"].amount
        Decimal('880.00')
    """
    system, catalogue = system_and_catalogue(parameters)
    if not isinstance(situation, Situation):
        situation = parse_situation(situation, known_parameters=catalogue)
    month, region = situation.month, situation.region
    setup = parameter_setup(
        system,
        catalogue,
        region=region,
        month=month,
        overrides=situation.overrides,
        local_standards=local_standards,
    )
    problems = standards_missing(setup, region, month) + _orphan_standard_missing(setup, situation)
    if problems:
        raise SituationError(problems)
    household, person_facts = _facts(setup, situation)
    context = Context(situation, setup.system, catalogue, household, person_facts, setup.origins)
    in_force = in_force_record(setup, household, region=region, month=month)
    return Evaluation(
        month=month,
        region=region,
        rule_version=rule_version(),
        parameters={name: parameter.value for name, parameter in in_force.items()},
        programmes=explain(context, situation.programmes),
    )


def _facts(
    setup: ParameterSetup, situation: Situation
) -> tuple[dict[str, Any], dict[str, list[Any]]]:
    """The household's computed facts (with its resolved standards) and each member's."""
    month = situation.month
    persons, households = situation_arrays(situation)
    households.update({name: np.array([value]) for name, value in setup.given.items()})
    simulation = build_simulation(
        setup.system,
        month,
        persons=persons,
        households=households,
        household_of_person=np.zeros(len(situation.members), dtype=np.int64),
        is_head=np.array([member.relation == "head" for member in situation.members]),
    )
    try:
        household = {
            name: simulation.calculate(name, month)[0].item()
            for name in (*HOUSEHOLD_FACTS, *setup.regional_variables)
        }
        person_facts = {name: simulation.calculate(name, month).tolist() for name in PERSON_FACTS}
    except ParameterNotFoundError as error:
        raise SituationError(
            [Problem("month", f"{month} 早于参数 {error.name} 的起始日期，没有在用的值")]
        ) from error
    return household, person_facts


def _orphan_standard_missing(setup: ParameterSetup, situation: Situation) -> list[Problem]:
    message = _orphan_message(setup.system, situation.month)
    if message is None:
        return []
    return [
        Problem(f"members[{index}].orphan", message)
        for index, member in enumerate(situation.members)
        if member.orphan is not None
    ]


def _orphan_message(system: TaxBenefitSystem, month: str) -> str | None:
    """Why an orphan cannot be evaluated in `month` (no orphan standard yet), or None."""
    orphan = find_parameter(system, "orphan.community")
    if isinstance(orphan, Parameter) and value_in_force(orphan, f"{month}-01") is None:
        return f"{month} 没有在用的孤儿最低养育标准（最早记录自 {earliest(orphan)} 起）"
    return None


CORE_OUTPUTS = (
    "dibao_eligible",
    "dibao_amount",
    "tekun_eligible",
    "tekun_amount",
    "marginal_household_eligible",
)
ALL_OUTPUTS = (
    *CORE_OUTPUTS,
    "rigid_expenditure_household_eligible",
    "temporary_assistance_eligible",
    "temporary_assistance_amount",
    "disability_living_subsidy_amount",
    "disability_care_subsidy_amount",
    "orphan_amount",
)


def evaluate_batch(
    month: str,
    *,
    persons: Mapping[str, NDArray[Any]],
    households: Mapping[str, NDArray[Any]],
    household_of_person: NDArray[np.integer],
    is_head: NDArray[np.bool_] | None = None,
    parameters: ParameterSource = None,
    outputs: Sequence[str] = CORE_OUTPUTS,
) -> dict[str, NDArray[Any]]:
    """Decide many households at once from arrays (no reasons), e.g. a whole province.

    Args:
        month: 'YYYY-MM'.
        persons: input variable → array per person (names as in `variables/inputs.py`, e.g.
            `birth_date` (datetime64[D], required), `counted`, `income_wage` (fen), …).
        households: input variable → array per household (`region` as int, required; amounts in
            fen). A resolved standard such as `dibao_standard` may be given per household.
        household_of_person: household index of each person.
        is_head: head-of-household flag per person (optional).
        parameters: another parameter tree, as for `evaluate`.
        outputs: household variables to return (default: the dibao/tekun/marginal core;
            `ALL_OUTPUTS` adds the other programmes).

    Returns:
        output name → array per household (amounts in fen as int32; sum them in int64).

    Raises:
        ValueError: bad month or arrays, or a standard not in force for the month.
    """
    if not _MONTH.match(month):
        raise ValueError(f"月份格式应为 YYYY-MM：{month!r}")
    system, _ = system_and_catalogue(parameters)
    kinds = persons.get("orphan_kind")
    orphan_missing = _orphan_message(system, month) if kinds is not None and np.any(kinds) else None
    if orphan_missing is not None:
        raise ValueError(orphan_missing)
    simulation = build_simulation(
        system,
        month,
        persons=persons,
        households=households,
        household_of_person=household_of_person,
        is_head=is_head,
    )
    try:
        return {name: simulation.calculate(name, month) for name in outputs}
    except ParameterNotFoundError as error:
        raise ValueError(f"{month} 早于参数 {error.name} 的起始日期，没有在用的值") from error
