"""Registering households and changing their members."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone

from doudi.accounts.permissions import Permission
from doudi.accounts.scoping import Actor
from doudi.core import idcard
from doudi.core.audit import audit_event_record
from doudi.registry.error_codes import RegistryErrorCode as Code
from doudi.registry.models import (
    AreaType,
    ExclusionReason,
    Household,
    Membership,
    Person,
    Relation,
)
from doudi.registry.services._common import (
    _check_choice,
    _error,
    _require_in_region,
    _require_reason,
    _require_visible,
    _village,
    _with_history,
)
from doudi.registry.services.persons import PersonFacts, _person_build, _person_save


@dataclass(frozen=True)
class MemberSpec:
    """A member to put in a household: an existing person, or facts for a new one."""

    relation: str
    person: Person | None = None
    facts: PersonFacts | None = None
    is_counted: bool = True
    exclusion_reason: str = ""


def _check_membership(spec: MemberSpec, *, field_prefix: str) -> None:
    _check_choice(spec.relation, Relation, field=f"{field_prefix}relation", label="与户主关系")
    if spec.is_counted and spec.exclusion_reason:
        raise _error(
            "计入共同生活家庭成员的人员不应填写不计入原因",
            field=f"{field_prefix}exclusion_reason",
            code=Code.EXCLUSION_REASON,
        )
    if not spec.is_counted:
        if not spec.exclusion_reason:
            raise _error(
                "不计入共同生活家庭成员时须填写原因（民发〔2021〕57号 第七条）",
                field=f"{field_prefix}exclusion_reason",
                code=Code.EXCLUSION_REASON,
            )
        _check_choice(
            spec.exclusion_reason,
            ExclusionReason,
            field=f"{field_prefix}exclusion_reason",
            label="不计入原因",
        )


def _check_not_counted_elsewhere(
    person: Person, *, household: Household | None, field: str
) -> None:
    existing = (
        Membership.objects.filter(person=person, is_active=True, is_counted=True)
        .exclude(household=household)
        .select_related("household")
        .first()
    )
    if existing is not None:
        raise _error(
            f"{person.name}（{person.id_number_masked}）已作为共同生活家庭成员登记在其他家庭（{existing.household.address}），"
            "请先办理迁出",
            field=field,
            code=Code.ALREADY_COUNTED,
        )


def _check_member_specs(members: list[MemberSpec]) -> None:
    """One head; each member an existing person or new facts (one of the two); no ID number twice
    among the new persons."""
    heads = [index for index, spec in enumerate(members) if spec.relation == Relation.HEAD]
    if len(heads) != 1:
        raise _error("家庭须有且只有一名户主", field="members", code=Code.SECOND_HEAD)
    seen_numbers: set[str] = set()
    for index, spec in enumerate(members):
        prefix = f"members[{index}]."
        _check_membership(spec, field_prefix=prefix)
        if (spec.person is None) == (spec.facts is None):
            raise _error(
                "每名成员须选择已登记人员或填写新人员信息（二选一）",
                field=f"members[{index}]",
                code=Code.INVALID_VALUE,
            )
        if spec.facts is not None:
            number = idcard.normalize(spec.facts.id_number)
            if number in seen_numbers:
                raise _error(
                    "同一身份证号码在本次登记中重复出现",
                    field=f"{prefix}id_number",
                    code=Code.DUPLICATE_ID_NUMBER,
                )
            seen_numbers.add(number)


def _members_add(
    actor: Actor,
    household: Household,
    members: list[MemberSpec],
    *,
    joined_on: date | None,
    reason: str,
) -> None:
    """Create the new persons and every membership of a household being registered."""
    joined = joined_on or timezone.localdate()
    for index, spec in enumerate(members):
        prefix = f"members[{index}]."
        person = spec.person
        if person is None:
            assert spec.facts is not None
            person = _person_build(spec.facts, field_prefix=prefix)
            _person_save(person, actor=actor, reason=reason, field_prefix=prefix)
        else:
            _require_visible(actor, person)
            if spec.is_counted:
                _check_not_counted_elsewhere(person, household=None, field=f"{prefix}person")
        _membership_create(
            actor=actor,
            household=household,
            person=person,
            spec=spec,
            joined_on=joined,
            reason=reason,
            field=prefix,
        )


@transaction.atomic
def household_register(
    *,
    actor: Actor,
    village_code: str,
    address: str,
    area_type: str,
    members: list[MemberSpec],
    reason: str,
    joined_on: date | None = None,
) -> Household:
    """Register a household with its members in one step: all of it is written, or none of it."""
    actor.require(Permission.REGISTRY_EDIT)
    reason = _require_reason(reason)
    village = _village(village_code, field="village_code")
    _require_in_region(actor, village, field="village_code")
    if not address.strip():
        raise _error("详细地址不能为空", field="address", code=Code.INVALID_VALUE)
    _check_choice(area_type, AreaType, field="area_type", label="城乡类别")
    _check_member_specs(members)

    household = Household(
        village=village,
        province_code=village.province_code,
        city_code=village.city_code,
        county_code=village.county_code,
        township_code=village.township_code,
        village_code=village.code,
        address=address.strip(),
        area_type=area_type,
    )
    _with_history(household, actor=actor, reason=reason).save()
    _members_add(actor, household, members, joined_on=joined_on, reason=reason)
    audit_event_record(
        actor=actor.user,
        action="household.registered",
        obj=household,
        region_code=household.village_code,
        parameters={"reason": reason, "members": len(members)},
    )
    return household


_SQLITE_UNIQUE_COLUMNS = {
    "registry_membership.person_id": "membership_counted_once",
    "registry_membership.household_id": "membership_one_head",
    "registry_membership.household_id, registry_membership.person_id": "membership_active_once_per_household",
}


def _violated_constraint(message: str) -> str:
    for name in (
        "membership_counted_once",
        "membership_one_head",
        "membership_active_once_per_household",
    ):
        if name in message:
            return name
    columns = message.removeprefix("UNIQUE constraint failed: ").strip()
    return _SQLITE_UNIQUE_COLUMNS.get(columns, "")


def _membership_create(
    *,
    actor: Actor,
    household: Household,
    person: Person,
    spec: MemberSpec,
    joined_on: date,
    reason: str,
    field: str,
) -> Membership:
    membership = Membership(
        household=household,
        person=person,
        relation=spec.relation,
        is_counted=spec.is_counted,
        exclusion_reason=spec.exclusion_reason,
        joined_on=joined_on,
    )
    try:
        with transaction.atomic():
            _with_history(membership, actor=actor, reason=reason).save()
    except IntegrityError as error:
        # The database constraints are the last word under concurrency; translate them.
        # PostgreSQL names the constraint; SQLite names the indexed columns.
        violated = _violated_constraint(str(error))
        if violated == "membership_counted_once":
            raise _error(
                f"{person.name}（{person.id_number_masked}）已作为共同生活家庭成员登记在其他家庭",
                field=f"{field}person",
                code=Code.ALREADY_COUNTED,
            ) from error
        if violated == "membership_one_head":
            raise _error("家庭已有户主", field=f"{field}relation", code=Code.SECOND_HEAD) from error
        raise _error(
            f"{person.name} 已是该家庭成员", field=f"{field}person", code=Code.ALREADY_MEMBER
        ) from error
    return membership


@transaction.atomic
def household_member_add(
    *, actor: Actor, household: Household, spec: MemberSpec, reason: str
) -> Membership:
    actor.require(Permission.REGISTRY_EDIT)
    reason = _require_reason(reason)
    household = Household.objects.select_for_update().select_related("village").get(pk=household.pk)
    _require_in_region(actor, household.village, field="household")
    _check_membership(spec, field_prefix="")
    if (spec.person is None) == (spec.facts is None):
        raise _error(
            "须选择已登记人员或填写新人员信息（二选一）", field="person", code=Code.INVALID_VALUE
        )
    if (
        spec.relation == Relation.HEAD
        and household.memberships.filter(is_active=True, relation=Relation.HEAD).exists()
    ):
        raise _error(
            "家庭已有户主，如需变更户主请先调整原户主关系", field="relation", code=Code.SECOND_HEAD
        )
    person = spec.person
    if person is None:
        assert spec.facts is not None
        person = _person_build(spec.facts)
        _person_save(person, actor=actor, reason=reason)
    else:
        _require_visible(actor, person)
        if household.memberships.filter(person=person, is_active=True).exists():
            raise _error(f"{person.name} 已是该家庭成员", field="person", code=Code.ALREADY_MEMBER)
        if spec.is_counted:
            _check_not_counted_elsewhere(person, household=household, field="person")
    membership = _membership_create(
        actor=actor,
        household=household,
        person=person,
        spec=spec,
        joined_on=timezone.localdate(),
        reason=reason,
        field="",
    )
    audit_event_record(
        actor=actor.user,
        action="household.member_added",
        obj=household,
        region_code=household.village_code,
        parameters={
            "reason": reason,
            "membership_id": membership.pk,
            "person": str(person.public_id),
            "relation": spec.relation,
            "is_counted": spec.is_counted,
            "exclusion_reason": spec.exclusion_reason,
        },
    )
    return membership


@transaction.atomic
def household_member_remove(
    *, actor: Actor, membership: Membership, reason: str, left_on: date | None = None
) -> Membership:
    actor.require(Permission.REGISTRY_EDIT)
    reason = _require_reason(reason)
    membership = (
        Membership.objects.select_for_update()
        .select_related("household__village", "person")
        .get(pk=membership.pk)
    )
    _require_in_region(actor, membership.household.village, field="household")
    if not membership.is_active:
        raise _error("该成员关系已失效", field="membership", code=Code.INVALID_VALUE)
    if (
        membership.relation == Relation.HEAD
        and membership.household.memberships.filter(is_active=True).count() > 1
    ):
        raise _error("户主不能直接移出，请先指定新户主", field="membership", code=Code.SECOND_HEAD)
    membership.is_active = False
    membership.left_on = left_on or timezone.localdate()
    _with_history(membership, actor=actor, reason=reason).save(
        update_fields=["is_active", "left_on", "updated_at"]
    )
    audit_event_record(
        actor=actor.user,
        action="household.member_removed",
        obj=membership.household,
        region_code=membership.household.village_code,
        parameters={
            "reason": reason,
            "membership_id": membership.pk,
            "person": str(membership.person.public_id),
        },
    )
    return membership
