"""Submitting an application: one form for every programme, with consent for every counted member.

Who may file and where the case goes (docs/channels.md):

- staff with ``intake.submit`` (caseworkers, village workers) file through :func:`application_submit`;
  a village worker files for their own village only, always on the ``village_worker`` channel;
- a caseworker at a township window may file outside their region only for the disability
  subsidies (跨省通办: the case is routed to the household's own township) or for temporary
  assistance (急难发生地: the receiving township handles the case);
- applicants file for their own household through ``doudi.portal.services`` on the ``online``
  channel, which shares :func:`application_file` with the staff entry point.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.db import transaction
from django.utils import timezone

from doudi.accounts.models import Role
from doudi.accounts.permissions import Permission
from doudi.accounts.scoping import Actor
from doudi.core import idcard
from doudi.core.audit import audit_event_record
from doudi.core.exceptions import ApplicationError, NotFound, PermissionDenied
from doudi.core.id_protection import id_number_hash
from doudi.core.models import Division, DivisionLevel
from doudi.core.money import format_yuan, parse_yuan
from doudi.intake.models import Application, CaseEvent, Channel, Consent, SignedBy
from doudi.intake.services._common import S, _attempt, _today
from doudi.intake.workflow import (
    OPEN_STATUSES,
    Action,
    CaseFacts,
)
from doudi.policy import Situation
from doudi.policy.codes import TEMPORARY_LABELS
from doudi.programmes import AT_EMERGENCY_PLACE, CROSS_REGION, Programme
from doudi.programmes import CHOICES as PROGRAMME_CHOICES
from doudi.programmes import KEYS as PROGRAMME_KEYS
from doudi.referrals.models import Need
from doudi.referrals.services import referrals_from_application
from doudi.registry.models import Household, Membership, Person
from doudi.standards.engine import situation_from_json

# Staff choose between these; ``online`` is the applicants' own channel (doudi.portal).
STAFF_CHANNELS = (Channel.WINDOW.value, Channel.VILLAGE_WORKER.value)
OUT_OF_REGION_MESSAGE = (
    "家庭不存在或不在您的管辖范围内（辖区外的家庭只能在乡镇（街道）窗口申请困难残疾人生活补贴、"
    "重度残疾人护理补贴（跨省通办），或在急难发生地单独申请临时救助）"
)


# -- inputs -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ConsentSpec:
    """A signed 授权核对书 for one member."""

    person: Person
    signed_by: str = SignedBy.SELF
    proxy_reason: str = ""


@dataclass(frozen=True)
class IncomeSpec:
    """A declared monthly income of one member (types as in docs/policy.md)."""

    person: Person
    type: str
    monthly: str
    stable: bool = True


ORPHAN_KINDS = {"orphan": "孤儿", "unsupported_child": "事实无人抚养儿童"}


@dataclass(frozen=True)
class MemberFacts:
    """What the window records of one counted member besides the registry, for 特困 and orphan
    support (docs/policy.md ``members[].tekun``, ``.self_care_failed_items``, ``.orphan``): no
    legal supporter or supporters unable (judged by the caseworker, verified at the home visit),
    集中供养, how many of the six daily activities are not achieved, and the child's orphan status."""

    person: Person
    supporters_unable: bool = False
    centralised: bool = False
    self_care_failed_items: int = 0
    orphan_kind: str = ""  # "" / orphan / unsupported_child
    orphan_institution: bool = False
    chooses_orphan_scheme: bool = True


@dataclass(frozen=True)
class Declaration:
    """What the household declares besides the registry: incomes, assets and expenses."""

    incomes: Sequence[IncomeSpec] = ()
    assets: dict[str, Any] = dataclasses.field(default_factory=dict)
    expenses: dict[str, Any] = dataclasses.field(default_factory=dict)
    # 临时救助 request (docs/policy.md ``temporary``); required exactly when temporary assistance
    # is among the programmes (:func:`clean_temporary`).
    temporary: TemporarySpec | None = None
    # 特困 / orphan facts per counted member (:class:`MemberFacts`); members without are plain.
    member_facts: Sequence[MemberFacts] = ()


@dataclass(frozen=True)
class TemporarySpec:
    """The temporary-assistance request: kind (``emergency`` 急难型 / ``expenditure`` 支出型),
    the amount asked (yuan), the reason, and whether help was given for the same reason within
    a year (then with a justification)."""

    kind: str = ""
    requested: Any = ""
    reason: str = ""
    repeat_within_year: bool = False
    repeat_justification: str = ""


# -- helpers ----------------------------------------------------------------------------------


def _member_situation(membership: Membership, incomes: list[dict[str, Any]]) -> dict[str, Any]:
    person = membership.person
    schooling = person.schooling if person.schooling != "preschool" else "none"
    member: dict[str, Any] = {
        "id": str(person.public_id),
        "relation": membership.relation,
        "birth_date": person.birth_date.isoformat(),
        "counted": True,
        "labour_capacity": person.labour_capacity,
        "in_school": schooling or "none",
        "serious_illness": person.serious_illness,
        "incomes": incomes,
    }
    if person.disability_type and person.disability_grade:
        member["disability"] = {"type": person.disability_type, "grade": person.disability_grade}
    return member


def declared_situation(
    *, household: Household, declaration: Declaration, month: str, region: str = ""
) -> Situation:
    """The typed policy situation of the household's counted members with what was declared,
    read once through the policy parser (``ApplicationError`` listing every problem). Incomes of
    persons who are not counted members are refused. ``region`` is the county whose standards
    apply (default: the household's)."""
    return situation_from_json(
        declaration_json(household=household, declaration=declaration, month=month, region=region),
        field="situation",
    )


def declaration_json(
    *, household: Household, declaration: Declaration, month: str, region: str = ""
) -> dict[str, Any]:
    """The JSON form of the situation (docs/policy.md) as declared: what the case stores and the
    printed application form shows (only what was declared, in the declared units)."""
    counted = list(
        household.memberships.filter(is_active=True, is_counted=True)
        .select_related("person")
        .order_by("id")
    )
    by_person: dict[int, list[dict[str, Any]]] = {m.person_id: [] for m in counted}
    for index, income in enumerate(declaration.incomes):
        if income.person.pk not in by_person:
            raise ApplicationError(
                f"{income.person.name}不是本家庭的共同生活家庭成员，不能申报其收入",
                field=f"incomes[{index}].person",
            )
        by_person[income.person.pk].append(
            {"type": income.type, "monthly": str(income.monthly), "stable": income.stable}
        )
    facts = _member_facts(declaration.member_facts, set(by_person))
    situation: dict[str, Any] = {
        "month": month,
        "region": region or household.county_code,
        "area_type": household.area_type,
        "members": [
            {**_member_situation(m, by_person[m.person_id]), **facts.get(m.person_id, {})}
            for m in counted
        ],
    }
    if declaration.assets:
        situation["assets"] = dict(declaration.assets)
    if declaration.expenses:
        situation["expenses"] = dict(declaration.expenses)
    if declaration.temporary is not None:
        situation["temporary"] = temporary_situation(declaration.temporary)
    return situation


def _member_facts(facts: Sequence[MemberFacts], counted: set[int]) -> dict[int, dict[str, Any]]:
    """person id → the situation keys of their facts; refused for a person who is not a counted
    member, a person given twice, a count outside 0–6 or an unknown orphan status."""
    result: dict[int, dict[str, Any]] = {}
    for index, fact in enumerate(facts):
        field = f"member_facts[{index}]"
        if fact.person.pk not in counted:
            raise ApplicationError(
                f"{fact.person.name}不是本家庭的共同生活家庭成员", field=f"{field}.person"
            )
        if fact.person.pk in result:
            raise ApplicationError(f"{fact.person.name}的情况重复填写", field=f"{field}.person")
        items = fact.self_care_failed_items
        if isinstance(items, bool) or not isinstance(items, int) or not 0 <= items <= 6:
            raise ApplicationError(
                "生活不能自理项数应为 0 至 6 的整数", field=f"{field}.self_care_failed_items"
            )
        if fact.orphan_kind and fact.orphan_kind not in ORPHAN_KINDS:
            raise ApplicationError(
                f"孤儿身份取值无效：{fact.orphan_kind!r}，可选：孤儿、事实无人抚养儿童",
                field=f"{field}.orphan_kind",
            )
        entry: dict[str, Any] = {
            "tekun": {
                "supporters_unable": fact.supporters_unable,
                "centralised": fact.centralised,
                "recognised": False,
            },
            "self_care_failed_items": items,
        }
        if fact.orphan_kind:
            entry["orphan"] = {
                "kind": fact.orphan_kind,
                "institution": fact.orphan_institution,
                "chooses_orphan_scheme": fact.chooses_orphan_scheme,
            }
        result[fact.person.pk] = entry
    return result


# -- the temporary-assistance request ----------------------------------------------------------

TEMPORARY_REASON_MAX = 200
TEMPORARY_REQUESTED_MAX = Decimal("10000000")


def _requested(value: Any) -> Decimal:
    """The amount asked, in yuan: positive, at most two decimals."""
    field = "temporary.requested"
    if value is None or not str(value).strip():
        raise ApplicationError("请填写临时救助申请金额", field=field)
    try:
        amount = parse_yuan(value)
    except (TypeError, ValueError) as error:
        raise ApplicationError(
            f"临时救助申请金额格式不正确：{value}（元，最多两位小数）", field=field
        ) from error
    if amount <= 0:
        raise ApplicationError(
            f"临时救助申请金额必须大于0，不能为 {format_yuan(amount)}", field=field
        )
    if amount >= TEMPORARY_REQUESTED_MAX:
        raise ApplicationError(f"临时救助申请金额过大：{format_yuan(amount)}", field=field)
    return amount


def clean_temporary(programmes: Sequence[str], temporary: TemporarySpec | None) -> None:
    """Required, and complete, exactly when temporary assistance is requested; refused otherwise
    (a declared emergency on an application that does not ask for 临时救助 would be lost)."""
    requested = Programme.TEMPORARY_ASSISTANCE.value in programmes
    if temporary is None:
        if requested:
            raise ApplicationError(
                "申请临时救助须填写临时救助类型、申请金额和事由", field="temporary"
            )
        return
    if not requested:
        raise ApplicationError(
            "未勾选临时救助项目，不能填写临时救助申请情况；请勾选临时救助或清空这些内容",
            field="temporary",
        )
    if temporary.kind not in TEMPORARY_LABELS:
        allowed = "、".join(f"{v}（{label}）" for v, label in TEMPORARY_LABELS.items())
        message = (
            "请选择临时救助类型"
            if not str(temporary.kind or "").strip()
            else f"临时救助类型取值无效：{temporary.kind!r}"
        )
        raise ApplicationError(f"{message}，可选：{allowed}", field="temporary.kind")
    _requested(temporary.requested)
    reason = (temporary.reason or "").strip() if isinstance(temporary.reason, str) else ""
    if not reason:
        raise ApplicationError("请填写临时救助事由", field="temporary.reason")
    if len(reason) > TEMPORARY_REASON_MAX:
        raise ApplicationError(
            f"临时救助事由不能超过{TEMPORARY_REASON_MAX}个字", field="temporary.reason"
        )
    justification = (temporary.repeat_justification or "").strip()
    if justification and not temporary.repeat_within_year:
        raise ApplicationError(
            "未申报一年内因同一事由获得过临时救助，不需要填写再次救助的理由",
            field="temporary.repeat_justification",
        )
    if len(justification) > TEMPORARY_REASON_MAX:
        raise ApplicationError(
            f"再次救助的理由不能超过{TEMPORARY_REASON_MAX}个字",
            field="temporary.repeat_justification",
        )


def temporary_situation(temporary: TemporarySpec) -> dict[str, Any]:
    """The ``temporary`` block of the policy situation (call :func:`clean_temporary` first)."""
    block: dict[str, Any] = {
        "kind": temporary.kind,
        "requested": str(_requested(temporary.requested)),
        "reason": temporary.reason.strip(),
        "repeat_within_year": bool(temporary.repeat_within_year),
    }
    justification = (temporary.repeat_justification or "").strip()
    if justification:
        block["repeat_justification"] = justification
    return block


# -- validation shared by every channel -----------------------------------------------------


def clean_programmes(programmes: Sequence[str]) -> list[str]:
    programmes = list(dict.fromkeys(programmes))
    if not programmes:
        raise ApplicationError("请至少选择一个救助项目", field="programmes")
    for index, programme in enumerate(programmes):
        if programme not in PROGRAMME_KEYS:
            allowed = "、".join(f"{v}（{label}）" for v, label in PROGRAMME_CHOICES)
            raise ApplicationError(
                f"救助项目取值无效：{programme!r}，可选：{allowed}", field=f"programmes[{index}]"
            )
    return programmes


def clean_needs(needs: Sequence[str]) -> list[str]:
    """The declared needs (一门受理、协同办理), each one of :class:`Need`, without repeats."""
    needs = list(dict.fromkeys(needs))
    for index, need in enumerate(needs):
        if need not in Need.values:
            allowed = "、".join(f"{v}（{label}）" for v, label in Need.choices)
            raise ApplicationError(
                f"其他救助需求取值无效：{need!r}，可选：{allowed}", field=f"needs[{index}]"
            )
    return needs


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


def _check_consents(counted: list[Membership], consents: Sequence[ConsentSpec]) -> None:
    signed = {}
    for index, consent in enumerate(consents):
        if consent.signed_by not in SignedBy.values:
            raise ApplicationError(
                f"签署方式取值无效：{consent.signed_by!r}", field=f"consents[{index}].signed_by"
            )
        if consent.signed_by != SignedBy.SELF and not consent.proxy_reason.strip():
            raise ApplicationError(
                f"{consent.person.name}的授权核对书由他人代签，须写明代签原因",
                field=f"consents[{index}].proxy_reason",
            )
        signed[consent.person.pk] = consent
    missing = [m.person.name for m in counted if m.person_id not in signed]
    if missing:
        raise ApplicationError(
            f"以下共同生活家庭成员尚未签署授权核对书：{'、'.join(missing)}", field="consents"
        )
    strangers = [
        c.person.name for c in consents if c.person.pk not in {m.person_id for m in counted}
    ]
    if strangers:
        raise ApplicationError(
            f"以下人员不是本家庭的共同生活家庭成员：{'、'.join(strangers)}", field="consents"
        )


def application_file(
    *,
    submitted_by: Any,
    household: Household,
    routing: Routing,
    programmes: Sequence[str],
    channel: str,
    consents: Sequence[ConsentSpec],
    declaration: Declaration,
    needs: Sequence[str] = (),
    is_relative_declared: bool = False,
    submitter_roles: frozenset[str] = frozenset(),
) -> Application:
    """The part of a submission every channel shares: validate the form, then write the case,
    its consents, its case event and its audit event. Call it inside a transaction, after
    establishing who may file and where the case goes (:func:`application_submit` for staff,
    ``doudi.portal.services.application_submit_online`` for applicants); nothing is written
    when anything is refused. ``submitter_roles``: the staff submitter's roles, for the
    workflow's submit rule (a caseworker, a village worker, or the applicant online)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("application_file must run inside transaction.atomic()")
    programmes = clean_programmes(programmes)
    needs = clean_needs(needs)
    clean_temporary(programmes, declaration.temporary)
    if channel not in Channel.values:
        raise ApplicationError(f"申请渠道取值无效：{channel!r}", field="channel")
    locked = Household.objects.select_for_update().filter(pk=household.pk).first()
    if locked is None:
        raise NotFound(OUT_OF_REGION_MESSAGE, field="household")
    household = locked

    busy = sorted(
        {
            programme
            for other in Application.objects.filter(
                household=household, status__in=[s.value for s in OPEN_STATUSES]
            )
            for programme in other.programmes
        }
        & set(programmes)
    )
    if busy:
        labels = "、".join(Programme(p).label for p in busy)
        raise ApplicationError(f"该家庭已有办理中的{labels}申请，不能重复申请", field="programmes")

    counted = list(
        household.memberships.filter(is_active=True, is_counted=True)
        .select_related("person")
        .order_by("id")
    )
    _check_consents(counted, consents)

    today = _today()
    situation = declaration_json(
        household=household,
        declaration=declaration,
        month=today.strftime("%Y-%m"),
        region=routing.county_code,
    )
    situation_from_json(situation, field="situation")  # the rules can take what is stored
    # The workflow's submit rule: a caseworker, a village worker or the applicant online.
    target = _attempt(
        S.DRAFT,
        Action.SUBMIT,
        CaseFacts(
            today=today,
            actor_id=getattr(submitted_by, "pk", None),
            actor_roles=frozenset(submitter_roles),
            # The online channel is the applicant's own (application_submit refuses it to
            # staff; doudi.portal files on it for the account's household only).
            actor_is_applicant=channel == Channel.ONLINE,
        ),
    )

    application = Application.objects.create(
        household=household,
        programmes=programmes,
        channel=channel,
        status=target,
        province_code=routing.province_code,
        city_code=routing.city_code,
        county_code=routing.county_code,
        township_code=routing.township_code,
        village_code=routing.village_code,
        receiving_township_code=routing.receiving_township_code,
        situation=situation,
        is_relative_declared=is_relative_declared,
        needs=needs,
        submitted_by=submitted_by,
    )
    now = timezone.now()
    Consent.objects.bulk_create(
        [
            Consent(
                application=application,
                person=consent.person,
                signed_by=consent.signed_by,
                proxy_reason=consent.proxy_reason.strip(),
                signed_at=now,
            )
            for consent in consents
        ]
    )
    parameters = {
        "programmes": programmes,
        "channel": channel,
        "consents": len(consents),
        "needs": needs,
        "routing": routing.kind,
        **(
            {"receiving_township_code": routing.receiving_township_code}
            if routing.receiving_township_code
            else {}
        ),
    }
    CaseEvent.objects.create(
        application=application,
        actor=submitted_by,
        action=Action.SUBMIT.value,
        from_status=S.DRAFT.value,
        to_status=target.value,
        parameters=parameters,
    )
    audit_event_record(
        actor=submitted_by,
        action="application.submit",
        obj=application,
        region_code=application.village_code,
        parameters={"from": S.DRAFT.value, "to": target.value, **parameters},
    )
    # 一门受理、协同办理: every declared need goes to the department serving it, in the same
    # transaction. The submitter may not see a case routed to another county, so the referrals
    # are made in the submitter's name without a region check: the case was filed just now.
    referrals_from_application(actor=submitted_by, application=application)
    return application


@transaction.atomic
def application_submit(
    *,
    actor: Actor,
    household: Household,
    programmes: Sequence[str],
    channel: str,
    consents: Sequence[ConsentSpec],
    declaration: Declaration,
    is_relative_declared: bool = False,
    needs: Sequence[str] = (),
) -> Application:
    """Hand in an application for ``household`` on the staff side: status ``submitted``.

    Needs ``intake.submit``. A village worker files for their own village, always on the
    ``village_worker`` channel; a caseworker chooses ``window`` or ``village_worker``. Outside the
    actor's region only the programmes of :func:`submission_routing` may be filed. Every counted
    member must have signed the 授权核对书; a household may have only one open application per
    programme. Nothing is written when anything is refused."""
    actor.require(Permission.INTAKE_SUBMIT)
    programmes = clean_programmes(programmes)
    if is_village_worker(actor):
        channel = Channel.VILLAGE_WORKER.value
    elif channel == Channel.ONLINE:
        raise ApplicationError(
            "网上申请只能由申请人本人通过网上办事大厅提交，工作人员请选择窗口受理或村（社区）代办",
            field="channel",
        )
    elif channel not in STAFF_CHANNELS:
        raise ApplicationError(f"申请渠道取值无效：{channel!r}", field="channel")
    routing = submission_routing(actor=actor, household=household, programmes=programmes)
    return application_file(
        submitted_by=actor.user,
        household=household,
        routing=routing,
        programmes=programmes,
        channel=channel,
        consents=consents,
        declaration=declaration,
        needs=needs,
        is_relative_declared=is_relative_declared,
        submitter_roles=frozenset(actor.roles),
    )
