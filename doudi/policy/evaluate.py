"""Evaluate a household (with reasons) or a million households (vectorised), purely.

`evaluate` turns one situation into an `Evaluation`: per programme whether it applies, the amount
and why, plus the rule version and every parameter value used. `evaluate_batch` runs the same
OpenFisca variables on numpy arrays for whole caseloads, without reasons.

Local standards: the Django side can pass a `StandardsProvider` (e.g. backed by DB-held county
standards). For each place-dependent name it is asked for the county, then the city; the first
value found replaces the YAML value (county → city → YAML county → YAML city → provincial floor).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, Protocol

import numpy as np
from numpy.typing import NDArray
from openfisca_core.errors import ParameterNotFoundError
from openfisca_core.parameters import Parameter, ParameterNode
from openfisca_core.taxbenefitsystems import TaxBenefitSystem

from doudi.policy.builder import build_simulation, situation_arrays
from doudi.policy.catalogue import ParameterEntry, build_catalogue
from doudi.policy.explain import HOUSEHOLD_FACTS, PERSON_FACTS, Context, explain
from doudi.policy.money import yuan_to_fen
from doudi.policy.parser import parse_situation
from doudi.policy.regional import city_code, resolve, value_in_force
from doudi.policy.results import Evaluation
from doudi.policy.situation import Problem, Situation, SituationError
from doudi.policy.system import (
    find_parameter,
    rule_version,
    tax_benefit_system,
    with_parameter_values,
    with_parameters,
)

ParameterSource = ParameterNode | str | Path | None
_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


class StandardsProvider(Protocol):
    """Where local standards held outside the YAML files (the platform's database) come from."""

    def lookup(self, name: str, region: str, month: str) -> Decimal | int | str | None:
        """The value of place-dependent parameter `name` (e.g. 'dibao.standard', yuan) for the
        county or city code `region` ('350102', then '350100') in force in `month` ('YYYY-MM'),
        or None when the provider has none."""


@dataclass(frozen=True)
class DatedStandards:
    """An in-memory `StandardsProvider`: (name, region code) → [(first month, value), …]."""

    entries: Mapping[tuple[str, str], Sequence[tuple[str, Decimal | int | str]]]

    def lookup(self, name: str, region: str, month: str) -> Decimal | int | str | None:
        found = None
        for since, value in sorted(self.entries.get((name, region), ())):
            if since <= month:
                found = value
        return found


@functools.cache
def default_catalogue() -> Mapping[str, ParameterEntry]:
    """The names of the packaged parameter tree (what `overrides` may use)."""
    return build_catalogue(tax_benefit_system().parameters)


def _system(parameters: ParameterSource) -> tuple[TaxBenefitSystem, Mapping[str, ParameterEntry]]:
    base = tax_benefit_system()
    if parameters is None:
        return base, default_catalogue()
    tree = (
        parameters
        if isinstance(parameters, ParameterNode)
        else ParameterNode("", directory_path=str(parameters))
    )
    return with_parameters(base, tree), build_catalogue(tree)


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
    system, catalogue = _system(parameters)
    if not isinstance(situation, Situation):
        situation = parse_situation(situation, known_parameters=catalogue)
    month, region = situation.month, situation.region
    origins: dict[str, str] = {}
    scalars: dict[str, Any] = {}
    given: dict[str, int] = {}
    for name, raw in situation.overrides.items():
        entry = catalogue[name]
        value = entry.parse(raw)
        origins[name] = "override"
        if entry.variable:
            given[entry.variable] = yuan_to_fen(value) if entry.is_yuan else int(value)
        else:
            scalars[name] = float(value) if isinstance(value, Decimal) else value
    if local_standards is not None:
        _ask_provider(local_standards, catalogue, situation, given, origins)
    if scalars:
        system = with_parameter_values(system, scalars, month)
    problems = _standards_missing(system, situation, given)
    if problems:
        raise SituationError(problems)
    persons, households = situation_arrays(situation)
    households.update({name: np.array([value]) for name, value in given.items()})
    simulation = build_simulation(
        system,
        month,
        persons=persons,
        households=households,
        household_of_person=np.zeros(len(situation.members), dtype=np.int64),
        is_head=np.array([member.relation == "head" for member in situation.members]),
    )
    regional = [entry.variable for entry in catalogue.values() if entry.variable]
    try:
        household = {
            name: simulation.calculate(name, month)[0].item()
            for name in (*HOUSEHOLD_FACTS, *regional)
        }
        person_facts = {name: simulation.calculate(name, month).tolist() for name in PERSON_FACTS}
    except ParameterNotFoundError as error:
        raise SituationError(
            [Problem("month", f"{month} 早于参数 {error.name} 的起始日期，没有在用的值")]
        ) from error
    context = Context(situation, system, catalogue, household, person_facts, origins)
    return Evaluation(
        month=month,
        region=region,
        rule_version=rule_version(),
        parameters=_parameters_used(system, catalogue, household, f"{month}-01"),
        programmes=explain(context, situation.programmes),
    )


def _ask_provider(
    provider: StandardsProvider,
    catalogue: Mapping[str, ParameterEntry],
    situation: Situation,
    given: dict[str, int],
    origins: dict[str, str],
) -> None:
    for name, entry in catalogue.items():
        if not entry.variable or name in origins:
            continue
        for code in (situation.region, city_code(situation.region)):
            value = provider.lookup(name, code, situation.month)
            if value is None:
                continue
            if isinstance(value, Decimal):
                value = f"{value:.2f}" if entry.is_yuan else format(value.normalize(), "f")
            try:
                parsed = entry.parse(value)
            except ValueError as error:
                problem = Problem(f"local_standards[{name!r}]", f"{code}：{error}")
                raise SituationError([problem]) from error
            given[entry.variable] = yuan_to_fen(parsed) if entry.is_yuan else int(parsed)
            origins[name] = f"local:{code}"
            break


def _earliest(parameter: Any) -> str:
    return parameter.values_list[-1].instant_str if parameter.values_list else "—"


def _standards_missing(
    system: TaxBenefitSystem, situation: Situation, given: Mapping[str, int]
) -> list[Problem]:
    """The standards this household needs that have no value in force (nicer than a KeyError)."""
    instant = f"{situation.month}-01"
    problems = []
    if "minimum_wage" not in given:
        tier = find_parameter(system, "minimum_wage.monthly.tier_1")
        if isinstance(tier, Parameter) and value_in_force(tier, instant) is None:
            problems.append(
                Problem(
                    "month",
                    f"{situation.month} 没有在用的最低工资标准（最早记录自 {_earliest(tier)} 起）",
                )
            )
    if "dibao_standard" not in given:
        node = find_parameter(system, "dibao.standard")
        floor = find_parameter(system, "dibao.provincial_floor")
        local = (
            resolve(node, situation.region, instant) if isinstance(node, ParameterNode) else None
        )
        floor_value = value_in_force(floor, instant) if isinstance(floor, Parameter) else None
        if local is None and floor_value is None:
            problems.append(
                Problem(
                    "month",
                    f"{situation.month} 地区 {situation.region} 没有在用的低保标准，省定低保最低标准最早记录自 "
                    f"{_earliest(floor) if floor is not None else '—'} 起",
                )
            )
    orphan = find_parameter(system, "orphan.community")
    for index, member in enumerate(situation.members):
        if (
            member.orphan is not None
            and isinstance(orphan, Parameter)
            and value_in_force(orphan, instant) is None
        ):
            problems.append(
                Problem(
                    f"members[{index}].orphan",
                    f"{situation.month} 没有在用的孤儿最低养育标准（最早记录自 {_earliest(orphan)} 起）",
                )
            )
    return problems


def _parameters_used(
    system: TaxBenefitSystem,
    catalogue: Mapping[str, ParameterEntry],
    household: Mapping[str, Any],
    instant: str,
) -> dict[str, str]:
    used = {}
    for name, entry in catalogue.items():
        if entry.variable:
            value = household[entry.variable]
            if value >= 0:
                used[name] = entry.format_variable(value)
            continue
        parameter = find_parameter(system, name)
        found = value_in_force(parameter, instant) if isinstance(parameter, Parameter) else None
        if found is not None:
            used[name] = entry.format(found.value)
    return used


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
    system, _ = _system(parameters)
    orphan = find_parameter(system, "orphan.community")
    kinds = persons.get("orphan_kind")
    if kinds is not None and np.any(kinds) and isinstance(orphan, Parameter):
        if value_in_force(orphan, f"{month}-01") is None:
            raise ValueError(
                f"{month} 没有在用的孤儿最低养育标准（最早记录自 {_earliest(orphan)} 起）"
            )
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
