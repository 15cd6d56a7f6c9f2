"""核定: the caseworker adopts what a verification report of the application found above the
declaration, and the initial opinion runs the rules on that assessed situation. The declaration
stays as declared; the assessment records what changed, from which report, and who decided."""

from __future__ import annotations

import copy
from decimal import Decimal
from typing import Any

from django.db import transaction

from doudi.accounts.permissions import Permission
from doudi.accounts.scoping import Actor
from doudi.core.audit import audit_event_record
from doudi.core.exceptions import ApplicationError
from doudi.intake.models import Application, SituationAssessment
from doudi.intake.services._common import S, _require_visible

# Before the initial opinion: the statuses in which the situation can still be assessed.
ASSESSABLE = frozenset({S.VERIFYING, S.HOME_VISIT, S.COMMUNITY_REVIEW, S.REINVESTIGATION})


def assessed_situation(
    situation: dict[str, Any], body: dict[str, Any]
) -> tuple[dict[str, Any], list[dict[str, str]]]:
    """The situation with every counted income type and limited asset the report found above
    the declaration raised to what was found (pure). Lower findings leave the declaration as it
    is: a department's data cannot show income it does not know of. Returns the situation and
    the changes, in the report's order."""
    comparison = body["comparison"]
    public_ids = {str(m["person_id"]): m["public_id"] for m in body["members"]}
    assessed = copy.deepcopy(situation)
    members = {member["id"]: member for member in assessed.get("members", [])}
    changes: list[dict[str, str]] = []
    for row in comparison["incomes"]:
        if not row["counted"] or row["declared"] is None:
            continue
        declared, found = Decimal(row["declared"]), Decimal(row["found"])
        member = members.get(public_ids.get(str(row["person_id"]), ""))
        if found <= declared or member is None:
            continue
        same = [income for income in member["incomes"] if income["type"] == row["type"]]
        member["incomes"] = [
            income for income in member["incomes"] if income["type"] != row["type"]
        ] + [
            {
                "type": row["type"],
                "monthly": f"{found:.2f}",
                "stable": all(income.get("stable", True) for income in same),
            }
        ]
        changes.append(
            {
                "name": row["name"],
                "label": row["label"],
                "declared": f"{declared:.2f} 元/月",
                "assessed": f"{found:.2f} 元/月",
            }
        )
    assets = dict(assessed.get("assets") or {})
    for row in comparison["assets"]:
        if row["declared"] is None:
            continue
        declared, found = Decimal(row["declared"]), Decimal(row["found"])
        if found <= declared:
            continue
        financial = row["category"] == "financial"
        assets[row["category"]] = f"{found:.2f}" if financial else int(found)
        unit = "元" if financial else "项"
        changes.append(
            {
                "name": "家庭",
                "label": row["label"],
                "declared": f"{row['declared']} {unit}",
                "assessed": f"{row['found']} {unit}",
            }
        )
    if assets:
        assessed["assets"] = assets
    return assessed, changes


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
    situation, changes = assessed_situation(application.situation, report.body)
    if not changes:
        raise ApplicationError(
            f"核对报告 {report.number} 查到的收入和财产均不高于申报，无需核定", field="report"
        )
    assessment = SituationAssessment.objects.create(
        application=application,
        report=report,
        situation=situation,
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


def situation_for_opinion(application: Application) -> tuple[dict[str, Any], Any]:
    """The situation the initial opinion runs on: the latest assessment's, else the
    declaration; with the assessment (or None)."""
    latest = application.assessments.order_by("-created_at", "-id").first()
    return (latest.situation if latest else application.situation), latest
