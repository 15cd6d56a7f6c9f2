"""Registering and changing persons, and revealing their ID numbers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from doudi.accounts.permissions import Permission
from doudi.accounts.scoping import Actor
from doudi.core import idcard
from doudi.core.audit import audit_event_record
from doudi.core.id_protection import id_number_encrypt, id_number_hash
from doudi.registry.error_codes import RegistryErrorCode as Code
from doudi.registry.models import (
    AreaType,
    DisabilityType,
    Person,
    Schooling,
    VitalStatus,
)
from doudi.registry.services._common import (
    _check_choice,
    _conflict,
    _error,
    _jsonable,
    _require_in_region,
    _require_reason,
    _require_visible,
    _village,
    _with_history,
)


@dataclass(frozen=True)
class PersonFacts:
    """What the registry records about a person, as entered or imported."""

    name: str
    id_number: str
    hukou_region_code: str
    hukou_type: str
    residence_region_code: str = ""
    phone: str = ""
    disability_type: str = ""
    disability_grade: int | None = None
    labour_capacity: bool = True
    serious_illness: bool = False
    schooling: str = Schooling.NONE
    vital_status: str = VitalStatus.ALIVE


def _validate_person_fields(
    *,
    name: str,
    hukou_type: str,
    schooling: str,
    vital_status: str,
    disability_type: str,
    disability_grade: int | None,
    field_prefix: str = "",
) -> None:
    """The checks every person record passes, on creation and on every change."""
    if not name.strip():
        raise _error("姓名不能为空", field=f"{field_prefix}name", code=Code.INVALID_VALUE)
    _check_choice(hukou_type, AreaType, field=f"{field_prefix}hukou_type", label="户口性质")
    _check_choice(schooling, Schooling, field=f"{field_prefix}schooling", label="在学情况")
    _check_choice(vital_status, VitalStatus, field=f"{field_prefix}vital_status", label="生存状态")
    _check_choice(
        disability_type,
        DisabilityType,
        field=f"{field_prefix}disability_type",
        label="残疾类别",
        allow_blank=True,
    )
    if bool(disability_type) != (disability_grade is not None):
        raise _error(
            "残疾类别和残疾等级须同时填写或同时为空",
            field=f"{field_prefix}disability_grade",
            code=Code.INVALID_VALUE,
        )
    if disability_grade is not None and not 1 <= disability_grade <= 4:
        raise _error(
            f"残疾等级只能是 1 至 4 级，而不是 {disability_grade}",
            field=f"{field_prefix}disability_grade",
            code=Code.INVALID_VALUE,
        )


def _validate_person_facts(facts: PersonFacts, *, field_prefix: str) -> idcard.IdCardResult:
    _validate_person_fields(
        name=facts.name,
        hukou_type=facts.hukou_type,
        schooling=facts.schooling,
        vital_status=facts.vital_status,
        disability_type=facts.disability_type,
        disability_grade=facts.disability_grade,
        field_prefix=field_prefix,
    )
    parsed = idcard.parse(facts.id_number, today=timezone.localdate())
    if not parsed.valid:
        reasons = "；".join(error.message for error in parsed.errors)
        raise _error(
            f"身份证号码无效：{reasons}",
            field=f"{field_prefix}id_number",
            code=Code.INVALID_ID_NUMBER,
        )
    return parsed


def _already_registered(masked: str, *, field_prefix: str) -> Exception:
    return _conflict(
        f"身份证号码 {masked} 已登记，请直接选择该人员",
        field=f"{field_prefix}id_number",
        code=Code.DUPLICATE_ID_NUMBER,
    )


def _person_save(person: Person, *, actor: Actor, reason: str, field_prefix: str = "") -> None:
    """Save a new person; the same ID number saved by someone else a moment earlier (the check in
    `_person_build` saw neither) is refused by the unique hash and answered as the same conflict."""
    try:
        with transaction.atomic():
            _with_history(person, actor=actor, reason=reason).save()
    except IntegrityError as error:
        if not Person.objects.filter(id_number_hash=person.id_number_hash).exists():
            raise
        raise _already_registered(person.id_number_masked, field_prefix=field_prefix) from error


def _person_build(facts: PersonFacts, *, field_prefix: str = "") -> Person:
    parsed = _validate_person_facts(facts, field_prefix=field_prefix)
    number = parsed.normalized
    assert number is not None
    number_hash = id_number_hash(number)
    if Person.objects.filter(id_number_hash=number_hash).exists():
        raise _already_registered(idcard.mask(number), field_prefix=field_prefix)
    hukou = _village(facts.hukou_region_code, field=f"{field_prefix}hukou_region_code")
    residence = _village(
        facts.residence_region_code or facts.hukou_region_code,
        field=f"{field_prefix}residence_region_code",
    )
    return Person(
        name=facts.name.strip(),
        id_number_encrypted=id_number_encrypt(number),
        id_number_hash=number_hash,
        id_number_masked=idcard.mask(number),
        sex=parsed.sex,
        birth_date=parsed.birth_date,
        hukou_region=hukou,
        hukou_type=facts.hukou_type,
        residence_region=residence,
        phone=facts.phone.strip(),
        disability_type=facts.disability_type,
        disability_grade=facts.disability_grade,
        labour_capacity=facts.labour_capacity,
        serious_illness=facts.serious_illness,
        schooling=facts.schooling,
        vital_status=facts.vital_status,
    )


@transaction.atomic
def person_create(*, actor: Actor, facts: PersonFacts, reason: str) -> Person:
    actor.require(Permission.REGISTRY_EDIT)
    reason = _require_reason(reason)
    person = _person_build(facts)
    _require_in_region(actor, person.residence_region, field="residence_region_code")
    _person_save(person, actor=actor, reason=reason)
    audit_event_record(
        actor=actor.user,
        action="person.created",
        obj=person,
        region_code=person.residence_region_id,
        parameters={"reason": reason},
    )
    return person


PERSON_EDITABLE_FIELDS = {
    "name",
    "phone",
    "hukou_type",
    "residence_region_code",
    "disability_type",
    "disability_grade",
    "labour_capacity",
    "serious_illness",
    "schooling",
    "vital_status",
    "date_of_death",
}


@transaction.atomic
def person_update(*, actor: Actor, person: Person, changes: dict[str, Any], reason: str) -> Person:
    """Change registry facts of a person. The ID number, sex and birth date are fixed by the number."""
    actor.require(Permission.REGISTRY_EDIT)
    reason = _require_reason(reason)
    unknown = sorted(set(changes) - PERSON_EDITABLE_FIELDS)
    if unknown:
        raise _error(
            f"以下字段不能修改：{'、'.join(unknown)}", field=unknown[0], code=Code.INVALID_VALUE
        )
    _require_visible(actor, person)
    person = Person.objects.select_for_update().select_related("residence_region").get(pk=person.pk)
    before = {
        key: _jsonable(
            getattr(person, key if key != "residence_region_code" else "residence_region_id")
        )
        for key in changes
    }
    for key, value in changes.items():
        if key == "residence_region_code":
            residence = _village(value, field=key)
            _require_in_region(actor, residence, field=key)
            person.residence_region = residence
        else:
            setattr(person, key, value)
    _validate_person_fields(
        name=person.name,
        hukou_type=person.hukou_type,
        schooling=person.schooling,
        vital_status=person.vital_status,
        disability_type=person.disability_type,
        disability_grade=person.disability_grade,
    )
    if person.vital_status == VitalStatus.DECEASED and person.date_of_death is None:
        raise _error("登记死亡时须填写死亡日期", field="date_of_death", code=Code.INVALID_VALUE)
    _with_history(person, actor=actor, reason=reason).save()
    audit_event_record(
        actor=actor.user,
        action="person.updated",
        obj=person,
        region_code=person.residence_region_id,
        parameters={
            "reason": reason,
            "before": before,
            "after": {k: _jsonable(v) for k, v in changes.items()},
        },
    )
    return person


@transaction.atomic
def person_id_number_reveal(*, actor: Actor, person: Person, purpose: str) -> str:
    """The full ID number, for roles that need it; every reveal is logged with its purpose."""
    from doudi.core.id_protection import id_number_decrypt

    actor.require(Permission.REGISTRY_REVEAL_ID)
    _require_visible(actor, person)
    purpose = (purpose or "").strip()
    if not purpose:
        raise _error("请填写查看完整身份证号码的用途", field="purpose", code=Code.REASON_REQUIRED)
    audit_event_record(
        actor=actor.user,
        action="person.id_number_viewed",
        obj=person,
        region_code=person.residence_region_id,
        parameters={"purpose": purpose},
    )
    return id_number_decrypt(person.id_number_encrypted)
