"""Reads of the portal app. An applicant sees their own household and its applications only:
anything else does not exist for them (NotFound)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from django.db.models import QuerySet

from doudi.core.exceptions import ApplicationError, NotFound
from doudi.core.models import Deadline
from doudi.intake.models import Application
from doudi.intake.services import OBJECT_TYPE
from doudi.intake.workflow import (
    ACTION_LABELS,
    DEADLINE_RULES,
    STATUS_LABELS,
    Action,
    ApplicationStatus,
)
from doudi.portal.models import ApplicantAccount
from doudi.registry.models import Household, Membership

S = ApplicationStatus

# What each status means for the family, in plain words (the step it is at, what comes next).
PLAIN_STATUS: dict[ApplicationStatus, str] = {
    S.DRAFT: "申请尚未提交。",
    S.SUBMITTED: "申请已提交，等待乡镇（街道）审查材料并受理。",
    S.ACCEPTED: "申请已受理，即将核对家庭经济状况。",
    S.VERIFYING: "正在核对家庭经济状况，工作人员将上门入户调查。",
    S.HOME_VISIT: "已完成入户调查，等待乡镇（街道）提出初审意见。",
    S.COMMUNITY_REVIEW: "正在进行民主评议。",
    S.INITIAL_OPINION: "乡镇（街道）已提出初审意见。",
    S.PUBLIC_NOTICE: "审核结果正在村（社区）公示。",
    S.OBJECTION: "公示期间有人提出异议，正在处理。",
    S.REINVESTIGATION: "因公示异议正在重新调查。",
    S.AWAITING_CONFIRMATION: "公示结束，等待审核确认。",
    S.CONFIRMED: "申请已审核确认，救助金自确认的次月起发放。",
    S.REFUSED: "申请未获确认，书面通知会说明理由。",
    S.WITHDRAWN: "申请已撤回。",
}


def account_for_user(user: Any) -> ApplicantAccount | None:
    """The applicant account of a logged-in user; None for staff and anonymous users."""
    if not getattr(user, "is_authenticated", False):
        return None
    return ApplicantAccount.objects.select_related("person").filter(user=user).first()


def applicant_membership(*, account: ApplicantAccount) -> Membership | None:
    return (
        Membership.objects.select_related("household", "household__village")
        .filter(person_id=account.person_id, is_active=True)
        .order_by("-is_counted", "id")
        .first()
    )


def applicant_household(*, account: ApplicantAccount) -> Household:
    membership = applicant_membership(account=account)
    if membership is None:
        raise ApplicationError(
            "您尚未登记在任何家庭中，无法在网上申请，请到乡镇（街道）窗口办理", field="household"
        )
    return membership.household


def applicant_members(*, account: ApplicantAccount) -> list[Membership]:
    """The counted members of the applicant's household, the applicant first."""
    household = applicant_household(account=account)
    members = list(
        household.memberships.filter(is_active=True, is_counted=True)
        .select_related("person")
        .order_by("id")
    )
    return sorted(members, key=lambda m: m.person_id != account.person_id)


def applicant_applications(*, account: ApplicantAccount) -> QuerySet[Application]:
    """The applications of the applicant's current household, newest first."""
    membership = applicant_membership(account=account)
    if membership is None:
        return Application.objects.none()
    return Application.objects.filter(household_id=membership.household_id).order_by(
        "-created_at", "-id"
    )


def applicant_application_get(*, account: ApplicantAccount, public_id: UUID | str) -> Application:
    message = "申请不存在"
    try:
        uuid = public_id if isinstance(public_id, UUID) else UUID(str(public_id))
    except ValueError as error:
        raise NotFound(message, field="public_id") from error
    application = applicant_applications(account=account).filter(public_id=uuid).first()
    if application is None:
        raise NotFound(message, field="public_id")
    return application


@dataclass(frozen=True)
class TimelineEntry:
    at: dt.datetime
    what: str
    status_label: str


@dataclass(frozen=True)
class ApplicationStatusView:
    """An application as the family sees it: no staff names, no internal notes."""

    application: Application
    status_label: str
    explanation: str
    next_deadline_label: str
    next_deadline_due: dt.date | None
    timeline: list[TimelineEntry]


def _label(labels: dict[Any, str], enum: Any, code: str) -> str:
    try:
        return labels[enum(code)]
    except (ValueError, KeyError):
        return code


def _next_deadline(application: Application) -> Deadline | None:
    return (
        Deadline.objects.filter(
            object_type=OBJECT_TYPE, object_id=str(application.pk), closed_at__isnull=True
        )
        .order_by("due_date", "id")
        .first()
    )


def application_status_view(
    *, account: ApplicantAccount, application: Application
) -> ApplicationStatusView:
    application = applicant_application_get(account=account, public_id=application.public_id)
    status = ApplicationStatus(application.status)
    deadline = _next_deadline(application)
    rule = DEADLINE_RULES.get(deadline.kind) if deadline else None
    timeline = [
        TimelineEntry(
            at=event.created_at,
            what=_label(ACTION_LABELS, Action, event.action),
            status_label=_label(STATUS_LABELS, ApplicationStatus, event.to_status),
        )
        for event in application.events.order_by("created_at", "id")
    ]
    return ApplicationStatusView(
        application=application,
        status_label=status.label,
        explanation=PLAIN_STATUS[status],
        next_deadline_label=(rule.label if rule else deadline.kind) if deadline else "",
        next_deadline_due=deadline.due_date if deadline else None,
        timeline=timeline,
    )
