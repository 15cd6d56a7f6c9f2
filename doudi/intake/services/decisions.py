"""Decisions: the county review of declared-relative cases, confirmation (creating entitlements
from the next month and one-off grants), refusal with reasons and the service of its written notice, extension and
withdrawal."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from doudi import programmes
from doudi.accounts.permissions import Permission
from doudi.accounts.scoping import Actor
from doudi.benefits import services as benefits
from doudi.benefits.months import payment_start_month
from doudi.core.audit import audit_event_record
from doudi.core.exceptions import ApplicationError, PermissionDenied, text_required
from doudi.core.models import Division, DivisionLevel
from doudi.intake.models import Application, ConfirmationSetting, ConfirmationSettingChange
from doudi.intake.services._common import (
    _close,
    _commit,
    _open,
    _step,
)
from doudi.intake.workflow import Action


def _first_of_next_month(day: dt.date) -> dt.date:
    year, month = payment_start_month(day)
    return dt.date(year, month, 1)


@transaction.atomic
def application_confirm(
    *, actor: Actor, application: Application, version: int | None = None
) -> Application:
    """审核确认: for every requested programme the proposal found eligible, an entitlement per
    monthly programme from the first day of next month at the proposal's amount, and a one-off
    grant (一次性救助) of the proposal's amount for temporary assistance. Temporary assistance
    above the township approval limit is confirmed by the county, delegated or not (the
    workflow's rule)."""
    target, facts = _step(
        actor=actor,
        application=application,
        version=version,
        action=Action.CONFIRM,
        permission=Permission.INTAKE_CONFIRM,
    )
    eligible = [
        programme
        for programme in application.programmes
        if application.proposal.get(programme, {}).get("eligible")
    ]
    if not eligible:
        raise ApplicationError(
            "初审测算结果不符合所申请项目的条件，不能确认，应作出不予确认决定", field="action"
        )
    monthly = [p for p in eligible if p in programmes.MONTHLY]
    one_off = [p for p in eligible if p in programmes.ONE_OFF]
    from_month = _first_of_next_month(facts.today)
    county_approved = actor.region_level == DivisionLevel.COUNTY
    now = timezone.now()
    application = _commit(
        actor=actor,
        application=application,
        action=Action.CONFIRM,
        target=target,
        version=version,
        changes={"confirmed_by": actor.user, "decided_at": now},
        parameters={
            "from_month": from_month.isoformat(),
            "programmes": eligible,
            "evaluation_id": application.proposal_evaluation_id,
            **(
                {
                    "one_off": {p: application.proposal[p]["amount"] for p in one_off},
                    "requires_county_approval": facts.requires_county_approval,
                    "county_approved": county_approved,
                }
                if one_off
                else {}
            ),
        },
    )
    _benefits_grant(
        actor=actor,
        application=application,
        monthly=monthly,
        one_off=one_off,
        from_month=from_month,
        approved_month=facts.today.replace(day=1),
        requires_county_approval=facts.requires_county_approval,
        county_approved=county_approved,
    )
    _close(application, "confirmation", "overall", "overall_extended")
    return application


def _benefits_grant(
    *,
    actor: Actor,
    application: Application,
    monthly: list[str],
    one_off: list[str],
    from_month: dt.date,
    approved_month: dt.date,
    requires_county_approval: bool,
    county_approved: bool,
) -> None:
    """What the confirmation grants, at the proposal's amounts: the entitlements of the monthly
    programmes from ``from_month`` and the one-off grants; refused, with nothing written, when
    the household already holds one of them."""
    amounts = {p: Decimal(application.proposal[p]["amount"]) for p in monthly + one_off}
    try:
        benefits.entitlements_open(
            application=application,
            household=application.household,
            amounts={p: amounts[p] for p in monthly},
            from_month=from_month,
            county_code=application.county_code,
            township_code=application.township_code,
        )
    except benefits.OpenEntitlementExists as error:
        raise ApplicationError(
            "该家庭已有同一救助项目的有效待遇，不能重复确认", field="action"
        ) from error
    try:
        benefits.one_off_grants_record(
            application=application,
            household=application.household,
            amounts={p: amounts[p] for p in one_off},
            approved_by=actor.user,
            approved_month=approved_month,
            requires_county_approval=requires_county_approval,
            county_approved=county_approved,
            county_code=application.county_code,
            township_code=application.township_code,
            village_code=application.village_code,
        )
    except benefits.GrantExists as error:
        raise ApplicationError("该申请的一次性救助已确认，不能重复确认", field="action") from error


@transaction.atomic
def application_refuse(
    *, actor: Actor, application: Application, reason: str, version: int | None = None
) -> Application:
    """不予确认 with written reasons, which must be sent within 3 working days."""
    target, facts = _step(
        actor=actor,
        application=application,
        version=version,
        action=Action.REFUSE,
        permission=Permission.INTAKE_CONFIRM,
        facts={"refusal_reasons": reason},
    )
    reason = reason.strip()
    application = _commit(
        actor=actor,
        application=application,
        action=Action.REFUSE,
        target=target,
        version=version,
        changes={"refused_by": actor.user, "decided_at": timezone.now(), "refusal_reason": reason},
        parameters={"reason": reason},
    )
    _close(application, "confirmation", "overall", "overall_extended")
    _open(application, "refusal_notice", facts.today)
    return application


@transaction.atomic
def application_county_review(
    *, actor: Actor, application: Application, opinion: str, version: int | None = None
) -> Application:
    """县级复核 of a declared-relative case (近亲属备案): a county approver's recorded review,
    required before confirmation even where the county delegated confirmation."""
    target, _ = _step(
        actor=actor,
        application=application,
        version=version,
        action=Action.COUNTY_REVIEW,
        permission=Permission.INTAKE_CONFIRM,
    )
    opinion = text_required(opinion, field="opinion", message="请填写县级复核意见")
    now = timezone.now()
    return _commit(
        actor=actor,
        application=application,
        action=Action.COUNTY_REVIEW,
        target=target,
        version=version,
        changes={"county_reviewed_by": actor.user, "county_reviewed_at": now},
        parameters={"opinion": opinion},
    )


@transaction.atomic
def application_send_refusal_notice(
    *,
    actor: Actor,
    application: Application,
    sent_on: dt.date | None = None,
    version: int | None = None,
) -> Application:
    """送达不予确认通知书: the written refusal was served (default today); closes the 3-working-day
    ``refusal_notice`` limit. Recorded once; the status stays refused."""
    target, facts = _step(
        actor=actor,
        application=application,
        version=version,
        action=Action.SEND_REFUSAL_NOTICE,
        permission=(Permission.INTAKE_PROPOSE, Permission.INTAKE_CONFIRM),
    )
    sent_on = sent_on or facts.today
    if sent_on > facts.today:
        raise ApplicationError("送达日期不能晚于今天", field="sent_on")
    decided_on = timezone.localdate(application.decided_at) if application.decided_at else None
    if decided_on is not None and sent_on < decided_on:
        raise ApplicationError(
            f"送达日期不能早于不予确认决定日期（{decided_on.isoformat()}）", field="sent_on"
        )
    application = _commit(
        actor=actor,
        application=application,
        action=Action.SEND_REFUSAL_NOTICE,
        target=target,
        version=version,
        changes={"refusal_notice_sent_on": sent_on},
        parameters={"sent_on": sent_on.isoformat()},
    )
    _close(application, "refusal_notice")
    return application


@transaction.atomic
def application_extend(
    *, actor: Actor, application: Application, reason: str, version: int | None = None
) -> Application:
    """办理时限 30 → 45 working days from acceptance, once, with a reason."""
    target, _ = _step(
        actor=actor,
        application=application,
        version=version,
        action=Action.EXTEND,
        permission=(Permission.INTAKE_PROPOSE, Permission.INTAKE_CONFIRM),
        facts={"extension_reason": reason},
    )
    reason = reason.strip()
    application = _commit(
        actor=actor,
        application=application,
        action=Action.EXTEND,
        target=target,
        version=version,
        changes={"extension_reason": reason},
        parameters={"reason": reason},
    )
    _close(application, "overall")
    assert application.accepted_on is not None  # extension is only allowed once accepted
    _open(application, "overall_extended", application.accepted_on)
    return application


@transaction.atomic
def application_withdraw(
    *, actor: Actor, application: Application, reason: str, version: int | None = None
) -> Application:
    """撤回: the applicant withdraws; every open deadline of the case is closed."""
    target, _ = _step(
        actor=actor,
        application=application,
        version=version,
        action=Action.WITHDRAW,
        permission=Permission.INTAKE_PROPOSE,
    )
    reason = text_required(reason, field="reason", message="请填写撤回原因")
    application = _commit(
        actor=actor,
        application=application,
        action=Action.WITHDRAW,
        target=target,
        version=version,
        changes={"decided_at": timezone.now()},
        parameters={"reason": reason},
    )
    _close(application)
    return application


@transaction.atomic
def confirmation_setting_set(
    *, actor: Actor, delegated_to_township: bool, reason: str
) -> ConfirmationSetting:
    """审核确认权委托乡镇: a county officer switches the delegation of their own county, with a
    reason; every switch is kept (ConfirmationSettingChange) and audited. Cases already awaiting
    confirmation follow the new setting from now on."""
    actor.require(Permission.CONFIRMATION_SETTING_MANAGE)
    if actor.region_level != DivisionLevel.COUNTY:
        raise PermissionDenied("只有县级民政部门可以设置本县的审核确认权委托", field="county")
    reason = text_required(reason, field="reason", message="请填写调整审核确认权委托的理由")
    county = Division.objects.get(code=actor.region_code)
    setting = ConfirmationSetting.objects.select_for_update().filter(county=county).first()
    current = setting.delegated_to_township if setting is not None else False
    delegated = bool(delegated_to_township)
    if current == delegated:
        state = "已委托乡镇（街道）" if current else "未委托乡镇（街道）"
        raise ApplicationError(f"本县审核确认权当前已是“{state}”，无需调整", field="delegated")
    if setting is None:
        setting = ConfirmationSetting.objects.create(county=county, delegated_to_township=delegated)
    else:
        setting.delegated_to_township = delegated
        setting.save(update_fields=["delegated_to_township", "updated_at"])
    ConfirmationSettingChange.objects.create(
        county=county, delegated_to_township=delegated, reason=reason, changed_by=actor.user
    )
    audit_event_record(
        actor=actor.user,
        action="confirmation_setting.set",
        obj=setting,
        region_code=county.code,
        parameters={"delegated_to_township": delegated, "previous": current, "reason": reason},
    )
    return setting
