"""批量核对: screen every household of a region — or the current recipients of one programme —
against the latest department snapshots, and keep the result (docs/verification.md, "Batch
screening").

`batch_run` selects the households and their counted members, keeps only households whose every
counted member has a valid consent (the others are listed as not screened, with the members
concerned), asks the policy engine for the limits of each county and area type, runs the pure
DuckDB screen (`batch.batch_screen`) and writes, in one transaction: the `BatchRun`, one
`BatchResult` per household, one `BatchPersonAccess` per person whose data was read (with the
consent relied on) and one audit event. Nothing is written when the actor may not request
checks or the region is not theirs."""

from __future__ import annotations

import datetime as dt
import logging
import re
import time
from dataclasses import dataclass
from typing import Any

import pyarrow as pa
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from doudi.accounts.scoping import LEVEL_FIELDS, Actor
from doudi.benefits.models import Entitlement
from doudi.core.audit import audit_event_record
from doudi.core.exceptions import ApplicationError, NotFound
from doudi.core.models import Division, DivisionLevel
from doudi.core.models.divisions import LEVEL_DEPTH
from doudi.exchange.selectors import feed_snapshots_latest
from doudi.exchange.store import snapshot_path
from doudi.programmes import KEYS as PROGRAMME_KEYS
from doudi.registry.models import Household, Membership
from doudi.verification import access
from doudi.verification import sources as S
from doudi.verification.batch import SCREENED_SOURCES, batch_screen
from doudi.verification.bulk_insert import rows_insert
from doudi.verification.findings import Limits
from doudi.verification.limits import limits_for
from doudi.verification.models import (
    BatchOutcome,
    BatchPersonAccess,
    BatchResult,
    BatchRun,
    BatchStatus,
    ConsentStatus,
    VerificationConsent,
)
from doudi.verification.services import PURPOSE, income_months

logger = logging.getLogger(__name__)

NO_CONSENT_RULE = "no_valid_consent"
NO_MEMBERS_RULE = "no_counted_members"
NO_CONSENT_REASON = "无有效核对授权"
NO_MEMBERS_REASON = "没有共同生活家庭成员，未核对"
NOT_SIGNED = "未签署"
OUT_OF_SCOPE = "授权所属申请已无在发待遇"
REGION_NOT_FOUND = "区域不存在或不在您的管辖范围内"
RESULT_FIELDS = (
    "household",
    "conclusion",
    "rule",
    "reason",
    "counted_members",
    "monthly_income",
    "financial",
    "financial_limit",
    "vehicles",
    "dwellings",
    "businesses",
    "sources_not_checked",
    "members_without_consent",
)
LOOKUP_BATCH = 900  # ids per `IN (...)`, under SQLite's limit on query parameters
MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


def _division(actor: Actor, region_code: str) -> Division:
    division = Division.objects.filter(code=(region_code or "").strip()).first()
    if division is None or not actor.covers(division):
        raise NotFound(REGION_NOT_FOUND, field="region")
    return division


def _region_codes(division: Division) -> dict[str, str]:
    """The division's own code and those of the levels above it; levels below stay blank, so
    `actor.region_q()` finds the run for actors whose region contains the whole division."""
    depth = LEVEL_DEPTH[DivisionLevel(division.level)]
    codes = {}
    for level, field in LEVEL_FIELDS.items():
        if level == division.level:
            codes[field] = division.code
        elif LEVEL_DEPTH[level] < depth:
            codes[field] = getattr(division, field, "") or ""
        else:
            codes[field] = ""
    return codes


def _month(month: str | None) -> str:
    if month is None or not month.strip():
        return timezone.localdate().strftime("%Y-%m")
    month = month.strip()
    if not MONTH.match(month):
        raise ApplicationError(f"核对月份格式应为 YYYY-MM：{month!r}", field="month")
    return month


def _programme(programme: str | None) -> str:
    programme = (programme or "").strip()
    if programme and programme not in PROGRAMME_KEYS:
        raise ApplicationError(f"救助项目取值无效：{programme!r}", field="programme")
    return programme


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


def _reason(row: dict[str, Any], limits: Limits, not_checked: list[str]) -> str:
    """The Chinese reason, worded as a report's decisive flags (findings.assemble)."""
    if row["rule"] == "asset_limit_breach":
        messages = []
        if row["financial"] > row["financial_limit"]:
            messages.append(
                f"家庭{S.ASSET_LABELS[S.FINANCIAL]}：查到 {row['financial']} 元，超过限额 "
                f"{row['financial_limit']} 元（{limits.financial_months} 个月 × 低保标准 "
                f"{limits.standard} 元 × {row['counted']} 人）"
            )
        for category, found, limit in (
            (S.VEHICLES, row["vehicles"], limits.vehicles_max),
            (S.REAL_ESTATE, row["dwellings"], limits.real_estate_max),
            (S.BUSINESS_REGISTRATIONS, row["businesses"], limits.business_registrations_max),
        ):
            if found > limit:
                messages.append(
                    f"家庭{S.ASSET_LABELS[category]}：查到 {found} 项，超过限额 {limit} 项"
                )
        return "；".join(messages)
    if row["rule"] == "source_not_checked":
        return "；".join(
            f"“{S.SOURCE_BY_NAME[source].label}”尚未报送数据，该项未核对（不作为零值）"
            for source in not_checked
        )
    return "各数据源查到的财产未超过限额（无申报，未作收入比对）"


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


def _limits(screened: list[_Household], month: str) -> dict[str, Limits]:
    """The policy engine's limits per county and area type of the screened households."""
    limits: dict[str, Limits] = {}
    for household in screened:
        if household.limits_key not in limits:
            county, area_type = household.limits_key.split("/")
            limits[household.limits_key] = limits_for(
                region=county, area_type=area_type, month=month, counted_members=0
            )
    return limits


def _screen(
    screened: list[_Household],
    latest: dict[str, Any],
    limits: dict[str, Limits],
    month: str,
    months: int,
) -> list[dict[str, Any]]:
    """One row per screened household from `batch.batch_screen`, in household order."""
    if not screened:
        return []
    members = pa.table(
        {
            "household_id": pa.array([h.pk for h in screened for _ in h.members], pa.int64()),
            "person_key": pa.array([key for h in screened for _, _, key in h.members], pa.string()),
            "county_code": pa.array(
                [h.limits_key for h in screened for _ in h.members], pa.string()
            ),
        }
    )
    found = batch_screen(
        members=members,
        snapshots={source: snapshot_path(s.path) for source, s in latest.items()},
        limits=limits,
        month=month,
        income_months=months,
    ).to_pydict()
    columns = list(found)
    return [dict(zip(columns, values, strict=True)) for values in zip(*found.values(), strict=True)]


@dataclass
class _Screening:
    """What the screen read and found: the latest snapshots, the sources not sent, the limits,
    one row per screened household, when the data were read and when the screen finished."""

    latest: dict[str, Any]
    not_checked: list[str]
    limits: dict[str, Limits]
    months: int
    rows: list[dict[str, Any]]
    read_at: dt.datetime
    finished_at: dt.datetime
    seconds: float

    @property
    def tally(self) -> dict[str, int]:
        counts: dict[str, int] = dict.fromkeys(BatchOutcome.values, 0)
        for row in self.rows:
            counts[row["conclusion"]] += 1
        return counts


def _screening(screened: list[_Household], month: str) -> _Screening:
    """Screen the households against the latest snapshot of every source."""
    latest = feed_snapshots_latest(sources=[spec.source for spec in S.SOURCES])
    limits = _limits(screened, month)
    months = income_months()
    read_at = timezone.now()
    clock = time.perf_counter()
    rows = _screen(screened, latest, limits, month, months)
    return _Screening(
        latest=latest,
        not_checked=[spec.source for spec in S.SOURCES if spec.source not in latest],
        limits=limits,
        months=months,
        rows=rows,
        read_at=read_at,
        finished_at=timezone.now(),
        seconds=time.perf_counter() - clock,
    )


def _run_create(
    actor: Actor,
    division: Division,
    programme: str,
    month: str,
    started_at: dt.datetime,
    selection: _Selection,
    screening: _Screening,
) -> BatchRun:
    """The `BatchRun` row: scope, month, counts, snapshots, sources not checked, limits used."""
    tally = screening.tally
    return BatchRun.objects.create(
        region_code=division.code,
        region_level=division.level,
        region_name=division.name,
        programme=programme,
        month=month,
        income_months=screening.months,
        requested_by=actor.user,
        started_at=started_at,
        finished_at=screening.finished_at,
        status=BatchStatus.COMPLETED if selection.screened else BatchStatus.NOTHING_SCREENED,
        households_selected=len(selection.households),
        households_screened=len(selection.screened),
        households_skipped=len(selection.missing),
        households_without_members=len(selection.without_members),
        compliant_count=tally[BatchOutcome.COMPLIANT],
        non_compliant_count=tally[BatchOutcome.NON_COMPLIANT],
        suspect_count=tally[BatchOutcome.SUSPECT],
        persons_read=selection.persons_read,
        snapshots={
            source: {"snapshot_id": s.pk, "snapshot_date": s.snapshot_date.isoformat()}
            for source, s in sorted(screening.latest.items())
        },
        sources_not_checked=screening.not_checked,
        limits=_limits_used(screening.limits),
        **_region_codes(division),
    )


def _run_audit(actor: Actor, run: BatchRun, selection: _Selection, screening: _Screening) -> None:
    """The audit event of the run: programme, month and counts, no personal data."""
    tally = screening.tally
    audit_event_record(
        actor=actor.user,
        action="verification.batch_run",
        obj=run,
        region_code=run.region_code,
        parameters={
            "programme": run.programme,
            "month": run.month,
            "households_screened": len(selection.screened),
            "households_skipped": len(selection.missing),
            "compliant": tally[BatchOutcome.COMPLIANT],
            "non_compliant": tally[BatchOutcome.NON_COMPLIANT],
            "suspect": tally[BatchOutcome.SUSPECT],
            "persons_read": selection.persons_read,
        },
    )


def _results(
    rows: list[dict[str, Any]],
    selection: _Selection,
    limits: dict[str, Limits],
    not_checked: list[str],
) -> list[tuple[Any, ...]]:
    """One `BatchResult` row (`RESULT_FIELDS`) per selected household, in household order:
    screened, skipped for lack of consent, or without counted members."""
    by_household = {h.pk: h for h in selection.screened}
    results: list[tuple[Any, ...]] = [
        (
            row["household_id"],
            row["conclusion"],
            row["rule"],
            _reason(row, limits[by_household[row["household_id"]].limits_key], not_checked),
            row["counted"],
            row["monthly_income"],
            row["financial"],
            row["financial_limit"],
            row["vehicles"],
            row["dwellings"],
            row["businesses"],
            not_checked,
            [],
        )
        for row in rows
    ]
    for household_id, lacking in selection.missing.items():
        named = [
            {
                "person_id": person_id,
                "name": name,
                "consent_status": selection.labels[(household_id, person_id)],
            }
            for person_id, name in lacking
        ]
        reason = f"{NO_CONSENT_REASON}：" + "、".join(
            f"{m['name']}（{m['consent_status']}）" for m in named
        )
        size = len(selection.households[household_id].members)
        results.append(
            (household_id, BatchOutcome.SKIPPED.value, NO_CONSENT_RULE, reason, size)
            + (None,) * 6
            + ([], named)
        )
    results.extend(
        (household.pk, BatchOutcome.SKIPPED.value, NO_MEMBERS_RULE, NO_MEMBERS_REASON, 0)
        + (None,) * 6
        + ([], [])
        for household in selection.without_members
    )
    results.sort(key=lambda result: result[0])
    return results


def _accesses_insert(
    run: BatchRun,
    actor: Actor,
    selection: _Selection,
    latest: dict[str, Any],
    read_at: dt.datetime,
) -> None:
    """One `BatchPersonAccess` per person screened, with the consent relied on and the sources
    read (screened sources with a snapshot)."""
    rows_insert(
        BatchPersonAccess,
        constant={
            "run": run.pk,
            "sources": [source for source in SCREENED_SOURCES if source in latest],
            "purpose": PURPOSE,
            "actor": actor.user.pk,
            "accessed_at": read_at,
        },
        varying=("person", "household", "consent"),
        rows=(
            (person_id, household.pk, selection.consent_of[(household.pk, person_id)])
            for household in selection.screened
            for person_id, _, _ in household.members
        ),
    )


def _limits_used(limits: dict[str, Limits]) -> dict[str, dict[str, Any]]:
    """Per `county/area type`, the policy engine's values the run used."""
    return {
        key: {
            "dibao.standard": str(value.standard),
            "assets.financial_months": value.financial_months,
            "assets.vehicles_max": value.vehicles_max,
            "assets.real_estate_max": value.real_estate_max,
            "assets.business_registrations_max": value.business_registrations_max,
        }
        for key, value in sorted(limits.items())
    }


def batch_run(
    *,
    actor: Actor,
    region_code: str,
    programme: str | None = None,
    month: str | None = None,
) -> BatchRun:
    """Screen the households of `region_code` (inside the actor's region) — with `programme`,
    only those with an entitlement of it still paid in `month` (current recipients) — and
    persist the run, its results and the access log. `month` defaults to the current month; the
    income window is the `income_months()` whole months before it."""
    access.require_request(actor)
    division = _division(actor, region_code)
    programme = _programme(programme)
    month = _month(month)
    started_at = timezone.now()
    clock = time.perf_counter()
    selection = _select(
        actor, division, programme, dt.date.fromisoformat(f"{month}-01"), started_at
    )
    selected_seconds = time.perf_counter() - clock
    screening = _screening(selection.screened, month)

    clock = time.perf_counter()
    with transaction.atomic():
        run = _run_create(actor, division, programme, month, started_at, selection, screening)
        results = _results(screening.rows, selection, screening.limits, screening.not_checked)
        rows_insert(BatchResult, constant={"run": run.pk}, varying=RESULT_FIELDS, rows=results)
        _accesses_insert(run, actor, selection, screening.latest, screening.read_at)
        _run_audit(actor, run, selection, screening)
    logger.info(
        "batch run %s: %d households (%d persons) selected in %.1f s, screened in %.1f s, "
        "written in %.1f s",
        run.public_id,
        len(selection.households),
        selection.persons_read,
        selected_seconds,
        screening.seconds,
        time.perf_counter() - clock,
    )
    return run


def batch_run_figures(run: BatchRun) -> str:
    """The run's counts in one Chinese sentence (command output, page messages)."""
    return (
        f"已核对 {run.households_screened} 户（符合 {run.compliant_count} 户，不符合 "
        f"{run.non_compliant_count} 户，疑似 {run.suspect_count} 户）；无有效核对授权未核对 "
        f"{run.households_skipped} 户；无共同生活家庭成员 {run.households_without_members} 户；"
        f"查询 {run.persons_read} 人的部门数据（已记录查询）"
    )
