"""Writes of referrals (一门受理、协同办理). Each service runs in one transaction (nested inside the
caller's when there is one) and records an audit event in it.

Transitions (docs/referrals.md):

| action  | from            | to       | who                                   |
| ------- | --------------- | -------- | ------------------------------------- |
| receive | sent            | received | the partner department it was sent to |
| answer  | sent, received  | answered | the partner department it was sent to |
| return  | sent, received  | returned | the partner department it was sent to |

``answered`` and ``returned`` are final; answering or returning closes the answer deadline.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from doudi.accounts.models import REFERRAL_DEPARTMENTS, PartnerDepartment
from doudi.accounts.permissions import Permission
from doudi.accounts.scoping import Actor
from doudi.core.audit import audit_event_record
from doudi.core.calendar import deadline_close, deadline_open
from doudi.core.exceptions import ApplicationError, Conflict, NotFound, PermissionDenied
from doudi.core.models import Deadline
from doudi.core.money import amount_parse
from doudi.referrals import selectors
from doudi.referrals.models import (
    DEFAULT_ANSWER_WORKING_DAYS,
    NEED_DEPARTMENTS,
    OPEN_STATUSES,
    Need,
    Referral,
    ReferralOrigin,
    ReferralOutcome,
    ReferralStatus,
    ReferralTimeLimit,
)
from doudi.registry.models import Household, Person

OBJECT_TYPE = "referrals.referral"
DEADLINE_KIND = "referral_answer"
DEADLINE_LABEL = "转介答复"
CONFLICT_MESSAGE = "该转介单已被他人处理，请刷新后重试"
NOTE_MAX_LENGTH = 2000
TEXT_MAX_LENGTH = 2000

S = ReferralStatus

ACTION_LABELS = {"receive": "接收", "answer": "反馈", "return": "退回"}
AUDIT_ACTIONS = {
    "receive": "referral.received",
    "answer": "referral.answered",
    "return": "referral.returned",
}
TRANSITIONS: dict[str, tuple[frozenset[str], ReferralStatus]] = {
    "receive": (frozenset({S.SENT}), S.RECEIVED),
    "answer": (frozenset({S.SENT, S.RECEIVED}), S.ANSWERED),
    "return": (frozenset({S.SENT, S.RECEIVED}), S.RETURNED),
}


def allowed_actions(status: str) -> list[str]:
    return [action for action, (sources, _) in TRANSITIONS.items() if status in sources]


def answer_working_days(department: str) -> int:
    """The department's answer limit in working days: its ReferralTimeLimit row, else 10."""
    row = ReferralTimeLimit.objects.filter(department=department).first()
    return row.working_days if row is not None else DEFAULT_ANSWER_WORKING_DAYS


def _user(actor: Any) -> Any:
    return actor.user if isinstance(actor, Actor) else actor


def _text(value: str | None, *, field: str, message: str, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ApplicationError(message, field=field)
    if len(value) > TEXT_MAX_LENGTH:
        raise ApplicationError(f"内容不能超过 {TEXT_MAX_LENGTH} 个字", field=field)
    return value


def _referral_open(
    *,
    actor: Any,
    household: Household,
    application: Any | None,
    person: Person | None,
    origin: str,
    need: str,
    department: str,
    note: str,
    today: dt.date,
) -> Referral:
    user = _user(actor)
    referral = Referral.objects.create(
        household=household,
        application=application,
        person=person,
        origin=origin,
        need=need,
        department=department,
        status=S.SENT,
        **household.region_codes(),
        note=note,
        created_by=user if getattr(user, "is_authenticated", False) else None,
    )
    working_days = answer_working_days(department)
    referral.deadline = deadline_open(
        object_type=OBJECT_TYPE,
        object_id=str(referral.pk),
        kind=DEADLINE_KIND,
        region_code=household.village_code,
        start_date=today,
        working_days=working_days,
    )
    referral.save(update_fields=["deadline", "updated_at"])
    audit_event_record(
        actor=user,
        action="referral.created",
        obj=referral,
        region_code=referral.village_code,
        parameters={
            "public_id": str(referral.public_id),
            "origin": origin,
            "need": need,
            "department": department,
            "application": str(application.public_id) if application else None,
            "person": str(person.public_id) if person else None,
            "working_days": working_days,
            "due_date": referral.deadline.due_date.isoformat(),
            "is_provisional": referral.deadline.is_provisional,
        },
    )
    return referral


def referrals_from_application(*, actor: Actor | Any, application: Any) -> list[Referral]:
    """One referral for every need declared on the application that has none yet, to the
    department serving it (``NEED_DEPARTMENTS``). Returns the referrals it created: calling it
    again creates nothing. Called by intake's submission service inside its transaction; this
    context reads only the application's household, region codes and declared ``needs``.

    ``actor`` is the submitting staff ``Actor`` (the application must lie in their region, else
    NotFound); the submission service has already checked their right to submit, so no referral
    permission is required. A plain user (an online applicant) is accepted as the actor too."""
    with transaction.atomic():
        if isinstance(actor, Actor) and not actor.covers_row(application):
            raise NotFound("申请不存在或不在您的管辖范围内", field="application")
        # Serialise concurrent calls for one household (a no-op on SQLite, which serialises
        # writers anyway); the unique constraint is the last line of defence.
        household = Household.objects.select_for_update().get(pk=application.household_id)
        needs: list[str] = []
        for index, need in enumerate(application.needs or []):
            if need not in Need.values:
                raise ApplicationError(
                    f"未知的救助需求：{need!r}，可选：" + "、".join(Need.labels),
                    field=f"needs[{index}]",
                )
            if need not in needs:
                needs.append(need)
        existing = set(
            Referral.objects.filter(
                application_id=application.pk, origin=ReferralOrigin.APPLICATION
            ).values_list("need", flat=True)
        )
        today = timezone.localdate()
        return [
            _referral_open(
                actor=actor,
                household=household,
                application=application,
                person=None,
                origin=ReferralOrigin.APPLICATION,
                need=need,
                department=NEED_DEPARTMENTS[need],
                note="",
                today=today,
            )
            for need in needs
            if need not in existing
        ]


def referral_create(
    *,
    actor: Actor,
    household: Household,
    need: str,
    department: str = "",
    person: Person | None = None,
    application: Any | None = None,
    note: str = "",
) -> Referral:
    """A caseworker refers one need of a household in their region. The department defaults to
    the one serving the need; charity (慈善) may be chosen instead for any need."""
    actor.require(Permission.REFERRAL_CREATE)
    with transaction.atomic():
        if not Household.objects.filter(actor.region_q(), pk=household.pk).exists():
            raise NotFound("家庭不存在或不在您的管辖范围内", field="household")
        if need not in Need.values:
            raise ApplicationError("请选择救助需求", field="need")
        mapped = NEED_DEPARTMENTS[need]
        department = department or mapped
        if department not in REFERRAL_DEPARTMENTS:
            raise ApplicationError("请选择协同部门", field="department")
        if department not in (mapped, PartnerDepartment.CHARITY):
            raise ApplicationError(
                f"“{Need(need).label}”需求应转介至{PartnerDepartment(mapped).label}"
                f"或{PartnerDepartment.CHARITY.label}",
                field="department",
            )
        if (
            person is not None
            and not person.memberships.filter(household=household, is_active=True).exists()
        ):
            raise ApplicationError("该人员不是本家庭成员", field="person")
        if application is not None and application.household_id != household.pk:
            raise ApplicationError("该申请不属于本家庭", field="application")
        note = _text(note, field="note", message="", required=False)
        duplicate = Referral.objects.filter(
            household=household, need=need, department=department, status__in=OPEN_STATUSES
        ).first()
        if duplicate is not None:
            raise ApplicationError(
                f"该家庭的“{Need(need).label}”需求已转介至{PartnerDepartment(department).label}，"
                "尚未办结，无需重复转介",
                field="need",
            )
        return _referral_open(
            actor=actor,
            household=household,
            application=application,
            person=person,
            origin=ReferralOrigin.MANUAL,
            need=need,
            department=department,
            note=note,
            today=timezone.localdate(),
        )


def _transition(
    *,
    actor: Actor,
    referral: Referral,
    action: str,
    version: int | None,
    changes: dict[str, Any],
    parameters: dict[str, Any],
) -> Referral:
    """Visibility (NotFound), the partner's right (PermissionDenied), the source status and the
    version (ApplicationError), then one conditional update and its audit event."""
    current = selectors.referral_get(actor=actor, public_id=referral.public_id)
    actor.require(Permission.REFERRAL_ANSWER)
    if selectors.partner_department_of(actor) != current.department:
        raise PermissionDenied("只有接收该转介的协同部门可以办理", field="action")
    expected = current.version if version is None else version
    if expected != current.version:
        raise Conflict(CONFLICT_MESSAGE, field="version")
    sources, target = TRANSITIONS[action]
    if current.status not in sources:
        raise ApplicationError(
            f"转介单{current.get_status_display()}，不能{ACTION_LABELS[action]}", field="action"
        )
    now = timezone.now()
    updated = Referral.objects.filter(
        pk=current.pk, status=current.status, version=expected
    ).update(status=target, version=expected + 1, updated_at=now, **changes)
    if updated != 1:
        raise Conflict(CONFLICT_MESSAGE, field="version")
    closed = False
    if target not in OPEN_STATUSES and current.deadline_id is not None:
        deadline = Deadline.objects.get(pk=current.deadline_id)
        if deadline.closed_at is None:
            deadline_close(deadline=deadline, at=now)
            closed = True
    audit_event_record(
        actor=actor.user,
        action=AUDIT_ACTIONS[action],
        obj=current,
        region_code=current.village_code,
        parameters={
            "public_id": str(current.public_id),
            "from": current.status,
            "to": target.value,
            "deadline_closed": closed,
            **parameters,
        },
    )
    current.refresh_from_db()
    return current


@transaction.atomic
def referral_receive(*, actor: Actor, referral: Referral, version: int | None = None) -> Referral:
    """The partner department takes the referral up (sent → received)."""
    now = timezone.now()
    return _transition(
        actor=actor,
        referral=referral,
        action="receive",
        version=version,
        changes={"received_by": actor.user, "received_at": now},
        parameters={},
    )


@transaction.atomic
def referral_answer(
    *,
    actor: Actor,
    referral: Referral,
    outcome: str,
    answer: str,
    amount: str | Decimal | None = None,
    version: int | None = None,
) -> Referral:
    """The partner department answers: an outcome, an explanation, and for 已给予救助 an
    optional amount in yuan. Final."""
    selectors.referral_get(actor=actor, public_id=referral.public_id)
    actor.require(Permission.REFERRAL_ANSWER)
    if outcome not in ReferralOutcome.values:
        raise ApplicationError(
            "请选择办理结果（" + "、".join(ReferralOutcome.labels) + "）", field="outcome"
        )
    answer = _text(answer, field="answer", message="请填写反馈意见")
    parsed: Decimal | None = None
    if amount is not None and str(amount).strip() != "":
        if outcome != ReferralOutcome.GRANTED:
            raise ApplicationError("只有“已给予救助”时才填写救助金额", field="amount")
        parsed = amount_parse(amount, field="amount", label="救助金额")
    now = timezone.now()
    return _transition(
        actor=actor,
        referral=referral,
        action="answer",
        version=version,
        changes={
            "outcome": outcome,
            "answer": answer,
            "amount": parsed,
            "answered_by": actor.user,
            "answered_at": now,
        },
        parameters={
            "outcome": outcome,
            "amount": str(parsed) if parsed is not None else None,
        },
    )


@transaction.atomic
def referral_return(
    *, actor: Actor, referral: Referral, reason: str, version: int | None = None
) -> Referral:
    """The partner department sends the referral back (wrong department, not its business …)
    with a reason. Final; the window may refer the need again."""
    selectors.referral_get(actor=actor, public_id=referral.public_id)
    actor.require(Permission.REFERRAL_ANSWER)
    reason = _text(reason, field="reason", message="请填写退回理由")
    now = timezone.now()
    return _transition(
        actor=actor,
        referral=referral,
        action="return",
        version=version,
        changes={"return_reason": reason, "returned_by": actor.user, "returned_at": now},
        parameters={"reason": reason},
    )
