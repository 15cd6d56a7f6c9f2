"""Submitting an application: one form for every programme, with consent for every counted member."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from doudi.accounts.permissions import Permission
from doudi.accounts.scoping import Actor
from doudi.core.audit import audit_event_record
from doudi.core.exceptions import ApplicationError, NotFound
from doudi.intake.models import (
    Application,
    CaseEvent,
    Channel,
    Consent,
    Programme,
    SignedBy,
)
from doudi.intake.services._common import S, _attempt, _facts, _today
from doudi.intake.workflow import (
    OPEN_STATUSES,
    Action,
)
from doudi.policy.parser import parse_situation
from doudi.policy.situation import SituationError
from doudi.registry.models import Household, Membership, Person
from doudi.standards.engine import situation_problems_message

# -- inputs -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ConsentSpec:
    """A signed 授权核对书 for one member."""

    person: Person
    signed_by: str = SignedBy.SELF
    proxy_reason: str = ""


@dataclass(frozen=True)
class IncomeSpec:
    """A declared monthly income of one member (types as in docs/policy.md)."""

    person: Person
    type: str
    monthly: str
    stable: bool = True


@dataclass(frozen=True)
class Declaration:
    """What the household declares besides the registry: incomes, assets and expenses."""

    incomes: Sequence[IncomeSpec] = ()
    assets: dict[str, Any] = dataclasses.field(default_factory=dict)
    expenses: dict[str, Any] = dataclasses.field(default_factory=dict)


# -- helpers ----------------------------------------------------------------------------------


def _member_situation(membership: Membership, incomes: list[dict[str, Any]]) -> dict[str, Any]:
    person = membership.person
    schooling = person.schooling if person.schooling != "preschool" else "none"
    member: dict[str, Any] = {
        "id": str(person.public_id),
        "relation": membership.relation,
        "birth_date": person.birth_date.isoformat(),
        "counted": True,
        "labour_capacity": person.labour_capacity,
        "in_school": schooling or "none",
        "serious_illness": person.serious_illness,
        "incomes": incomes,
    }
    if person.disability_type and person.disability_grade:
        member["disability"] = {"type": person.disability_type, "grade": person.disability_grade}
    return member


def declared_situation(
    *, household: Household, declaration: Declaration, month: str
) -> dict[str, Any]:
    """The policy situation (docs/policy.md) of the household's counted members with what was
    declared. Incomes of persons who are not counted members are refused."""
    counted = list(
        household.memberships.filter(is_active=True, is_counted=True)
        .select_related("person")
        .order_by("id")
    )
    by_person: dict[int, list[dict[str, Any]]] = {m.person_id: [] for m in counted}
    for index, income in enumerate(declaration.incomes):
        if income.person.pk not in by_person:
            raise ApplicationError(
                f"{income.person.name}不是本家庭的共同生活家庭成员，不能申报其收入",
                field=f"incomes[{index}].person",
            )
        by_person[income.person.pk].append(
            {"type": income.type, "monthly": str(income.monthly), "stable": income.stable}
        )
    situation: dict[str, Any] = {
        "month": month,
        "region": household.county_code,
        "area_type": household.area_type,
        "members": [_member_situation(m, by_person[m.person_id]) for m in counted],
    }
    if declaration.assets:
        situation["assets"] = dict(declaration.assets)
    if declaration.expenses:
        situation["expenses"] = dict(declaration.expenses)
    return situation


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
) -> Application:
    """Hand in an application for ``household``: status ``submitted``.

    Every counted member must have signed the 授权核对书; a household may have only one open
    application per programme. Nothing is written when anything is refused."""
    actor.require(Permission.INTAKE_PROPOSE)
    household = (
        Household.objects.select_for_update().filter(actor.region_q(), pk=household.pk).first()
    )
    if household is None:
        raise NotFound("家庭不存在或不在您的管辖范围内", field="household")
    programmes = list(dict.fromkeys(programmes))
    if not programmes:
        raise ApplicationError("请至少选择一个救助项目", field="programmes")
    for index, programme in enumerate(programmes):
        if programme not in Programme.values:
            allowed = "、".join(f"{v}（{label}）" for v, label in Programme.choices)
            raise ApplicationError(
                f"救助项目取值无效：{programme!r}，可选：{allowed}", field=f"programmes[{index}]"
            )
    if channel not in Channel.values:
        raise ApplicationError(f"申请渠道取值无效：{channel!r}", field="channel")

    busy = sorted(
        {
            programme
            for other in Application.objects.filter(
                household=household, status__in=[s.value for s in OPEN_STATUSES]
            )
            for programme in other.programmes
        }
        & set(programmes)
    )
    if busy:
        labels = "、".join(Programme(p).label for p in busy)
        raise ApplicationError(f"该家庭已有办理中的{labels}申请，不能重复申请", field="programmes")

    counted = list(
        household.memberships.filter(is_active=True, is_counted=True)
        .select_related("person")
        .order_by("id")
    )
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

    today = _today()
    situation = declared_situation(
        household=household, declaration=declaration, month=today.strftime("%Y-%m")
    )
    try:
        parse_situation(situation)
    except SituationError as error:
        raise ApplicationError(
            situation_problems_message(error),
            field="situation",
            extra={"problems": [{"field": p.path, "message": p.message} for p in error.problems]},
        ) from error
    draft = Application(
        household=household, status=S.DRAFT, is_relative_declared=is_relative_declared
    )
    target = _attempt(S.DRAFT, Action.SUBMIT, _facts(actor, draft))

    application = Application.objects.create(
        household=household,
        programmes=programmes,
        channel=channel,
        status=target,
        province_code=household.province_code,
        city_code=household.city_code,
        county_code=household.county_code,
        township_code=household.township_code,
        village_code=household.village_code,
        situation=situation,
        is_relative_declared=is_relative_declared,
    )
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
    parameters = {"programmes": programmes, "channel": channel, "consents": len(consents)}
    CaseEvent.objects.create(
        application=application,
        actor=actor.user,
        action=Action.SUBMIT.value,
        from_status=S.DRAFT.value,
        to_status=target.value,
        parameters=parameters,
    )
    audit_event_record(
        actor=actor.user,
        action="application.submit",
        obj=application,
        region_code=application.village_code,
        parameters={"from": S.DRAFT.value, "to": target.value, **parameters},
    )
    return application


# -- the steps --------------------------------------------------------------------------------
