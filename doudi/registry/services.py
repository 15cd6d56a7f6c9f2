"""Writes to the registry. Every service checks permission and region, keeps history with who and
why, and records an audit event in the same transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from doudi.accounts.permissions import Permission
from doudi.accounts.scoping import Actor
from doudi.core import idcard
from doudi.core.audit import audit_event_record
from doudi.core.exceptions import ApplicationError, NotFound, PermissionDenied
from doudi.core.id_protection import id_number_encrypt, id_number_hash
from doudi.core.models import Division, DivisionLevel
from doudi.registry.error_codes import RegistryErrorCode as Code
from doudi.registry.models import (
    AreaType,
    BankAccount,
    DisabilityType,
    ExclusionReason,
    Household,
    Membership,
    Person,
    Relation,
    Schooling,
    VitalStatus,
)


def _error(message: str, *, field: str, code: Code, **extra: Any) -> ApplicationError:
    return ApplicationError(message, field=field, extra={"code": code.value, **extra})


def _require_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise _error("请填写变更原因", field="reason", code=Code.REASON_REQUIRED)
    return reason


def _village(code: str, *, field: str) -> Division:
    division = Division.objects.filter(code=code).first()
    if division is None:
        raise _error(f"区划代码不存在：{code}", field=field, code=Code.UNKNOWN_REGION)
    if division.level != DivisionLevel.VILLAGE:
        raise _error(
            f"请选择到村（社区）一级：{division.name}（{code}）是{division.get_level_display()}",
            field=field,
            code=Code.REGION_NOT_VILLAGE,
        )
    return division


def _require_in_region(actor: Actor, division: Division, *, field: str) -> None:
    if not actor.covers(division):
        raise PermissionDenied(
            f"{division.name}（{division.code}）不在您的管辖范围（{actor.region_name}）内",
            field=field,
        )


def _require_visible(actor: Actor, person: Person) -> None:
    from doudi.registry.selectors import person_queryset

    if not person_queryset(actor=actor).filter(pk=person.pk).exists():
        raise NotFound("人员不存在或不在您的管辖范围内", field="person")


def _with_history(instance: Any, *, actor: Actor, reason: str) -> Any:
    instance._history_user = actor.user
    instance._change_reason = reason
    return instance


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


def _check_choice(
    value: str, choices: Any, *, field: str, label: str, allow_blank: bool = False
) -> None:
    if allow_blank and value == "":
        return
    if value not in choices.values:
        allowed = "、".join(f"{v}（{lbl}）" for v, lbl in choices.choices)
        raise _error(
            f"{label}取值无效：{value!r}，可选：{allowed}", field=field, code=Code.INVALID_VALUE
        )


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


def _person_build(facts: PersonFacts, *, field_prefix: str = "") -> Person:
    parsed = _validate_person_facts(facts, field_prefix=field_prefix)
    number = parsed.normalized
    assert number is not None
    number_hash = id_number_hash(number)
    if Person.objects.filter(id_number_hash=number_hash).exists():
        raise _error(
            f"身份证号码 {idcard.mask(number)} 已登记，请直接选择该人员",
            field=f"{field_prefix}id_number",
            code=Code.DUPLICATE_ID_NUMBER,
        )
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
    _with_history(person, actor=actor, reason=reason).save()
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


def _jsonable(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    return value


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
    joined = joined_on or timezone.localdate()
    for index, spec in enumerate(members):
        prefix = f"members[{index}]."
        person = spec.person
        if person is None:
            assert spec.facts is not None
            person = _person_build(spec.facts, field_prefix=prefix)
            _with_history(person, actor=actor, reason=reason).save()
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
    audit_event_record(
        actor=actor.user,
        action="household.registered",
        obj=household,
        region_code=household.village_code,
        parameters={"reason": reason, "members": len(members)},
    )
    return household


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
        text = str(error)
        if "membership_counted_once" in text or "person_id" in text and spec.is_counted:
            raise _error(
                f"{person.name}（{person.id_number_masked}）已作为共同生活家庭成员登记在其他家庭",
                field=f"{field}person",
                code=Code.ALREADY_COUNTED,
            ) from error
        if "membership_one_head" in text:
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
        _with_history(person, actor=actor, reason=reason).save()
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


def registry_import_parquet(**kwargs: Any) -> dict[str, int]:
    """See `doudi.registry.imports.registry_import_parquet`."""
    from doudi.registry.imports import registry_import_parquet as run

    return run(**kwargs)


def _luhn_valid(number: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(number)):
        digit = int(char)
        if index % 2 == 1:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return total % 10 == 0


@transaction.atomic
def bank_account_add(
    *, actor: Actor, person: Person, bank_name: str, account_number: str, reason: str
) -> BankAccount:
    """Register the account benefits are paid into; it replaces the previous primary account."""
    from doudi.core.id_protection import field_encrypt

    actor.require(Permission.REGISTRY_EDIT)
    reason = _require_reason(reason)
    _require_visible(actor, person)
    number = account_number.replace(" ", "")
    if not bank_name.strip():
        raise _error("开户行不能为空", field="bank_name", code=Code.INVALID_VALUE)
    if not number.isdigit() or not 12 <= len(number) <= 19:
        raise _error(
            "银行账号须为 12 至 19 位数字", field="account_number", code=Code.INVALID_VALUE
        )
    if len(number) >= 16 and not _luhn_valid(number):
        raise _error("银行卡号校验位错误，请核对", field="account_number", code=Code.INVALID_VALUE)
    for previous in BankAccount.objects.select_for_update().filter(
        person=person, is_active=True, is_primary=True
    ):
        previous.is_primary = False
        _with_history(previous, actor=actor, reason=reason).save(
            update_fields=["is_primary", "updated_at"]
        )
    account = BankAccount(
        person=person,
        bank_name=bank_name.strip(),
        account_number_encrypted=field_encrypt(number),
        account_number_masked=f"{number[:4]}{'*' * (len(number) - 8)}{number[-4:]}",
    )
    _with_history(account, actor=actor, reason=reason).save()
    audit_event_record(
        actor=actor.user,
        action="bank_account.added",
        obj=account,
        region_code=person.residence_region_id,
        parameters={
            "reason": reason,
            "person": str(person.public_id),
            "masked": account.account_number_masked,
        },
    )
    return account
