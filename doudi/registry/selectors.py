"""Reads from the registry. Every selector is scoped to the actor's region: a household or person
outside it does not exist for the actor (NotFound, not PermissionDenied, so nothing leaks)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from itertools import chain
from typing import Any
from uuid import UUID

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from doudi.accounts.names import staff_name
from doudi.accounts.permissions import Permission
from doudi.accounts.scoping import LEVEL_FIELDS, Actor
from doudi.core import idcard
from doudi.core.exceptions import ApplicationError, NotFound
from doudi.core.id_protection import id_number_hash
from doudi.core.models import DivisionLevel
from doudi.registry.models import BankAccount, Household, Membership, Person

SEARCH_LIMIT_MAX = 100


def household_queryset(*, actor: Actor) -> QuerySet[Household]:
    actor.require(Permission.REGISTRY_VIEW)
    return Household.objects.filter(actor.region_q())


def _division_q(actor: Actor, prefix: str) -> Q:
    """Rows whose Division FK at `prefix` lies inside the actor's region."""
    if actor.region_level == DivisionLevel.VILLAGE:
        return Q(**{f"{prefix}code": actor.region_code})
    return Q(**{f"{prefix}{LEVEL_FIELDS[DivisionLevel(actor.region_level)]}": actor.region_code})


def person_queryset(*, actor: Actor) -> QuerySet[Person]:
    """Persons who live, are registered or belong to a household in the actor's region."""
    actor.require(Permission.REGISTRY_VIEW)
    in_household = Membership.objects.filter(
        Q(person=OuterRef("pk"), is_active=True) & actor.region_q("household__")
    )
    return Person.objects.filter(
        _division_q(actor, "residence_region__")
        | _division_q(actor, "hukou_region__")
        | Exists(in_household)
    )


@dataclass(frozen=True)
class HouseholdSummary:
    public_id: UUID
    address: str
    village_code: str
    township_code: str
    county_code: str
    head_name: str
    head_id_number_masked: str
    member_count: int
    counted_count: int


def _summaries(households: QuerySet[Household]) -> list[HouseholdSummary]:
    """Two queries and plain values: a search result page must stay cheap at a million persons."""
    rows = list(
        households.values(
            "id", "public_id", "address", "village_code", "township_code", "county_code"
        )
    )
    members: dict[int, list[tuple[str, bool, str, str]]] = {row["id"]: [] for row in rows}
    for household_id, relation, is_counted, name, masked in (
        Membership.objects.filter(household_id__in=list(members), is_active=True)
        .order_by("id")
        .values_list(
            "household_id", "relation", "is_counted", "person__name", "person__id_number_masked"
        )
    ):
        members[household_id].append((relation, is_counted, name, masked))
    result = []
    for row in rows:
        household_members = members[row["id"]]
        head = next((m for m in household_members if m[0] == "head"), None)
        result.append(
            HouseholdSummary(
                public_id=row["public_id"],
                address=row["address"],
                village_code=row["village_code"],
                township_code=row["township_code"],
                county_code=row["county_code"],
                head_name=head[2] if head else "",
                head_id_number_masked=head[3] if head else "",
                member_count=len(household_members),
                counted_count=sum(1 for m in household_members if m[1]),
            )
        )
    return result


def household_search(
    *,
    actor: Actor,
    id_number: str = "",
    name: str = "",
    region_code: str = "",
    limit: int = 20,
    offset: int = 0,
) -> list[HouseholdSummary]:
    """Households in the actor's region matching every given criterion.

    ID numbers match exactly (through the keyed hash: numbers are not stored in clear); names match
    exactly or by prefix; a region code narrows to a township, village or county inside the scope.
    """
    if not 1 <= limit <= SEARCH_LIMIT_MAX:
        raise ApplicationError(f"每页条数须在 1 至 {SEARCH_LIMIT_MAX} 之间", field="limit")
    if offset < 0:
        raise ApplicationError("起始位置不能为负数", field="offset")
    households = household_queryset(actor=actor)
    id_number = id_number.strip()
    name = name.strip()
    region_code = region_code.strip()
    if not (id_number or name or region_code):
        raise ApplicationError("请至少填写身份证号码、姓名或区划代码之一", field="q")
    if id_number:
        parsed = idcard.parse(id_number, today=timezone.localdate())
        number = parsed.normalized
        if number is None or len(number) != 18:
            raise ApplicationError(
                "身份证号码格式不正确：应为 18 位（或旧式 15 位）数字，末位可为 X",
                field="id_number",
            )
        members = Membership.objects.filter(
            is_active=True, person__id_number_hash=id_number_hash(number)
        )
        households = households.filter(pk__in=members.values("household_id"))
    if name:
        # A full name matches exactly (an index lookup whatever the name); a single character is
        # taken as a surname and matches by prefix.
        lookup = {"person__name__startswith": name} if len(name) == 1 else {"person__name": name}
        members = Membership.objects.filter(is_active=True, **lookup)
        households = households.filter(pk__in=members.values("household_id"))
    if region_code:
        if not region_code.isdigit() or len(region_code) not in (6, 9, 12):
            raise ApplicationError(f"区划代码格式不正确：{region_code}", field="region_code")
        prefix = actor.region_prefix()
        if not (region_code.startswith(prefix) or prefix.startswith(region_code)):
            return []  # a region outside the actor's own: nothing to find, and no query to run
        field = {6: "county_code", 9: "township_code", 12: "village_code"}[len(region_code)]
        households = households.filter(**{field: region_code})
    return _summaries(households.order_by("id")[offset : offset + limit])


def _uuid(value: UUID | str, *, message: str, field: str) -> UUID:
    try:
        return value if isinstance(value, UUID) else UUID(str(value))
    except ValueError as error:
        raise NotFound(message, field=field) from error


def household_get(*, actor: Actor, public_id: UUID | str) -> Household:
    message = "家庭不存在或不在您的管辖范围内"
    uuid = _uuid(public_id, message=message, field="household")
    try:
        return household_queryset(actor=actor).select_related("village").get(public_id=uuid)
    except Household.DoesNotExist as error:
        raise NotFound(message, field="household") from error


def household_in_region(*, actor: Actor, household: Household) -> bool:
    """Whether ``household`` lies in the actor's region (the actor may open its pages)."""
    return household_queryset(actor=actor).filter(pk=household.pk).exists()


def household_members(
    *, actor: Actor, household: Household, include_inactive: bool = False
) -> list[Membership]:
    household_queryset(actor=actor).get(pk=household.pk)  # region check
    memberships = household.memberships.select_related("person", "person__hukou_region").order_by(
        "-is_active", "id"
    )
    if not include_inactive:
        memberships = memberships.filter(is_active=True)
    return list(memberships)


def active_members(household: Household) -> list[Membership]:
    """The household's active members with their person, in the order they joined. The household
    comes from a scoped selector; this adds no region check of its own."""
    return list(
        household.memberships.filter(is_active=True).select_related("person").order_by("id")
    )


def counted_members(household: Household) -> list[Membership]:
    """The active members counted in the household (共同生活家庭成员), in the order they joined:
    the rows of an application or review form (no region check of its own, as above)."""
    return [m for m in active_members(household) if m.is_counted]


def household_member_get(*, household: Household, public_id: UUID | str, field: str) -> Person:
    """An active member of ``household`` by the person's public id. ``household`` has already
    been found through a region-scoped selector; anyone else (a member who has left, a person of
    another household, a malformed id) is refused with the message staff see at every window."""
    message = "该人员不是本家庭成员"
    try:
        key = public_id if isinstance(public_id, UUID) else UUID(str(public_id))
    except ValueError as error:
        raise ApplicationError(message, field=field) from error
    membership = (
        Membership.objects.filter(household=household, is_active=True, person__public_id=key)
        .select_related("person")
        .first()
    )
    if membership is None:
        raise ApplicationError(message, field=field)
    return membership.person


def person_get(*, actor: Actor, public_id: UUID | str) -> Person:
    message = "人员不存在或不在您的管辖范围内"
    uuid = _uuid(public_id, message=message, field="person")
    try:
        return (
            person_queryset(actor=actor)
            .select_related("hukou_region", "residence_region")
            .get(public_id=uuid)
        )
    except Person.DoesNotExist as error:
        raise NotFound(message, field="person") from error


@dataclass(frozen=True)
class HistoryEntry:
    at: datetime
    who: str
    what: str
    subject: str
    reason: str
    changes: tuple[tuple[str, Any, Any], ...]


_HISTORY_LABEL = {"+": "新增", "~": "修改", "-": "删除"}


def _history_entries(records: Any, *, subject: Any) -> list[HistoryEntry]:
    entries = []
    for record in records:
        changes: tuple[tuple[str, Any, Any], ...] = ()
        previous = record.prev_record
        if previous is not None and record.history_type == "~":
            delta = record.diff_against(previous)
            changes = tuple(
                (record.instance._meta.get_field(change.field).verbose_name, change.old, change.new)
                for change in delta.changes
                if change.field not in {"id_number_encrypted"}
            )
        user = record.history_user
        who = staff_name(user) if user is not None else "系统导入"
        entries.append(
            HistoryEntry(
                at=record.history_date,
                who=who,
                what=_HISTORY_LABEL.get(record.history_type, record.history_type),
                subject=subject(record),
                reason=record.history_change_reason or "",
                changes=changes,
            )
        )
    return entries


def household_history(*, actor: Actor, household: Household) -> list[HistoryEntry]:
    """Every change to the household, its memberships and its members, newest first."""
    household_queryset(actor=actor).get(pk=household.pk)
    membership_ids = list(household.memberships.values_list("id", flat=True))
    person_ids = list(household.memberships.values_list("person_id", flat=True))
    names = dict(Person.objects.filter(id__in=person_ids).values_list("id", "name"))
    household_records = household.history.select_related("history_user__staff_profile").all()
    membership_records = Membership.history.filter(id__in=membership_ids).select_related(
        "history_user__staff_profile"
    )
    person_records = Person.history.filter(id__in=person_ids).select_related(
        "history_user__staff_profile"
    )
    entries = chain(
        _history_entries(household_records, subject=lambda r: "家庭信息"),
        _history_entries(
            membership_records,
            subject=lambda r: (
                f"成员关系：{names.get(r.person_id, '')}（{r.get_relation_display()}）"
            ),
        ),
        _history_entries(person_records, subject=lambda r: f"人员信息：{r.name}"),
    )
    return sorted(entries, key=lambda entry: entry.at, reverse=True)


def person_age(person: Person, *, on: date | None = None) -> int:
    return idcard.age_on(person.birth_date, on or timezone.localdate())


def household_heads(household_ids: Iterable[int]) -> dict[int, str]:
    """Household id → the name of its active head, for lists of cases (in chunks of 900 ids, under
    SQLite's limit on query parameters: a batch run may list 100,000 households)."""
    ids = sorted(set(household_ids))
    heads: dict[int, str] = {}
    for start in range(0, len(ids), 900):
        heads.update(
            Membership.objects.filter(
                household_id__in=ids[start : start + 900], relation="head", is_active=True
            ).values_list("household_id", "person__name")
        )
    return heads


def region_statistics(*, actor: Actor) -> dict[str, int]:
    """Counts for the dashboard; allowed to every staff role (no personal data)."""
    actor.require(Permission.REGION_STATISTICS_VIEW)
    households = Household.objects.filter(actor.region_q())
    memberships = Membership.objects.filter(actor.region_q("household__"), is_active=True)
    return {
        "households": households.count(),
        "persons": memberships.count(),
        "not_counted": memberships.filter(is_counted=False).count(),
    }


def bank_account_list(*, actor: Actor, person: Person) -> QuerySet[BankAccount]:
    person_queryset(actor=actor).get(pk=person.pk)  # region check
    return BankAccount.objects.filter(person=person).order_by("-is_active", "-is_primary", "-id")
