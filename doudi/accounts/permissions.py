"""Who may do what: one table for the whole platform. Region is checked separately (scoping.py)."""

from __future__ import annotations

from enum import StrEnum

from doudi.accounts.models import Role


class Permission(StrEnum):
    REGISTRY_VIEW = "registry.view"
    REGISTRY_EDIT = "registry.edit"
    REGISTRY_REVEAL_ID = "registry.reveal_id"
    AUDIT_VIEW = "audit.view"
    REGION_STATISTICS_VIEW = "region.statistics_view"
    CALENDAR_MANAGE = "calendar.manage"
    STANDARDS_VIEW = "standards.view"
    STANDARDS_MANAGE = "standards.manage"
    POLICY_EVALUATE = "policy.evaluate"
    SIMULATION_RUN = "simulation.run"
    INTAKE_VIEW = "intake.view"
    INTAKE_PROPOSE = "intake.propose"
    INTAKE_CONFIRM = "intake.confirm"
    INTAKE_SUBMIT = "intake.submit"
    CONFIRMATION_SETTING_MANAGE = "intake.confirmation_setting_manage"
    REFERRAL_VIEW = "referral.view"
    REFERRAL_CREATE = "referral.create"
    REFERRAL_ANSWER = "referral.answer"
    ADVANCE_ASSISTANCE_PAY = "relief.advance_pay"
    RESERVE_FUND_VIEW = "relief.reserve_fund_view"
    RESERVE_FUND_MANAGE = "relief.reserve_fund_manage"
    EXCHANGE_VIEW = "exchange.view"
    EXCHANGE_UPLOAD = "exchange.upload"
    VERIFICATION_VIEW = "verification.view"
    VERIFICATION_REQUEST = "verification.request"
    VERIFICATION_SIGN = "verification.sign"
    VERIFICATION_CONSENT_MANAGE = "verification.consent_manage"


GRANTS: dict[Permission, frozenset[Role]] = {
    Permission.REGISTRY_VIEW: frozenset(
        {
            Role.VILLAGE_WORKER,
            Role.CASEWORKER,
            Role.APPROVER,
            Role.COUNTY_OFFICER,
            Role.VERIFICATION_OFFICER,
            Role.AUDITOR,
            Role.ADMIN,
        }
    ),
    Permission.REGISTRY_EDIT: frozenset({Role.CASEWORKER, Role.COUNTY_OFFICER}),
    # Full ID numbers only for those who must match them against documents or other departments.
    Permission.REGISTRY_REVEAL_ID: frozenset(
        {Role.CASEWORKER, Role.APPROVER, Role.COUNTY_OFFICER, Role.VERIFICATION_OFFICER}
    ),
    Permission.AUDIT_VIEW: frozenset({Role.AUDITOR, Role.ADMIN}),
    Permission.REGION_STATISTICS_VIEW: frozenset(set(Role)),
    Permission.CALENDAR_MANAGE: frozenset({Role.ADMIN}),
    Permission.STANDARDS_VIEW: frozenset(set(Role)),
    # Local standards are set by the civil-affairs bureau of the city or county (POLICY.md §8.4).
    Permission.STANDARDS_MANAGE: frozenset({Role.COUNTY_OFFICER}),
    # A what-if on facts the user types: no personal data is read, so every staff role may run it.
    Permission.POLICY_EVALUATE: frozenset(set(Role)),
    # Aggregates over a whole population of the actor's region: analysts and county officers.
    Permission.SIMULATION_RUN: frozenset({Role.ANALYST, Role.COUNTY_OFFICER}),
    # Applications (POLICY.md §2.7): caseworkers accept, investigate and propose; approvers
    # confirm or refuse; auditors and county officers read.
    # Village workers file applications on a family's behalf and follow them in their village.
    Permission.INTAKE_VIEW: frozenset(
        {
            Role.CASEWORKER,
            Role.APPROVER,
            Role.COUNTY_OFFICER,
            Role.AUDITOR,
            Role.ADMIN,
            Role.VILLAGE_WORKER,
        }
    ),
    Permission.INTAKE_SUBMIT: frozenset({Role.CASEWORKER, Role.VILLAGE_WORKER}),
    Permission.INTAKE_PROPOSE: frozenset({Role.CASEWORKER}),
    Permission.INTAKE_CONFIRM: frozenset({Role.APPROVER}),
    # Whether the county delegates confirmation to its townships is the county bureau's choice.
    Permission.CONFIRMATION_SETTING_MANAGE: frozenset({Role.COUNTY_OFFICER}),
    # Referrals (一门受理、协同办理): the window refers, the partner department answers its own.
    Permission.REFERRAL_VIEW: frozenset(
        {Role.CASEWORKER, Role.APPROVER, Role.COUNTY_OFFICER, Role.AUDITOR, Role.PARTNER}
    ),
    Permission.REFERRAL_CREATE: frozenset({Role.CASEWORKER}),
    Permission.REFERRAL_ANSWER: frozenset({Role.PARTNER}),
    # 先行救助 from the township reserve fund (POLICY.md §5); the county tops the fund up.
    Permission.ADVANCE_ASSISTANCE_PAY: frozenset({Role.CASEWORKER}),
    Permission.RESERVE_FUND_VIEW: frozenset(
        {Role.CASEWORKER, Role.APPROVER, Role.COUNTY_OFFICER, Role.AUDITOR}
    ),
    Permission.RESERVE_FUND_MANAGE: frozenset({Role.COUNTY_OFFICER}),
    # Department feeds (POLICY.md §7): the verification centre runs them, auditors read the
    # catalogue (provenance only, no personal data); partner departments send their own feeds
    # (which feed is theirs is checked in doudi/exchange/access.py).
    Permission.EXCHANGE_VIEW: frozenset({Role.VERIFICATION_OFFICER, Role.AUDITOR}),
    Permission.EXCHANGE_UPLOAD: frozenset({Role.VERIFICATION_OFFICER, Role.PARTNER}),
    # Verification reports (核对, POLICY.md §7): the window requests and reads its cases' reports,
    # the verification centre checks and signs; a verification officer counts only in a unit that
    # is a verification centre (doudi/verification/access.py).
    Permission.VERIFICATION_VIEW: frozenset(
        {
            Role.CASEWORKER,
            Role.APPROVER,
            Role.COUNTY_OFFICER,
            Role.VERIFICATION_OFFICER,
            Role.AUDITOR,
        }
    ),
    Permission.VERIFICATION_REQUEST: frozenset({Role.CASEWORKER, Role.VERIFICATION_OFFICER}),
    Permission.VERIFICATION_SIGN: frozenset({Role.VERIFICATION_OFFICER}),
    Permission.VERIFICATION_CONSENT_MANAGE: frozenset({Role.CASEWORKER, Role.VERIFICATION_OFFICER}),
}

PERMISSION_LABELS = {
    Permission.REGISTRY_VIEW: "查看户籍登记信息",
    Permission.REGISTRY_EDIT: "修改户籍登记信息",
    Permission.REGISTRY_REVEAL_ID: "查看完整身份证号码",
    Permission.AUDIT_VIEW: "查看审计日志",
    Permission.REGION_STATISTICS_VIEW: "查看辖区统计",
    Permission.CALENDAR_MANAGE: "维护节假日安排",
    Permission.STANDARDS_VIEW: "查看保障标准",
    Permission.STANDARDS_MANAGE: "调整地方保障标准",
    Permission.POLICY_EVALUATE: "规则测算",
    Permission.SIMULATION_RUN: "政策模拟测算",
    Permission.INTAKE_VIEW: "查看救助申请",
    Permission.INTAKE_PROPOSE: "受理救助申请、调查并提出初审意见",
    Permission.INTAKE_CONFIRM: "审核确认救助申请",
    Permission.INTAKE_SUBMIT: "提交救助申请",
    Permission.CONFIRMATION_SETTING_MANAGE: "设置审核确认权委托",
    Permission.REFERRAL_VIEW: "查看转介单",
    Permission.REFERRAL_CREATE: "发起转介",
    Permission.REFERRAL_ANSWER: "办理转介并反馈",
    Permission.ADVANCE_ASSISTANCE_PAY: "发放先行救助",
    Permission.RESERVE_FUND_VIEW: "查看临时救助备用金",
    Permission.RESERVE_FUND_MANAGE: "拨付和核对临时救助备用金",
    Permission.EXCHANGE_VIEW: "查看部门数据交换",
    Permission.EXCHANGE_UPLOAD: "报送部门数据",
    Permission.VERIFICATION_VIEW: "查看家庭经济状况核对报告",
    Permission.VERIFICATION_REQUEST: "发起家庭经济状况核对",
    Permission.VERIFICATION_SIGN: "签发核对报告",
    Permission.VERIFICATION_CONSENT_MANAGE: "登记或撤回核对授权",
}


def roles_grant(roles: list[str] | tuple[str, ...], permission: Permission) -> bool:
    allowed = GRANTS[permission]
    return any(role in allowed for role in roles)
