"""The application workflow (doudi.intake.workflow): pure tests, no database.

Dates around 2026 holidays come from chinese-calendar: Mid-autumn 09-25 (Fri) off; National Day
10-01..10-07 off with Saturday 10-10 worked; Spring Festival 02-15..02-23 off with Saturdays
02-14 and 02-28 worked. 2027 has no schedule, so deadlines into 2027 are provisional.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import doctest
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from doudi.benefits.months import payment_start_month
from doudi.core import deadlines as core_deadlines
from doudi.core.deadlines import DeadlineResult, deadline_for
from doudi.core.idcard import mask
from doudi.core.tests.purity import REPOSITORY, django_modules_loaded_by, modules_importing_django
from doudi.core.workdays import WorkdayCalendar
from doudi.intake import workflow
from doudi.intake.workflow import (
    FINAL_STATUSES,
    OPEN_STATUSES,
    TRANSITIONS,
    Action,
    ActionNotPermitted,
    ApplicationStatus,
    CaseFacts,
    NoticeEntry,
    NoticeMember,
    TransitionNotAllowed,
    allowed_actions,
    attempt,
    check,
    next_status,
    notice_entry,
    overall_deadline,
)
from doudi.relief.dates import DEADLINE_RULES as RELIEF_RULES
from doudi.reviews.dates import DEADLINE_RULES as REVIEW_RULES

CAL = WorkdayCalendar()
RULES = {**workflow.DEADLINE_RULES, **REVIEW_RULES, **RELIEF_RULES}
D = dt.date

# The labels staff read, written out here so that a changed label fails a test.
STATUS_TEXT = {
    "draft": "草稿",
    "submitted": "已提交",
    "accepted": "已受理",
    "verifying": "核对中",
    "home_visit": "入户调查",
    "community_review": "民主评议",
    "initial_opinion": "初审意见",
    "public_notice": "公示中",
    "objection": "异议处理",
    "reinvestigation": "重新调查",
    "awaiting_confirmation": "待审核确认",
    "confirmed": "已确认",
    "refused": "不予确认",
    "withdrawn": "已撤回",
}
ACTION_TEXT = {
    "submit": "提交申请",
    "accept": "受理",
    "request_more": "一次性告知补正",
    "record_supplied": "登记补正材料",
    "start_verification": "发起核对",
    "record_home_visit": "登记入户调查",
    "start_community_review": "启动民主评议",
    "record_community_review": "登记民主评议结果",
    "give_initial_opinion": "提出初审意见",
    "publish_notice": "发布公示",
    "record_objection": "登记异议",
    "reinvestigate": "重新调查",
    "close_notice_without_objection": "公示期满无异议",
    "county_review": "县级复核",
    "confirm": "确认",
    "refuse": "不予确认",
    "send_refusal_notice": "送达不予确认通知书",
    "withdraw": "撤回申请",
    "extend": "延长办理时限",
}
OPEN = [
    "draft",
    "submitted",
    "accepted",
    "verifying",
    "home_visit",
    "community_review",
    "initial_opinion",
    "public_notice",
    "objection",
    "reinvestigation",
    "awaiting_confirmation",
]
# Every allowed transition, written out: (from, action, to).
EXPECTED_TRANSITIONS = (
    [
        ("draft", "submit", "submitted"),
        ("submitted", "request_more", "submitted"),
        ("submitted", "record_supplied", "submitted"),
        ("submitted", "accept", "accepted"),
        ("accepted", "start_verification", "verifying"),
        ("verifying", "record_home_visit", "home_visit"),
        ("home_visit", "record_home_visit", "home_visit"),
        ("home_visit", "start_community_review", "community_review"),
        ("home_visit", "give_initial_opinion", "initial_opinion"),
        ("community_review", "record_community_review", "community_review"),
        ("community_review", "give_initial_opinion", "initial_opinion"),
        ("initial_opinion", "publish_notice", "public_notice"),
        ("initial_opinion", "refuse", "refused"),
        ("public_notice", "record_objection", "objection"),
        ("public_notice", "close_notice_without_objection", "awaiting_confirmation"),
        ("objection", "reinvestigate", "reinvestigation"),
        ("reinvestigation", "record_home_visit", "reinvestigation"),
        ("reinvestigation", "give_initial_opinion", "initial_opinion"),
        ("awaiting_confirmation", "confirm", "confirmed"),
        ("awaiting_confirmation", "refuse", "refused"),
        ("initial_opinion", "county_review", "initial_opinion"),
        ("awaiting_confirmation", "county_review", "awaiting_confirmation"),
        ("refused", "send_refusal_notice", "refused"),
    ]
    + [(status, "withdraw", "withdrawn") for status in OPEN]
    + [(status, "extend", status) for status in OPEN if status not in ("draft", "submitted")]
)
ALLOWED_PAIRS = {(source, action) for source, action, _ in EXPECTED_TRANSITIONS}
FORBIDDEN_PAIRS = [
    (status, action)
    for status in STATUS_TEXT
    for action in ACTION_TEXT
    if (status, action) not in ALLOWED_PAIRS
]

CASEWORKER_A = CaseFacts(
    today=D(2026, 3, 2), actor_id=11, actor_roles=frozenset({"caseworker"}), actor_level="township"
)
COUNTY_APPROVER = CaseFacts(
    today=D(2026, 3, 20),
    actor_id=31,
    actor_roles=frozenset({"approver"}),
    actor_level="county",
    proposer_id=11,
)
TOWNSHIP_APPROVER = dataclasses.replace(COUNTY_APPROVER, actor_id=21, actor_level="township")


def facts(base: CaseFacts, **changes: object) -> CaseFacts:
    return dataclasses.replace(base, **changes)


# -- statuses, actions and the transition table ---------------------------------------------


def test_statuses_and_actions_have_the_chinese_labels() -> None:
    assert {status.value: status.label for status in ApplicationStatus} == STATUS_TEXT
    assert {action.value: action.label for action in Action} == ACTION_TEXT


def test_status_groups_split_open_from_final() -> None:
    assert {s.value for s in FINAL_STATUSES} == {"confirmed", "refused", "withdrawn"}
    assert {s.value for s in OPEN_STATUSES} == set(OPEN)
    assert {s.value for s in workflow.EDITABLE_STATUSES} == {"draft", "submitted"}
    assert {s.value for s in workflow.TIME_LIMITED_STATUSES} == set(OPEN) - {"draft", "submitted"}


def test_the_table_is_exactly_the_expected_transitions() -> None:
    table = {(s.value, a.value, t.value) for (s, a), t in TRANSITIONS.items()}
    assert table == set(EXPECTED_TRANSITIONS)
    assert len(TRANSITIONS) == 43


@pytest.mark.parametrize(("source", "action", "target"), EXPECTED_TRANSITIONS)
def test_every_allowed_transition_leads_to_its_status(source, action, target) -> None:
    assert next_status(source, action) == ApplicationStatus(target)


@pytest.mark.parametrize(("status", "action"), FORBIDDEN_PAIRS)
def test_every_other_pair_is_refused_with_the_chinese_message(status, action) -> None:
    with pytest.raises(TransitionNotAllowed) as raised:
        next_status(status, action)
    assert (
        str(raised.value) == f"当前状态为“{STATUS_TEXT[status]}”，不能执行“{ACTION_TEXT[action]}”"
    )
    assert (raised.value.status, raised.value.action) == (status, action)


def test_it_refuses_to_confirm_during_the_notice() -> None:
    with pytest.raises(TransitionNotAllowed, match="^当前状态为“公示中”，不能执行“确认”$"):
        next_status(ApplicationStatus.PUBLIC_NOTICE, Action.CONFIRM)


def test_it_raises_value_error_for_unknown_codes() -> None:
    with pytest.raises(ValueError, match="'approved' is not a valid ApplicationStatus"):
        next_status("approved", "confirm")
    with pytest.raises(ValueError, match="'approve' is not a valid Action"):
        next_status("awaiting_confirmation", "approve")


def test_allowed_actions_lists_the_table_for_a_status() -> None:
    assert allowed_actions("public_notice") == (
        Action.RECORD_OBJECTION,
        Action.CLOSE_NOTICE_WITHOUT_OBJECTION,
        Action.WITHDRAW,
        Action.EXTEND,
    )
    assert allowed_actions("confirmed") == ()
    assert allowed_actions("refused") == (Action.SEND_REFUSAL_NOTICE,)
    assert allowed_actions("submitted") == (
        Action.ACCEPT,
        Action.REQUEST_MORE,
        Action.RECORD_SUPPLIED,
        Action.WITHDRAW,
    )
    assert allowed_actions("awaiting_confirmation") == (
        Action.COUNTY_REVIEW,
        Action.CONFIRM,
        Action.REFUSE,
        Action.WITHDRAW,
        Action.EXTEND,
    )


# -- paths through the workflow --------------------------------------------------------------


def _run(steps: list[tuple[Action, CaseFacts]]) -> list[str]:
    status = ApplicationStatus.DRAFT
    seen = [status.value]
    for action, step_facts in steps:
        status = attempt(status, action, step_facts)
        seen.append(status.value)
    return seen


HOME_VISIT = facts(
    CASEWORKER_A, home_visit_investigators=2, home_visit_record_signed=True, home_visit_photos=3
)
FAVOURABLE = facts(CASEWORKER_A, initial_opinion_favourable=True)
NOTICE_OVER = facts(CASEWORKER_A, today=D(2026, 3, 10), notice_started_on=D(2026, 3, 2))


def test_happy_path_from_draft_to_confirmed() -> None:
    # given: a township caseworker carries the case; confirmation is not delegated
    steps = [
        (Action.SUBMIT, CASEWORKER_A),
        (Action.REQUEST_MORE, facts(CASEWORKER_A, missing_items=("户口簿", "核对授权书"))),
        (Action.ACCEPT, CASEWORKER_A),
        (Action.START_VERIFICATION, CASEWORKER_A),
        (Action.RECORD_HOME_VISIT, HOME_VISIT),
        (Action.START_COMMUNITY_REVIEW, CASEWORKER_A),
        (Action.RECORD_COMMUNITY_REVIEW, CASEWORKER_A),
        (
            Action.GIVE_INITIAL_OPINION,
            facts(FAVOURABLE, community_review_started=True, community_review_recorded=True),
        ),
        (Action.PUBLISH_NOTICE, FAVOURABLE),
        (Action.CLOSE_NOTICE_WITHOUT_OBJECTION, NOTICE_OVER),
        (Action.CONFIRM, COUNTY_APPROVER),
    ]

    # when / then
    assert _run(steps) == [
        "draft",
        "submitted",
        "submitted",
        "accepted",
        "verifying",
        "home_visit",
        "community_review",
        "community_review",
        "initial_opinion",
        "public_notice",
        "awaiting_confirmation",
        "confirmed",
    ]
    assert payment_start_month(COUNTY_APPROVER.today) == (2026, 4)


def test_an_objection_leads_to_reinvestigation_and_a_new_notice() -> None:
    status = ApplicationStatus.PUBLIC_NOTICE
    seen = []
    for action, step_facts in [
        (Action.RECORD_OBJECTION, CASEWORKER_A),
        (Action.REINVESTIGATE, CASEWORKER_A),
        (Action.RECORD_HOME_VISIT, HOME_VISIT),
        (Action.GIVE_INITIAL_OPINION, FAVOURABLE),
        (Action.PUBLISH_NOTICE, FAVOURABLE),
        (Action.CLOSE_NOTICE_WITHOUT_OBJECTION, NOTICE_OVER),
    ]:
        status = attempt(status, action, step_facts)
        seen.append(status.value)
    assert seen == [
        "objection",
        "reinvestigation",
        "reinvestigation",
        "initial_opinion",
        "public_notice",
        "awaiting_confirmation",
    ]
    assert deadline_for(RULES["reinvestigation"], D(2026, 9, 29), CAL).date == D(2026, 10, 26)


def test_refusal_after_the_notice_needs_written_reasons() -> None:
    refusing = facts(COUNTY_APPROVER, refusal_reasons="家庭人均收入高于当地低保标准")
    assert attempt("awaiting_confirmation", "refuse", refusing) == ApplicationStatus.REFUSED
    assert check("refuse", facts(COUNTY_APPROVER, refusal_reasons="  ")) == [
        "不予确认须书面说明理由"
    ]


def test_an_unfavourable_opinion_is_refused_without_a_notice() -> None:
    unfavourable = facts(CASEWORKER_A, initial_opinion_favourable=False)
    assert check("publish_notice", unfavourable) == [
        "初审意见为不同意纳入，不予公示，应报审核确认人作出不予确认决定"
    ]
    refusing = facts(COUNTY_APPROVER, refusal_reasons="存款超过规定")
    assert attempt("initial_opinion", "refuse", refusing) == ApplicationStatus.REFUSED


def test_attempt_checks_the_status_before_the_facts() -> None:
    with pytest.raises(TransitionNotAllowed, match="^当前状态为“已确认”，不能执行“撤回申请”$"):
        attempt("confirmed", "withdraw", CaseFacts(today=D(2026, 3, 2)))
    with pytest.raises(ActionNotPermitted) as raised:
        attempt("draft", "submit", CaseFacts(today=D(2026, 3, 2)))
    assert raised.value.messages == ["只有经办人、村（社区）工作人员或申请人本人可以执行“提交申请”"]


# -- guards ----------------------------------------------------------------------------------


def test_nobody_confirms_their_own_proposal() -> None:
    both_roles = facts(
        COUNTY_APPROVER, actor_id=11, actor_roles=frozenset({"caseworker", "approver"})
    )
    assert check("confirm", both_roles) == ["不能审核确认本人提出的初审意见"]
    assert check("refuse", facts(both_roles, refusal_reasons="收入超标")) == [
        "不能审核确认本人提出的初审意见"
    ]


def test_only_approvers_decide() -> None:
    caseworker_at_county = facts(CASEWORKER_A, actor_level="county", proposer_id=12)
    assert check("confirm", caseworker_at_county) == ["只有审核确认人可以执行“确认”"]


def test_who_confirms_depends_on_the_county_delegation() -> None:
    delegated = {"confirmation_delegated_to_township": True}
    assert check("confirm", TOWNSHIP_APPROVER) == [
        "审核确认未委托乡镇（街道），应由县级审核确认人办理"
    ]
    assert check("confirm", facts(COUNTY_APPROVER, **delegated)) == [
        "本县已将审核确认委托乡镇（街道），应由乡镇（街道）审核确认人办理"
    ]
    assert check("confirm", facts(TOWNSHIP_APPROVER, **delegated)) == []
    assert check("confirm", COUNTY_APPROVER) == []


def test_a_declared_relative_needs_a_full_visit_and_a_county_review_even_if_delegated() -> None:
    relative = facts(TOWNSHIP_APPROVER, confirmation_delegated_to_township=True)
    relative = facts(relative, is_relative_declared=True)
    assert check("confirm", relative) == [
        "近亲属备案的申请须经全面入户调查后方可确认",
        "近亲属备案的申请须经县级民政部门审核后方可确认",
    ]
    assert check("confirm", facts(relative, home_visit_is_full=True, county_reviewed=True)) == []
    assert check("confirm", facts(COUNTY_APPROVER, is_relative_declared=True)) == [
        "近亲属备案的申请须经全面入户调查后方可确认",
        "近亲属备案的申请须经县级民政部门审核后方可确认",
    ]


def test_a_home_visit_needs_two_investigators_a_signed_record_and_photos() -> None:
    assert check("record_home_visit", facts(HOME_VISIT, home_visit_investigators=1)) == [
        "入户调查须有2名以上调查人员，本次为1名"
    ]
    assert check("record_home_visit", CASEWORKER_A) == [
        "入户调查须有2名以上调查人员，本次为0名",
        "入户调查记录须由调查人员和申请人签字",
        "入户调查须留存现场照片",
    ]
    assert check("record_home_visit", HOME_VISIT) == []


@pytest.mark.parametrize(
    ("_case", "today", "expected"),
    [
        ("publication day", D(2026, 3, 2), False),
        ("the seventh day, still running", D(2026, 3, 9), False),
        ("the day after the seventh", D(2026, 3, 10), True),
    ],
)
def test_a_notice_cannot_close_before_seven_days_have_passed(_case, today, expected) -> None:
    problems = check("close_notice_without_objection", facts(NOTICE_OVER, today=today))
    if expected:
        assert problems == []
    else:
        assert problems == ["公示期未满7日（2026-03-02发布，2026-03-09届满），不能结束公示"]


def test_a_notice_with_an_open_objection_cannot_close_as_without_objection() -> None:
    assert check("close_notice_without_objection", facts(NOTICE_OVER, objection_open=True)) == [
        "有尚未处理的异议，不能以无异议结束公示"
    ]
    assert check("close_notice_without_objection", CASEWORKER_A) == [
        "没有公示发布日期，不能结束公示"
    ]


def test_missing_items_are_listed_once_and_never_added_later() -> None:
    first = facts(CASEWORKER_A, missing_items=("户口簿", "核对授权书"))
    again = facts(
        first, missing_items=("户口簿",), previously_requested_items=("户口簿", "核对授权书")
    )
    new = facts(again, missing_items=("户口簿", "银行流水", "承诺书"))
    assert check("request_more", first) == []
    assert check("request_more", again) == []
    assert check("request_more", new) == [
        "以下材料此前未一次性告知，不能再要求补正：银行流水、承诺书"
    ]
    assert check("request_more", CASEWORKER_A) == ["要求补正须列明所缺的全部材料"]
    assert check("accept", first) == ["尚有2项材料未补齐，不能受理"]


def test_supplied_items_must_be_on_the_missing_list() -> None:
    missing = facts(CASEWORKER_A, missing_items=("户口簿", "核对授权书"))
    assert check("record_supplied", facts(missing, supplied_items=("户口簿",))) == []
    assert check("record_supplied", facts(missing, supplied_items=("户口簿", "承诺书"))) == [
        "以下材料不在待补正清单中：承诺书"
    ]
    assert check("record_supplied", missing) == ["请列明已补正的材料"]
    assert check("record_supplied", facts(COUNTY_APPROVER, supplied_items=("户口簿",))) == [
        "只有经办人可以执行“登记补正材料”",
        "以下材料不在待补正清单中：户口簿",
    ]


def test_the_county_review_is_a_county_approvers_step_for_declared_relatives_once() -> None:
    relative = facts(COUNTY_APPROVER, is_relative_declared=True)
    assert check("county_review", relative) == []
    assert check("county_review", facts(relative, county_reviewed=True)) == ["该申请已完成县级复核"]
    assert check("county_review", COUNTY_APPROVER) == ["只有近亲属备案的申请需要县级复核"]
    township = facts(TOWNSHIP_APPROVER, is_relative_declared=True)
    delegated = facts(township, confirmation_delegated_to_township=True)
    assert check("county_review", delegated) == ["只有县级审核确认人可以执行“县级复核”"]
    assert check("county_review", facts(CASEWORKER_A, is_relative_declared=True)) == [
        "只有县级审核确认人可以执行“县级复核”"
    ]


def test_the_refusal_notice_is_recorded_once_by_staff_who_handle_the_case() -> None:
    assert check("send_refusal_notice", CASEWORKER_A) == []
    assert check("send_refusal_notice", COUNTY_APPROVER) == []
    assert check("send_refusal_notice", facts(CASEWORKER_A, refusal_notice_sent=True)) == [
        "不予确认通知书已登记送达，不能重复登记"
    ]
    assert check("send_refusal_notice", CaseFacts(today=D(2026, 3, 2))) == [
        "只有经办人或审核确认人可以执行“送达不予确认通知书”"
    ]
    assert attempt("refused", "send_refusal_notice", CASEWORKER_A) == ApplicationStatus.REFUSED


def test_the_initial_opinion_waits_for_the_community_review_result() -> None:
    pending = facts(FAVOURABLE, community_review_started=True)
    assert check("give_initial_opinion", pending) == ["民主评议结果尚未登记，不能提出初审意见"]
    assert check("give_initial_opinion", CASEWORKER_A) == ["初审意见须写明同意或不同意"]


def test_a_means_tested_application_needs_its_verification_report_first() -> None:
    unchecked = facts(FAVOURABLE, verification_required=True)
    assert check("give_initial_opinion", unchecked) == [
        "尚未生成家庭经济状况核对报告（逢进必核），不能提出初审意见：请在核对页面登记授权并发起核对"
    ]
    checked = facts(FAVOURABLE, verification_required=True, verification_report_made=True)
    assert check("give_initial_opinion", checked) == []
    assert check("give_initial_opinion", facts(FAVOURABLE)) == []  # not required


def test_the_limit_is_extended_from_30_to_45_working_days_exactly_once() -> None:
    # given: accepted on Thursday 2026-09-24, before Mid-autumn and National Day
    accepted_on = D(2026, 9, 24)
    extending = facts(CASEWORKER_A, extension_reason="需跨省核查子女赡养能力")

    # when / then
    assert overall_deadline(accepted_on, False, CAL) == DeadlineResult(
        D(2026, 11, 12), False, (), "overall"
    )
    assert attempt("public_notice", "extend", extending) == ApplicationStatus.PUBLIC_NOTICE
    assert overall_deadline(accepted_on, True, CAL).date == D(2026, 12, 3)
    assert check("extend", facts(extending, already_extended=True)) == [
        "办理时限已延长过一次（30个工作日延长至45个工作日），不能再次延长"
    ]
    assert check("extend", CASEWORKER_A) == ["延长办理时限须填写理由"]
    assert check("extend", facts(extending, actor_roles=frozenset({"auditor"}))) == [
        "只有经办人或审核确认人可以执行“延长办理时限”"
    ]


# -- deadlines -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rule", "start", "due"),
    [
        # Fujian: the check is launched on the acceptance day.
        ("verification_start", D(2026, 9, 24), D(2026, 9, 24)),
        # 09-25 Mid-autumn, 10-01..10-07 off, Saturday 10-10 worked.
        ("investigation", D(2026, 9, 24), D(2026, 10, 22)),
        # Calendar days: the notice runs 10-01..10-07 whatever the holiday.
        ("public_notice", D(2026, 9, 30), D(2026, 10, 7)),
        # Ten working days after a notice ending 02-17: 02-24..02-28 (Saturday worked), 03-02..06.
        ("confirmation", D(2026, 2, 17), D(2026, 3, 6)),
        # Friday 02-13: Saturday 02-14 worked, then 02-24 and 02-25 after Spring Festival.
        ("refusal_notice", D(2026, 2, 13), D(2026, 2, 25)),
        ("overall_extended", D(2026, 9, 24), D(2026, 12, 3)),
        ("tekun_stop_notice", D(2026, 9, 28), D(2026, 10, 5)),
    ],
)
def test_deadlines_around_the_2026_holidays(rule, start, due) -> None:
    assert deadline_for(RULES[rule], start, CAL) == DeadlineResult(due, False, (), rule)


def test_a_deadline_into_2027_is_provisional() -> None:
    assert overall_deadline(D(2026, 12, 1), False, CAL) == DeadlineResult(
        D(2027, 1, 12), True, (2027,), "overall"
    )
    assert overall_deadline(D(2026, 12, 1), True, CAL).date == D(2027, 2, 2)


def test_every_rule_names_its_source_and_unit() -> None:
    # Each context declares its own rules; together they name every kind of deadline.
    rules = RULES
    assert {code: (rule.days, rule.unit) for code, rule in rules.items()} == {
        "verification_start": (0, "working_days"),
        "investigation": (15, "working_days"),
        "public_notice": (7, "calendar_days"),
        "reinvestigation": (15, "working_days"),
        "confirmation": (10, "working_days"),
        "refusal_notice": (3, "working_days"),
        "overall": (30, "working_days"),
        "overall_extended": (45, "working_days"),
        "tekun_stop_notice": (7, "calendar_days"),
        "tekun_stop_reinvestigation": (15, "working_days"),
        "advance_paperwork": (10, "working_days"),
    }
    assert all("POLICY.md §" in rule.source for rule in rules.values())


# -- publication -----------------------------------------------------------------------------

MOTHER = NoticeMember("林秀英", "350102198001010011", D(1980, 1, 1), is_applicant=True)
FATHER = NoticeMember("陈建国", "35010219820305002X", D(1982, 3, 5))
CHILD = NoticeMember("陈小明", "350102201006010031", D(2010, 6, 1))
TURNING_18 = NoticeMember("陈小红", "350102200802290041", D(2008, 2, 29), is_applicant=True)


def _entry(programme: str, members: list[NoticeMember], day: dt.date) -> NoticeEntry | None:
    return notice_entry(programme, members, amount=Decimal("1740"), notice_date=day, masker=mask)


def test_a_dibao_notice_shows_the_applicant_masked_and_counts_everyone() -> None:
    assert _entry("dibao", [FATHER, CHILD, MOTHER], D(2026, 3, 2)) == NoticeEntry(
        "林秀英", "3501**********0011", 3, Decimal("1740")
    )


def test_marginal_and_rigid_expenditure_households_are_not_published() -> None:
    assert _entry("marginal_household", [MOTHER], D(2026, 3, 2)) is None
    assert _entry("rigid_expenditure_household", [MOTHER], D(2026, 3, 2)) is None
    assert _entry("tekun", [MOTHER], D(2026, 3, 2)) is not None


def test_minors_are_never_shown() -> None:
    # A child-only 特困 case is not published; a minor applicant gives way to an adult member.
    assert _entry("tekun", [CHILD], D(2026, 3, 2)) is None
    minor_applicant = dataclasses.replace(CHILD, is_applicant=True)
    assert _entry("dibao", [minor_applicant, FATHER], D(2026, 3, 2)) == NoticeEntry(
        "陈建国", "3501**********002X", 2, Decimal("1740")
    )
    unknown_birth = dataclasses.replace(MOTHER, birth_date=None)
    assert _entry("dibao", [unknown_birth], D(2026, 3, 2)) is None


@pytest.mark.parametrize(
    ("day", "shown"),
    [(D(2026, 2, 28), False), (D(2026, 3, 1), True)],
)
def test_a_29_february_birthday_comes_of_age_on_1_march(day, shown) -> None:
    assert (_entry("tekun", [TURNING_18], day) is not None) is shown


def test_an_unknown_programme_or_no_members_is_an_error() -> None:
    with pytest.raises(ValueError, match="^未知的救助项目：pension$"):
        _entry("pension", [MOTHER], D(2026, 3, 2))
    with pytest.raises(ValueError, match="^公示对象没有保障成员$"):
        _entry("dibao", [], D(2026, 3, 2))


# -- properties, doctests, purity ------------------------------------------------------------


@given(st.lists(st.sampled_from(list(Action)), max_size=40))
def test_no_sequence_of_actions_escapes_the_enum_or_a_final_status(actions) -> None:
    status = ApplicationStatus.DRAFT
    for action in actions:
        previous = status
        try:
            status = next_status(status, action)
        except TransitionNotAllowed:
            continue
        assert isinstance(status, ApplicationStatus)
        # A final status only ever leads to itself (the refusal notice is recorded in place).
        assert previous not in FINAL_STATUSES or status == previous


@pytest.mark.parametrize("module", [workflow.states, workflow.deadlines, core_deadlines])
def test_the_docstring_examples_hold(module) -> None:
    assert doctest.testmod(module).failed == 0


def test_it_imports_and_runs_without_loading_django() -> None:
    loaded = django_modules_loaded_by(
        """
        import datetime as dt
        from doudi.core.workdays import WorkdayCalendar
        from doudi.intake.workflow import (
            CaseFacts, attempt, overall_deadline, notice_entry, NoticeMember)
        import doudi.intake.workflow.guards, doudi.intake.workflow.publication
        attempt("draft", "submit", CaseFacts(today=dt.date(2026, 3, 2),
                actor_roles=frozenset({"caseworker"})))
        overall_deadline(dt.date(2026, 9, 24), True, WorkdayCalendar())
        """
    )
    assert loaded == []


def test_no_module_of_the_package_mentions_django() -> None:
    assert modules_importing_django(REPOSITORY / "doudi" / "intake" / "workflow") == []
