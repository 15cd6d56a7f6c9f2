"""Application statuses, actions and the one table of allowed transitions (STYLE.md P7).

The flow is POLICY.md §2.7 with the Fujian township-confirmation timings of Changle District
(fzcl.gov.cn, **[V]**); the same flow serves 低保 and 特困 (§3.4). Who may take an action is in
:mod:`.guards`, and how long each step may take is in :mod:`.deadlines`; this module only says
which action leads from which status to which.

>>> next_status(ApplicationStatus.PUBLIC_NOTICE, Action.RECORD_OBJECTION)
<ApplicationStatus.OBJECTION: 'objection'>
>>> next_status(ApplicationStatus.PUBLIC_NOTICE, Action.CONFIRM)
Traceback (most recent call last):
...
doudi.intake.workflow.states.TransitionNotAllowed: 当前状态为“公示中”，不能执行“确认”
"""

from __future__ import annotations

from enum import StrEnum


class ApplicationStatus(StrEnum):
    # Being entered at the window; nothing has been handed in yet.
    DRAFT = "draft"
    # The written application is handed in; the township checks whether the file is complete.
    SUBMITTED = "submitted"
    # The file is complete and accepted (受理); the 30-working-day limit starts on this day.
    ACCEPTED = "accepted"
    # The economic-status check is launched on the provincial platform (Fujian: acceptance day).
    VERIFYING = "verifying"
    # The home visit is recorded (2+ investigators, signed record, photos); next: opinion.
    HOME_VISIT = "home_visit"
    # Optional community deliberation (民主评议, "视情") is under way.
    COMMUNITY_REVIEW = "community_review"
    # The caseworker's initial opinion (proposal) is given; it is published next if favourable.
    INITIAL_OPINION = "initial_opinion"
    # The 7-day public notice in the village or community is running.
    PUBLIC_NOTICE = "public_notice"
    # An objection was lodged during the notice; it must be re-investigated.
    OBJECTION = "objection"
    # Re-investigation after an objection; a new opinion and a new notice follow.
    REINVESTIGATION = "reinvestigation"
    # The notice ended without an open objection; the file is with the confirming authority.
    AWAITING_CONFIRMATION = "awaiting_confirmation"
    # Confirmed (审核确认): entitlement from the next month. Final.
    CONFIRMED = "confirmed"
    # Refused, with written reasons sent within 3 working days. Final.
    REFUSED = "refused"
    # Withdrawn by the applicant at any point before the decision. Final.
    WITHDRAWN = "withdrawn"

    @property
    def label(self) -> str:
        return STATUS_LABELS[self]


STATUS_LABELS: dict[ApplicationStatus, str] = {
    ApplicationStatus.DRAFT: "草稿",
    ApplicationStatus.SUBMITTED: "已提交",
    ApplicationStatus.ACCEPTED: "已受理",
    ApplicationStatus.VERIFYING: "核对中",
    ApplicationStatus.HOME_VISIT: "入户调查",
    ApplicationStatus.COMMUNITY_REVIEW: "民主评议",
    ApplicationStatus.INITIAL_OPINION: "初审意见",
    ApplicationStatus.PUBLIC_NOTICE: "公示中",
    ApplicationStatus.OBJECTION: "异议处理",
    ApplicationStatus.REINVESTIGATION: "重新调查",
    ApplicationStatus.AWAITING_CONFIRMATION: "待审核确认",
    ApplicationStatus.CONFIRMED: "已确认",
    ApplicationStatus.REFUSED: "不予确认",
    ApplicationStatus.WITHDRAWN: "已撤回",
}

S = ApplicationStatus

# The decision is taken: nothing leads out of these.
FINAL_STATUSES: frozenset[ApplicationStatus] = frozenset({S.CONFIRMED, S.REFUSED, S.WITHDRAWN})
# Every status a case can still move from.
OPEN_STATUSES: frozenset[ApplicationStatus] = frozenset(S) - FINAL_STATUSES
# The application form and its documents may still be changed (before acceptance).
EDITABLE_STATUSES: frozenset[ApplicationStatus] = frozenset({S.DRAFT, S.SUBMITTED})
# The overall limit (30 working days, 45 if extended) runs from acceptance to the decision.
TIME_LIMITED_STATUSES: frozenset[ApplicationStatus] = OPEN_STATUSES - EDITABLE_STATUSES
# A notice is or was published for the current opinion: the list shown in the village.
NOTICE_STATUSES: frozenset[ApplicationStatus] = frozenset({S.PUBLIC_NOTICE, S.OBJECTION})
# The confirming authority (county, or township where delegated) has the file.
DECISION_STATUSES: frozenset[ApplicationStatus] = frozenset(
    {S.INITIAL_OPINION, S.AWAITING_CONFIRMATION}
)


class Action(StrEnum):
    SUBMIT = "submit"
    ACCEPT = "accept"
    # 一次性告知: every missing item is listed at once; no new item may be asked for later.
    REQUEST_MORE = "request_more"
    # Items of the 一次性告知 list handed in; acceptance waits until none is missing.
    RECORD_SUPPLIED = "record_supplied"
    START_VERIFICATION = "start_verification"
    RECORD_HOME_VISIT = "record_home_visit"
    START_COMMUNITY_REVIEW = "start_community_review"
    RECORD_COMMUNITY_REVIEW = "record_community_review"
    GIVE_INITIAL_OPINION = "give_initial_opinion"
    PUBLISH_NOTICE = "publish_notice"
    RECORD_OBJECTION = "record_objection"
    REINVESTIGATE = "reinvestigate"
    CLOSE_NOTICE_WITHOUT_OBJECTION = "close_notice_without_objection"
    # 县级复核 of a declared-relative case (近亲属备案) before it may be confirmed.
    COUNTY_REVIEW = "county_review"
    CONFIRM = "confirm"
    REFUSE = "refuse"
    # The written refusal (不予确认通知书) is served within 3 working days; recorded once.
    SEND_REFUSAL_NOTICE = "send_refusal_notice"
    WITHDRAW = "withdraw"
    # 30 → 45 working days, once, with a recorded reason.
    EXTEND = "extend"

    @property
    def label(self) -> str:
        return ACTION_LABELS[self]


ACTION_LABELS: dict[Action, str] = {
    Action.SUBMIT: "提交申请",
    Action.ACCEPT: "受理",
    Action.REQUEST_MORE: "一次性告知补正",
    Action.RECORD_SUPPLIED: "登记补正材料",
    Action.START_VERIFICATION: "发起核对",
    Action.RECORD_HOME_VISIT: "登记入户调查",
    Action.START_COMMUNITY_REVIEW: "启动民主评议",
    Action.RECORD_COMMUNITY_REVIEW: "登记民主评议结果",
    Action.GIVE_INITIAL_OPINION: "提出初审意见",
    Action.PUBLISH_NOTICE: "发布公示",
    Action.RECORD_OBJECTION: "登记异议",
    Action.REINVESTIGATE: "重新调查",
    Action.CLOSE_NOTICE_WITHOUT_OBJECTION: "公示期满无异议",
    Action.COUNTY_REVIEW: "县级复核",
    Action.CONFIRM: "确认",
    Action.REFUSE: "不予确认",
    Action.SEND_REFUSAL_NOTICE: "送达不予确认通知书",
    Action.WITHDRAW: "撤回申请",
    Action.EXTEND: "延长办理时限",
}

A = Action

# The one table: (current status, action) -> new status. Anything absent is not allowed.
TRANSITIONS: dict[tuple[ApplicationStatus, Action], ApplicationStatus] = {
    (S.DRAFT, A.SUBMIT): S.SUBMITTED,
    # The applicant completes the file and the case stays submitted; see guards for "once".
    (S.SUBMITTED, A.REQUEST_MORE): S.SUBMITTED,
    (S.SUBMITTED, A.RECORD_SUPPLIED): S.SUBMITTED,
    (S.SUBMITTED, A.ACCEPT): S.ACCEPTED,
    # Fujian launches the check on the acceptance day (deadline rule verification_start).
    (S.ACCEPTED, A.START_VERIFICATION): S.VERIFYING,
    (S.VERIFYING, A.RECORD_HOME_VISIT): S.HOME_VISIT,
    # A further visit (e.g. the full visit a declared-relative case needs) is recorded in place.
    (S.HOME_VISIT, A.RECORD_HOME_VISIT): S.HOME_VISIT,
    (S.HOME_VISIT, A.START_COMMUNITY_REVIEW): S.COMMUNITY_REVIEW,
    (S.HOME_VISIT, A.GIVE_INITIAL_OPINION): S.INITIAL_OPINION,
    # The deliberation's result is recorded in place; the opinion may follow only after it.
    (S.COMMUNITY_REVIEW, A.RECORD_COMMUNITY_REVIEW): S.COMMUNITY_REVIEW,
    (S.COMMUNITY_REVIEW, A.GIVE_INITIAL_OPINION): S.INITIAL_OPINION,
    # A favourable opinion is published; an unfavourable one goes straight to a refusal
    # (the notice lists only households proposed for coverage).
    (S.INITIAL_OPINION, A.PUBLISH_NOTICE): S.PUBLIC_NOTICE,
    (S.INITIAL_OPINION, A.REFUSE): S.REFUSED,
    (S.PUBLIC_NOTICE, A.RECORD_OBJECTION): S.OBJECTION,
    (S.PUBLIC_NOTICE, A.CLOSE_NOTICE_WITHOUT_OBJECTION): S.AWAITING_CONFIRMATION,
    (S.OBJECTION, A.REINVESTIGATE): S.REINVESTIGATION,
    # Re-investigation may include a new visit; it ends with a new opinion and a new notice.
    (S.REINVESTIGATION, A.RECORD_HOME_VISIT): S.REINVESTIGATION,
    (S.REINVESTIGATION, A.GIVE_INITIAL_OPINION): S.INITIAL_OPINION,
    (S.AWAITING_CONFIRMATION, A.CONFIRM): S.CONFIRMED,
    (S.AWAITING_CONFIRMATION, A.REFUSE): S.REFUSED,
    # The refusal stays final; serving its written notice is recorded in place.
    (S.REFUSED, A.SEND_REFUSAL_NOTICE): S.REFUSED,
}
# Withdrawal is possible from every open status; extension wherever the overall limit runs.
TRANSITIONS.update({(status, A.WITHDRAW): S.WITHDRAWN for status in OPEN_STATUSES})
TRANSITIONS.update({(status, A.EXTEND): status for status in TIME_LIMITED_STATUSES})
# The county reviews a declared-relative case while the file is with the deciding authority.
TRANSITIONS.update({(status, A.COUNTY_REVIEW): status for status in DECISION_STATUSES})


class TransitionNotAllowed(Exception):
    """The action is not allowed in the current status (the message is shown to staff)."""

    def __init__(self, status: ApplicationStatus, action: Action) -> None:
        self.status = status
        self.action = action
        super().__init__(f"当前状态为“{status.label}”，不能执行“{action.label}”")


def next_status(status: ApplicationStatus | str, action: Action | str) -> ApplicationStatus:
    """The status after ``action``, or :class:`TransitionNotAllowed`.

    Unknown codes raise ``ValueError`` (a programming error, not a refusal to show staff).
    """
    status = ApplicationStatus(status)
    action = Action(action)
    target = TRANSITIONS.get((status, action))
    if target is None:
        raise TransitionNotAllowed(status, action)
    return target


def allowed_actions(status: ApplicationStatus | str) -> tuple[Action, ...]:
    """The actions the table allows from ``status``, in the order of :class:`Action`."""
    status = ApplicationStatus(status)
    return tuple(action for action in Action if (status, action) in TRANSITIONS)
