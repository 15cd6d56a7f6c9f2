"""Decisions: confirmation (creating entitlements from the next month), refusal with reasons,
extension and withdrawal."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone

from doudi.accounts.permissions import Permission
from doudi.accounts.scoping import Actor
from doudi.core.exceptions import ApplicationError
from doudi.intake.models import (
    Application,
    Entitlement,
)
from doudi.intake.services._common import (
    MONTHLY_PROGRAMMES,
    _close,
    _commit,
    _open,
    _required_text,
    _step,
)
from doudi.intake.workflow import (
    Action,
    payment_start_month,
)


def _first_of_next_month(day: dt.date) -> dt.date:
    year, month = payment_start_month(day)
    return dt.date(year, month, 1)


@transaction.atomic
def application_confirm(
    *, actor: Actor, application: Application, version: int | None = None
) -> Application:
    """审核确认: an entitlement per requested monthly programme the proposal found eligible,
    from the first day of next month, at the proposal's amount."""
    target, facts = _step(
        actor=actor,
        application=application,
        action=Action.CONFIRM,
        permission=Permission.INTAKE_CONFIRM,
    )
    eligible = [
        programme
        for programme in application.programmes
        if programme in MONTHLY_PROGRAMMES
        and application.proposal.get(programme, {}).get("eligible")
    ]
    if not eligible:
        raise ApplicationError(
            "初审测算结果不符合所申请项目的条件，不能确认，应作出不予确认决定", field="action"
        )
    from_month = _first_of_next_month(facts.today)
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
        },
    )
    try:
        with transaction.atomic():
            for programme in eligible:
                Entitlement.objects.create(
                    application=application,
                    household=application.household,
                    programme=programme,
                    monthly_amount=Decimal(application.proposal[programme]["amount"]),
                    from_month=from_month,
                    county_code=application.county_code,
                    township_code=application.township_code,
                )
    except IntegrityError as error:
        raise ApplicationError(
            "该家庭已有同一救助项目的有效待遇，不能重复确认", field="action"
        ) from error
    _close(application, "confirmation", "overall", "overall_extended")
    return application


@transaction.atomic
def application_refuse(
    *, actor: Actor, application: Application, reason: str, version: int | None = None
) -> Application:
    """不予确认 with written reasons, which must be sent within 3 working days."""
    target, facts = _step(
        actor=actor,
        application=application,
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
def application_extend(
    *, actor: Actor, application: Application, reason: str, version: int | None = None
) -> Application:
    """办理时限 30 → 45 working days from acceptance, once, with a reason."""
    target, _ = _step(
        actor=actor,
        application=application,
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
        action=Action.WITHDRAW,
        permission=Permission.INTAKE_PROPOSE,
    )
    reason = _required_text(reason, field="reason", message="请填写撤回原因")
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
