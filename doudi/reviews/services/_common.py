"""What every review service shares: visibility, the conditional write with its event and audit
event, and the approver rules (the same as intake confirmation)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from doudi.accounts.permissions import Permission
from doudi.accounts.scoping import Actor
from doudi.benefits.months import payment_start_month
from doudi.core.audit import audit_event_record
from doudi.core.exceptions import ApplicationError, Conflict, NotFound, PermissionDenied
from doudi.intake.models import ConfirmationSetting
from doudi.intake.workflow import decider_problems
from doudi.registry.models import Household
from doudi.reviews.models import ReviewCase, ReviewEvent, ReviewStatus

OBJECT_TYPE = "reviews.reviewcase"
CONFLICT_MESSAGE = "该复核案件已被他人处理，请刷新后重试"


def today() -> dt.date:
    return timezone.localdate()


def first_of_next_month(day: dt.date) -> dt.date:
    year, month = payment_start_month(day)
    return dt.date(year, month, 1)


def month_before(first_day: dt.date) -> dt.date:
    return (first_day - dt.timedelta(days=1)).replace(day=1)


def visible_household(actor: Actor, household: Household, *, lock: bool = False) -> Household:
    queryset = Household.objects.filter(actor.region_q(), pk=household.pk)
    found = (queryset.select_for_update() if lock else queryset).first()
    if found is None:
        raise NotFound("家庭不存在或不在您的管辖范围内", field="household")
    return found


def require_visible(actor: Actor, review: ReviewCase) -> None:
    actor.require(Permission.INTAKE_VIEW)
    if not ReviewCase.objects.filter(actor.region_q(), pk=review.pk).exists():
        raise NotFound("复核案件不存在或不在您的管辖范围内", field="review")


def require_status(
    review: ReviewCase, *statuses: str, action: str, version: int | None = None
) -> None:
    """The case is where the action starts. A ``version`` older than the case's means someone
    acted since the form was read: a conflict (409), whatever the new status says."""
    if version is not None and version != review.version:
        raise Conflict(CONFLICT_MESSAGE, field="version")
    if review.status not in statuses:
        label = ReviewStatus(review.status).label
        raise ApplicationError(f"复核案件当前为“{label}”，不能{action}", field="action")


def decision_problems(actor: Actor, review: ReviewCase) -> list[str]:
    """The approver rules of intake confirmation (`decider_problems`): the right level, never on
    one's own proposal."""
    delegated = ConfirmationSetting.objects.filter(
        county_id=review.county_code, delegated_to_township=True
    ).exists()
    return decider_problems(
        action_label="作出复核决定",
        actor_roles=frozenset(actor.roles),
        actor_level=actor.region_level,
        actor_id=actor.user.pk,
        proposer_id=review.proposer_id,
        delegated_to_township=delegated,
        own_proposal_message="不能对本人提出的复核意见作出决定",
    )


def require_decider(actor: Actor, review: ReviewCase) -> None:
    actor.require(Permission.INTAKE_CONFIRM)
    problems = decision_problems(actor, review)
    if problems:
        raise PermissionDenied("；".join(problems), field="action")


def commit(
    *,
    actor: Actor | None,
    review: ReviewCase,
    action: str,
    target: str,
    version: int | None,
    changes: dict[str, Any],
    parameters: dict[str, Any],
) -> ReviewCase:
    """Write the step if nobody changed the case since ``version`` was read."""
    expected = review.version if version is None else version
    updated = ReviewCase.objects.filter(
        pk=review.pk, status=review.status, version=expected
    ).update(status=target, version=expected + 1, updated_at=timezone.now(), **changes)
    if updated != 1:
        raise Conflict(CONFLICT_MESSAGE, field="version")
    user = actor.user if actor is not None else None
    ReviewEvent.objects.create(
        review=review,
        actor=user,
        action=action,
        from_status=review.status,
        to_status=target,
        parameters=parameters,
    )
    audit_event_record(
        actor=user,
        action=f"review.{action}",
        obj=review,
        region_code=review.village_code,
        parameters={"from": review.status, "to": target, **parameters},
    )
    review.refresh_from_db()
    return review
