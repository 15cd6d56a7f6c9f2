"""The households a run selects and whether each can be screened: its counted members, the
valid consent relied on for each, and why a member without one has none."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Q

from doudi.accounts.scoping import LEVEL_FIELDS, Actor
from doudi.benefits.models import Entitlement
from doudi.core.models import Division, DivisionLevel
from doudi.registry.models import Household, Membership
from doudi.verification.models import ConsentStatus, VerificationConsent

NOT_SIGNED = "未签署"
OUT_OF_SCOPE = "授权所属申请已无在发待遇"
LOOKUP_BATCH = 900  # ids per `IN (...)`, under SQLite's limit on query parameters


def _open_in(month_start: dt.date) -> Q:
    """An entitlement still paid in the month: open, or ending in or after it (渐退期)."""
    return Q(to_month__isnull=True) | Q(to_month__gte=month_start)


def _valid_at(now: dt.datetime) -> Q:
    """Consents in force at `now` (the set-based form of `VerificationConsent.status_at`:
    not withdrawn by then, not past `valid_until`)."""
    return (Q(withdrawn_at__isnull=True) | Q(withdrawn_at__gt=now)) & Q(valid_until__gte=now)


@dataclass
class _Household:
    pk: int
    limits_key: str
    members: list[tuple[int, str, str]]  # (person_id, name, person_key)


def _missing_labels(
    missing: dict[int, list[tuple[int, str]]], scope: Q, now: dt.datetime
) -> dict[tuple[int, int], str]:
    """(household, person) → why the person has no valid consent: the status of the newest
    consent that could be relied on (已撤回 / 已过期); else 授权所属申请已无在发待遇 when the
    person signed only with an application no longer in payment; else 未签署."""
    household_ids = list(missing)
    labels: dict[tuple[int, int], str] = {}
    elsewhere: set[tuple[int, int]] = set()
    for start in range(0, len(household_ids), LOOKUP_BATCH):
        chunk = household_ids[start : start + LOOKUP_BATCH]
        candidates = VerificationConsent.objects.filter(household_id__in=chunk)
        for consent in candidates.filter(scope).order_by("-signed_at", "-id"):
            key = (consent.household_id, consent.person_id)
            if key not in labels:
                labels[key] = ConsentStatus(consent.status_at(now)).label
        elsewhere.update(candidates.exclude(scope).values_list("household_id", "person_id"))
    return {
        (household_id, person_id): labels.get((household_id, person_id))
        or (OUT_OF_SCOPE if (household_id, person_id) in elsewhere else NOT_SIGNED)
        for household_id, persons in missing.items()
        for person_id, _ in persons
    }


def _households(
    actor: Actor, division: Division, programme: str, month_start: dt.date
) -> tuple[Any, dict[int, _Household]]:
    """The selected households (a queryset) and each one with its counted members: those of the
    division inside the actor's region; with `programme`, only its current recipients."""
    field = LEVEL_FIELDS[DivisionLevel(division.level)]
    selected = Household.objects.filter(actor.region_q(), **{field: division.code})
    if programme:
        selected = selected.filter(
            pk__in=Entitlement.objects.filter(_open_in(month_start), programme=programme).values(
                "household_id"
            )
        )
    households: dict[int, _Household] = {
        pk: _Household(pk, f"{county}/{area_type}", [])
        for pk, county, area_type in selected.order_by("id").values_list(
            "id", "county_code", "area_type"
        )
    }
    for household_id, person_id, name, key in (
        Membership.objects.filter(household__in=selected, is_active=True, is_counted=True)
        .order_by("household_id", "id")
        .values_list("household_id", "person_id", "person__name", "person__id_number_hash")
    ):
        households[household_id].members.append((person_id, name, key))
    return selected, households


def _consents(
    selected: Any, month_start: dt.date, started_at: dt.datetime
) -> tuple[Q, dict[tuple[int, int], int]]:
    """(the consents that may be relied on, the newest valid one per household and person):
    standalone ones of the household, or those of the application behind an entitlement still
    paid (the household's current assistance)."""
    covering = Entitlement.objects.filter(_open_in(month_start), household__in=selected).values(
        "application_id"
    )
    scope = Q(application__isnull=True) | Q(application_id__in=covering)
    consent_of: dict[tuple[int, int], int] = {}
    for consent_id, household_id, person_id in (
        VerificationConsent.objects.filter(
            scope,
            _valid_at(started_at),
            household__in=selected,
        )
        .order_by("-signed_at", "-id")
        .values_list("id", "household_id", "person_id")
    ):
        consent_of.setdefault((household_id, person_id), consent_id)
    return scope, consent_of


@dataclass
class _Selection:
    """The run's households: screened, skipped for lack of a valid consent (with the members
    concerned and why), or without counted members; and the consent relied on per person."""

    households: dict[int, _Household]
    consent_of: dict[tuple[int, int], int]
    screened: list[_Household]
    without_members: list[_Household]
    missing: dict[int, list[tuple[int, str]]]
    labels: dict[tuple[int, int], str]

    @property
    def persons_read(self) -> int:
        return sum(len(h.members) for h in self.screened)


def _select(
    actor: Actor, division: Division, programme: str, month_start: dt.date, now: dt.datetime
) -> _Selection:
    """The selected households sorted by whether they can be screened now (`_Selection`)."""
    selected, households = _households(actor, division, programme, month_start)
    scope, consent_of = _consents(selected, month_start, now)
    screened: list[_Household] = []
    without_members: list[_Household] = []
    missing: dict[int, list[tuple[int, str]]] = {}
    for household in households.values():
        if not household.members:
            without_members.append(household)
            continue
        lacking = [
            (person_id, name)
            for person_id, name, _ in household.members
            if (household.pk, person_id) not in consent_of
        ]
        if lacking:
            missing[household.pk] = lacking
        else:
            screened.append(household)
    labels = _missing_labels(missing, scope, now) if missing else {}
    return _Selection(households, consent_of, screened, without_members, missing, labels)
