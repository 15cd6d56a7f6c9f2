"""Reports (核对报告): numbered, immutable, written in one transaction with their items, one
`PersonDataAccess` row per person and source read (with the consent relied on), the signing
deadline and the audit event; and the re-check (复核) after an objection."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from doudi.accounts.scoping import Actor
from doudi.core.audit import audit_event_record
from doudi.core.calendar import deadline_open
from doudi.core.exceptions import ApplicationError, NotFound
from doudi.registry.models import Household, Person
from doudi.standards.engine import situation_from_json
from doudi.verification import access, findings
from doudi.verification.limits import limits_for
from doudi.verification.models import (
    PersonDataAccess,
    ReportItem,
    ReportSequence,
    ReportSignature,
    VerificationConsent,
    VerificationReport,
)
from doudi.verification.selectors import REPORT_OBJECT_TYPE, SIGN_DEADLINE
from doudi.verification.services._common import (
    HOUSEHOLD_NOT_FOUND,
    NO_COUNTED_MEMBERS,
    PURPOSE,
    _counted_persons,
    income_months,
    sign_working_days,
    tolerance,
)
from doudi.verification.services.consents import _valid_consents
from doudi.verification.services.reads import _declaration, _Read, _read_sources


def _next_number(county_code: str, year: int) -> str:
    """核〔2026〕350112-000001: per county and year, safe under concurrency (the UPDATE locks
    the sequence row until the report's transaction ends)."""
    if not ReportSequence.objects.filter(county_code=county_code, year=year).exists():
        try:
            with transaction.atomic():
                ReportSequence.objects.create(county_code=county_code, year=year)
        except IntegrityError:
            pass  # created meanwhile by a concurrent request
    ReportSequence.objects.filter(county_code=county_code, year=year).update(
        last_number=F("last_number") + 1
    )
    number = ReportSequence.objects.get(county_code=county_code, year=year).last_number
    return f"核〔{year}〕{county_code}-{number:06d}"


@dataclass(frozen=True)
class _Check:
    """What a report is written from: the counted members and the consent relied on for each,
    when they were checked, the month and region, the limits, the sources read, the findings."""

    persons: list[Person]
    consents: dict[int, VerificationConsent]
    now: dt.datetime
    today: dt.date
    month: str
    region: str
    limits: findings.Limits
    reads: list[_Read]
    result: findings.Findings


def _check(*, household: Household, application: Any | None) -> _Check:
    """Read the sources for the counted members and assemble the findings (nothing written).
    Refused when there is no counted member or one of them has no valid consent."""
    persons = _counted_persons(household)
    if not persons:
        raise ApplicationError(NO_COUNTED_MEMBERS, field="household")
    now = timezone.now()
    consents = _valid_consents(
        household=household, application=application, persons=persons, now=now
    )
    today = timezone.localdate()
    month = today.strftime("%Y-%m")
    region = application.county_code if application is not None else household.county_code
    limits = limits_for(
        region=region,
        area_type=household.area_type,
        month=month,
        counted_members=len(persons),
    )
    members = [findings.Member(p.pk, str(p.public_id), p.name, p.id_number_hash) for p in persons]
    reads = _read_sources(members)
    declaration = (
        _declaration(situation_from_json(application.situation, field="situation"))
        if application is not None
        else None
    )
    result = findings.assemble(
        month=month,
        members=members,
        reads=[r.read for r in reads],
        limits=limits,
        declaration=declaration,
        income_months=income_months(),
        tolerance=tolerance(),
    )
    return _Check(persons, consents, now, today, month, region, limits, reads, result)


def _body_members(check: _Check) -> list[dict[str, Any]]:
    """Each counted member with the consent relied on and its status at the check."""
    return [
        {
            "person_id": p.pk,
            "public_id": str(p.public_id),
            "name": p.name,
            "id_number_masked": p.id_number_masked,
            "consent": str(check.consents[p.pk].public_id),
            "consent_status": check.consents[p.pk].status_at(check.now).label,
        }
        for p in check.persons
    ]


def _body_sources(reads: list[_Read]) -> list[dict[str, Any]]:
    """Each source, whether it was checked and the date of the snapshot read."""
    return [
        {
            "source": r.read.source,
            "label": findings.S.SOURCE_BY_NAME[r.read.source].label,
            "checked": r.snapshot is not None,
            "snapshot_date": (r.snapshot.snapshot_date.isoformat() if r.snapshot else None),
            "snapshot_label": (
                r.snapshot.snapshot_date.isoformat() if r.snapshot else findings.NOT_CHECKED_LABEL
            ),
        }
        for r in reads
    ]


def _body_limits(limits: findings.Limits, region: str) -> dict[str, Any]:
    """The policy engine's values the report used, and the region they are those of."""
    return {
        "dibao.standard": str(limits.standard),
        "assets.financial_months": limits.financial_months,
        "assets.vehicles_max": limits.vehicles_max,
        "assets.real_estate_max": limits.real_estate_max,
        "assets.business_registrations_max": limits.business_registrations_max,
        "financial_limit": str(limits.financial_limit),
        "region": region,
    }


def _report_body(
    *,
    number: str,
    household: Household,
    application: Any | None,
    previous: VerificationReport | None,
    evidence: str,
    check: _Check,
) -> dict[str, Any]:
    """The report's stored body: members and their consents, sources, limits, conclusion."""
    result = check.result
    return {
        "number": number,
        "month": check.month,
        "purpose": PURPOSE,
        "household": {
            "public_id": str(household.public_id),
            "address": household.address,
            "county_code": household.county_code,
        },
        "application": str(application.public_id) if application is not None else None,
        "previous": previous.number if previous is not None else None,
        "objection_evidence": evidence,
        "members": _body_members(check),
        "sources": _body_sources(check.reads),
        "limits": _body_limits(check.limits, check.region),
        "items": [item.as_json() for item in result.items],
        "comparison": result.comparison,
        "flags": result.flags,
        "conclusion": result.conclusion,
        "conclusion_label": findings.CONCLUSION_LABELS[result.conclusion],
        "conclusion_rule": result.rule,
        "conclusion_reason": result.reason,
    }


def _report_rows_write(
    *,
    report: VerificationReport,
    result: findings.Findings,
    reads: list[_Read],
    persons: list[Person],
    consents: dict[int, VerificationConsent],
    actor: Actor,
    now: dt.datetime,
) -> None:
    """The report's items, and one data access per person for each source actually read."""
    ReportItem.objects.bulk_create(
        [
            ReportItem(
                report=report,
                person_id=item.person_id,
                source=item.source,
                kind=item.kind,
                category=item.category,
                amount=item.amount,
                quantity=item.quantity,
                snapshot_id=item.snapshot_id,
                snapshot_date=item.snapshot_date,
                link_method=item.link_method,
                detail=item.detail,
            )
            for item in result.items
        ]
    )
    PersonDataAccess.objects.bulk_create(
        [
            PersonDataAccess(
                person=person,
                source=r.read.source,
                snapshot=r.snapshot,
                consent=consents[person.pk],
                report=report,
                purpose=PURPOSE,
                actor=actor.user,
                accessed_at=now,
            )
            for r in reads
            if r.snapshot is not None
            for person in persons
        ]
    )


def _sign_deadline_open(report: VerificationReport, household: Household, today: dt.date) -> None:
    """The verification centre's deadline to sign the report (`sign_working_days()`)."""
    deadline_open(
        object_type=REPORT_OBJECT_TYPE,
        object_id=str(report.pk),
        kind=SIGN_DEADLINE,
        region_code=household.village_code,
        start_date=today,
        working_days=sign_working_days(),
    )


def _report_audit(
    actor: Actor,
    report: VerificationReport,
    household: Household,
    previous: VerificationReport | None,
    result: findings.Findings,
) -> None:
    """The audit event of the report (or of the re-check): number, conclusion and rule."""
    audit_event_record(
        actor=actor.user,
        action="verification.report_recheck" if previous else "verification.report_create",
        obj=report,
        region_code=household.village_code,
        parameters={
            "number": report.number,
            "conclusion": result.conclusion,
            "rule": result.rule,
            **({"previous": previous.number} if previous else {}),
        },
    )


def _create_report(
    *,
    actor: Actor,
    household: Household,
    application: Any | None,
    previous: VerificationReport | None = None,
    evidence: str = "",
) -> VerificationReport:
    """Check the household, then write the numbered report and everything that goes with it in
    one transaction."""
    check = _check(household=household, application=application)
    with transaction.atomic():
        number = _next_number(check.region, check.today.year)
        body = _report_body(
            number=number,
            household=household,
            application=application,
            previous=previous,
            evidence=evidence,
            check=check,
        )
        report = VerificationReport.objects.create(
            number=number,
            household=household,
            application=application,
            previous=previous,
            objection_evidence=evidence,
            month=check.month,
            conclusion=check.result.conclusion,
            conclusion_rule=check.result.rule,
            conclusion_reason=check.result.reason,
            body=body,
            requested_by=actor.user,
            **household.region_codes(),
        )
        _report_rows_write(
            report=report,
            result=check.result,
            reads=check.reads,
            persons=check.persons,
            consents=check.consents,
            actor=actor,
            now=check.now,
        )
        _sign_deadline_open(report, household, check.today)
        _report_audit(actor, report, household, previous, check.result)
    return report


def verification_request(
    *,
    actor: Actor,
    household: Household | None = None,
    application: Any | None = None,
) -> VerificationReport:
    """Check a household's counted members against the department snapshots and write a
    numbered draft report. For an application pass it (a row with ``household``, the region
    codes, ``public_id`` and the declared ``situation``, which is compared); standalone pass
    `household`. Refused, with nothing written, when a counted member has no valid consent."""
    access.require_request(actor)
    if application is not None:
        if not actor.covers_row(application):
            raise NotFound("申请不存在或不在您的管辖范围内", field="application")
        household = application.household
    if household is None:
        raise ApplicationError("请指定家庭或申请", field="household")
    if not Household.objects.filter(actor.region_q(), pk=household.pk).exists():
        raise NotFound(HOUSEHOLD_NOT_FOUND, field="household")
    return _create_report(actor=actor, household=household, application=application)


def report_recheck(
    *, actor: Actor, report: VerificationReport, evidence: str
) -> VerificationReport:
    """复核: after an objection with new evidence, a new report referencing the signed one."""
    access.require_request(actor)
    if not VerificationReport.objects.filter(actor.region_q(), pk=report.pk).exists():
        raise NotFound("核对报告不存在或不在您的管辖范围内", field="public_id")
    evidence = evidence.strip()
    if not evidence:
        raise ApplicationError("请填写异议内容及新证据", field="evidence")
    if not ReportSignature.objects.filter(report=report).exists():
        raise ApplicationError("原报告尚未签发，不能复核", field="public_id")
    return _create_report(
        actor=actor,
        household=report.household,
        application=report.application,
        previous=report,
        evidence=evidence,
    )
