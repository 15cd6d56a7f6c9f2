"""Submitting an application: one form for every programme, with consent for every counted member.

Who may file and where the case goes (docs/channels.md):

- staff with ``intake.submit`` (caseworkers, village workers) file through :func:`application_submit`;
  a village worker files for their own village only, always on the ``village_worker`` channel;
- a caseworker at a township window may file outside their region only for the disability
  subsidies (跨省通办: the case is routed to the household's own township) or for temporary
  assistance (急难发生地: the receiving township handles the case);
- applicants file for their own household through ``doudi.portal.services`` on the ``online``
  channel, which shares :func:`application_file` with the staff entry point.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone

from doudi.accounts.permissions import Permission
from doudi.accounts.scoping import Actor
from doudi.core.audit import audit_event_record
from doudi.core.exceptions import ApplicationError, Conflict, NotFound
from doudi.intake.models import Application, CaseEvent, Channel, Consent, SignedBy
from doudi.intake.services._common import S, _attempt, _today
from doudi.intake.services.declaration import (
    ConsentSpec,
    Declaration,
    clean_temporary,
    declaration_json,
)
from doudi.intake.services.routing import (
    OUT_OF_REGION_MESSAGE,
    STAFF_CHANNELS,
    Routing,
    is_village_worker,
    submission_routing,
)
from doudi.intake.workflow import OPEN_STATUSES, Action, ApplicationStatus, CaseFacts
from doudi.programmes import CHOICES as PROGRAMME_CHOICES
from doudi.programmes import KEYS as PROGRAMME_KEYS
from doudi.programmes import Programme
from doudi.referrals.models import Need
from doudi.referrals.services import referrals_from_application
from doudi.registry.models import Household, Membership
from doudi.registry.selectors import counted_members
from doudi.standards.engine import situation_from_json

# -- validation shared by every channel -----------------------------------------------------


def clean_programmes(programmes: Sequence[str]) -> list[str]:
    programmes = list(dict.fromkeys(programmes))
    if not programmes:
        raise ApplicationError("请至少选择一个救助项目", field="programmes")
    for index, programme in enumerate(programmes):
        if programme not in PROGRAMME_KEYS:
            allowed = "、".join(f"{v}（{label}）" for v, label in PROGRAMME_CHOICES)
            raise ApplicationError(
                f"救助项目取值无效：{programme!r}，可选：{allowed}", field=f"programmes[{index}]"
            )
    return programmes


def clean_needs(needs: Sequence[str]) -> list[str]:
    """The declared needs (一门受理、协同办理), each one of :class:`Need`, without repeats."""
    needs = list(dict.fromkeys(needs))
    for index, need in enumerate(needs):
        if need not in Need.values:
            allowed = "、".join(f"{v}（{label}）" for v, label in Need.choices)
            raise ApplicationError(
                f"其他救助需求取值无效：{need!r}，可选：{allowed}", field=f"needs[{index}]"
            )
    return needs


def _check_consents(counted: list[Membership], consents: Sequence[ConsentSpec]) -> None:
    signed = {}
    for index, consent in enumerate(consents):
        if consent.signed_by not in SignedBy.values:
            raise ApplicationError(
                f"签署方式取值无效：{consent.signed_by!r}", field=f"consents[{index}].signed_by"
            )
        if consent.signed_by != SignedBy.SELF and not consent.proxy_reason.strip():
            raise ApplicationError(
                f"{consent.person.name}的授权核对书由他人代签，须写明代签原因",
                field=f"consents[{index}].proxy_reason",
            )
        signed[consent.person.pk] = consent
    missing = [m.person.name for m in counted if m.person_id not in signed]
    if missing:
        raise ApplicationError(
            f"以下共同生活家庭成员尚未签署授权核对书：{'、'.join(missing)}", field="consents"
        )
    strangers = [
        c.person.name for c in consents if c.person.pk not in {m.person_id for m in counted}
    ]
    if strangers:
        raise ApplicationError(
            f"以下人员不是本家庭的共同生活家庭成员：{'、'.join(strangers)}", field="consents"
        )


def application_file(
    *,
    submitted_by: Any,
    household: Household,
    routing: Routing,
    programmes: Sequence[str],
    channel: str,
    consents: Sequence[ConsentSpec],
    declaration: Declaration,
    needs: Sequence[str] = (),
    is_relative_declared: bool = False,
    submitter_roles: frozenset[str] = frozenset(),
) -> Application:
    """The part of a submission every channel shares: validate the form, then write the case,
    its consents, its case event and its audit event. Call it inside a transaction, after
    establishing who may file and where the case goes (:func:`application_submit` for staff,
    ``doudi.portal.services.application_submit_online`` for applicants); nothing is written
    when anything is refused. ``submitter_roles``: the staff submitter's roles, for the
    workflow's submit rule (a caseworker, a village worker, or the applicant online)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("application_file must run inside transaction.atomic()")
    programmes, needs = _form_checked(programmes, needs, declaration, channel)
    household = _household_locked(household)
    _refuse_open_programmes(household, programmes)
    _check_consents(counted_members(household), consents)
    today = _today()
    situation = declaration_json(
        household=household,
        declaration=declaration,
        month=today.strftime("%Y-%m"),
        region=routing.county_code,
    )
    situation_from_json(situation, field="situation")  # the rules can take what is stored
    target = _submit_target(today, submitted_by, submitter_roles, channel)

    application = Application.objects.create(
        household=household,
        programmes=programmes,
        channel=channel,
        status=target,
        province_code=routing.province_code,
        city_code=routing.city_code,
        county_code=routing.county_code,
        township_code=routing.township_code,
        village_code=routing.village_code,
        receiving_township_code=routing.receiving_township_code,
        situation=situation,
        is_relative_declared=is_relative_declared,
        needs=needs,
        submitted_by=submitted_by,
    )
    _consents_record(application, consents)
    _submission_record(
        application, submitted_by=submitted_by, target=target, routing=routing, consents=consents
    )
    # 一门受理、协同办理: every declared need goes to the department serving it, in the same
    # transaction. The submitter may not see a case routed to another county, so the referrals
    # are made in the submitter's name without a region check: the case was filed just now.
    referrals_from_application(actor=submitted_by, application=application)
    return application


def _form_checked(
    programmes: Sequence[str], needs: Sequence[str], declaration: Declaration, channel: str
) -> tuple[list[str], list[str]]:
    """The programmes and needs of the form, cleaned; the temporary-assistance block and the
    channel checked."""
    programmes = clean_programmes(programmes)
    needs = clean_needs(needs)
    clean_temporary(programmes, declaration.temporary)
    if channel not in Channel.values:
        raise ApplicationError(f"申请渠道取值无效：{channel!r}", field="channel")
    return programmes, needs


def _household_locked(household: Household) -> Household:
    """The household, locked for the rest of the transaction: two submissions for one household
    at the same moment are filed one after the other, and the second sees the first."""
    locked = Household.objects.select_for_update().filter(pk=household.pk).first()
    if locked is None:
        raise NotFound(OUT_OF_REGION_MESSAGE, field="household")
    return locked


def _submit_target(
    today: dt.date, submitted_by: Any, submitter_roles: frozenset[str], channel: str
) -> ApplicationStatus:
    """The status the workflow's submit rule gives the new case: filed by a caseworker, a village
    worker or the applicant online."""
    return _attempt(
        S.DRAFT,
        Action.SUBMIT,
        CaseFacts(
            today=today,
            actor_id=getattr(submitted_by, "pk", None),
            actor_roles=frozenset(submitter_roles),
            # The online channel is the applicant's own (application_submit refuses it to
            # staff; doudi.portal files on it for the account's household only).
            actor_is_applicant=channel == Channel.ONLINE,
        ),
    )


def _refuse_open_programmes(household: Household, programmes: Sequence[str]) -> None:
    """One open application per household and programme. The household row is locked, so a
    second submission of the same form (a double click, a retry after a timeout) waits for the
    first and is refused here with the application it would duplicate (409)."""
    open_applications = Application.objects.filter(
        household=household, status__in=[s.value for s in OPEN_STATUSES]
    ).order_by("pk")
    wanted = set(programmes)
    clashing = [other for other in open_applications if wanted & set(other.programmes)]
    if clashing:
        busy = sorted(wanted & {p for other in clashing for p in other.programmes})
        labels = "、".join(Programme(p).label for p in busy)
        raise Conflict(
            f"该家庭已有办理中的{labels}申请，不能重复申请",
            field="programmes",
            extra={"application": str(clashing[0].public_id)},
        )


def _consents_record(application: Application, consents: Sequence[ConsentSpec]) -> None:
    now = timezone.now()
    Consent.objects.bulk_create(
        [
            Consent(
                application=application,
                person=consent.person,
                signed_by=consent.signed_by,
                proxy_reason=consent.proxy_reason.strip(),
                signed_at=now,
            )
            for consent in consents
        ]
    )


def _submission_record(
    application: Application,
    *,
    submitted_by: Any,
    target: S,
    routing: Routing,
    consents: Sequence[ConsentSpec],
) -> None:
    """The case event and the audit event of the submission."""
    parameters = {
        "programmes": application.programmes,
        "channel": application.channel,
        "consents": len(consents),
        "needs": application.needs,
        "routing": routing.kind,
        **(
            {"receiving_township_code": routing.receiving_township_code}
            if routing.receiving_township_code
            else {}
        ),
    }
    CaseEvent.objects.create(
        application=application,
        actor=submitted_by,
        action=Action.SUBMIT.value,
        from_status=S.DRAFT.value,
        to_status=target.value,
        parameters=parameters,
    )
    audit_event_record(
        actor=submitted_by,
        action="application.submit",
        obj=application,
        region_code=application.village_code,
        parameters={"from": S.DRAFT.value, "to": target.value, **parameters},
    )


@transaction.atomic
def application_submit(
    *,
    actor: Actor,
    household: Household,
    programmes: Sequence[str],
    channel: str,
    consents: Sequence[ConsentSpec],
    declaration: Declaration,
    is_relative_declared: bool = False,
    needs: Sequence[str] = (),
) -> Application:
    """Hand in an application for ``household`` on the staff side: status ``submitted``.

    Needs ``intake.submit``. A village worker files for their own village, always on the
    ``village_worker`` channel; a caseworker chooses ``window`` or ``village_worker``. Outside the
    actor's region only the programmes of :func:`submission_routing` may be filed. Every counted
    member must have signed the 授权核对书; a household may have only one open application per
    programme. Nothing is written when anything is refused."""
    actor.require(Permission.INTAKE_SUBMIT)
    programmes = clean_programmes(programmes)
    if is_village_worker(actor):
        channel = Channel.VILLAGE_WORKER.value
    elif channel == Channel.ONLINE:
        raise ApplicationError(
            "网上申请只能由申请人本人通过网上办事大厅提交，工作人员请选择窗口受理或村（社区）代办",
            field="channel",
        )
    elif channel not in STAFF_CHANNELS:
        raise ApplicationError(f"申请渠道取值无效：{channel!r}", field="channel")
    routing = submission_routing(actor=actor, household=household, programmes=programmes)
    return application_file(
        submitted_by=actor.user,
        household=household,
        routing=routing,
        programmes=programmes,
        channel=channel,
        consents=consents,
        declaration=declaration,
        needs=needs,
        is_relative_declared=is_relative_declared,
        submitter_roles=frozenset(actor.roles),
    )
