"""The approver's decision on a review: the entitlements are adjusted, never overwritten, and an
append-only EntitlementChange records each change with its reasons."""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from typing import Any

from django.db import transaction

from doudi.accounts.scoping import Actor
from doudi.benefits import services as benefits
from doudi.benefits.models import Entitlement
from doudi.core.exceptions import ApplicationError, text_required
from doudi.programmes import Programme
from doudi.reviews.dates import phase_out_months, tekun_stop_notice_end
from doudi.reviews.models import ChangeKind, EntitlementChange, ReviewCase, ReviewStatus
from doudi.reviews.schedule import covered_entitlements
from doudi.reviews.services._common import (
    commit,
    first_of_next_month,
    month_before,
    require_decider,
    require_status,
    require_visible,
    today,
)

NEW_AMOUNT_KINDS = {ChangeKind.INCREASE, ChangeKind.DECREASE, ChangeKind.RESUME}


@dataclasses.dataclass(frozen=True)
class _Plan:
    programme: str
    kind: str
    old: Entitlement
    suspended: bool
    new_amount: Decimal | None
    to_month: Any  # dt.date | None: the last month of a phase-out


def _plans(review: ReviewCase, decided_on: Any, effective: Any) -> list[_Plan]:
    """Check the proposal against the entitlements as they are now (locked)."""
    covered = covered_entitlements(review.household)
    plans = []
    for programme, line in sorted(review.proposal.items()):
        if line["kind"] == ChangeKind.UNCHANGED:
            continue
        label = Programme(programme).label
        if programme not in covered:
            raise ApplicationError(
                f"{label}待遇已发生变化，请重新登记复核调查情况", field="version"
            )
        old, suspended = covered[programme]
        old = benefits.entitlement_lock(entitlement=old)
        if old.monthly_amount != Decimal(line["old_amount"]):
            raise ApplicationError(
                f"{label}待遇已发生变化，请重新登记复核调查情况", field="version"
            )
        if not suspended and old.from_month >= effective:
            raise ApplicationError(
                f"{label}待遇自{old.from_month:%Y年%-m月}起发放，"
                f"须在{old.from_month:%Y年%-m月}及以后作出调整决定",
                field="action",
            )
        to_month = None
        if line["kind"] == ChangeKind.PHASE_OUT:
            last_year, last_month = phase_out_months(decided_on, int(line["phase_out_months"]))[-1]
            to_month = effective.replace(year=last_year, month=last_month)
        new_amount = Decimal(line["new_amount"]) if line["new_amount"] is not None else None
        plans.append(_Plan(programme, line["kind"], old, suspended, new_amount, to_month))
    return plans


@transaction.atomic
def review_decide(
    *, actor: Actor, review: ReviewCase, reason: str, version: int | None = None
) -> ReviewCase:
    """复核决定 by the approver (county, or township where confirmation is delegated; never the
    proposer), with written reasons. Every change takes effect the month after the decision: the
    old entitlement is closed at the month before, and a new one is opened with the new amount
    (increase, decrease, resume), until the last phase-out month (phase-out), or not at all
    (stop, suspend). Stopping 特困 support waits for the end of its 7-day notice."""
    require_visible(actor, review)
    require_decider(actor, review)
    require_status(
        review, ReviewStatus.PROPOSED, ReviewStatus.NOTICE, action="作出复核决定", version=version
    )
    reason = text_required(reason, field="reason", message="请填写复核决定的书面理由")
    day = today()
    if review.status == ReviewStatus.NOTICE:
        assert review.notice_published_on is not None  # set when the notice starts
        last_day = tekun_stop_notice_end(review.notice_published_on)
        if day <= last_day:
            raise ApplicationError(
                f"终止特困人员救助供养须公示7日（{review.notice_published_on:%Y-%m-%d}发布，"
                f"{last_day:%Y-%m-%d}届满），公示期满后方可作出决定",
                field="action",
            )
    effective = first_of_next_month(day)
    plans = _plans(review, day, effective)
    review = commit(
        actor=actor,
        review=review,
        action="decide",
        target=ReviewStatus.DECIDED,
        version=version,
        changes={"decided_by": actor.user, "decided_on": day, "decision_reason": reason},
        parameters={
            "reason": reason,
            "effective_month": effective.isoformat(),
            "proposal": review.proposal,
        },
    )
    evaluation = review.evaluation
    try:
        with transaction.atomic():
            for plan in plans:
                _apply(review, plan, effective, reason, actor, evaluation)
    except benefits.OpenEntitlementExists as error:
        raise ApplicationError(
            "该家庭已有同一救助项目的有效待遇，不能重复发放", field="action"
        ) from error
    return review


def _apply(
    review: ReviewCase,
    plan: _Plan,
    effective: Any,
    reason: str,
    actor: Actor,
    evaluation: Any,
) -> EntitlementChange:
    old = plan.old
    if not plan.suspended:
        benefits.entitlement_close(entitlement=old, last_month=month_before(effective))
    new = None
    if plan.kind in NEW_AMOUNT_KINDS or plan.kind == ChangeKind.PHASE_OUT:
        assert plan.new_amount is not None
        new = benefits.entitlement_continue(
            previous=old,
            monthly_amount=plan.new_amount,
            from_month=effective,
            to_month=plan.to_month,
        )
    if plan.kind == ChangeKind.PHASE_OUT:
        evaluation = review.phase_out_evaluation
    return EntitlementChange.objects.create(
        review=review,
        household=old.household,
        programme=plan.programme,
        kind=plan.kind,
        old_entitlement=old,
        new_entitlement=new,
        old_amount=old.monthly_amount,
        new_amount=plan.new_amount if new is not None else None,
        effective_month=effective,
        to_month=plan.to_month,
        reason=reason,
        decided_by=actor.user,
        evaluation=evaluation if plan.kind != ChangeKind.SUSPEND else None,
        province_code=review.province_code,
        city_code=review.city_code,
        county_code=review.county_code,
        township_code=review.township_code,
        village_code=review.village_code,
    )


@transaction.atomic
def review_return(
    *, actor: Actor, review: ReviewCase, reason: str, version: int | None = None
) -> ReviewCase:
    """退回: the approver sends the proposal back for further investigation, with reasons."""
    require_visible(actor, review)
    require_decider(actor, review)
    require_status(
        review, ReviewStatus.PROPOSED, ReviewStatus.NOTICE, action="退回复核意见", version=version
    )
    reason = text_required(reason, field="reason", message="请填写退回理由")
    return commit(
        actor=actor,
        review=review,
        action="return",
        target=ReviewStatus.INVESTIGATING,
        version=version,
        changes={
            "proposal": {},
            "proposal_reason": "",
            "proposer": None,
            "notice_published_on": None,
        },
        parameters={"reason": reason},
    )
