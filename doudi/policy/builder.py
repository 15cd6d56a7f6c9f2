"""Build an OpenFisca simulation straight from numpy arrays (one household or a million).

Why not `SimulationBuilder.build_from_entities`: building from nested situation dicts is
quadratic in the number of households (LIBRARIES.md: 10k households took 16 s). Here the
populations are laid out directly: persons point to their household by index, and every input
is one array per variable. `evaluate` uses this same path for a single household.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import numpy as np
from numpy.typing import NDArray
from openfisca_core import periods
from openfisca_core.simulations import Simulation
from openfisca_core.taxbenefitsystems import TaxBenefitSystem

from doudi.policy import codes
from doudi.policy.money import yuan_to_fen
from doudi.policy.situation import Member, Situation

REQUIRED_PERSON_INPUTS = ("birth_date",)
REQUIRED_HOUSEHOLD_INPUTS = ("region",)


def build_simulation(
    system: TaxBenefitSystem,
    month: str,
    *,
    persons: Mapping[str, NDArray[np.generic]],
    households: Mapping[str, NDArray[np.generic]],
    household_of_person: NDArray[np.integer],
    is_head: NDArray[np.bool_] | None = None,
) -> Simulation:
    """A simulation of `len(households["region"])` households for one month.

    Args:
        system: the tax-benefit system (possibly a what-if copy).
        month: 'YYYY-MM'.
        persons: person variable name → array (one value per person). Missing inputs take the
            variable's default (0 / False); `birth_date` is required (datetime64[D]).
        households: household variable name → array (one per household); `region` is required.
            Any household variable may be given, including resolved standards such as
            `dibao_standard` (an override or a local standard), which then replaces its formula.
        household_of_person: for each person, the index of their household (0 … n-1).
        is_head: for each person, True for the head of household (role `head`).

    Raises:
        ValueError: an unknown variable, a variable of the wrong entity, or a wrong array length.
    """
    household_of_person = np.asarray(household_of_person, dtype=np.int64)
    _check_membership(household_of_person, len(households["region"]))
    for name in REQUIRED_PERSON_INPUTS:
        if name not in persons:
            raise ValueError(f"缺少个人输入 {name}")
    simulation = Simulation(
        system, _populations(system, len(households["region"]), household_of_person, is_head)
    )
    _set_inputs(simulation, month, "person", persons, len(household_of_person))
    _set_inputs(simulation, month, "household", households, len(households["region"]))
    return simulation


def build_household_simulation(
    system: TaxBenefitSystem, month: str, *, households: Mapping[str, NDArray[np.generic]]
) -> Simulation:
    """A simulation of households without members, for the variables that read only household
    inputs and parameters (the place-dependent standards of `variables/regional_values.py`).

    Raises:
        ValueError: as `build_simulation`.
    """
    no_persons = np.zeros(0, dtype=np.int64)
    simulation = Simulation(
        system, _populations(system, len(households["region"]), no_persons, None)
    )
    _set_inputs(simulation, month, "household", households, len(households["region"]))
    return simulation


def _check_membership(household_of_person: NDArray[np.int64], household_count: int) -> None:
    if len(household_of_person) and (
        household_of_person.min() < 0 or household_of_person.max() >= household_count
    ):
        raise ValueError("household_of_person 超出家庭数量范围")
    if np.bincount(household_of_person, minlength=household_count).min(initial=1) == 0:
        raise ValueError("每个家庭至少要有一名成员")


def _populations(
    system: TaxBenefitSystem,
    household_count: int,
    household_of_person: NDArray[np.int64],
    is_head: NDArray[np.bool_] | None,
) -> dict[str, Any]:
    """The person and household populations, laid out directly (persons point to households)."""
    populations = system.instantiate_entities()
    person_population = populations["person"]
    person_population.count = len(household_of_person)
    person_population.ids = np.arange(len(household_of_person))
    household_population = populations["household"]
    household_population.count = household_count
    household_population.ids = np.arange(household_count)
    household_population.members_entity_id = household_of_person
    if is_head is not None:
        entity = household_population.entity
        head, member = entity.HEAD, entity.MEMBER  # type: ignore[attr-defined]
        household_population.members_role = np.where(np.asarray(is_head, dtype=bool), head, member)
    return populations


def _set_inputs(
    simulation: Simulation,
    month: str,
    entity_key: str,
    values: Mapping[str, NDArray[np.generic]],
    count: int,
) -> None:
    """Each array as the input of its variable for the month (`birth_date` for all time)."""
    period = periods.period(month)
    for name, array in values.items():
        variable = simulation.tax_benefit_system.get_variable(name)
        if variable is None or variable.entity.key != entity_key:
            raise ValueError(f"未知的{entity_key}变量：{name}")
        array = np.asarray(array)
        if len(array) != count:
            raise ValueError(f"{name} 的长度应为 {count}，实际为 {len(array)}")
        input_period = periods.period(periods.ETERNITY) if name == "birth_date" else period
        simulation.set_input(name, input_period, array.astype(variable.dtype, copy=False))


def _fen(amount: Decimal) -> int:
    return yuan_to_fen(amount)


def situation_arrays(
    situation: Situation,
) -> tuple[dict[str, NDArray[Any]], dict[str, NDArray[Any]]]:
    """The situation as input arrays (persons in member order, one household)."""
    persons: dict[str, list[Any]] = {name: [] for name in _PERSON_COLUMNS}
    for member in situation.members:
        row = _person_inputs(member)
        for name in _PERSON_COLUMNS:
            persons[name].append(row[name])
    return (
        {name: np.array(values) for name, values in persons.items()},
        {name: np.array([value]) for name, value in _household_inputs(situation).items()},
    )


def _person_inputs(member: Member) -> dict[str, Any]:
    """One member's input variables: incomes summed by type in fen, unstable wages apart."""
    sums = dict.fromkeys(codes.INCOME_TYPES, 0)
    unstable, has_unstable = 0, False
    for income in member.incomes:
        if income.type == "wage" and not income.stable:
            unstable += _fen(income.monthly)
            has_unstable = True
        else:
            sums[income.type] += _fen(income.monthly)
    return {
        "birth_date": np.datetime64(member.birth_date, "D"),
        "counted": member.counted,
        "labour_capacity": member.labour_capacity,
        "schooling": codes.SCHOOLING[member.in_school],
        "disability_type": codes.DISABILITY_TYPES[member.disability.type]
        if member.disability
        else 0,
        "disability_grade": member.disability.grade if member.disability else 0,
        "serious_illness": member.serious_illness,
        "self_care_failed_items": member.self_care_failed_items,
        **{f"income_{key}": sums[key] for key in codes.COUNTED_INCOME_TYPES},
        "income_wage_unstable": unstable,
        "unstable_work": has_unstable,
        "income_basic_pension": sums[codes.BASIC_PENSION],
        "income_excluded": sum(sums[key] for key in codes.EXCLUDED_INCOME_TYPES),
        "supporters_unable": member.tekun.supporters_unable,
        "tekun_centralised": member.tekun.centralised,
        "tekun_recognised": member.tekun.recognised,
        "orphan_kind": codes.ORPHAN_KINDS[member.orphan.kind] if member.orphan else 0,
        "orphan_institution": bool(member.orphan and member.orphan.institution),
        "chooses_orphan_scheme": bool(member.orphan and member.orphan.chooses_orphan_scheme),
    }


def _household_inputs(situation: Situation) -> dict[str, Any]:
    """The household's input variables: region, assets, expenses, phase-out and the request."""
    phase_out, temporary, assets, expenses = (
        situation.phase_out,
        situation.temporary,
        situation.assets,
        situation.expenses,
    )
    return {
        "region": int(situation.region),
        "financial_assets": _fen(assets.financial),
        "vehicles": assets.vehicles,
        "real_estate": assets.real_estate,
        "business_registrations": assets.business_registrations,
        "medical_expenses_12m": _fen(expenses.medical_12m),
        "education_expenses_12m": _fen(expenses.education_12m),
        "rehabilitation_expenses_12m": _fen(expenses.rehabilitation_12m),
        "previously_dibao": phase_out is not None,
        "months_since_dibao_exit": phase_out.months_since_exit if phase_out else 0,
        "previous_dibao_amount": _fen(phase_out.previous_amount) if phase_out else 0,
        "phase_out_difficulty": bool(phase_out and phase_out.still_in_difficulty),
        "temporary_kind": codes.TEMPORARY_KINDS[temporary.kind] if temporary else 0,
        "temporary_requested": _fen(temporary.requested) if temporary else 0,
        "temporary_repeat_within_year": bool(temporary and temporary.repeat_within_year),
        "temporary_repeat_justified": bool(temporary and temporary.repeat_justification),
    }


_PERSON_COLUMNS = (
    "birth_date",
    "counted",
    "labour_capacity",
    "schooling",
    "disability_type",
    "disability_grade",
    "serious_illness",
    "self_care_failed_items",
    *(f"income_{key}" for key in codes.COUNTED_INCOME_TYPES),
    "income_wage_unstable",
    "unstable_work",
    "income_basic_pension",
    "income_excluded",
    "supporters_unable",
    "tekun_centralised",
    "tekun_recognised",
    "orphan_kind",
    "orphan_institution",
    "chooses_orphan_scheme",
)
