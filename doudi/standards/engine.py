"""The bridge between the pure rules package and the platform: local standards from the database,
and evaluations recorded with everything they used."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction

from doudi.core.exceptions import ApplicationError
from doudi.core.models import Division
from doudi.policy.evaluate import evaluate
from doudi.policy.situation import SituationError
from doudi.standards.models import EvaluationRecord, LocalParameter
from doudi.standards.selectors import local_standard_in_force


class DatabaseStandards:
    """A `StandardsProvider` over `LocalStandard`, for one household's region.

    The engine asks for the county, then its city. The county's answer already includes the city's
    value where the county has none (see `local_standard_in_force`), so the provider answers the city
    question only for a city-level situation; that is how 平潭综合实验区 keeps its own standards."""

    def __init__(self, *, region_code: str) -> None:
        self.region_code = region_code
        division = Division.objects.filter(code=region_code).first()
        self.county_code = division.county_code if division else ""

    def lookup(self, name: str, region: str, month: str) -> Decimal | None:
        if name not in LocalParameter.values:
            return None
        if self.county_code and region != self.county_code:
            return None
        first_day = date.fromisoformat(f"{month}-01")
        found = local_standard_in_force(parameter=name, region_code=region, month=first_day)
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
        result = evaluate(situation, local_standards=DatabaseStandards(region_code=region))
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
