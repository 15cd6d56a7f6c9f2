"""The township's steps: 一次性告知补正 and the supplied items, acceptance, verification, home
visit, community review, initial opinion, public notice, objection and re-investigation."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction

from doudi import programmes
from doudi.accounts.permissions import Permission
from doudi.accounts.scoping import Actor
from doudi.core.deadlines import notice_last_day
from doudi.core.exceptions import ApplicationError, text_required
from doudi.intake.models import (
    Application,
    MaterialUse,
)
from doudi.intake.services._common import (
    S,
    _close,
    _commit,
    _items,
    _open,
    _require_visible,
    _step,
)
from doudi.intake.services.assessment import situation_for_opinion
from doudi.intake.services.materials import home_visit_photos
from doudi.intake.workflow import DEADLINE_RULES, Action
from doudi.policy import Evaluation
from doudi.standards.engine import situation_evaluate
from doudi.verification import selectors as verification_selectors
from doudi.verification import services as verification


@transaction.atomic
def application_request_more(
    *, actor: Actor, application: Application, items: Sequence[str], version: int | None = None
) -> Application:
    """一次性告知补正: every missing item at once. A later request may only repeat items of the
    first (the applicant is reminded), never add one."""
    names = _items(items, field="items")
    target, _ = _step(
        actor=actor,
        application=application,
        version=version,
        action=Action.REQUEST_MORE,
        permission=Permission.INTAKE_PROPOSE,
        facts={"missing_items": tuple(names)},
    )
    first = not application.requested_items
    return _commit(
        actor=actor,
        application=application,
        action=Action.REQUEST_MORE,
        target=target,
        version=version,
        changes={
            "missing_items": names,
            "requested_items": names if first else list(application.requested_items),
        },
        parameters={"items": names, "first_request": first},
    )


@transaction.atomic
def application_record_supplied(
    *, actor: Actor, application: Application, items: Sequence[str], version: int | None = None
) -> Application:
    """登记补正材料: these items of the 一次性告知 list were handed in; acceptance waits for the
    rest."""
    names = _items(items, field="items")
    target, _ = _step(
        actor=actor,
        application=application,
        version=version,
        action=Action.RECORD_SUPPLIED,
        permission=Permission.INTAKE_PROPOSE,
        facts={"supplied_items": tuple(names)},
    )
    remaining = [item for item in application.missing_items if item not in names]
    return _commit(
        actor=actor,
        application=application,
        action=Action.RECORD_SUPPLIED,
        target=target,
        version=version,
        changes={"missing_items": remaining},
        parameters={"items": names, "still_missing": remaining},
    )


@transaction.atomic
def application_accept(
    *, actor: Actor, application: Application, version: int | None = None
) -> Application:
    """受理: the overall limit (30 working days), the investigation (15) and the start of the
    verification (same day) run from today."""
    target, facts = _step(
        actor=actor,
        application=application,
        version=version,
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


def application_start_verification(
    *, actor: Actor, application: Application, version: int | None = None
) -> Application:
    """发起核对: the case moves to verification, the members' signed consents of the application
    become verification consents (one transaction), and then a verification report is requested
    from the department snapshots (docs/verification.md). The report is requested after the step
    has committed, because it reads the snapshot files: if it cannot be made (a member's consent
    has lapsed or been withdrawn), the step stands and the case page says why, and the report is
    requested again from the verification page. Staff who may not request verification reports
    leave that to the verification centre."""
    with transaction.atomic():
        target, _ = _step(
            actor=actor,
            application=application,
            version=version,
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
        verification.consents_from_application(
            actor=actor, application=application, consents=application.consents.order_by("id")
        )
    if actor.can(Permission.VERIFICATION_REQUEST):
        try:
            verification.verification_request(actor=actor, application=application)
        except ApplicationError:
            pass  # shown on the case page (verification_readiness), nothing was written
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
    photo_ids: Sequence[Any] = (),
    version: int | None = None,
) -> Application:
    """入户调查: two or more investigators, a signed record and photos. When ``photo_ids`` (public
    ids of the household's uploaded home-visit photos) are given, the photo count is theirs and
    they are used for this application."""
    names = [name.strip() for name in investigators if name and name.strip()]
    # Who and where first, so that nobody learns about another region's materials.
    _require_visible(actor, application)
    actor.require(Permission.INTAKE_PROPOSE)
    photo_materials = home_visit_photos(application=application, photo_ids=photo_ids)
    if photo_ids:
        photos = len(photo_materials)
    target, _ = _step(
        actor=actor,
        application=application,
        version=version,
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
            "photo_ids": [str(p.public_id) for p in photo_materials],
            "is_full": bool(is_full),
            "findings": findings.strip(),
        },
    )
    for photo in photo_materials:
        MaterialUse.objects.get_or_create(
            material=photo, application=application, defaults={"attached_by": actor.user}
        )
    if first_visit:
        _close(application, "investigation")
    return application


@transaction.atomic
def application_start_community_review(
    *, actor: Actor, application: Application, version: int | None = None
) -> Application:
    """启动民主评议 (视情): the opinion then waits for the deliberation's result."""
    target, _ = _step(
        actor=actor,
        application=application,
        version=version,
        action=Action.START_COMMUNITY_REVIEW,
        permission=Permission.INTAKE_PROPOSE,
    )
    return _commit(
        actor=actor,
        application=application,
        action=Action.START_COMMUNITY_REVIEW,
        target=target,
        version=version,
        changes={"community_review_started": True, "community_review_result": ""},
        parameters={},
    )


@transaction.atomic
def application_record_community_review(
    *, actor: Actor, application: Application, result: str, version: int | None = None
) -> Application:
    """登记民主评议结果: the deliberation's result in writing; a later entry replaces it (the case
    events keep every entry)."""
    target, _ = _step(
        actor=actor,
        application=application,
        version=version,
        action=Action.RECORD_COMMUNITY_REVIEW,
        permission=Permission.INTAKE_PROPOSE,
    )
    result = text_required(result, field="result", message="请填写民主评议结果")
    return _commit(
        actor=actor,
        application=application,
        action=Action.RECORD_COMMUNITY_REVIEW,
        target=target,
        version=version,
        changes={"community_review_result": result},
        parameters={"result": result},
    )


def verification_facts(application: Application) -> dict[str, bool]:
    required = bool(getattr(settings, "INTAKE_VERIFICATION_REQUIRED", True)) and bool(
        programmes.MEANS_TESTED.intersection(application.programmes)
    )
    return {
        "verification_required": required,
        "verification_report_made": required
        and verification_selectors.application_has_report(application_id=application.pk),
    }


def proposal_entry(evaluation: Evaluation, programme: str) -> dict[str, Any]:
    """One programme of the engine's result as stored on the case: eligible and amount; for
    temporary assistance (one-off) also the engine's reasons and whether the amount is above the
    township approval limit (``requires_county_approval``: amount > the parameter
    ``temporary_assistance.township_approval_limit`` in force, as the engine's rule)."""
    result = evaluation.programmes[programme]
    entry: dict[str, Any] = {"eligible": result.eligible, "amount": f"{result.amount:.2f}"}
    if programme in programmes.ONE_OFF:
        limit = Decimal(evaluation.parameters["temporary_assistance.township_approval_limit"])
        entry["reasons"] = list(result.reasons)
        entry["township_approval_limit"] = str(limit)
        entry["requires_county_approval"] = bool(result.eligible and result.amount > limit)
    return entry


@transaction.atomic
def application_give_initial_opinion(
    *,
    actor: Actor,
    application: Application,
    favourable: bool | None,
    opinion: str,
    version: int | None = None,
) -> Application:
    """初审意见: the rules engine is run for this month on the declared situation, or on the latest
    assessment (核定, `assessment.py`) when the caseworker adopted a verification report's
    findings; its result for the requested programmes is stored as the proposal."""
    target, facts = _step(
        actor=actor,
        application=application,
        version=version,
        action=Action.GIVE_INITIAL_OPINION,
        permission=Permission.INTAKE_PROPOSE,
        facts={
            "initial_opinion_favourable": favourable,
            **verification_facts(application),
        },
    )
    opinion = text_required(opinion, field="opinion", message="请填写初审意见")
    month = facts.today.strftime("%Y-%m")
    situation = {**application.situation, "month": month}
    assessed, assessment = situation_for_opinion(application, month=month)
    evaluated = situation_evaluate(actor=actor.user, situation=assessed, channel="intake")
    record = evaluated.record
    proposal = {
        programme: proposal_entry(evaluated.evaluation, programme)
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
            **({"assessment_id": assessment.pk} if assessment else {}),
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
        version=version,
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
        version=version,
        action=Action.RECORD_OBJECTION,
        permission=Permission.INTAKE_PROPOSE,
    )
    objection = text_required(objection, field="objection", message="请填写异议内容")
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
        version=version,
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
        version=version,
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
