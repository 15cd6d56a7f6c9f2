"""Reads that build each document's content. Every selector is region-scoped through the intake
selectors: a case outside the actor's region does not exist for them (NotFound → 404). A document
the case's state does not have yet (a decision notice before confirmation …) is an
ApplicationError naming the reason (400). ID numbers come from the registry's masked column; the
full number is never decrypted for a document."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

from django.utils import timezone

from doudi import programmes
from doudi.accounts.models import StaffProfile
from doudi.accounts.permissions import Permission
from doudi.accounts.scoping import Actor
from doudi.core.deadlines import notice_last_day
from doudi.core.exceptions import ApplicationError, NotFound
from doudi.core.models import Division, DivisionLevel
from doudi.core.selectors import division_names
from doudi.documents.content import (
    ApplicationForm,
    ConsentLetter,
    ConsentLetters,
    DecisionLine,
    DecisionNotice,
    Heading,
    HomeVisit,
    HomeVisitRecord,
    IncomeRow,
    MemberRow,
    NoticeLine,
    NoticeSheet,
    OneOffLine,
    RefusalNotice,
)
from doudi.intake import selectors as intake_selectors
from doudi.intake.models import Application, Channel, SignedBy
from doudi.intake.workflow import (
    DEADLINE_RULES,
    NOTICE_STATUSES,
    Action,
    ApplicationStatus,
    NoticeMember,
    notice_entry,
)
from doudi.policy.codes import INCOME_TYPES
from doudi.programmes import CHOICES as PROGRAMME_CHOICES
from doudi.programmes import Programme
from doudi.referrals.models import Need
from doudi.registry.models import AreaType, DisabilityType, ExclusionReason, Person, Relation

ASSET_LABELS = {
    "financial": ("金融资产", "yuan"),
    "vehicles": ("需申报的机动车", "辆"),
    "real_estate": ("房产", "套"),
    "business_registrations": ("工商登记", "户"),
}
EXPENSE_LABELS = {
    "medical_12m": "医疗支出",
    "education_12m": "教育支出",
    "rehabilitation_12m": "康复支出",
}
SCOPE_FIELDS = {9: "township_code", 12: "village_code"}


# -- shared pieces ------------------------------------------------------------------------------


def _division_name(code: str) -> str:
    return division_names([code]).get(code, code)


def township_office(*, county_code: str, township_code: str) -> str:
    """长乐区吴航街道办事处 / …镇人民政府: the office that accepts, investigates and publishes."""
    township = _division_name(township_code)
    office = "办事处" if township.endswith("街道") else "人民政府"
    return f"{_division_name(county_code)}{township}{office}"


def _deciding_unit(user: Any, county_code: str) -> str:
    """The unit of whoever decided (the county bureau, or the township where delegated)."""
    profile = StaffProfile.objects.filter(user=user).select_related("org_unit").first()
    if profile is not None:
        return profile.org_unit.name
    return f"{_division_name(county_code)}民政局"


def document_number(application: Application, prefix: str, year: int) -> str:
    """350112001申请〔2026〕12号: township code, document kind, year, case number."""
    return f"{application.township_code}{prefix}〔{year}〕{application.pk}号"


def _already_masked(masked: str) -> str:
    """The masker given to ``notice_entry``: the registry stores the masked form
    (``doudi.core.idcard.mask``), so the full number is never read to print a notice."""
    return masked


def _situation_members(application: Application) -> list[tuple[dict[str, Any], Person]]:
    """The counted members the application was made for, with their registry rows."""
    members = application.situation.get("members", [])
    persons = Person.objects.in_bulk([m["id"] for m in members], field_name="public_id")
    result = []
    for member in members:
        person = persons.get(_uuid(member["id"]))
        if person is not None:
            result.append((member, person))
    return result


def _uuid(value: str) -> uuid.UUID:
    return uuid.UUID(str(value))


def _member_notes(member: dict[str, Any]) -> str:
    notes = []
    disability = member.get("disability")
    if disability:
        label = DisabilityType(disability["type"]).label
        notes.append(f"{label}{disability['grade']}级")
    if member.get("serious_illness"):
        notes.append("患重特大疾病")
    if member.get("labour_capacity") is False:
        notes.append("无劳动能力")
    return "；".join(notes)


def _member_rows(application: Application) -> tuple[MemberRow, ...]:
    rows = [
        MemberRow(
            name=person.name,
            relation=Relation(member["relation"]).label,
            masked_id_number=person.id_number_masked,
            is_counted=True,
            notes=_member_notes(member),
        )
        for member, person in _situation_members(application)
    ]
    # Members living with the family but not counted (民发〔2021〕57号 第七条), as registered now.
    for membership in (
        application.household.memberships.filter(is_active=True, is_counted=False)
        .select_related("person")
        .order_by("id")
    ):
        rows.append(
            MemberRow(
                name=membership.person.name,
                relation=Relation(membership.relation).label,
                masked_id_number=membership.person.id_number_masked,
                is_counted=False,
                notes=f"不计入：{ExclusionReason(membership.exclusion_reason).label}",
            )
        )
    return tuple(rows)


def _applicant(application: Application) -> str:
    for member, person in _situation_members(application):
        if member["relation"] == Relation.HEAD:
            return person.name
    head = application.household.memberships.filter(is_active=True, relation=Relation.HEAD).first()
    return head.person.name if head else ""


def _submitted_on(application: Application) -> dt.date:
    return timezone.localdate(application.created_at)


def _programme_labels(programmes: list[str]) -> tuple[str, ...]:
    labels = dict(PROGRAMME_CHOICES)
    return tuple(labels.get(p, p) for p in programmes)


def _township_heading(application: Application, prefix: str, issued_on: dt.date) -> Heading:
    return Heading(
        issuer=township_office(
            county_code=application.county_code, township_code=application.township_code
        ),
        number=document_number(application, prefix, issued_on.year),
        issued_on=issued_on,
    )


def _amount_text(value: Any, unit: str) -> str:
    if unit == "yuan":
        return f"{Decimal(str(value)):,.2f} 元"
    return f"{value}{unit}"


# -- case documents -----------------------------------------------------------------------------


def application_form_content(*, actor: Actor, application: Application) -> ApplicationForm:
    application = intake_selectors.application_get(actor=actor, public_id=application.public_id)
    names = {str(person.public_id): person.name for _, person in _situation_members(application)}
    incomes = tuple(
        IncomeRow(
            member=names.get(member["id"], ""),
            kind=INCOME_TYPES.get(income["type"], income["type"]),
            monthly=Decimal(str(income["monthly"])),
            is_stable=bool(income.get("stable", True)),
        )
        for member in application.situation.get("members", [])
        for income in member.get("incomes", [])
    )
    # In the form's order, not the JSON's: PostgreSQL's jsonb does not keep key order.
    declared_assets = application.situation.get("assets", {})
    assets = tuple(
        (label, _amount_text(declared_assets[key], unit))
        for key, (label, unit) in ASSET_LABELS.items()
        if key in declared_assets
    )
    declared_expenses = application.situation.get("expenses", {})
    expenses = tuple(
        (label, _amount_text(declared_expenses[key], "yuan"))
        for key, label in EXPENSE_LABELS.items()
        if key in declared_expenses
    )
    need_labels = dict(Need.choices)
    submitted_on = _submitted_on(application)
    return ApplicationForm(
        heading=_township_heading(application, "申请", submitted_on),
        applicant=_applicant(application),
        address=application.household.address,
        village=_division_name(application.village_code),
        area_type=AreaType(application.household.area_type).label,
        members=_member_rows(application),
        programmes=_programme_labels(application.programmes),
        needs=tuple(need_labels.get(n, n) for n in application.needs),
        incomes=incomes,
        assets=assets,
        expenses=expenses,
        channel=Channel(application.channel).label,
        is_relative_declared=application.is_relative_declared,
        submitted_on=submitted_on,
    )


def consent_letters_content(*, actor: Actor, application: Application) -> ConsentLetters:
    application = intake_selectors.application_get(actor=actor, public_id=application.public_id)
    relations = {
        person.pk: Relation(member["relation"]).label
        for member, person in _situation_members(application)
    }
    letters = tuple(
        ConsentLetter(
            member=consent.person.name,
            relation=relations.get(consent.person_id, ""),
            masked_id_number=consent.person.id_number_masked,
            signed_by=SignedBy(consent.signed_by).label,
            proxy_reason=consent.proxy_reason,
            signed_on=timezone.localdate(consent.signed_at),
        )
        for consent in application.consents.select_related("person").order_by("id")
    )
    return ConsentLetters(
        heading=_township_heading(application, "授权", _submitted_on(application)),
        applicant=_applicant(application),
        address=application.household.address,
        letters=letters,
    )


def home_visit_record_content(*, actor: Actor, application: Application) -> HomeVisitRecord:
    application = intake_selectors.application_get(actor=actor, public_id=application.public_id)
    visits = tuple(
        HomeVisit(
            visited_on=timezone.localdate(event.created_at),
            investigators=tuple(event.parameters.get("investigators", [])),
            is_full=bool(event.parameters.get("is_full")),
            findings=event.parameters.get("findings", ""),
            photos=int(event.parameters.get("photos", 0)),
            record_signed=bool(event.parameters.get("record_signed")),
        )
        for event in intake_selectors.application_events(actor=actor, application=application)
        if event.action == Action.RECORD_HOME_VISIT
    )
    if not visits:
        raise ApplicationError("该申请尚未登记入户调查，没有入户调查记录", field="kind")
    return HomeVisitRecord(
        heading=_township_heading(application, "入户", visits[-1].visited_on),
        applicant=_applicant(application),
        address=application.household.address,
        members=_member_rows(application),
        visits=visits,
    )


def decision_notice_content(*, actor: Actor, application: Application) -> DecisionNotice:
    application = intake_selectors.application_get(actor=actor, public_id=application.public_id)
    if application.status != ApplicationStatus.CONFIRMED or application.decided_at is None:
        status = ApplicationStatus(application.status).label
        raise ApplicationError(
            f"该申请当前状态为“{status}”，尚未审核确认，没有审核确认通知书", field="kind"
        )
    labels = dict(PROGRAMME_CHOICES)
    lines = tuple(
        DecisionLine(
            programme=labels.get(e.programme, e.programme),
            monthly_amount=e.monthly_amount,
            from_month=e.from_month,
        )
        for e in intake_selectors.application_entitlements(actor=actor, application=application)
    )
    one_off = tuple(
        OneOffLine(
            programme=labels.get(g.programme, g.programme),
            amount=g.amount,
            approved_month=g.approved_month,
            county_approved=g.county_approved,
        )
        for g in intake_selectors.application_one_off_grants(actor=actor, application=application)
    )
    decided_on = timezone.localdate(application.decided_at)
    return DecisionNotice(
        heading=Heading(
            issuer=_deciding_unit(application.confirmed_by, application.county_code),
            number=document_number(application, "确认", decided_on.year),
            issued_on=decided_on,
        ),
        applicant=_applicant(application),
        address=application.household.address,
        submitted_on=_submitted_on(application),
        lines=lines,
        one_off=one_off,
    )


def refusal_notice_content(*, actor: Actor, application: Application) -> RefusalNotice:
    application = intake_selectors.application_get(actor=actor, public_id=application.public_id)
    if application.status != ApplicationStatus.REFUSED or application.decided_at is None:
        status = ApplicationStatus(application.status).label
        raise ApplicationError(
            f"该申请当前状态为“{status}”，未作出不予确认决定，没有不予确认通知书", field="kind"
        )
    decided_on = timezone.localdate(application.decided_at)
    return RefusalNotice(
        heading=Heading(
            issuer=_deciding_unit(application.refused_by, application.county_code),
            number=document_number(application, "不予", decided_on.year),
            issued_on=decided_on,
        ),
        applicant=_applicant(application),
        address=application.household.address,
        submitted_on=_submitted_on(application),
        programmes=_programme_labels(application.programmes),
        reasons=application.refusal_reason,
        # Under the 2023 行政复议法 a county department's (or township's) decision is reviewed
        # by the county people's government.
        review_body=f"{_division_name(application.county_code)}人民政府",
    )


# -- the township's notice sheet ----------------------------------------------------------------


def _notice_scope(actor: Actor, region_code: str) -> Division:
    """The township or village asked for, narrowed to the actor's own village when the actor
    covers less (a village worker printing the township's sheet gets their village's lines)."""
    actor.require(Permission.INTAKE_VIEW)
    division = Division.objects.filter(
        code=region_code, level__in=[DivisionLevel.TOWNSHIP, DivisionLevel.VILLAGE]
    ).first()
    if division is not None:
        if actor.covers(division):
            return division
        if actor.region_prefix().startswith(division.code):
            return Division.objects.get(code=actor.region_code)
    raise NotFound("乡镇（街道）不存在或不在您的管辖范围内", field="region_code")


def _notice_lines(application: Application, villages: dict[str, str]) -> list[NoticeLine]:
    """The notice's lines of one application: one per published programme its proposal found
    eligible that ``notice_entry`` lists (``villages`` keeps the village names looked up)."""
    published = application.notice_published_on
    assert published is not None
    members = [
        NoticeMember(
            name=person.name,
            id_number=person.id_number_masked,
            birth_date=person.birth_date,
            is_applicant=member["relation"] == Relation.HEAD,
        )
        for member, person in _situation_members(application)
    ]
    lines: list[NoticeLine] = []
    if not members:
        return lines
    for programme in application.programmes:
        proposed = application.proposal.get(programme, {})
        if programme not in programmes.PUBLISHED_IN_NOTICE or not proposed.get("eligible"):
            continue
        entry = notice_entry(
            programme,
            members,
            amount=Decimal(str(proposed["amount"])),
            notice_date=published,
            masker=_already_masked,
        )
        if entry is None:
            continue
        village = villages.setdefault(
            application.village_code, _division_name(application.village_code)
        )
        lines.append(
            NoticeLine(
                village=village,
                programme=Programme(programme).label,
                name=entry.name,
                masked_id_number=entry.masked_id_number,
                number_covered=entry.number_covered,
                amount=entry.amount,
                published_on=published,
                last_day=notice_last_day(published, DEADLINE_RULES["public_notice"].days),
            )
        )
    return lines


def notice_sheet_content(
    *,
    actor: Actor,
    region_code: str,
    today: dt.date | None = None,
    phone: str = "",
    address: str = "",
) -> NoticeSheet:
    """Every application of the township (or village) whose notice is up (``NOTICE_STATUSES``),
    one line per published programme the proposal found eligible, as ``notice_entry`` allows:
    minors never named, 低保边缘 and 刚性支出 never listed, ID numbers masked."""
    today = today or timezone.localdate()
    scope = _notice_scope(actor, region_code)
    applications = (
        intake_selectors.application_queryset(actor=actor)
        .filter(
            status__in=[s.value for s in NOTICE_STATUSES],
            notice_published_on__isnull=False,
            **{SCOPE_FIELDS[len(scope.code)]: scope.code},
        )
        .select_related("household")
        .order_by("village_code", "notice_published_on", "id")
    )
    villages: dict[str, str] = {}
    lines = [line for application in applications for line in _notice_lines(application, villages)]
    office = township_office(
        county_code=scope.county_code, township_code=scope.township_code or scope.code
    )
    region = _division_name(scope.township_code) if scope.level == DivisionLevel.VILLAGE else ""
    return NoticeSheet(
        heading=Heading(
            issuer=office,
            number=f"{scope.code}公示〔{today.year}〕{today:%m%d}号",
            issued_on=today,
        ),
        region=f"{region}{scope.name}",
        lines=tuple(lines),
        objection_office=office,
        objection_phone=phone,
        objection_address=address,
    )
