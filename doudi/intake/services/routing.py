"""Where a case belongs and who may file it: the household a staff member files for, the
township window's search across regions (跨省通办, 急难发生地) and the case's region codes."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from django.utils import timezone

from doudi.accounts.models import Role
from doudi.accounts.permissions import Permission
from doudi.accounts.scoping import Actor
from doudi.core import idcard
from doudi.core.exceptions import ApplicationError, NotFound, PermissionDenied
from doudi.core.id_protection import id_number_hash
from doudi.core.models import Division, DivisionLevel
from doudi.intake.models import Channel
from doudi.programmes import AT_EMERGENCY_PLACE, CROSS_REGION
from doudi.registry.models import Household, Membership

# Staff choose between these; ``online`` is the applicants' own channel (doudi.portal).
STAFF_CHANNELS = (Channel.WINDOW.value, Channel.VILLAGE_WORKER.value)
OUT_OF_REGION_MESSAGE = (
    "家庭不存在或不在您的管辖范围内（辖区外的家庭只能在乡镇（街道）窗口申请困难残疾人生活补贴、"
    "重度残疾人护理补贴（跨省通办），或在急难发生地单独申请临时救助）"
)


@dataclass(frozen=True)
class Routing:
    """Where a case belongs (its region codes: who sees and handles it) and which window took it.

    ``kind``: ``home`` (the household's own region), ``cross_region`` (跨省通办: filed at another
    window, handled at home) or ``emergency_place`` (handled by the receiving township)."""

    kind: str
    province_code: str
    city_code: str
    county_code: str
    township_code: str
    village_code: str
    receiving_township_code: str = ""

    @classmethod
    def home(cls, household: Household, *, receiving_township_code: str = "") -> Routing:
        return cls(
            kind="cross_region" if receiving_township_code else "home",
            **household.region_codes(),
            receiving_township_code=receiving_township_code,
        )

    @classmethod
    def emergency_place(cls, township: Division) -> Routing:
        # The case has no village of its own there: its village code is the township's code, so
        # that every township, county, city and province prefix finds it and no village worker
        # (whose scope is a 12-digit village code) does.
        return cls(
            kind="emergency_place",
            province_code=township.province_code,
            city_code=township.city_code,
            county_code=township.county_code,
            township_code=township.code,
            village_code=township.code,
            receiving_township_code=township.code,
        )


def is_village_worker(actor: Actor) -> bool:
    return Role.VILLAGE_WORKER in actor.roles and not actor.can(Permission.INTAKE_PROPOSE)


def submission_routing(*, actor: Actor, household: Household, programmes: list[str]) -> Routing:
    """Where a case filed by ``actor`` for ``household`` belongs; NotFound when the actor may not
    file it at all (the same message whether or not the household exists)."""
    if Household.objects.filter(actor.region_q(), pk=household.pk).exists():
        return Routing.home(household)
    at_a_window = (
        actor.can(Permission.INTAKE_PROPOSE)
        and actor.region_level == DivisionLevel.TOWNSHIP
        and actor.region_code[:2] == household.province_code[:2]
    )
    if at_a_window and set(programmes) <= CROSS_REGION:
        return Routing.home(household, receiving_township_code=actor.region_code)
    if at_a_window and set(programmes) <= AT_EMERGENCY_PLACE:
        return Routing.emergency_place(Division.objects.get(code=actor.region_code))
    raise NotFound(OUT_OF_REGION_MESSAGE, field="household")


def household_for_submission(*, actor: Actor, public_id: UUID | str) -> Household:
    """The household a staff member files for, by its public id: any household of the province
    (whether the actor may file for it, and where it goes, is :func:`submission_routing`'s
    decision, taken with the programmes). NotFound for an unknown id."""
    actor.require(Permission.INTAKE_SUBMIT)
    try:
        uuid = public_id if isinstance(public_id, UUID) else UUID(str(public_id))
    except ValueError as error:
        raise NotFound(OUT_OF_REGION_MESSAGE, field="household") from error
    household = Household.objects.filter(public_id=uuid).first()
    if household is None:
        raise NotFound(OUT_OF_REGION_MESSAGE, field="household")
    return household


def household_find_for_window(*, actor: Actor, id_number: str, name: str) -> Household:
    """The household a caseworker at a township window files for across regions (跨省通办,
    急难发生地): found by a member's ID number (through the registry's keyed hash) and the same
    person's name, both required. NotFound for no match, a name mismatch or a deceased or
    household-less person; only caseworkers at a township window may look."""
    actor.require(Permission.INTAKE_PROPOSE)
    if actor.region_level != DivisionLevel.TOWNSHIP:
        raise PermissionDenied("跨区域受理只能在乡镇（街道）窗口办理", field="actor")
    name = (name or "").strip()
    if not name:
        raise ApplicationError("请填写申请人姓名", field="name")
    parsed = idcard.parse(id_number or "", today=timezone.localdate())
    if not parsed.valid or parsed.normalized is None:
        reasons = "；".join(error.message for error in parsed.errors) or "格式不正确"
        raise ApplicationError(f"身份证号码无效：{reasons}", field="id_number")
    membership = (
        Membership.objects.select_related("household", "person")
        .filter(
            person__id_number_hash=id_number_hash(parsed.normalized),
            person__name=name,
            person__vital_status="alive",
            is_active=True,
        )
        .order_by("-is_counted", "id")
        .first()
    )
    if membership is None or membership.household.province_code[:2] != actor.region_code[:2]:
        raise NotFound(
            "未找到姓名和身份证号码一致、已登记家庭的人员；尚未登记的，请先在户籍地或居住地登记",
            field="id_number",
        )
    return membership.household
