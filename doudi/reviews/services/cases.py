"""Opening a review (schedule, staff, change report), recording the household's current
situation with the engine's proposal, the caseworker's proposal, and objections to a 特困
termination notice."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import replace
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from doudi.accounts.permissions import Permission
from doudi.accounts.scoping import Actor
from doudi.core.audit import audit_event_record
from doudi.core.calendar import deadline_close, deadline_open
from doudi.core.exceptions import ApplicationError, text_required
from doudi.core.models import Deadline
from doudi.intake.services import Declaration, declared_situation
from doudi.policy import (
    Member,
    OrphanOptions,
    PhaseOut,
    ProgrammeResult,
    Situation,
    TekunOptions,
)
from doudi.programmes import Programme
from doudi.registry.models import Household
from doudi.reviews.dates import DEADLINE_RULES as REVIEW_DEADLINE_RULES
from doudi.reviews.dates import tekun_stop_notice_end
from doudi.reviews.models import (
    OPEN_REVIEW_STATUSES,
    ChangeKind,
    ChangeReport,
    ReportedBy,
    ReviewCase,
    ReviewEvent,
    ReviewStatus,
    ReviewTrigger,
)
from doudi.reviews.schedule import (
    covered_entitlements,
    covered_household_ids,
    current_situation,
    review_class_of,
    review_due_rows,
)
from doudi.reviews.services._common import (
    OBJECT_TYPE,
    commit,
    require_status,
    require_visible,
    today,
    visible_household,
)
from doudi.standards.engine import situation_evaluate
from doudi.standards.models import EvaluationRecord

# Per-member facts the registry does not hold, kept from the previous assessment.
CARRIED_MEMBER_FACTS = ("tekun", "orphan", "self_care_failed_items")


def _open_review(household: Household) -> ReviewCase | None:
    return (
        ReviewCase.objects.filter(household=household, status__in=OPEN_REVIEW_STATUSES)
        .order_by("id")
        .first()
    )


def _create(
    *, actor: Actor | None, household: Household, trigger: str, due_on: dt.date | None
) -> ReviewCase:
    if not covered_entitlements(household):
        raise ApplicationError("该家庭没有在保或暂停发放的救助待遇，无需复核", field="household")
    if _open_review(household) is not None:
        raise ApplicationError("该家庭已有办理中的复核案件", field="household")
    review = ReviewCase.objects.create(
        household=household,
        trigger=trigger,
        status=ReviewStatus.INVESTIGATING,
        review_class=review_class_of(current_situation(household)).value,
        due_on=due_on,
        started_by=actor.user if actor is not None else None,
        **household.region_codes(),
    )
    parameters = {"trigger": trigger, "due_on": due_on.isoformat() if due_on else None}
    user = actor.user if actor is not None else None
    ReviewEvent.objects.create(
        review=review,
        actor=user,
        action="start",
        from_status="",
        to_status=review.status,
        parameters=parameters,
    )
    audit_event_record(
        actor=user,
        action="review.start",
        obj=review,
        region_code=review.village_code,
        parameters=parameters,
    )
    return review


@transaction.atomic
def review_start(*, actor: Actor, household: Household) -> ReviewCase:
    """A review started by staff (e.g. after a home visit or a warning)."""
    actor.require(Permission.INTAKE_VIEW)
    actor.require(Permission.INTAKE_PROPOSE)
    household = visible_household(actor, household, lock=True)
    return _create(actor=actor, household=household, trigger=ReviewTrigger.STAFF, due_on=None)


@transaction.atomic
def reviews_schedule(*, on: dt.date | None = None) -> list[ReviewCase]:
    """定期复核: a review case for every household whose next review date has come and that has
    no open review. Run daily by ``doudi reviews schedule``; running it twice creates nothing
    more."""
    day = on or today()
    households = Household.objects.filter(pk__in=covered_household_ids()).order_by("id")
    created = []
    for row in review_due_rows(households):
        if row.open_review is None and row.next_review_on <= day:
            household = Household.objects.select_for_update().get(pk=row.household.pk)
            if _open_review(household) is None:
                created.append(
                    _create(
                        actor=None,
                        household=household,
                        trigger=ReviewTrigger.SCHEDULE,
                        due_on=row.next_review_on,
                    )
                )
    return created


@transaction.atomic
def change_report_record(
    *,
    actor: Actor,
    household: Household,
    reported_by: str,
    description: str,
    reported_on: dt.date | None = None,
    reporter_name: str = "",
) -> ChangeReport:
    """A change in household, income or assets (POLICY.md §2.8), reported by the family or found
    by staff. It joins the household's open review case or starts one."""
    actor.require(Permission.INTAKE_VIEW)
    actor.require(Permission.INTAKE_SUBMIT)
    household = visible_household(actor, household, lock=True)
    if reported_by not in ReportedBy.values:
        allowed = "、".join(f"{v}（{label}）" for v, label in ReportedBy.choices)
        raise ApplicationError(
            f"报告方取值无效：{reported_by!r}，可选：{allowed}", field="reported_by"
        )
    description = text_required(description, field="description", message="请填写变化情况")
    day = today()
    reported_on = reported_on or day
    if reported_on > day:
        raise ApplicationError("报告日期不能晚于今天", field="reported_on")
    review = _open_review(household) or _create(
        actor=actor, household=household, trigger=ReviewTrigger.CHANGE_REPORT, due_on=None
    )
    report = ChangeReport.objects.create(
        household=household,
        reported_by=reported_by,
        reporter_name=reporter_name.strip(),
        reported_on=reported_on,
        description=description,
        recorded_by=actor.user,
        review=review,
        **household.region_codes(),
    )
    audit_event_record(
        actor=actor.user,
        action="review.change_report",
        obj=report,
        region_code=household.village_code,
        parameters={
            "review": str(review.public_id),
            "reported_by": reported_by,
            "reported_on": reported_on.isoformat(),
        },
    )
    return report


# -- the situation and the engine's proposal ----------------------------------------------------


def _situation(
    household: Household,
    declaration: Declaration,
    month: str,
    previous: dict[str, Any],
    supporters_unable: Mapping[str, bool],
) -> Situation:
    """The situation declared at the review, with the 特困 and orphan facts carried over from the
    previous situation (stored JSON: only the facts it records) and supporters newly judged."""
    situation = declared_situation(household=household, declaration=declaration, month=month)
    carried = {m.get("id"): m for m in previous.get("members", [])}
    members = []
    for member in situation.members:
        before = carried.get(member.id, {})
        facts = {key: before[key] for key in CARRIED_MEMBER_FACTS if key in before}
        if facts:
            member = member_with_facts(member, facts)
        if member.id in supporters_unable:
            tekun = replace(member.tekun, supporters_unable=bool(supporters_unable[member.id]))
            member = replace(member, tekun=tekun)
        members.append(member)
    return replace(situation, members=tuple(members))


def member_with_facts(member: Member, facts: Mapping[str, Any]) -> Member:
    """``member`` with the ``tekun``, ``orphan`` and ``self_care_failed_items`` of a stored
    situation's member (their JSON form, docs/policy.md)."""
    tekun, orphan = facts.get("tekun"), facts.get("orphan")
    return replace(
        member,
        tekun=TekunOptions(**tekun) if "tekun" in facts else member.tekun,
        orphan=(OrphanOptions(**orphan) if orphan else None)
        if "orphan" in facts
        else member.orphan,
        self_care_failed_items=int(
            facts.get("self_care_failed_items", member.self_care_failed_items)
        ),
    )


def _amount(result: ProgrammeResult | None) -> Decimal | None:
    return result.amount if result is not None and result.eligible and result.amount > 0 else None


def _line(kind: str, old: Decimal, new: Decimal | None, months: int | None = None) -> dict:
    return {
        "kind": kind,
        "old_amount": f"{old:.2f}",
        "new_amount": f"{new:.2f}" if new is not None else None,
        "phase_out_months": months,
    }


def _phase_out_line(
    actor: Actor, situation: Situation, old: Decimal, *, still_in_difficulty: bool
) -> tuple[EvaluationRecord, dict[str, Any]]:
    """渐退期 (POLICY.md §2.9): a household no longer eligible for 低保 is evaluated again with the
    ``phase_out`` input (exited last month at ``old`` a month); the line phases out at the
    engine's amount for its months, or stops when the engine finds no phase-out."""
    phase_out = PhaseOut(
        months_since_exit=1,
        previous_amount=old.quantize(Decimal("0.01")),
        still_in_difficulty=bool(still_in_difficulty),
    )
    phased = situation_evaluate(
        actor=actor.user, situation=replace(situation, phase_out=phase_out), channel="review"
    )
    amount = _amount(phased.evaluation.programmes["dibao"])
    if amount is None:
        return phased.record, _line(ChangeKind.STOP, old, None)
    months = int(Decimal(phased.evaluation.parameters["dibao.phase_out.months"]))
    return phased.record, _line(ChangeKind.PHASE_OUT, old, amount, months)


@transaction.atomic
def review_record_situation(
    *,
    actor: Actor,
    review: ReviewCase,
    declaration: Declaration,
    still_in_difficulty: bool = False,
    supporters_unable: Mapping[str, bool] | None = None,
    findings: str = "",
    version: int | None = None,
) -> ReviewCase:
    """入户核查: the household's situation now (the intake declaration's shape, checked by the
    policy parser), evaluated by the engine this month. For each covered programme the engine's
    result becomes a proposal: unchanged, increase, decrease, stop, resume after a suspension,
    or for 低保 phase-out (渐退期, POLICY.md §2.9) when the household no longer qualifies but is
    still below the marginal line or declared still in difficulty (a second, recorded run with
    the ``phase_out`` input)."""
    require_visible(actor, review)
    actor.require(Permission.INTAKE_PROPOSE)
    require_status(review, ReviewStatus.INVESTIGATING, action="登记复核调查情况", version=version)
    household = review.household
    previous = review.situation or current_situation(household)
    day = today()
    situation = _situation(
        household, declaration, day.strftime("%Y-%m"), previous, supporters_unable or {}
    )
    covered = covered_entitlements(household)
    if not covered:
        raise ApplicationError("该家庭没有在保或暂停发放的救助待遇", field="review")
    situation = replace(situation, programmes=tuple(sorted(covered)))
    evaluated = situation_evaluate(actor=actor.user, situation=situation, channel="review")
    record, results = evaluated.record, evaluated.evaluation.programmes
    phase_out_record = None
    proposal: dict[str, dict[str, Any]] = {}
    for programme, (entitlement, suspended) in sorted(covered.items()):
        old = entitlement.monthly_amount
        new = _amount(results.get(programme))
        if suspended:
            proposal[programme] = _line(ChangeKind.RESUME if new else ChangeKind.STOP, old, new)
        elif new is not None:
            kind = (
                ChangeKind.UNCHANGED
                if new == old
                else ChangeKind.INCREASE
                if new > old
                else ChangeKind.DECREASE
            )
            proposal[programme] = _line(kind, old, new)
        elif programme == Programme.DIBAO:
            phase_out_record, proposal[programme] = _phase_out_line(
                actor, situation, old, still_in_difficulty=still_in_difficulty
            )
        else:
            proposal[programme] = _line(ChangeKind.STOP, old, None)
    stored = record.situation  # the JSON form, once
    return commit(
        actor=actor,
        review=review,
        action="record_situation",
        target=ReviewStatus.INVESTIGATING,
        version=version,
        changes={
            "situation": stored,
            "evaluation": record,
            "phase_out_evaluation": phase_out_record,
            "engine_proposal": proposal,
            "review_class": review_class_of(stored).value,
        },
        parameters={
            "evaluation_id": record.pk,
            "phase_out_evaluation_id": phase_out_record.pk if phase_out_record else None,
            "engine_proposal": proposal,
            "still_in_difficulty": bool(still_in_difficulty),
            "findings": findings.strip(),
        },
    )


def _needs_tekun_notice(proposal: dict[str, dict[str, Any]]) -> bool:
    line = proposal.get(Programme.TEKUN)
    return line is not None and line["kind"] == ChangeKind.STOP


@transaction.atomic
def review_propose(
    *,
    actor: Actor,
    review: ReviewCase,
    reason: str,
    suspend: bool = False,
    version: int | None = None,
) -> ReviewCase:
    """复核意见 with written reasons: the engine's proposal, or — when ``suspend`` — 暂停发放 of
    every open entitlement (e.g. the household cannot be reached). A proposal that stops 特困
    support starts its 7-day notice today (POLICY.md §3.5)."""
    require_visible(actor, review)
    actor.require(Permission.INTAKE_PROPOSE)
    require_status(review, ReviewStatus.INVESTIGATING, action="提出复核意见", version=version)
    reason = text_required(reason, field="reason", message="请填写复核意见的书面理由")
    if suspend:
        proposal = {
            programme: _line(ChangeKind.SUSPEND, entitlement.monthly_amount, None)
            for programme, (entitlement, suspended) in sorted(
                covered_entitlements(review.household).items()
            )
            if not suspended
        }
        if not proposal:
            raise ApplicationError("该家庭的救助待遇均已暂停发放", field="suspend")
    else:
        if not review.engine_proposal:
            raise ApplicationError("请先登记复核调查情况并完成测算", field="situation")
        proposal = review.engine_proposal
    day = today()
    notice = _needs_tekun_notice(proposal)
    target = ReviewStatus.NOTICE if notice else ReviewStatus.PROPOSED
    parameters: dict[str, Any] = {"reason": reason, "suspend": suspend, "proposal": proposal}
    if notice:
        parameters["notice_last_day"] = tekun_stop_notice_end(day).isoformat()
    review = commit(
        actor=actor,
        review=review,
        action="propose",
        target=target,
        version=version,
        changes={
            "proposal": proposal,
            "proposal_reason": reason,
            "proposer": actor.user,
            "notice_published_on": day if notice else None,
        },
        parameters=parameters,
    )
    _close_deadlines(review, "tekun_stop_reinvestigation")
    return review


@transaction.atomic
def review_record_objection(
    *, actor: Actor, review: ReviewCase, objection: str, version: int | None = None
) -> ReviewCase:
    """异议 during a 特困 termination notice: the case goes back to investigation, to be decided
    within 15 working days and published again (POLICY.md §3.5)."""
    require_visible(actor, review)
    actor.require(Permission.INTAKE_PROPOSE)
    require_status(review, ReviewStatus.NOTICE, action="登记异议", version=version)
    objection = text_required(objection, field="objection", message="请填写异议内容")
    day = today()
    review = commit(
        actor=actor,
        review=review,
        action="record_objection",
        target=ReviewStatus.INVESTIGATING,
        version=version,
        changes={
            "proposal": {},
            "proposal_reason": "",
            "proposer": None,
            "notice_published_on": None,
            "engine_proposal": {},
        },
        parameters={"objection": objection},
    )
    deadline_open(
        object_type=OBJECT_TYPE,
        object_id=str(review.pk),
        kind="tekun_stop_reinvestigation",
        region_code=review.village_code,
        start_date=day,
        working_days=REVIEW_DEADLINE_RULES["tekun_stop_reinvestigation"].days,
    )
    return review


def _close_deadlines(review: ReviewCase, *kinds: str) -> None:
    for deadline in Deadline.objects.filter(
        object_type=OBJECT_TYPE, object_id=str(review.pk), kind__in=kinds, closed_at__isnull=True
    ):
        deadline_close(deadline=deadline, at=timezone.now())
