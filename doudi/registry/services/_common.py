"""Checks and helpers shared by the registry services."""

from __future__ import annotations

from datetime import date
from typing import Any

from doudi.accounts.scoping import Actor
from doudi.core.exceptions import ApplicationError, Conflict, NotFound, PermissionDenied
from doudi.core.models import Division, DivisionLevel
from doudi.registry.error_codes import RegistryErrorCode as Code
from doudi.registry.models import (
    Person,
)


def _error(message: str, *, field: str, code: Code, **extra: Any) -> ApplicationError:
    return ApplicationError(message, field=field, extra={"code": code.value, **extra})


def _conflict(message: str, *, field: str, code: Code, **extra: Any) -> Conflict:
    """What is asked for is already saved (answered 409): the same person registered twice."""
    return Conflict(message, field=field, extra={"code": code.value, **extra})


def _require_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise _error("请填写变更原因", field="reason", code=Code.REASON_REQUIRED)
    return reason


def _village(code: str, *, field: str) -> Division:
    division = Division.objects.filter(code=code).first()
    if division is None:
        raise _error(f"区划代码不存在：{code}", field=field, code=Code.UNKNOWN_REGION)
    if division.level != DivisionLevel.VILLAGE:
        raise _error(
            f"请选择到村（社区）一级：{division.name}（{code}）是{division.get_level_display()}",
            field=field,
            code=Code.REGION_NOT_VILLAGE,
        )
    return division


def _require_in_region(actor: Actor, division: Division, *, field: str) -> None:
    if not actor.covers(division):
        raise PermissionDenied(
            f"{division.name}（{division.code}）不在您的管辖范围（{actor.region_name}）内",
            field=field,
        )


def _require_visible(actor: Actor, person: Person) -> None:
    from doudi.registry.selectors import person_queryset

    if not person_queryset(actor=actor).filter(pk=person.pk).exists():
        raise NotFound("人员不存在或不在您的管辖范围内", field="person")


def _with_history(instance: Any, *, actor: Actor, reason: str) -> Any:
    instance._history_user = actor.user
    instance._change_reason = reason
    return instance


def _check_choice(
    value: str, choices: Any, *, field: str, label: str, allow_blank: bool = False
) -> None:
    if allow_blank and value == "":
        return
    if value not in choices.values:
        allowed = "、".join(f"{v}（{lbl}）" for v, lbl in choices.choices)
        raise _error(
            f"{label}取值无效：{value!r}，可选：{allowed}", field=field, code=Code.INVALID_VALUE
        )


def _jsonable(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    return value
