"""REST endpoints for persons and households: parse, call one selector or service, render."""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

from ninja import Field, Router, Schema, Status

from doudi.registry import selectors, services
from doudi.registry.models import Household, Membership, Person

router = Router(tags=["户籍与家庭登记"])


class Error(Schema):
    message: str
    field: str | None


class PersonOut(Schema):
    public_id: UUID
    name: str
    id_number_masked: str
    sex: str
    birth_date: date
    age: int
    hukou_region_code: str
    hukou_type: str
    residence_region_code: str
    phone: str
    disability_type: str
    disability_grade: int | None
    labour_capacity: bool
    serious_illness: bool
    schooling: str
    vital_status: str
    date_of_death: date | None


def _person_out(person: Person) -> dict:
    return {
        "public_id": person.public_id,
        "name": person.name,
        "id_number_masked": person.id_number_masked,
        "sex": person.sex,
        "birth_date": person.birth_date,
        "age": selectors.person_age(person),
        "hukou_region_code": person.hukou_region_id,
        "hukou_type": person.hukou_type,
        "residence_region_code": person.residence_region_id,
        "phone": person.phone,
        "disability_type": person.disability_type,
        "disability_grade": person.disability_grade,
        "labour_capacity": person.labour_capacity,
        "serious_illness": person.serious_illness,
        "schooling": person.schooling,
        "vital_status": person.vital_status,
        "date_of_death": person.date_of_death,
    }


class MemberOut(Schema):
    membership_id: int
    relation: str
    is_counted: bool
    exclusion_reason: str
    is_active: bool
    joined_on: date
    left_on: date | None
    person: PersonOut


def _member_out(membership: Membership) -> dict:
    return {
        "membership_id": membership.pk,
        "relation": membership.relation,
        "is_counted": membership.is_counted,
        "exclusion_reason": membership.exclusion_reason,
        "is_active": membership.is_active,
        "joined_on": membership.joined_on,
        "left_on": membership.left_on,
        "person": _person_out(membership.person),
    }


class HouseholdSummaryOut(Schema):
    public_id: UUID
    address: str
    village_code: str
    township_code: str
    county_code: str
    head_name: str
    head_id_number_masked: str
    member_count: int
    counted_count: int


class HouseholdOut(Schema):
    public_id: UUID
    address: str
    area_type: str
    village_code: str
    village_name: str
    township_code: str
    county_code: str
    members: list[MemberOut]


def _household_out(request, household: Household) -> dict:  # type: ignore[no-untyped-def]
    members = selectors.household_members(
        actor=request.auth, household=household, include_inactive=True
    )
    return {
        "public_id": household.public_id,
        "address": household.address,
        "area_type": household.area_type,
        "village_code": household.village_code,
        "village_name": household.village.name,
        "township_code": household.township_code,
        "county_code": household.county_code,
        "members": [_member_out(m) for m in members],
    }


@router.get("/households", response=list[HouseholdSummaryOut], summary="查询家庭")
def household_search(  # type: ignore[no-untyped-def]
    request,
    id_number: str = "",
    name: str = "",
    region_code: str = "",
    limit: int = 20,
    offset: int = 0,
):
    """Households in the caller's region, by ID number (exact), name (exact or prefix) or region code."""
    return selectors.household_search(
        actor=request.auth,
        id_number=id_number,
        name=name,
        region_code=region_code,
        limit=limit,
        offset=offset,
    )


@router.get("/households/{public_id}", response=HouseholdOut, summary="家庭详情")
def household_detail(request, public_id: UUID):  # type: ignore[no-untyped-def]
    household = selectors.household_get(actor=request.auth, public_id=public_id)
    return _household_out(request, household)


class PersonFactsIn(Schema):
    name: str
    id_number: str
    hukou_region_code: str = Field(description="户籍地，村（社区）12 位代码")
    hukou_type: str = Field(description="urban 城镇 / rural 农村")
    residence_region_code: str = Field(
        "", description="经常居住地，村（社区）12 位代码；空则同户籍地"
    )
    phone: str = ""
    disability_type: str = ""
    disability_grade: int | None = None
    labour_capacity: bool = True
    serious_illness: bool = False
    schooling: str = "none"
    vital_status: str = "alive"

    def to_facts(self) -> services.PersonFacts:
        return services.PersonFacts(**self.dict())


class MemberIn(Schema):
    relation: str
    person_id: UUID | None = Field(None, description="已登记人员的编号；与 person 二选一")
    person: PersonFactsIn | None = None
    is_counted: bool = True
    exclusion_reason: str = ""


class HouseholdIn(Schema):
    village_code: str
    address: str
    area_type: str
    reason: str
    members: list[MemberIn]


def _member_spec(request, member: MemberIn) -> services.MemberSpec:  # type: ignore[no-untyped-def]
    person = (
        selectors.person_get(actor=request.auth, public_id=member.person_id)
        if member.person_id
        else None
    )
    return services.MemberSpec(
        relation=member.relation,
        person=person,
        facts=member.person.to_facts() if member.person else None,
        is_counted=member.is_counted,
        exclusion_reason=member.exclusion_reason,
    )


@router.post("/households", response={201: HouseholdOut}, summary="登记家庭（含成员）")
def household_register(request, payload: HouseholdIn):  # type: ignore[no-untyped-def]
    household = services.household_register(
        actor=request.auth,
        village_code=payload.village_code,
        address=payload.address,
        area_type=payload.area_type,
        members=[_member_spec(request, member) for member in payload.members],
        reason=payload.reason,
    )
    return Status(201, _household_out(request, household))


class MemberAddIn(MemberIn):
    reason: str


@router.post("/households/{public_id}/members", response={201: MemberOut}, summary="增加家庭成员")
def household_member_add(request, public_id: UUID, payload: MemberAddIn):  # type: ignore[no-untyped-def]
    household = selectors.household_get(actor=request.auth, public_id=public_id)
    membership = services.household_member_add(
        actor=request.auth,
        household=household,
        spec=_member_spec(request, payload),
        reason=payload.reason,
    )
    return Status(201, _member_out(membership))


class MemberRemoveIn(Schema):
    reason: str
    left_on: date | None = None


@router.post(
    "/households/{public_id}/members/{membership_id}/remove",
    response=MemberOut,
    summary="家庭成员迁出",
)
def household_member_remove(request, public_id: UUID, membership_id: int, payload: MemberRemoveIn):  # type: ignore[no-untyped-def]
    household = selectors.household_get(actor=request.auth, public_id=public_id)
    membership = next(
        (
            m
            for m in selectors.household_members(actor=request.auth, household=household)
            if m.pk == membership_id
        ),
        None,
    )
    if membership is None:
        from doudi.core.exceptions import NotFound

        raise NotFound("该家庭没有这条有效的成员关系", field="membership_id")
    membership = services.household_member_remove(
        actor=request.auth, membership=membership, reason=payload.reason, left_on=payload.left_on
    )
    return _member_out(membership)


class HistoryOut(Schema):
    at: datetime
    who: str
    what: str
    subject: str
    reason: str
    changes: list[tuple[str, str | int | bool | None, str | int | bool | None]]


@router.get("/households/{public_id}/history", response=list[HistoryOut], summary="家庭变更历史")
def household_history(request, public_id: UUID):  # type: ignore[no-untyped-def]
    household = selectors.household_get(actor=request.auth, public_id=public_id)
    return [
        {
            **entry.__dict__,
            "changes": [(label, _plain(old), _plain(new)) for label, old, new in entry.changes],
        }
        for entry in selectors.household_history(actor=request.auth, household=household)
    ]


def _plain(value):  # type: ignore[no-untyped-def]
    if value is None or isinstance(value, bool | int | str):
        return value
    return str(value)


@router.get("/persons/{public_id}", response=PersonOut, summary="人员详情")
def person_detail(request, public_id: UUID):  # type: ignore[no-untyped-def]
    return _person_out(selectors.person_get(actor=request.auth, public_id=public_id))


class PersonUpdateIn(Schema):
    reason: str
    name: str | None = None
    phone: str | None = None
    hukou_type: str | None = None
    residence_region_code: str | None = None
    disability_type: str | None = None
    disability_grade: int | None = None
    labour_capacity: bool | None = None
    serious_illness: bool | None = None
    schooling: str | None = None
    vital_status: str | None = None
    date_of_death: date | None = None


@router.patch("/persons/{public_id}", response=PersonOut, summary="修改人员信息")
def person_update(request, public_id: UUID, payload: PersonUpdateIn):  # type: ignore[no-untyped-def]
    person = selectors.person_get(actor=request.auth, public_id=public_id)
    changes = payload.dict(exclude_unset=True)
    reason = changes.pop("reason")
    updated = services.person_update(
        actor=request.auth, person=person, changes=changes, reason=reason
    )
    return _person_out(updated)


class RevealIn(Schema):
    purpose: str


class RevealOut(Schema):
    id_number: str


@router.post(
    "/persons/{public_id}/id-number", response=RevealOut, summary="查看完整身份证号码（留痕）"
)
def person_id_number_reveal(request, public_id: UUID, payload: RevealIn):  # type: ignore[no-untyped-def]
    person = selectors.person_get(actor=request.auth, public_id=public_id)
    return {
        "id_number": services.person_id_number_reveal(
            actor=request.auth, person=person, purpose=payload.purpose
        )
    }


class BankAccountIn(Schema):
    bank_name: str
    account_number: str
    reason: str


class BankAccountOut(Schema):
    id: int
    bank_name: str
    account_number_masked: str
    is_primary: bool
    is_active: bool


@router.get(
    "/persons/{public_id}/bank-accounts",
    response=list[BankAccountOut],
    summary="人员银行账户（脱敏）",
)
def bank_account_list(request, public_id: UUID):  # type: ignore[no-untyped-def]
    person = selectors.person_get(actor=request.auth, public_id=public_id)
    return list(selectors.bank_account_list(actor=request.auth, person=person))


@router.post(
    "/persons/{public_id}/bank-accounts", response={201: BankAccountOut}, summary="登记发放账户"
)
def bank_account_add(request, public_id: UUID, payload: BankAccountIn):  # type: ignore[no-untyped-def]
    person = selectors.person_get(actor=request.auth, public_id=public_id)
    account = services.bank_account_add(
        actor=request.auth,
        person=person,
        bank_name=payload.bank_name,
        account_number=payload.account_number,
        reason=payload.reason,
    )
    return Status(201, account)
