"""Simulate a change of standards over a whole population before it is made (pure, no Django).

`simulate(population, month=..., proposal=...)` runs `evaluate_batch` twice — the baseline (the
parameters in force that month) and the proposal (new dibao standards by county and/or other
parameter values) — and reports, by county and programme, who enters, who leaves, whose amount
changes and what it costs; and, by county, the dibao standard against the minimum wage (POLICY.md
§8.3: 42–48 %, the seed's target 44 %) and the provincial floor. Money is int64 fen throughout;
yuan appear only as Decimal in the report. What is proposed is `simulation_proposal.py`, what
comes back `simulation_report.py`. See docs/policy.md ("Simulation").
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

import numpy as np
from numpy.typing import NDArray
from openfisca_core.parameters import Parameter, ParameterNode

from doudi.core import divisions
from doudi.policy.catalogue import default_catalogue, split_overrides
from doudi.policy.codes import PROGRAMMES as PROGRAMME_LABELS
from doudi.policy.evaluate import evaluate_batch
from doudi.policy.in_force import regional_values
from doudi.policy.money import parse_yuan, yuan_to_fen, yuan_value_to_fen
from doudi.policy.population import Population
from doudi.policy.regional import resolve, value_in_force
from doudi.policy.simulation_proposal import (
    MONTH,
    ROUNDING_LABELS,
    DibaoStandardRule,
    Proposal,
    county_problem,
)
from doudi.policy.simulation_report import (
    CountyStandard,
    ProgrammeChange,
    SimulationReport,
    changes_by_county,
)
from doudi.policy.system import rule_version, tax_benefit_system, with_parameters
from doudi.policy.system import with_parameter_values as _with_values

SEED_TARGET_SHARE = Decimal("0.44")  # the seed's provincial target (POLICY.md §8.3: not verified)
POLICY_BAND = (Decimal("0.42"), Decimal("0.48"))  # 2021 调整方案: 42–48 % of the minimum wage [V3]

# Programme → (household eligibility variable, household amount, person coverage variable).
# None: covered = amount > 0; persons = members counted in the household (the statuses).
# Temporary assistance is left out: it is one-off and needs a request the population lacks.
_SPECS: Mapping[str, tuple[str | None, str | None, str | None]] = {
    "dibao": ("dibao_eligible", "dibao_amount", "dibao_covered"),
    "tekun": ("tekun_eligible", "tekun_amount", "is_tekun"),
    "marginal_household": ("marginal_household_eligible", None, None),
    "rigid_expenditure_household": ("rigid_expenditure_household_eligible", None, None),
    **{
        key: (None, f"{key}_amount", f"{key}_person")
        for key in ("disability_living_subsidy", "disability_care_subsidy")
    },
    "orphan": (None, "orphan_amount", "orphan_person_amount"),
}
PROGRAMMES = tuple(_SPECS)


class SimulationError(ValueError):
    """The proposal or the month cannot be simulated; `problems` lists every problem (Chinese)."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("；".join(problems))
        self.problems = problems


def simulate(
    population: Population,
    *,
    month: str,
    proposal: Proposal,
    target_share: Decimal | str = SEED_TARGET_SHARE,
    programmes: tuple[str, ...] = PROGRAMMES,
    progress: Callable[[str], None] | None = None,
    baseline_standards: Mapping[str, Decimal | str] | None = None,
) -> SimulationReport:
    """Baseline versus proposal for one month over a whole population.

    Args:
        population: the households and persons (`doudi.policy.population`).
        month: 'YYYY-MM', on or after `proposal.starts`.
        proposal: the change to simulate.
        target_share: the provincial target of standard ÷ minimum wage (default the seed's 0.44).
        programmes: which programmes to report (default all but temporary assistance).
        progress: called with the name of each step as it starts.
        baseline_standards: county code → dibao standard (yuan) in force outside the parameter
            files (the platform's database); those counties' baseline uses it, and a county the
            proposal leaves alone keeps it.

    Returns:
        The `SimulationReport`.

    Raises:
        SimulationError: every problem of the month, the proposal and the population, listed.
    """
    problems = _problems(population, month, proposal, target_share, programmes)
    if problems:
        raise SimulationError(problems)
    step = progress or (lambda name: None)
    counties, county_index = np.unique(population.county, return_inverse=True)
    scalars, given = split_overrides(default_catalogue(), proposal.overrides)
    trees = (
        tax_benefit_system().parameters,
        _with_values(tax_benefit_system(), scalars, month).parameters,
    )
    try:
        before, after, held = _county_facts_before_and_after(
            month, proposal, counties, trees[1], given, baseline_standards or {}
        )
        runs, timings = _baseline_and_proposal_runs(
            month,
            population,
            county_index,
            programmes,
            step,
            baseline=(None, {"dibao_standard": before["dibao_standard"]} if held else {}),
            proposal=(trees[1], {**given, "dibao_standard": after["dibao_standard"]}),
        )
    except ValueError as error:
        raise SimulationError([str(error)]) from error
    step("汇总")
    started = time.perf_counter()
    present = population.present_in(month)
    weights = np.bincount(
        county_index[population.household_of_person[present]], minlength=len(counties)
    )
    names = [_name(code) for code in counties]
    rows = changes_by_county(counties, names, county_index, programmes, *runs)
    target = Decimal(str(target_share))
    standards = _standards(month, counties, before, after, weights, trees, target, held=set(held))
    timings["aggregate"] = time.perf_counter() - started
    return SimulationReport(
        month=month,
        proposal=proposal,
        proposal_description=proposal.describe(),
        rule_version=rule_version(),
        target_share=target,
        band=POLICY_BAND,
        floor_before_fen=_floor_fen(trees[0], month),
        floor_after_fen=_floor_fen(trees[1], month),
        programmes=programmes,
        rows=rows,
        standards=standards,
        household_count=population.household_count,
        person_count=int(present.sum()),
        source=population.source,
        timings=timings,
    )


def _county_facts_before_and_after(
    month: str,
    proposal: Proposal,
    counties: NDArray[np.int64],
    proposal_tree: ParameterNode,
    given: Mapping[str, int],
    baseline_standards: Mapping[str, Decimal | str],
) -> tuple[dict[str, NDArray[np.int64]], dict[str, NDArray[np.int64]], dict[int, int]]:
    """Each county's facts for the baseline and for the proposal (with the proposal's dibao
    standards), and the standards held outside the parameter files (county index → fen): the
    baseline of those counties, kept by the proposal where it leaves the county alone."""
    before = _county_facts(month, counties, None, {})
    held = _held_standards(counties, baseline_standards)
    for index, fen in held.items():
        before["dibao_standard"][index] = fen
    after = _county_facts(month, counties, proposal_tree, given)
    after["dibao_standard"] = _proposed_standards(proposal, counties, after)
    for index, fen in held.items():
        if not _proposal_changes(proposal, str(counties[index])):
            after["dibao_standard"][index] = fen
    return before, after, held


Run = dict[str, tuple[NDArray[np.bool_], NDArray[np.int64], NDArray[np.int64]]]


def _baseline_and_proposal_runs(
    month: str,
    population: Population,
    county_index: NDArray[np.intp],
    programmes: tuple[str, ...],
    step: Callable[[str], None],
    *,
    baseline: tuple[ParameterNode | None, Mapping[str, int | NDArray[np.int64]]],
    proposal: tuple[ParameterNode | None, Mapping[str, int | NDArray[np.int64]]],
) -> tuple[list[Run], dict[str, float]]:
    """The two engine runs over every household, each as (parameter tree, household variables
    given by county or for all), and how long each took."""
    persons, households = population.inputs(month)
    runs, timings = [], {}
    for key, label, (tree, extra) in (
        ("baseline", "基线测算", baseline),
        ("proposal", "方案测算", proposal),
    ):
        step(label)
        started = time.perf_counter()
        inputs = {
            **households,
            **{k: _per_household(v, county_index) for k, v in extra.items()},
        }
        runs.append(_run(month, population, persons, inputs, tree, programmes))
        timings[key] = time.perf_counter() - started
    return runs, timings


def _problems(
    population: Population,
    month: str,
    proposal: Proposal,
    target_share: Decimal | str,
    programmes: tuple[str, ...],
) -> list[str]:
    found = []
    if not MONTH.match(str(month)):
        found.append(f"测算月份应为 YYYY-MM：{month!r}")
    elif MONTH.match(str(proposal.starts)) and month < proposal.starts:
        found.append(f"测算月份 {month} 早于方案起始月份 {proposal.starts}，方案尚未生效")
    found += proposal.problems()
    try:
        if not Decimal(0) < Decimal(str(target_share)) <= Decimal(1):
            found.append(f"目标比例应大于 0 且不超过 1：{target_share}")
    except InvalidOperation:
        found.append(f"目标比例应为小数，如 0.44：{target_share!r}")
    unknown = [key for key in programmes if key not in _SPECS]
    if unknown or not programmes:
        found.append(f"救助项目应为 {'、'.join(_SPECS)} 中的一项或多项：{'、'.join(unknown)}")
    if population.household_count == 0:
        found.append("所选人口数据中没有家庭（请检查数据目录和地区范围）")
    rule = proposal.dibao_standard
    named = rule.counties or () if isinstance(rule, DibaoStandardRule) else tuple(rule or ())
    present = {str(code) for code in np.unique(population.county)}
    absent = [code for code in named if code not in present and not county_problem(code)]
    if absent:
        found.append(f"以下县不在所选人口数据（或辖区）中：{'、'.join(absent)}")
    return found


def _county_facts(
    month: str, counties: NDArray[np.int64], tree: ParameterNode | None, given: Mapping[str, int]
) -> dict[str, NDArray[np.int64]]:
    """Tier, minimum wage and dibao standard of each county, from the engine's own lookup."""
    base = tax_benefit_system()
    values = regional_values(
        base if tree is None else with_parameters(base, tree),
        month,
        regions=counties,
        given=given,
        variables=("minimum_wage_tier", "minimum_wage", "dibao_standard"),
    )
    return {name: array.astype(np.int64) for name, array in values.items()}


def _held_standards(
    counties: NDArray[np.int64], standards: Mapping[str, Decimal | str]
) -> dict[int, int]:
    """County index → standard in fen, for the counties given a value outside the parameter files."""
    return {
        index: yuan_to_fen(parse_yuan(str(standards[code])))
        for index, code in enumerate(str(c) for c in counties)
        if code in standards
    }


def _proposal_changes(proposal: Proposal, code: str) -> bool:
    rule = proposal.dibao_standard
    if isinstance(rule, DibaoStandardRule):
        return rule.counties is None or code in rule.counties
    return bool(rule) and code in rule


def _proposed_standards(
    proposal: Proposal, counties: NDArray[np.int64], after: Mapping[str, NDArray[np.int64]]
) -> NDArray[np.int64]:
    standards = after["dibao_standard"].copy()
    rule = proposal.dibao_standard
    for index, code in enumerate(str(c) for c in counties):
        if isinstance(rule, DibaoStandardRule):
            if rule.counties is None or code in rule.counties:
                standards[index] = rule.standard_fen(int(after["minimum_wage"][index]))
        elif rule and code in rule:
            standards[index] = yuan_to_fen(parse_yuan(rule[code]))
    return standards


def _per_household(value: int | NDArray[np.int64], county_index: NDArray[np.intp]) -> NDArray:
    if isinstance(value, np.ndarray):
        return value[county_index]
    return np.full(len(county_index), value, dtype=np.int64)


def _run(
    month: str,
    population: Population,
    persons: Mapping[str, NDArray[Any]],
    households: Mapping[str, NDArray[Any]],
    tree: ParameterNode | None,
    programmes: tuple[str, ...],
) -> Run:
    """Per programme: (covered, amount in fen, persons covered), one value per household."""
    names = {name for key in programmes for name in _SPECS[key] if name}
    names.add("counted_member_count")
    outputs = evaluate_batch(
        month,
        persons=persons,
        households=households,
        household_of_person=population.household_of_person,
        is_head=population.is_head,
        parameters=tree,
        outputs=tuple(sorted(names)),
    )
    count, owner = population.household_count, population.household_of_person
    result = {}
    for key in programmes:
        eligible, amount_name, person_name = _SPECS[key]
        amount = outputs[amount_name].astype(np.int64) if amount_name else np.zeros(count, np.int64)
        covered = outputs[eligible].astype(bool) if eligible else amount > 0
        if person_name:
            persons_covered = np.bincount(owner[outputs[person_name] > 0], minlength=count)
        else:
            persons_covered = np.where(covered, outputs["counted_member_count"], 0)
        result[key] = (covered, amount, persons_covered.astype(np.int64))
    return result


def _standards(
    month: str,
    counties: NDArray[np.int64],
    before: Mapping[str, NDArray[np.int64]],
    after: Mapping[str, NDArray[np.int64]],
    persons: NDArray[np.int64],
    trees: tuple[ParameterNode, ParameterNode],
    target_share: Decimal,
    *,
    held: set[int],
) -> tuple[CountyStandard, ...]:
    baseline_tree, proposal_tree = trees
    instant = f"{month}-01"
    standard_node = baseline_tree.children["dibao"].children["standard"]
    tier_node = baseline_tree.children["minimum_wage"].children["tier"]
    floor_before, floor_after = _floor_fen(baseline_tree, month), _floor_fen(proposal_tree, month)
    rows = []
    for index, code in enumerate(str(c) for c in counties):
        standard_source = resolve(standard_node, code, instant)
        tier_source = resolve(tier_node, code, instant)
        rows.append(
            CountyStandard(
                county=code,
                county_name=_name(code),
                tier=int(before["minimum_wage_tier"][index]),
                tier_is_demo=bool(tier_source is None or tier_source.is_demo),
                minimum_wage_fen=int(before["minimum_wage"][index]),
                minimum_wage_after_fen=int(after["minimum_wage"][index]),
                standard_before_fen=int(before["dibao_standard"][index]),
                standard_after_fen=int(after["dibao_standard"][index]),
                standard_source="地方录入的标准" if index in held else _source(standard_source),
                standard_is_demo=index not in held
                and bool(standard_source is None or standard_source.is_demo),
                persons=int(persons[index]),
                floor_before_fen=floor_before,
                floor_after_fen=floor_after,
                target_share=target_share,
                band=POLICY_BAND,
            )
        )
    return tuple(rows)


def _source(found: Any) -> str:
    if found is None:
        return "省定低保最低标准÷12"
    place = _name(found.key[1:]) if found.key and found.key.startswith("r") else "默认"
    return f"{place}，{found.since} 起" + ("，演示值" if found.is_demo else "")


def _floor_fen(tree: ParameterNode, month: str) -> int | None:
    """省定低保最低标准 in fen per person per year in force in `month`, or None."""
    node = tree
    for part in ("dibao", "provincial_floor"):
        node = node.children.get(part) if isinstance(node, ParameterNode) else None
    found = value_in_force(node, f"{month}-01") if isinstance(node, Parameter) else None
    return int(yuan_value_to_fen(found.value)) if found is not None else None


def _name(code: Any) -> str:
    return divisions.display_name(str(code)) or str(code)


__all__ = [
    "PROGRAMMES",
    "PROGRAMME_LABELS",
    "ROUNDING_LABELS",
    "SEED_TARGET_SHARE",
    "CountyStandard",
    "DibaoStandardRule",
    "ProgrammeChange",
    "Proposal",
    "SimulationError",
    "SimulationReport",
    "simulate",
]
