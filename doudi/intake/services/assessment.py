"""核定: the caseworker adopts what a verification report of the application found above the
declaration, and the initial opinion runs the rules on that assessed situation. The declaration
stays as declared; the assessment records what changed, from which report, and who decided."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from typing import Any

from django.db import transaction

from doudi.accounts.permissions import Permission
from doudi.accounts.scoping import Actor
from doudi.core.audit import audit_event_record
from doudi.core.exceptions import ApplicationError
from doudi.intake.models import Application, SituationAssessment
from doudi.intake.services._common import S, _require_visible
from doudi.policy import Income, Situation
from doudi.standards.engine import situation_from_json

CENT = Decimal("0.01")

# Before the initial opinion: the statuses in which the situation can still be assessed.
ASSESSABLE = frozenset({S.VERIFYING, S.HOME_VISIT, S.COMMUNITY_REVIEW, S.REINVESTIGATION})


def assessed_situation(
    situation: Situation, body: dict[str, Any]
) -> tuple[Situation, list[dict[str, str]]]:
    """The situation with every counted income type and limited asset the report found above
    the declaration raised to what was found (pure). Lower findings leave the declaration as it
    is: a department's data cannot show income it does not know of. Returns the situation and
    the changes, in the report's order."""
    comparison = body["comparison"]
    public_ids = {str(m["person_id"]): m["public_id"] for m in body["members"]}
    members = {member.id: member for member in situation.members}
    changes: list[dict[str, str]] = []
    for row in comparison["incomes"]:
        if not row["counted"] or row["declared"] is None:
            continue
        declared, found = Decimal(row["declared"]), Decimal(row["found"])
        member = members.get(public_ids.get(str(row["person_id"]), ""))
        if found <= declared or member is None:
            continue
        same = [income for income in member.incomes if income.type == row["type"]]
        raised = Income(
            type=row["type"],
            monthly=found.quantize(CENT),
            stable=all(income.stable for income in same),
        )
        members[member.id] = replace(
            member,
            incomes=tuple(i for i in member.incomes if i.type != row["type"]) + (raised,),
        )
        changes.append(
            {
                "name": row["name"],
                "label": row["label"],
                "declared": f"{declared:.2f} 元/月",
                "assessed": f"{found:.2f} 元/月",
            }
        )
    assets = situation.assets
    for row in comparison["assets"]:
        if row["declared"] is None:
            continue
        declared, found = Decimal(row["declared"]), Decimal(row["found"])
        if found <= declared:
            continue
        financial = row["category"] == "financial"
        assets = replace(
            assets, **{row["category"]: found.quantize(CENT) if financial else int(found)}
        )
        unit = "元" if financial else "项"
        changes.append(
            {
                "name": "家庭",
                "label": row["label"],
                "declared": f"{row['declared']} {unit}",
                "assessed": f"{row['found']} {unit}",
            }
        )
    members_in_order = tuple(members[member.id] for member in situation.members)
    return replace(situation, members=members_in_order, assets=assets), changes


@transaction.atomic
def application_adopt_verification(
    *, actor: Actor, application: Application, report: Any
) -> SituationAssessment:
    """采用核对结果核定收入和财产: from one report of this application (the latest one is what the
    case page offers), before the initial opinion. Refused, with nothing written, when the report
    is of another application or found nothing above the declaration."""
    _require_visible(actor, application)
    actor.require(Permission.INTAKE_PROPOSE)
    if report.application_id != application.pk:
        raise ApplicationError("该核对报告不属于本申请", field="report")
    if application.status not in ASSESSABLE:
        raise ApplicationError(
            "只能在提出初审意见之前（核对、入户调查、民主评议或重新调查期间）核定收入和财产",
            field="report",
        )
    declared = situation_from_json(application.situation, field="situation")
    situation, changes = assessed_situation(declared, report.body)
    if not changes:
        raise ApplicationError(
            f"核对报告 {report.number} 查到的收入和财产均不高于申报，无需核定", field="report"
        )
    assessment = SituationAssessment.objects.create(
        application=application,
        report=report,
        situation=situation.to_dict(),
        changes=changes,
        assessed_by=actor.user,
    )
    audit_event_record(
        actor=actor.user,
        action="application.adopt_verification",
        obj=application,
        region_code=application.village_code,
        parameters={"report": report.number, "changes": len(changes)},
    )
    return assessment


def situation_for_opinion(
    application: Application, *, month: str
) -> tuple[Situation, SituationAssessment | None]:
    """The typed situation the initial opinion runs on in ``month``: the latest assessment's,
    else the declaration; with the assessment (or None)."""
    latest = application.assessments.order_by("-created_at", "-id").first()
    stored = latest.situation if latest else application.situation
    return replace(situation_from_json(stored, field="situation"), month=month), latest
