"""Setting local standards: dated, non-overlapping, by authorised city and county staff, audited."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import QuerySet

from doudi.accounts.permissions import Permission
from doudi.accounts.scoping import Actor
from doudi.core.audit import audit_event_record
from doudi.core.exceptions import ApplicationError, PermissionDenied
from doudi.core.models import Division, DivisionLevel
from doudi.core.money import amount_parse
from doudi.standards.models import AreaScope, LocalParameter, LocalStandard


@transaction.atomic
def local_standard_set(
    *,
    actor: Actor,
    parameter: str,
    region_code: str,
    amount: Decimal | str,
    effective_from: date,
    document: str,
    reason: str,
    area_scope: str = AreaScope.UNIFIED,
    source_url: str = "",
    is_demo: bool = False,
) -> LocalStandard:
    """Add a dated value. The period before it is closed the day before it starts; if a later value
    already exists, this one ends the day before that one. Nothing is overwritten."""
    actor.require(Permission.STANDARDS_MANAGE)
    _check_choices(parameter=parameter, area_scope=area_scope)
    region = _region_setting_standards(actor=actor, region_code=region_code)
    value = amount_parse(amount, field="amount", label="标准金额")
    _check_period(effective_from=effective_from, document=document, reason=reason)

    same = LocalStandard.objects.select_for_update().filter(
        parameter=parameter, region=region, area_scope=area_scope
    )
    if same.filter(effective_from=effective_from).exists():
        raise ApplicationError(
            f"{region.name} 自 {effective_from:%Y-%m-%d} 起已有该标准，请选择其他起始日期",
            field="effective_from",
        )
    following = same.filter(effective_from__gt=effective_from).order_by("effective_from").first()
    previous = _previous_period_close(
        same, effective_from=effective_from, actor=actor, reason=reason
    )
    standard = LocalStandard(
        parameter=parameter,
        region=region,
        area_scope=area_scope,
        amount=value,
        effective_from=effective_from,
        effective_to=following.effective_from - timedelta(days=1) if following else None,
        document=document.strip(),
        source_url=source_url.strip(),
        is_demo=is_demo,
        created_by=actor.user,
    )
    standard._history_user = actor.user
    standard._change_reason = reason
    standard.save()
    _standard_set_audit(actor=actor, standard=standard, previous=previous, reason=reason)
    return standard


def _check_choices(*, parameter: str, area_scope: str) -> None:
    if parameter not in LocalParameter.values:
        allowed = "、".join(LocalParameter.values)
        raise ApplicationError(f"未知的地方标准：{parameter}，可选：{allowed}", field="parameter")
    if area_scope not in AreaScope.values:
        raise ApplicationError(f"适用范围取值无效：{area_scope}", field="area_scope")


def _check_period(*, effective_from: date, document: str, reason: str) -> None:
    """A standard runs by month, rests on a document and is changed for a reason."""
    if effective_from.day != 1:
        raise ApplicationError("标准按月执行：起始日期须为某月 1 日", field="effective_from")
    if not document.strip():
        raise ApplicationError("请填写文件依据（文号）", field="document")
    if not reason.strip():
        raise ApplicationError("请填写调整原因", field="reason")


def _standard_set_audit(
    *, actor: Actor, standard: LocalStandard, previous: LocalStandard | None, reason: str
) -> None:
    audit_event_record(
        actor=actor.user,
        action="standard.set",
        obj=standard,
        region_code=standard.region.code,
        parameters={
            "parameter": standard.parameter,
            "area_scope": standard.area_scope,
            "amount": str(standard.amount),
            "effective_from": standard.effective_from.isoformat(),
            "effective_to": standard.effective_to.isoformat() if standard.effective_to else None,
            "document": standard.document,
            "reason": reason.strip(),
            "previous": {"id": previous.pk, "amount": str(previous.amount)} if previous else None,
        },
    )


def _region_setting_standards(*, actor: Actor, region_code: str) -> Division:
    """The city or county of the actor's region that sets the standard."""
    region = Division.objects.filter(code=region_code).first()
    if region is None:
        raise ApplicationError(f"区划代码不存在：{region_code}", field="region_code")
    if region.level not in (DivisionLevel.CITY, DivisionLevel.COUNTY):
        raise ApplicationError(
            f"地方标准由设区市或县（市、区）制定，{region.name}是{region.get_level_display()}",
            field="region_code",
        )
    if not actor.covers(region):
        raise PermissionDenied(
            f"{region.name}（{region.code}）不在您的管辖范围（{actor.region_name}）内",
            field="region_code",
        )
    return region


def _previous_period_close(
    same: QuerySet[LocalStandard], *, effective_from: date, actor: Actor, reason: str
) -> LocalStandard | None:
    """End the value in force before `effective_from` the day before it (recorded with who and
    why); the previous value, or None."""
    previous = same.filter(effective_from__lt=effective_from).order_by("-effective_from").first()
    if previous is not None and (
        previous.effective_to is None or previous.effective_to >= effective_from
    ):
        previous.effective_to = effective_from - timedelta(days=1)
        previous._history_user = actor.user
        previous._change_reason = reason
        previous.save(update_fields=["effective_to", "updated_at"])
    return previous
