"""Consents (授权核对书): taken over from an application, recorded for a standalone check,
withdrawn; and the valid consent each counted member's check relies on."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from doudi.accounts.scoping import Actor
from doudi.core.audit import audit_event_record
from doudi.core.exceptions import ApplicationError, NotFound
from doudi.registry.models import Household, Membership, Person
from doudi.verification import access
from doudi.verification.models import (
    VALID_CONSENT_STATUSES,
    ConsentSignedBy,
    ConsentStatus,
    VerificationConsent,
)
from doudi.verification.services._common import (
    HOUSEHOLD_NOT_FOUND,
    NO_COUNTED_MEMBERS,
    _counted_persons,
    consent_valid_days,
)


def _user(actor: Actor | None) -> Any:
    return actor.user if actor is not None else None


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
    persons = _counted_persons(household)
    if not persons:
        return [NO_COUNTED_MEMBERS]
    _, missing = _consents_of(
        household=household, application=application, persons=persons, now=timezone.now()
    )
    return [MISSING_CONSENTS + "、".join(missing)] if missing else []
