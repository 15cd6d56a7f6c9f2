"""The bridge between the pure rules package and the platform: local standards from the database,
and evaluations recorded with everything they used."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from openfisca_core.parameters import Parameter, ParameterNode

from doudi.core.exceptions import ApplicationError
from doudi.core.models import Division
from doudi.core.money import quantize_yuan
from doudi.policy.evaluate import evaluate
from doudi.policy.regional import resolve, value_in_force
from doudi.policy.situation import SituationError
from doudi.policy.system import find_parameter, tax_benefit_system
from doudi.standards.models import AreaScope, EvaluationRecord, LocalParameter
from doudi.standards.selectors import local_standard_in_force


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


@transaction.atomic
def evaluation_run(*, actor: Any, situation: dict[str, Any], channel: str) -> EvaluationRecord:
    """Evaluate a situation with the database's local standards and record it. Invalid input raises
    `ApplicationError` listing every problem, and nothing is recorded."""
    if not isinstance(situation, dict):
        raise ApplicationError("家庭情况须为 JSON 对象", field="situation")
    region = str(situation.get("region", ""))
    try:
        provider = DatabaseStandards(
            region_code=region, area_type=str(situation.get("area_type") or "")
        )
        result = evaluate(situation, local_standards=provider)
    except SituationError as error:
        raise ApplicationError(
            situation_problems_message(error),
            field=error.problems[0].path if error.problems else None,
            extra={"problems": [{"field": p.path, "message": p.message} for p in error.problems]},
        ) from error
    payload = result.to_json()
    return EvaluationRecord.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        channel=channel,
        month=payload["month"],
        region_code=payload["region"],
        rule_version=payload["rule_version"],
        situation=situation,
        result=payload,
    )


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
    provincial floor ÷ 12 (the same order the engine uses)."""
    system = tax_benefit_system()
    node = find_parameter(system, "dibao.standard")
    floor = find_parameter(system, "dibao.provincial_floor")
    instant = month.isoformat()
    names = dict(Division.objects.filter(code__in=county_codes).values_list("code", "name"))
    rows = []
    for code in county_codes:
        local = local_standard_in_force(
            parameter=LocalParameter.DIBAO_STANDARD, region_code=code, month=month
        )
        if local is not None:
            rows.append(
                CountyStandard(
                    code,
                    names.get(code, code),
                    local.amount,
                    f"地方录入（{local.region_name}）",
                    local.effective_from.isoformat(),
                    local.document,
                    local.is_demo,
                )
            )
            continue
        packaged = resolve(node, code, instant) if isinstance(node, ParameterNode) else None
        if packaged is not None:
            rows.append(
                CountyStandard(
                    code,
                    names.get(code, code),
                    quantize_yuan(Decimal(str(packaged.value))),
                    "规则库默认值",
                    packaged.since,
                    packaged.note or packaged.label,
                    packaged.is_demo,
                )
            )
            continue
        annual = value_in_force(floor, instant) if isinstance(floor, Parameter) else None
        if annual is not None:
            rows.append(
                CountyStandard(
                    code,
                    names.get(code, code),
                    quantize_yuan(Decimal(str(annual.value)) / 12),
                    "省定低保最低标准 ÷ 12",
                    annual.since,
                    annual.note or annual.label,
                    annual.is_demo,
                )
            )
    return rows


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
