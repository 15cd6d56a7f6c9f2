"""Who may do what, and what must be true first: pure checks over :class:`CaseFacts`.

``check(action, facts)`` returns **every** violated rule as a Chinese message (an empty list
means the action may go ahead); the status side is :func:`.states.next_status`, and
:func:`attempt` applies both. The facts are gathered by the service layer from the case, its
events and the acting user; nothing here reads a database.

Rules (POLICY.md §2.7 and the issue): caseworkers (经办人) carry the case and propose; approvers
(审核确认人) decide, at the township where the county has delegated confirmation, otherwise at
the county; nobody decides on their own proposal; a home visit needs two or more investigators,
a signed record and photos; a case with a declared close relative (近亲属备案) needs a full home
visit and a county review before it is confirmed, delegated or not; temporary assistance above
the township approval limit (``requires_county_approval``) is confirmed by the county, delegated
or not. A case is submitted by a caseworker, a village worker (村居代办) or the applicant online.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from doudi.core.deadlines import notice_last_day
from doudi.intake.workflow.deadlines import DEADLINE_RULES
from doudi.intake.workflow.states import Action, ApplicationStatus, next_status

# Role codes and levels, as in doudi.accounts.models.Role and core.models.DivisionLevel.
CASEWORKER = "caseworker"
APPROVER = "approver"
VILLAGE_WORKER = "village_worker"
TOWNSHIP = "township"
COUNTY = "county"

MINIMUM_INVESTIGATORS = 2


@dataclass(frozen=True, slots=True)
class CaseFacts:
    """What the guards need to know about the case, the actor and the day."""

    today: dt.date
    actor_id: int | str | None = None
    actor_roles: frozenset[str] = frozenset()
    actor_level: str | None = None  # "township" | "county" | "village" | ...
    # An applicant filing online for their own household (no staff role).
    actor_is_applicant: bool = False
    # The caseworker who gave the (latest) initial opinion.
    proposer_id: int | str | None = None
    # Per county: does the township confirm (审核确认权委托乡镇)?
    confirmation_delegated_to_township: bool = False
    # Temporary assistance above the township approval limit: the county confirms.
    requires_county_approval: bool = False
    # 近亲属备案: the applicant or a member is a close relative of staff or a village cadre.
    is_relative_declared: bool = False
    # 补正: the items missing now, and every item asked for earlier (一次性告知).
    missing_items: tuple[str, ...] = ()
    previously_requested_items: tuple[str, ...] = ()
    # record_supplied: the items reported as handed in.
    supplied_items: tuple[str, ...] = ()
    # The home visit being recorded (record_home_visit) or the latest one (confirm).
    home_visit_investigators: int = 0
    home_visit_record_signed: bool = False
    home_visit_photos: int = 0
    home_visit_is_full: bool = False
    county_reviewed: bool = False
    community_review_started: bool = False
    community_review_recorded: bool = False
    initial_opinion_favourable: bool | None = None
    # 逢进必核: the application asks for a means-tested programme and verification is required,
    # and whether a verification report has been made for it.
    verification_required: bool = False
    verification_report_made: bool = False
    notice_started_on: dt.date | None = None
    objection_open: bool = False
    refusal_reasons: str | None = None
    refusal_notice_sent: bool = False
    extension_reason: str | None = None
    already_extended: bool = False


def _blank(text: str | None) -> bool:
    return text is None or not text.strip()


def _caseworker_only(action: Action, facts: CaseFacts) -> list[str]:
    return [] if CASEWORKER in facts.actor_roles else [f"只有经办人可以执行“{action.label}”"]


def _submit(action: Action, facts: CaseFacts) -> list[str]:
    """A caseworker at the window, a village worker (代办) or the applicant online."""
    if facts.actor_is_applicant or facts.actor_roles & {CASEWORKER, VILLAGE_WORKER}:
        return []
    return [f"只有经办人、村（社区）工作人员或申请人本人可以执行“{action.label}”"]


def decider_problems(
    *,
    action_label: str,
    actor_roles: frozenset[str],
    actor_level: str | None,
    actor_id: int | str | None,
    proposer_id: int | str | None,
    delegated_to_township: bool,
    county_required: bool = False,
    own_proposal_message: str = "不能审核确认本人提出的初审意见",
) -> list[str]:
    """Who may decide on a proposal (confirm, refuse, or a review's change): an approver at the
    county, or at the township where the county delegated confirmation, never on their own
    proposal. ``county_required``: the county decides even where confirmation is delegated.
    Used by the application workflow and by dynamic management, so the rule exists once."""
    problems = []
    if APPROVER not in actor_roles:
        problems.append(f"只有审核确认人可以{action_label}")
    if county_required:
        if actor_level != COUNTY:
            problems.append("临时救助金额超过乡镇（街道）审批额度，须由县级民政部门审核确认")
    elif delegated_to_township and actor_level != TOWNSHIP:
        problems.append("本县已将审核确认委托乡镇（街道），应由乡镇（街道）审核确认人办理")
    elif not delegated_to_township and actor_level != COUNTY:
        problems.append("审核确认未委托乡镇（街道），应由县级审核确认人办理")
    if proposer_id is not None and actor_id == proposer_id:
        problems.append(own_proposal_message)
    return problems


def _decision(action: Action, facts: CaseFacts, *, county_required: bool = False) -> list[str]:
    """Confirm and refuse: :func:`decider_problems` for the case's facts."""
    return decider_problems(
        action_label=f"执行“{action.label}”",
        actor_roles=facts.actor_roles,
        actor_level=facts.actor_level,
        actor_id=facts.actor_id,
        proposer_id=facts.proposer_id,
        delegated_to_township=facts.confirmation_delegated_to_township,
        county_required=county_required,
    )


def _accept(action: Action, facts: CaseFacts) -> list[str]:
    problems = _caseworker_only(action, facts)
    if facts.missing_items:
        problems.append(f"尚有{len(facts.missing_items)}项材料未补齐，不能受理")
    return problems


def _request_more(action: Action, facts: CaseFacts) -> list[str]:
    problems = _caseworker_only(action, facts)
    if not facts.missing_items:
        problems.append("要求补正须列明所缺的全部材料")
    # 一次性告知: once items were listed, only those may still be asked for, never new ones.
    new_items = [
        item for item in facts.missing_items if item not in facts.previously_requested_items
    ]
    if facts.previously_requested_items and new_items:
        problems.append(f"以下材料此前未一次性告知，不能再要求补正：{'、'.join(new_items)}")
    return problems


def _record_supplied(action: Action, facts: CaseFacts) -> list[str]:
    problems = _caseworker_only(action, facts)
    if not facts.supplied_items:
        problems.append("请列明已补正的材料")
    unknown = [item for item in facts.supplied_items if item not in facts.missing_items]
    if unknown:
        problems.append(f"以下材料不在待补正清单中：{'、'.join(unknown)}")
    return problems


def _home_visit(action: Action, facts: CaseFacts) -> list[str]:
    problems = _caseworker_only(action, facts)
    if facts.home_visit_investigators < MINIMUM_INVESTIGATORS:
        problems.append(
            f"入户调查须有{MINIMUM_INVESTIGATORS}名以上调查人员，"
            f"本次为{facts.home_visit_investigators}名"
        )
    if not facts.home_visit_record_signed:
        problems.append("入户调查记录须由调查人员和申请人签字")
    if facts.home_visit_photos < 1:
        problems.append("入户调查须留存现场照片")
    return problems


def _initial_opinion(action: Action, facts: CaseFacts) -> list[str]:
    problems = _caseworker_only(action, facts)
    if facts.community_review_started and not facts.community_review_recorded:
        problems.append("民主评议结果尚未登记，不能提出初审意见")
    if facts.initial_opinion_favourable is None:
        problems.append("初审意见须写明同意或不同意")
    if facts.verification_required and not facts.verification_report_made:
        problems.append(
            "尚未生成家庭经济状况核对报告（逢进必核），不能提出初审意见：请在核对页面登记授权并发起核对"
        )
    return problems


def _publish_notice(action: Action, facts: CaseFacts) -> list[str]:
    problems = _caseworker_only(action, facts)
    if facts.initial_opinion_favourable is not True:
        problems.append("初审意见为不同意纳入，不予公示，应报审核确认人作出不予确认决定")
    return problems


def _close_notice(action: Action, facts: CaseFacts) -> list[str]:
    problems = _caseworker_only(action, facts)
    if facts.notice_started_on is None:
        problems.append("没有公示发布日期，不能结束公示")
    else:
        last_day = notice_last_day(facts.notice_started_on, DEADLINE_RULES["public_notice"].days)
        if facts.today <= last_day:
            problems.append(
                f"公示期未满7日（{facts.notice_started_on.isoformat()}发布，"
                f"{last_day.isoformat()}届满），不能结束公示"
            )
    if facts.objection_open:
        problems.append("有尚未处理的异议，不能以无异议结束公示")
    return problems


def _confirm(action: Action, facts: CaseFacts) -> list[str]:
    problems = _decision(action, facts, county_required=facts.requires_county_approval)
    if facts.is_relative_declared and not facts.home_visit_is_full:
        problems.append("近亲属备案的申请须经全面入户调查后方可确认")
    if facts.is_relative_declared and not facts.county_reviewed:
        problems.append("近亲属备案的申请须经县级民政部门审核后方可确认")
    return problems


def _county_review(action: Action, facts: CaseFacts) -> list[str]:
    problems = []
    if APPROVER not in facts.actor_roles or facts.actor_level != COUNTY:
        problems.append(f"只有县级审核确认人可以执行“{action.label}”")
    if not facts.is_relative_declared:
        problems.append("只有近亲属备案的申请需要县级复核")
    if facts.county_reviewed:
        problems.append("该申请已完成县级复核")
    return problems


def _send_refusal_notice(action: Action, facts: CaseFacts) -> list[str]:
    problems = []
    if not facts.actor_roles & {CASEWORKER, APPROVER}:
        problems.append(f"只有经办人或审核确认人可以执行“{action.label}”")
    if facts.refusal_notice_sent:
        problems.append("不予确认通知书已登记送达，不能重复登记")
    return problems


def _refuse(action: Action, facts: CaseFacts) -> list[str]:
    problems = _decision(action, facts)
    if _blank(facts.refusal_reasons):
        problems.append("不予确认须书面说明理由")
    return problems


def _extend(action: Action, facts: CaseFacts) -> list[str]:
    problems = []
    if not facts.actor_roles & {CASEWORKER, APPROVER}:
        problems.append(f"只有经办人或审核确认人可以执行“{action.label}”")
    if _blank(facts.extension_reason):
        problems.append("延长办理时限须填写理由")
    if facts.already_extended:
        problems.append("办理时限已延长过一次（30个工作日延长至45个工作日），不能再次延长")
    return problems


_GUARDS: dict[Action, Callable[[Action, CaseFacts], list[str]]] = {
    Action.SUBMIT: _submit,
    Action.ACCEPT: _accept,
    Action.REQUEST_MORE: _request_more,
    Action.RECORD_SUPPLIED: _record_supplied,
    Action.START_VERIFICATION: _caseworker_only,
    Action.RECORD_HOME_VISIT: _home_visit,
    Action.START_COMMUNITY_REVIEW: _caseworker_only,
    Action.RECORD_COMMUNITY_REVIEW: _caseworker_only,
    Action.GIVE_INITIAL_OPINION: _initial_opinion,
    Action.PUBLISH_NOTICE: _publish_notice,
    Action.RECORD_OBJECTION: _caseworker_only,
    Action.REINVESTIGATE: _caseworker_only,
    Action.CLOSE_NOTICE_WITHOUT_OBJECTION: _close_notice,
    Action.COUNTY_REVIEW: _county_review,
    Action.CONFIRM: _confirm,
    Action.REFUSE: _refuse,
    Action.SEND_REFUSAL_NOTICE: _send_refusal_notice,
    Action.WITHDRAW: _caseworker_only,
    Action.EXTEND: _extend,
}


def check(action: Action | str, facts: CaseFacts) -> list[str]:
    """Every rule ``action`` would break given ``facts``, as Chinese messages, in a fixed order."""
    action = Action(action)
    return _GUARDS[action](action, facts)


class ActionNotPermitted(Exception):
    """The transition exists but the facts forbid it; ``messages`` lists every reason."""

    def __init__(self, action: Action, messages: list[str]) -> None:
        self.action = action
        self.messages = messages
        super().__init__("；".join(messages))


def attempt(
    status: ApplicationStatus | str, action: Action | str, facts: CaseFacts
) -> ApplicationStatus:
    """The new status if ``action`` is allowed from ``status`` and breaks no rule.

    Raises :class:`.states.TransitionNotAllowed` first, then :class:`ActionNotPermitted`. The
    caller writes the change conditionally on ``status`` (``filter(status=...).update(...)``),
    so that of two people acting at once on one case only one succeeds.
    """
    action = Action(action)
    target = next_status(status, action)
    problems = check(action, facts)
    if problems:
        raise ActionNotPermitted(action, problems)
    return target
