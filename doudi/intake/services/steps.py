"""The township's steps: acceptance, verification, home visit, initial opinion, public notice,
objection and re-investigation."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction

from doudi.accounts.permissions import Permission
from doudi.accounts.scoping import Actor
from doudi.intake.models import (
    Application,
)
from doudi.intake.services._common import S, _close, _commit, _open, _required_text, _step
from doudi.intake.workflow import (
    DEADLINE_RULES,
    Action,
    notice_last_day,
)
from doudi.standards.engine import evaluation_run


@transaction.atomic
def application_accept(
    *, actor: Actor, application: Application, version: int | None = None
) -> Application:
    """受理: the overall limit (30 working days), the investigation (15) and the start of the
    verification (same day) run from today."""
    target, facts = _step(
        actor=actor,
        application=application,
        action=Action.ACCEPT,
        permission=Permission.INTAKE_PROPOSE,
    )
    application = _commit(
        actor=actor,
        application=application,
        action=Action.ACCEPT,
        target=target,
        version=version,
        changes={"accepted_on": facts.today},
        parameters={"accepted_on": facts.today.isoformat()},
    )
    for rule in ("verification_start", "investigation", "overall"):
        _open(application, rule, facts.today)
    return application


@transaction.atomic
def application_start_verification(
    *, actor: Actor, application: Application, version: int | None = None
) -> Application:
    target, _ = _step(
        actor=actor,
        application=application,
        action=Action.START_VERIFICATION,
        permission=Permission.INTAKE_PROPOSE,
    )
    application = _commit(
        actor=actor,
        application=application,
        action=Action.START_VERIFICATION,
        target=target,
        version=version,
        changes={},
        parameters={},
    )
    _close(application, "verification_start")
    return application


@transaction.atomic
def application_record_home_visit(
    *,
    actor: Actor,
    application: Application,
    investigators: Sequence[str],
    record_signed: bool,
    photos: int,
    is_full: bool = False,
    findings: str = "",
    version: int | None = None,
) -> Application:
    """入户调查: two or more investigators, a signed record and photos."""
    names = [name.strip() for name in investigators if name and name.strip()]
    target, _ = _step(
        actor=actor,
        application=application,
        action=Action.RECORD_HOME_VISIT,
        permission=Permission.INTAKE_PROPOSE,
        facts={
            "home_visit_investigators": len(set(names)),
            "home_visit_record_signed": bool(record_signed),
            "home_visit_photos": photos,
        },
    )
    first_visit = application.status == S.VERIFYING
    application = _commit(
        actor=actor,
        application=application,
        action=Action.RECORD_HOME_VISIT,
        target=target,
        version=version,
        changes={"last_home_visit_full": bool(is_full)},
        parameters={
            "investigators": names,
            "record_signed": bool(record_signed),
            "photos": photos,
            "is_full": bool(is_full),
            "findings": findings.strip(),
        },
    )
    if first_visit:
        _close(application, "investigation")
    return application


@transaction.atomic
def application_give_initial_opinion(
    *,
    actor: Actor,
    application: Application,
    favourable: bool | None,
    opinion: str,
    version: int | None = None,
) -> Application:
    """初审意见: the rules engine is run on the declared situation for this month, and its
    result for the requested programmes is stored as the proposal."""
    target, facts = _step(
        actor=actor,
        application=application,
        action=Action.GIVE_INITIAL_OPINION,
        permission=Permission.INTAKE_PROPOSE,
        facts={"initial_opinion_favourable": favourable},
    )
    opinion = _required_text(opinion, field="opinion", message="请填写初审意见")
    situation = {**application.situation, "month": facts.today.strftime("%Y-%m")}
    record = evaluation_run(actor=actor.user, situation=situation, channel="intake")
    proposal = {
        programme: {
            "eligible": record.result["programmes"][programme]["eligible"],
            "amount": record.result["programmes"][programme]["amount"],
        }
        for programme in application.programmes
    }
    from_reinvestigation = application.status == S.REINVESTIGATION
    application = _commit(
        actor=actor,
        application=application,
        action=Action.GIVE_INITIAL_OPINION,
        target=target,
        version=version,
        changes={
            "proposer": actor.user,
            "opinion": opinion,
            "opinion_favourable": favourable,
            "proposal_evaluation": record,
            "proposal": proposal,
            "situation": situation,
        },
        parameters={
            "favourable": favourable,
            "opinion": opinion,
            "evaluation_id": record.pk,
            "proposal": proposal,
        },
    )
    if from_reinvestigation:
        _close(application, "reinvestigation")
    return application


@transaction.atomic
def application_publish_notice(
    *, actor: Actor, application: Application, version: int | None = None
) -> Application:
    """公示 for 7 calendar days from tomorrow (kept on the case, not as a working-day deadline)."""
    target, facts = _step(
        actor=actor,
        application=application,
        action=Action.PUBLISH_NOTICE,
        permission=Permission.INTAKE_PROPOSE,
    )
    last_day = notice_last_day(facts.today, DEADLINE_RULES["public_notice"].days)
    return _commit(
        actor=actor,
        application=application,
        action=Action.PUBLISH_NOTICE,
        target=target,
        version=version,
        changes={"notice_published_on": facts.today, "objection_open": False},
        parameters={"published_on": facts.today.isoformat(), "last_day": last_day.isoformat()},
    )


@transaction.atomic
def application_record_objection(
    *, actor: Actor, application: Application, objection: str, version: int | None = None
) -> Application:
    """异议: re-investigation within 15 working days from today."""
    target, facts = _step(
        actor=actor,
        application=application,
        action=Action.RECORD_OBJECTION,
        permission=Permission.INTAKE_PROPOSE,
    )
    objection = _required_text(objection, field="objection", message="请填写异议内容")
    application = _commit(
        actor=actor,
        application=application,
        action=Action.RECORD_OBJECTION,
        target=target,
        version=version,
        changes={"objection_open": True},
        parameters={"objection": objection},
    )
    _open(application, "reinvestigation", facts.today)
    return application


@transaction.atomic
def application_reinvestigate(
    *, actor: Actor, application: Application, version: int | None = None
) -> Application:
    """重新调查: the objection is taken up; a new opinion and a new notice follow."""
    target, _ = _step(
        actor=actor,
        application=application,
        action=Action.REINVESTIGATE,
        permission=Permission.INTAKE_PROPOSE,
    )
    return _commit(
        actor=actor,
        application=application,
        action=Action.REINVESTIGATE,
        target=target,
        version=version,
        changes={"objection_open": False, "notice_published_on": None},
        parameters={},
    )


@transaction.atomic
def application_close_notice(
    *, actor: Actor, application: Application, version: int | None = None
) -> Application:
    """公示期满无异议: confirmation is due 10 working days after the notice's last day."""
    target, _ = _step(
        actor=actor,
        application=application,
        action=Action.CLOSE_NOTICE_WITHOUT_OBJECTION,
        permission=Permission.INTAKE_PROPOSE,
    )
    assert application.notice_published_on is not None  # the guard requires it
    last_day = notice_last_day(
        application.notice_published_on, DEADLINE_RULES["public_notice"].days
    )
    application = _commit(
        actor=actor,
        application=application,
        action=Action.CLOSE_NOTICE_WITHOUT_OBJECTION,
        target=target,
        version=version,
        changes={},
        parameters={"notice_last_day": last_day.isoformat()},
    )
    _open(application, "confirmation", last_day)
    return application
