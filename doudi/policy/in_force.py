"""The parameters in force for a place and a month, and where each value comes from.

`parameters_in_force(region, month)` is the one way to read them: every named parameter
(`catalogue.py`) with exactly the value `evaluate` records for a household of that county in that
month. Place-dependent names are resolved as for a household — county → city → `default` → the
variable's fallback rule (e.g. the provincial floor ÷ 12) — after the local standards of a
`StandardsProvider`, which is asked for the county, then the city; the first value found replaces
the YAML value. `evaluate` uses the same steps (`parameter_setup`, `standards_missing`,
`in_force_record`) for the household it decides.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Protocol

import numpy as np
from numpy.typing import NDArray
from openfisca_core.errors import ParameterNotFoundError
from openfisca_core.parameters import Parameter, ParameterNode
from openfisca_core.taxbenefitsystems import TaxBenefitSystem

from doudi.policy.builder import build_household_simulation
from doudi.policy.catalogue import (
    ParameterEntry,
    ParameterSource,
    split_overrides,
    system_and_catalogue,
)
from doudi.policy.parser import check_place_and_month
from doudi.policy.regional import ValueInForce, city_code, is_regional, resolve, value_in_force
from doudi.policy.situation import Problem, SituationError
from doudi.policy.system import find_parameter, with_parameter_values

FROM_PARAMETERS = "parameters"
FROM_OVERRIDE = "override"
LOCAL_PREFIX = "local:"


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


@dataclass(frozen=True, slots=True)
class ParameterInForce:
    """One named parameter in force for a place and month.

    Attributes:
        value: the recorded string, exactly as in `Evaluation.parameters` ("880.00", "0.25",
            "24", "true").
        origin: "parameters" (the parameter files), "override" (the evaluation's what-if) or
            "local:<code>" (the `StandardsProvider`'s value for that county or city code).
        source: the dated parameter-file value it is (date, region key, label, note, demo flag);
            None when it is not one file value: an override, a local standard, or a value
            computed by the variable's rule (the monthly minimum wage of the tier, or a
            fallback such as the provincial floor ÷ 12, whose inputs have their own names).
    """

    value: str
    origin: str = FROM_PARAMETERS
    source: ValueInForce | None = None

    @property
    def is_demo(self) -> bool:
        """The parameter file marks this value `demo_value: true` (a stand-in for a [GAP])."""
        return self.source is not None and self.source.is_demo


@dataclass(frozen=True)
class ParameterSetup:
    """The parameters one place and month are evaluated with.

    `system` reads the scalar overrides; `given` holds the household variables set by overrides
    and local standards (fen for yuan units), which replace their formulas; `origins` says where
    each name not read from the files came from ("override", "local:<code>").
    """

    system: TaxBenefitSystem
    catalogue: Mapping[str, ParameterEntry]
    given: Mapping[str, int]
    origins: Mapping[str, str]

    @property
    def regional_variables(self) -> tuple[str, ...]:
        return tuple(entry.variable for entry in self.catalogue.values() if entry.variable)


def parameter_setup(
    system: TaxBenefitSystem,
    catalogue: Mapping[str, ParameterEntry],
    *,
    region: str | None,
    month: str,
    overrides: Mapping[str, Any],
    local_standards: StandardsProvider | None,
) -> ParameterSetup:
    """Overrides first, then the provider's local standards for the names not overridden.

    Raises:
        SituationError: the provider gave a value its parameter cannot take.
    """
    scalars, given = split_overrides(catalogue, overrides)
    origins = dict.fromkeys(overrides, FROM_OVERRIDE)
    if local_standards is not None and region is not None:
        _ask_provider(local_standards, catalogue, region, month, given, origins)
    if scalars:
        system = with_parameter_values(system, scalars, month)
    return ParameterSetup(system, catalogue, given, origins)


def _ask_provider(
    provider: StandardsProvider,
    catalogue: Mapping[str, ParameterEntry],
    region: str,
    month: str,
    given: dict[str, int],
    origins: dict[str, str],
) -> None:
    for name, entry in catalogue.items():
        if not entry.variable or name in origins:
            continue
        for code in (region, city_code(region)):
            value = provider.lookup(name, code, month)
            if value is None:
                continue
            if isinstance(value, Decimal):
                value = f"{value:.2f}" if entry.is_yuan else format(value.normalize(), "f")
            try:
                given[entry.variable] = entry.parse_variable(value)
            except ValueError as error:
                problem = Problem(f"local_standards[{name!r}]", f"{code}：{error}")
                raise SituationError([problem]) from error
            origins[name] = f"{LOCAL_PREFIX}{code}"
            break


def earliest(parameter: Any) -> str:
    """The first date a dated parameter has a value ('—' for none), for messages."""
    return parameter.values_list[-1].instant_str if parameter.values_list else "—"


def standards_missing(setup: ParameterSetup, region: str, month: str) -> list[Problem]:
    """The place's standards that have no value in force in the month (the minimum wage and the
    dibao standard), so that the caller hears why rather than a KeyError."""
    system, instant = setup.system, f"{month}-01"
    problems = []
    if "minimum_wage" not in setup.given:
        tier = find_parameter(system, "minimum_wage.monthly.tier_1")
        if isinstance(tier, Parameter) and value_in_force(tier, instant) is None:
            problems.append(
                Problem(
                    "month", f"{month} 没有在用的最低工资标准（最早记录自 {earliest(tier)} 起）"
                )
            )
    if "dibao_standard" not in setup.given:
        node = find_parameter(system, "dibao.standard")
        floor = find_parameter(system, "dibao.provincial_floor")
        local = resolve(node, region, instant) if isinstance(node, ParameterNode) else None
        floor_value = value_in_force(floor, instant) if isinstance(floor, Parameter) else None
        if local is None and floor_value is None:
            problems.append(
                Problem(
                    "month",
                    f"{month} 地区 {region} 没有在用的低保标准，省定低保最低标准最早记录自 "
                    f"{earliest(floor) if floor is not None else '—'} 起",
                )
            )
    return problems


def regional_values(
    system: TaxBenefitSystem,
    month: str,
    *,
    regions: NDArray[np.integer],
    given: Mapping[str, int],
    variables: Sequence[str],
) -> dict[str, NDArray[Any]]:
    """The place-dependent household variables for each county code in `regions`, computed by the
    variables themselves (`variables/regional_values.py`), with `given` replacing their formulas.

    Raises:
        ValueError: a parameter they read has no value yet in the month.
    """
    households = {
        "region": regions,
        **{name: np.full(len(regions), v) for name, v in given.items()},
    }
    simulation = build_household_simulation(system, month, households=households)
    try:
        return {name: simulation.calculate(name, month) for name in variables}
    except ParameterNotFoundError as error:
        raise ValueError(f"{month} 早于参数 {error.name} 的起始日期，没有在用的值") from error


def in_force_record(
    setup: ParameterSetup, household: Mapping[str, Any], *, region: str | None, month: str
) -> dict[str, ParameterInForce]:
    """Every named parameter in force, from the household's resolved variables (`household`) for
    the place-dependent names (left out when `region` is None) and from the system for the rest."""
    instant = f"{month}-01"
    found = {}
    for name, entry in setup.catalogue.items():
        origin = setup.origins.get(name, FROM_PARAMETERS)
        if entry.variable:
            if region is None or household[entry.variable] < 0:  # -1: none (tekun totals)
                continue
            source = _regional_source(setup.system, name, region, instant)
            value = entry.format_variable(household[entry.variable])
        else:
            parameter = find_parameter(setup.system, name)
            source = (
                value_in_force(parameter, instant) if isinstance(parameter, Parameter) else None
            )
            if source is None:
                continue
            value = entry.format(source.value)
        found[name] = ParameterInForce(value, origin, source if origin == FROM_PARAMETERS else None)
    return found


def _regional_source(
    system: TaxBenefitSystem, name: str, region: str, instant: str
) -> ValueInForce | None:
    node = find_parameter(system, name)
    if isinstance(node, ParameterNode) and is_regional(node):
        return resolve(node, region, instant)
    return None


def parameters_in_force(
    region: str | None,
    month: str,
    *,
    area_type: str = "",
    local_standards: StandardsProvider | None = None,
    parameters: ParameterSource = None,
) -> dict[str, ParameterInForce]:
    """Every named parameter in force for a county in a month, as `evaluate` records it.

    Args:
        region: a 6-digit Fujian county code, as a situation's `region`; None for the province
            as a whole: only the names that do not depend on the place.
        month: 'YYYY-MM'; a value is the one in force on the first day of the month.
        area_type: 'urban', 'rural' or '' as in a situation. The parameter files are the same for
            both (城乡统一); the area type matters through `local_standards` (on the platform,
            `DatabaseStandards` is built for one area type).
        local_standards: a `StandardsProvider` for place-dependent values, as for `evaluate`.
        parameters: another parameter tree, as for `evaluate`.

    Returns:
        name → `ParameterInForce` (value string, origin, dated source with its demo flag), in
        catalogue order; `{n: p.value for n, p in result.items()}` equals `Evaluation.parameters`
        of any household of that county and month evaluated the same way.

    Raises:
        SituationError: a bad region, month or area type, a bad local standard, or a month in
            which the county has no minimum wage or dibao standard (the messages of `evaluate`).

    Examples:
        >>> in_force = parameters_in_force("350102", "2023-03")
        >>> in_force["dibao.standard"].value, in_force["dibao.standard"].is_demo
        ('880.00', True)
    """
    check_place_and_month(region=region, month=month, area_type=area_type)
    if local_standards is None and parameters is None:
        return dict(_packaged_in_force(region, month))
    return _in_force(region, month, local_standards, parameters)


@functools.lru_cache(maxsize=4096)
def _packaged_in_force(region: str | None, month: str) -> Mapping[str, ParameterInForce]:
    """The packaged tree never changes within a process: a place and month are resolved once."""
    return _in_force(region, month, None, None)


def _in_force(
    region: str | None,
    month: str,
    local_standards: StandardsProvider | None,
    parameters: ParameterSource,
) -> dict[str, ParameterInForce]:
    system, catalogue = system_and_catalogue(parameters)
    setup = parameter_setup(
        system, catalogue, region=region, month=month, overrides={}, local_standards=local_standards
    )
    if region is None:
        return in_force_record(setup, {}, region=None, month=month)
    problems = standards_missing(setup, region, month)
    if problems:
        raise SituationError(problems)
    try:
        values = regional_values(
            setup.system,
            month,
            regions=np.array([int(region)]),
            given=setup.given,
            variables=setup.regional_variables,
        )
    except ValueError as error:
        raise SituationError([Problem("month", str(error))]) from error
    household = {name: array[0].item() for name, array in values.items()}
    return in_force_record(setup, household, region=region, month=month)
