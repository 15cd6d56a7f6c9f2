"""Writes of verification: consents, reports (numbered, immutable), signatures, re-checks.

Every report is written in one transaction with its items, one `PersonDataAccess` row per
person and source read (with the consent relied on) and its audit event (docs/verification.md)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from doudi.accounts.models import StaffProfile
from doudi.accounts.scoping import Actor
from doudi.core.audit import audit_event_record
from doudi.core.calendar import deadline_close, deadline_open
from doudi.core.exceptions import ApplicationError, NotFound
from doudi.core.models import Deadline
from doudi.exchange.models import FeedSnapshot
from doudi.exchange.selectors import feed_snapshots_latest
from doudi.exchange.store import snapshot_path
from doudi.registry.models import Household, Membership, Person
from doudi.verification import access, findings, snapshots
from doudi.verification.limits import limits_for
from doudi.verification.models import (
    VALID_CONSENT_STATUSES,
    ConsentSignedBy,
    ConsentStatus,
    PersonDataAccess,
    ReportItem,
    ReportSequence,
    ReportSignature,
    VerificationConsent,
    VerificationReport,
)
from doudi.verification.selectors import REPORT_OBJECT_TYPE, SIGN_DEADLINE
from doudi.verification.sources import SOURCES

PURPOSE = "社会救助家庭经济状况核对"
HOUSEHOLD_NOT_FOUND = "家庭不存在或不在您的管辖范围内"
NO_COUNTED_MEMBERS = "该家庭没有共同生活家庭成员，无法核对"


def consent_valid_days() -> int:
    """How long a signed 授权书 stays valid (demo default 180 days; setting
    VERIFICATION_CONSENT_VALID_DAYS)."""
    return int(getattr(settings, "VERIFICATION_CONSENT_VALID_DAYS", 180))


def sign_working_days() -> int:
    """Working days the verification centre has to sign a report (setting
    VERIFICATION_SIGN_WORKING_DAYS, demo default 3: POLICY.md §7 found no Fujian limit; other
    provinces promise results in 1–7 working days)."""
    return int(getattr(settings, "VERIFICATION_SIGN_WORKING_DAYS", 3))


def income_months() -> int:
    """Reference months for income (POLICY.md §2.4, Fujian "至少最近6个月"; setting
    VERIFICATION_INCOME_MONTHS)."""
    return int(getattr(settings, "VERIFICATION_INCOME_MONTHS", 6))


def tolerance() -> Decimal:
    """Found amounts up to this share above the declared ones are not flagged (demo 10 %;
    setting VERIFICATION_TOLERANCE)."""
    return Decimal(str(getattr(settings, "VERIFICATION_TOLERANCE", "0.10")))


def _user(actor: Actor | None) -> Any:
    return actor.user if actor is not None else None


# -- consents ---------------------------------------------------------------------------------


@transaction.atomic
def consents_from_application(
    *, actor: Actor | None, application: Any, consents: Iterable[Any]
) -> list[VerificationConsent]:
    """One VerificationConsent per consent signed on the application (授权核对书: each has a
    ``person_id``, ``signed_by``, ``proxy_reason`` and ``signed_at``), idempotent: a consent
    already taken over is not taken again. Intake calls it at the start of verification with the
    application's consents; this context imports nothing of intake's."""
    taken = set(
        VerificationConsent.objects.filter(application=application).values_list(
            "intake_consent_id", flat=True
        )
    )
    household = application.household
    days = consent_valid_days()
    created = []
    for consent in consents:
        if consent.pk in taken:
            continue
        created.append(
            VerificationConsent.objects.create(
                person_id=consent.person_id,
                household=household,
                application=application,
                intake_consent_id=consent.pk,
                signed_by=consent.signed_by,
                proxy_reason=consent.proxy_reason,
                signed_at=consent.signed_at,
                valid_until=consent.signed_at + dt.timedelta(days=days),
                recorded_by=_user(actor),
                **household.region_codes(),
            )
        )
    if created:
        audit_event_record(
            actor=_user(actor),
            action="verification.consents_take_over",
            obj=application,
            region_code=household.village_code,
            parameters={"consents": len(created)},
        )
    return created


@transaction.atomic
def consent_record(
    *,
    actor: Actor,
    household: Household,
    person: Person,
    signed_by: str,
    proxy_reason: str = "",
) -> VerificationConsent:
    """A 授权书 signed for a standalone check (not through an application)."""
    access.require_record_consent(actor)
    if not Household.objects.filter(actor.region_q(), pk=household.pk).exists():
        raise NotFound(HOUSEHOLD_NOT_FOUND, field="household")
    if signed_by not in ConsentSignedBy.values:
        raise ApplicationError(f"签署方式取值无效：{signed_by!r}", field="signed_by")
    proxy_reason = proxy_reason.strip()
    if signed_by != ConsentSignedBy.SELF and not proxy_reason:
        raise ApplicationError("监护人代签或委托代签须写明原因", field="proxy_reason")
    if not Membership.objects.filter(household=household, person=person, is_active=True).exists():
        raise ApplicationError(f"{person.name}不是本家庭成员", field="person")
    now = timezone.now()
    consent = VerificationConsent.objects.create(
        person=person,
        household=household,
        signed_by=signed_by,
        proxy_reason=proxy_reason,
        signed_at=now,
        valid_until=now + dt.timedelta(days=consent_valid_days()),
        recorded_by=actor.user,
        **household.region_codes(),
    )
    audit_event_record(
        actor=actor.user,
        action="verification.consent_record",
        obj=consent,
        region_code=household.village_code,
        parameters={"signed_by": signed_by},
    )
    return consent


@transaction.atomic
def consent_withdraw(
    *, actor: Actor, consent: VerificationConsent, reason: str
) -> VerificationConsent:
    access.require_record_consent(actor)
    if not VerificationConsent.objects.filter(actor.region_q(), pk=consent.pk).exists():
        raise NotFound("核对授权不存在或不在您的管辖范围内", field="public_id")
    reason = reason.strip()
    if not reason:
        raise ApplicationError("请填写撤回原因", field="reason")
    now = timezone.now()
    updated = VerificationConsent.objects.filter(pk=consent.pk, withdrawn_at__isnull=True).update(
        withdrawn_at=now, withdrawal_reason=reason, updated_at=now
    )
    if updated != 1:
        raise ApplicationError("该授权已撤回", field="public_id")
    consent.refresh_from_db()
    audit_event_record(
        actor=actor.user,
        action="verification.consent_withdraw",
        obj=consent,
        region_code=consent.village_code,
        parameters={},
    )
    return consent


# -- reports ----------------------------------------------------------------------------------


def _declaration(situation: dict[str, Any]) -> findings.Declaration:
    def amount(value: Any) -> Decimal:
        try:
            return Decimal(str(value if value is not None else "0"))
        except InvalidOperation:
            return Decimal("0")

    incomes: dict[str, dict[str, Decimal]] = {}
    for member in situation.get("members", []):
        by_type = incomes.setdefault(str(member.get("id")), {})
        for income in member.get("incomes", []):
            kind = str(income.get("type"))
            by_type[kind] = by_type.get(kind, Decimal("0.00")) + amount(income.get("monthly"))
    assets = {key: amount(value) for key, value in (situation.get("assets") or {}).items()}
    return findings.Declaration(incomes=incomes, assets=assets)


def _consent_label(consent: VerificationConsent | None, status: ConsentStatus | None) -> str:
    return status.label if consent is not None and status is not None else "未签署"


def _consents_of(
    *, household: Household, application: Any | None, persons: list[Person], now
) -> tuple[dict[int, VerificationConsent], list[str]]:
    """Each person's valid consent (the newest), and "name（status）" of those without one."""
    scope = Q(application__isnull=True)
    if application is not None:
        scope |= Q(application=application)
    candidates = VerificationConsent.objects.filter(
        scope, household=household, person__in=persons
    ).order_by("-signed_at", "-id")
    newest: dict[int, VerificationConsent] = {}
    valid: dict[int, VerificationConsent] = {}
    for consent in candidates:
        newest.setdefault(consent.person_id, consent)
        if consent.status_at(now) in VALID_CONSENT_STATUSES:
            valid.setdefault(consent.person_id, consent)
    missing = []
    for person in persons:
        if person.pk in valid:
            continue
        last = newest.get(person.pk)
        missing.append(f"{person.name}（{_consent_label(last, last and last.status_at(now))}）")
    return valid, missing


MISSING_CONSENTS = "以下共同生活家庭成员没有有效的核对授权，不能核对："


def _valid_consents(
    *, household: Household, application: Any | None, persons: list[Person], now
) -> dict[int, VerificationConsent]:
    """Each person's valid consent (the newest), or ApplicationError listing those without."""
    valid, missing = _consents_of(
        household=household, application=application, persons=persons, now=now
    )
    if missing:
        raise ApplicationError(MISSING_CONSENTS + "、".join(missing), field="consents")
    return valid


def verification_blockers(*, household: Household, application: Any | None) -> list[str]:
    """Why a report cannot be requested now (Chinese sentences; empty when it can): no counted
    member, or counted members without a valid consent. Reads only."""
    persons = [
        membership.person
        for membership in Membership.objects.filter(
            household=household, is_active=True, is_counted=True
        )
        .select_related("person")
        .order_by("id")
    ]
    if not persons:
        return [NO_COUNTED_MEMBERS]
    _, missing = _consents_of(
        household=household, application=application, persons=persons, now=timezone.now()
    )
    return [MISSING_CONSENTS + "、".join(missing)] if missing else []


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
class _Read:
    snapshot: FeedSnapshot | None
    read: findings.SourceRead


def read_threads() -> int:
    """Threads reading a household's sources at once (setting VERIFICATION_READ_THREADS,
    default 4; 1 reads them one after another)."""
    return max(1, int(getattr(settings, "VERIFICATION_READ_THREADS", 4)))


def _read_sources(members: list[findings.Member]) -> list[_Read]:
    keys = [member.person_key for member in members]
    latest = feed_snapshots_latest(sources=[spec.source for spec in SOURCES])
    sent = [spec for spec in SOURCES if spec.source in latest]
    found = snapshots.records_many(
        reads=[(snapshot_path(latest[spec.source].path), spec.columns) for spec in sent],
        person_keys=keys,
        workers=read_threads(),
    )
    records = {spec.source: rows for spec, rows in zip(sent, found, strict=True)}
    reads = []
    for spec in SOURCES:
        snapshot = latest.get(spec.source)
        if snapshot is None:
            reads.append(_Read(None, findings.SourceRead(spec.source, None, None)))
            continue
        reads.append(
            _Read(
                snapshot,
                findings.SourceRead(
                    spec.source, snapshot.pk, snapshot.snapshot_date, records[spec.source]
                ),
            )
        )
    return reads


def _report_body(
    *,
    number: str,
    month: str,
    region: str,
    household: Household,
    application: Any | None,
    previous: VerificationReport | None,
    evidence: str,
    persons: list[Person],
    consents: dict[int, VerificationConsent],
    now: dt.datetime,
    reads: list[_Read],
    limits: findings.Limits,
    result: findings.Findings,
) -> dict[str, Any]:
    """The report's stored body: members and their consents, sources, limits, conclusion."""
    return {
        "number": number,
        "month": month,
        "purpose": PURPOSE,
        "household": {
            "public_id": str(household.public_id),
            "address": household.address,
            "county_code": household.county_code,
        },
        "application": str(application.public_id) if application is not None else None,
        "previous": previous.number if previous is not None else None,
        "objection_evidence": evidence,
        "members": [
            {
                "person_id": p.pk,
                "public_id": str(p.public_id),
                "name": p.name,
                "id_number_masked": p.id_number_masked,
                "consent": str(consents[p.pk].public_id),
                "consent_status": consents[p.pk].status_at(now).label,
            }
            for p in persons
        ],
        "sources": [
            {
                "source": r.read.source,
                "label": findings.S.SOURCE_BY_NAME[r.read.source].label,
                "checked": r.snapshot is not None,
                "snapshot_date": (r.snapshot.snapshot_date.isoformat() if r.snapshot else None),
                "snapshot_label": (
                    r.snapshot.snapshot_date.isoformat()
                    if r.snapshot
                    else findings.NOT_CHECKED_LABEL
                ),
            }
            for r in reads
        ],
        "limits": {
            "dibao.standard": str(limits.standard),
            "assets.financial_months": limits.financial_months,
            "assets.vehicles_max": limits.vehicles_max,
            "assets.real_estate_max": limits.real_estate_max,
            "assets.business_registrations_max": limits.business_registrations_max,
            "financial_limit": str(limits.financial_limit),
            "region": region,
        },
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


def _create_report(
    *,
    actor: Actor,
    household: Household,
    application: Any | None,
    previous: VerificationReport | None = None,
    evidence: str = "",
) -> VerificationReport:
    counted = list(
        Membership.objects.filter(household=household, is_active=True, is_counted=True)
        .select_related("person")
        .order_by("id")
    )
    if not counted:
        raise ApplicationError(NO_COUNTED_MEMBERS, field="household")
    persons = [membership.person for membership in counted]
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
    declaration = _declaration(application.situation) if application is not None else None
    result = findings.assemble(
        month=month,
        members=members,
        reads=[r.read for r in reads],
        limits=limits,
        declaration=declaration,
        income_months=income_months(),
        tolerance=tolerance(),
    )

    with transaction.atomic():
        number = _next_number(region, today.year)
        body = _report_body(
            number=number,
            month=month,
            region=region,
            household=household,
            application=application,
            previous=previous,
            evidence=evidence,
            persons=persons,
            consents=consents,
            now=now,
            reads=reads,
            limits=limits,
            result=result,
        )
        report = VerificationReport.objects.create(
            number=number,
            household=household,
            application=application,
            previous=previous,
            objection_evidence=evidence,
            month=month,
            conclusion=result.conclusion,
            conclusion_rule=result.rule,
            conclusion_reason=result.reason,
            body=body,
            requested_by=actor.user,
            **household.region_codes(),
        )
        _report_rows_write(
            report=report,
            result=result,
            reads=reads,
            persons=persons,
            consents=consents,
            actor=actor,
            now=now,
        )
        deadline_open(
            object_type=REPORT_OBJECT_TYPE,
            object_id=str(report.pk),
            kind=SIGN_DEADLINE,
            region_code=household.village_code,
            start_date=today,
            working_days=sign_working_days(),
        )
        audit_event_record(
            actor=actor.user,
            action="verification.report_recheck" if previous else "verification.report_create",
            obj=report,
            region_code=household.village_code,
            parameters={
                "number": number,
                "conclusion": result.conclusion,
                "rule": result.rule,
                **({"previous": previous.number} if previous else {}),
            },
        )
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


@transaction.atomic
def report_sign(*, actor: Actor, report: VerificationReport, opinion: str = "") -> ReportSignature:
    """The verification officer signs: a ReportSignature row (one per report, never changed)."""
    access.require_sign(actor)
    if not VerificationReport.objects.filter(actor.region_q(), pk=report.pk).exists():
        raise NotFound("核对报告不存在或不在您的管辖范围内", field="public_id")
    if ReportSignature.objects.filter(report=report).exists():
        raise ApplicationError("该报告已签发，不能重复签发", field="public_id")
    profile = StaffProfile.objects.select_related("org_unit").get(user=actor.user)
    try:
        with transaction.atomic():
            signature = ReportSignature.objects.create(
                report=report,
                signed_by=actor.user,
                signer_name=profile.display_name,
                org_unit_name=profile.org_unit.name,
                opinion=opinion.strip(),
            )
        for deadline in Deadline.objects.filter(
            object_type=REPORT_OBJECT_TYPE,
            object_id=str(report.pk),
            kind=SIGN_DEADLINE,
            closed_at__isnull=True,
        ):
            deadline_close(deadline=deadline, at=signature.created_at)
    except IntegrityError as error:
        raise ApplicationError("该报告已签发，不能重复签发", field="public_id") from error
    audit_event_record(
        actor=actor.user,
        action="verification.report_sign",
        obj=report,
        region_code=report.village_code,
        parameters={"number": report.number, "conclusion": report.conclusion},
    )
    return signature
