"""The bridge between the pure rules package and the platform: local standards from the database,
and evaluations recorded with everything they used."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction

from doudi.accounts.scoping import Actor
from doudi.core.exceptions import ApplicationError
from doudi.core.models import Division, DivisionLevel
from doudi.policy import (
    Evaluation,
    Situation,
    SituationError,
    evaluate,
    parameters_in_force,
    parse_situation,
)
from doudi.standards.models import AreaScope, EvaluationRecord, LocalParameter
from doudi.standards.selectors import StandardInForce, local_standard_in_force


class DatabaseStandards:
    """A `StandardsProvider` over `LocalStandard`, for one household's region.

    The engine asks for the county, then its city. The county's answer already includes the city's
    value where the county has none (see `local_standard_in_force`), so the provider answers the city
    question only for a city-level situation; that is how 平潭综合实验区 keeps its own standards."""

    def __init__(self, *, region_code: str, area_type: str = "") -> None:
        self.region_code = region_code
        self.area_scope = (
            area_type if area_type in (AreaScope.URBAN, AreaScope.RURAL) else AreaScope.UNIFIED
        )
        division = Division.objects.filter(code=region_code).first()
        self.county_code = division.county_code if division else ""

    def lookup(self, name: str, region: str, month: str) -> Decimal | None:
        if name not in LocalParameter.values:
            return None
        if self.county_code and region != self.county_code:
            return None
        first_day = date.fromisoformat(f"{month}-01")
        found = local_standard_in_force(
            parameter=name, region_code=region, month=first_day, area_scope=self.area_scope
        )
        return found.amount if found else None


def situation_problems_message(error: SituationError) -> str:
    return "；".join(str(problem) for problem in error.problems)


def situation_error(error: SituationError, *, field: str | None = None) -> ApplicationError:
    """The staff-facing error for a situation the rules cannot take: every problem in one
    message, each under ``extra["problems"]``; ``field`` defaults to the first problem's path."""
    return ApplicationError(
        situation_problems_message(error),
        field=field if field is not None else (error.problems[0].path if error.problems else None),
        extra={"problems": [{"field": p.path, "message": p.message} for p in error.problems]},
    )


def situation_from_json(data: Any, *, field: str | None = None) -> Situation:
    """The typed situation of its JSON form (docs/policy.md), read once where JSON comes in (a
    request, a stored case); ``ApplicationError`` listing every problem otherwise."""
    if not isinstance(data, Mapping):
        raise ApplicationError("家庭情况须为 JSON 对象", field=field or "situation")
    try:
        return parse_situation(data)
    except SituationError as error:
        raise situation_error(error, field=field) from error


@dataclass(frozen=True)
class Evaluated:
    """An evaluation and its record: the typed result for the caller, the record for the file."""

    record: EvaluationRecord
    evaluation: Evaluation


@transaction.atomic
def situation_evaluate(
    *, actor: Any, situation: Situation, channel: str, submitted: Mapping[str, Any] | None = None
) -> Evaluated:
    """Evaluate a typed situation with the database's local standards and record it, with the
    situation as ``submitted`` where it came in as JSON (else its JSON form). A situation the
    rules cannot take raises `ApplicationError` listing every problem, and nothing is recorded."""
    provider = DatabaseStandards(region_code=situation.region, area_type=situation.area_type)
    try:
        evaluation = evaluate(situation, local_standards=provider)
    except SituationError as error:
        raise situation_error(error) from error
    payload = evaluation.to_json()
    record = EvaluationRecord.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        channel=channel,
        month=payload["month"],
        region_code=payload["region"],
        rule_version=payload["rule_version"],
        situation=dict(submitted) if submitted is not None else situation.to_dict(),
        result=payload,
    )
    return Evaluated(record, evaluation)


def evaluation_run(*, actor: Any, situation: dict[str, Any], channel: str) -> EvaluationRecord:
    """Evaluate a situation given as JSON (the API, the command line) and record it as given.
    Invalid input raises `ApplicationError` listing every problem, and nothing is recorded."""
    typed = situation_from_json(situation)
    return situation_evaluate(
        actor=actor, situation=typed, channel=channel, submitted=situation
    ).record


@dataclass(frozen=True)
class CountyStandard:
    """The dibao standard a county's households are assessed against in a month, and where it comes from."""

    county_code: str
    county_name: str
    amount: Decimal
    source: str
    since: str
    document: str
    is_demo: bool


def county_dibao_standards(*, county_codes: list[str], month: date) -> list[CountyStandard]:
    """For each county: the database value if one is in force, else the packaged rule's, else the
    provincial floor ÷ 12 (the same order the engine uses); a county with none is left out."""
    names = dict(Division.objects.filter(code__in=county_codes).values_list("code", "name"))
    rows = []
    for code in county_codes:
        local = local_standard_in_force(
            parameter=LocalParameter.DIBAO_STANDARD, region_code=code, month=month
        )
        name = names.get(code, code)
        row = (
            _local_standard(code, name, local)
            if local is not None
            else _packaged_standard(code, name, month)
        )
        if row is not None:
            rows.append(row)
    return rows


def actor_dibao_standards(*, actor: Actor, month: date) -> list[CountyStandard]:
    """The dibao standard in force in ``month`` in every county of the actor's region: their own
    county for county, township and village staff; every county below a city or the province."""
    home = Division.objects.get(code=actor.region_code)
    counties = (
        [home.county_code]
        if home.county_code
        else list(
            Division.objects.filter(
                level=DivisionLevel.COUNTY, code__startswith=actor.region_prefix()
            ).values_list("code", flat=True)
        )
    )
    return county_dibao_standards(county_codes=counties, month=month)


def _local_standard(code: str, name: str, local: StandardInForce) -> CountyStandard:
    return CountyStandard(
        code,
        name,
        local.amount,
        f"地方录入（{local.region_name}）",
        local.effective_from.isoformat(),
        local.document,
        local.is_demo,
    )


def _packaged_standard(code: str, name: str, month: date) -> CountyStandard | None:
    """The packaged rule's standard for the county (its own, its city's, else the provincial floor
    ÷ 12), with the dated value it comes from; None when the month has none."""
    try:
        in_force = parameters_in_force(code, f"{month:%Y-%m}")
    except SituationError:
        return None
    standard = in_force["dibao.standard"]
    if standard.source is not None:
        source, found = "规则库默认值", standard.source
    else:
        source, found = "省定低保最低标准 ÷ 12", in_force["dibao.provincial_floor"].source
        assert found is not None  # the floor is in force when it gives the standard
    return CountyStandard(
        code,
        name,
        Decimal(standard.value),
        source,
        found.since,
        found.note or found.label,
        found.is_demo,
    )


def database_dibao_standards(*, county_codes: list[str], month: str) -> dict[str, Decimal]:
    """County → the dibao standard held in the database for `month` ('YYYY-MM'), for the counties
    that have one (their own or their city's; 平潭 only its own): the simulation's baseline."""
    first_day = date.fromisoformat(f"{month}-01")
    found = {}
    for code in county_codes:
        standard = local_standard_in_force(
            parameter=LocalParameter.DIBAO_STANDARD, region_code=code, month=first_day
        )
        if standard is not None:
            found[code] = standard.amount
    return found
