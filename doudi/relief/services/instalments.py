"""一次审批、分阶段救助 (POLICY.md §5): an approved expenditure-type temporary-assistance case
paid in instalments. The plan's total may not exceed the amount confirmed on the application
(the application's ``benefits.OneOffGrant`` for temporary assistance, written by the
confirmation); each instalment is paid
at most once, which the database enforces."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction

from doudi.accounts.permissions import Permission
from doudi.accounts.scoping import Actor
from doudi.benefits import selectors as benefits
from doudi.core.audit import audit_event_record
from doudi.core.exceptions import ApplicationError, NotFound
from doudi.core.money import amount_parse, format_yuan
from doudi.intake import selectors as intake_selectors
from doudi.intake.models import Application
from doudi.intake.workflow import ApplicationStatus
from doudi.programmes import Programme
from doudi.relief.models import Instalment, InstalmentPayment, InstalmentPlan
from doudi.relief.services._common import today

INSTALMENTS_MAX = 12


def approved_temporary_amount(application: Application) -> Decimal:
    """The confirmed amount of an expenditure-type temporary-assistance application (its
    one-off grant), or an ApplicationError saying why there is none."""
    if Programme.TEMPORARY_ASSISTANCE not in application.programmes:
        raise ApplicationError("该申请不含临时救助项目", field="application")
    if application.status != ApplicationStatus.CONFIRMED:
        raise ApplicationError(
            f"申请尚未审核确认（当前状态：{application.get_status_display()}），不能制定分阶段救助计划",
            field="application",
        )
    temporary = (application.situation or {}).get("temporary") or {}
    if temporary.get("kind") != "expenditure":
        raise ApplicationError("只有支出型临时救助可以分阶段救助", field="application")
    grant = benefits.one_off_grant_get(
        application=application, programme=Programme.TEMPORARY_ASSISTANCE
    )
    if grant is None:
        raise ApplicationError("审核确认未核定临时救助金额，不能分阶段救助", field="application")
    return grant.amount


def _month(value: Any, field: str) -> dt.date:
    text = str(value or "").strip()
    try:
        day = dt.date.fromisoformat(f"{text}-01") if len(text) == 7 else None
    except ValueError:
        day = None
    if day is None:
        raise ApplicationError(f"发放月份格式不正确：{text or '（空）'}（YYYY-MM）", field=field)
    return day


@transaction.atomic
def instalment_plan_create(
    *, actor: Actor, application: Application, instalments: Sequence[tuple[Any, Any]]
) -> InstalmentPlan:
    """Plan the instalments ``[(month 'YYYY-MM', amount), …]`` of a confirmed expenditure-type
    case; months strictly increasing, total at most the approved amount."""
    actor.require(Permission.ADVANCE_ASSISTANCE_PAY)
    application = intake_selectors.application_get(actor=actor, public_id=application.public_id)
    Application.objects.select_for_update().filter(pk=application.pk).first()
    approved = approved_temporary_amount(application)
    if InstalmentPlan.objects.filter(application=application).exists():
        raise ApplicationError("该申请已有分阶段救助计划", field="application")
    if not instalments:
        raise ApplicationError("请至少填写一期", field="instalments")
    if len(instalments) > INSTALMENTS_MAX:
        raise ApplicationError(f"分期不能超过 {INSTALMENTS_MAX} 期", field="instalments")
    rows: list[tuple[dt.date, Decimal]] = []
    for index, (month, amount) in enumerate(instalments):
        day = _month(month, f"instalments[{index}].month")
        value = amount_parse(
            amount, field=f"instalments[{index}].amount", label=f"第{index + 1}期金额"
        )
        if rows and day <= rows[-1][0]:
            raise ApplicationError(
                f"第{index + 1}期的月份 {day:%Y-%m} 须晚于上一期 {rows[-1][0]:%Y-%m}",
                field=f"instalments[{index}].month",
            )
        rows.append((day, value))
    total = sum((value for _, value in rows), Decimal("0.00"))
    if total > approved:
        raise ApplicationError(
            f"分期合计 {format_yuan(total)} 超过核定金额 {format_yuan(approved)}",
            field="instalments",
        )
    plan = InstalmentPlan.objects.create(
        application=application,
        approved_amount=approved,
        province_code=application.province_code,
        city_code=application.city_code,
        county_code=application.county_code,
        township_code=application.township_code,
        village_code=application.village_code,
        created_by=actor.user,
    )
    Instalment.objects.bulk_create(
        [
            Instalment(plan=plan, number=number, month=day, amount=value)
            for number, (day, value) in enumerate(rows, start=1)
        ]
    )
    audit_event_record(
        actor=actor.user,
        action="relief.instalment_plan_created",
        obj=plan,
        region_code=application.village_code,
        parameters={
            "application": str(application.public_id),
            "approved_amount": str(approved),
            "total": str(total),
            "instalments": [[f"{day:%Y-%m}", str(value)] for day, value in rows],
        },
    )
    return plan


@transaction.atomic
def instalment_pay(
    *, actor: Actor, instalment: Instalment, reference: str = ""
) -> InstalmentPayment:
    """Record that an instalment was paid today. A second payment of the same instalment is
    refused by the database's one-payment-per-instalment constraint."""
    actor.require(Permission.ADVANCE_ASSISTANCE_PAY)
    found = (
        Instalment.objects.select_related("plan")
        .filter(actor.region_q("plan__"), pk=instalment.pk)
        .first()
    )
    if found is None:
        raise NotFound("分期不存在或不在您的管辖范围内", field="instalment")
    reference = (reference or "").strip()[:64]
    try:
        with transaction.atomic():
            payment = InstalmentPayment.objects.create(
                instalment=found, paid_on=today(), reference=reference, paid_by=actor.user
            )
    except IntegrityError as error:
        paid = InstalmentPayment.objects.filter(instalment=found).first()
        when = f"已于 {paid.paid_on} 发放" if paid else "已发放"
        raise ApplicationError(
            f"第{found.number}期（{found.month:%Y-%m}，{format_yuan(found.amount)}）{when}，不能重复发放",
            field="instalment",
        ) from error
    audit_event_record(
        actor=actor.user,
        action="relief.instalment_paid",
        obj=payment,
        region_code=found.plan.village_code,
        parameters={
            "plan": found.plan_id,
            "number": found.number,
            "month": f"{found.month:%Y-%m}",
            "amount": str(found.amount),
            "reference": reference,
        },
    )
    return payment
