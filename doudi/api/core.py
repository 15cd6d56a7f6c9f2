from __future__ import annotations

from django.utils import timezone
from ninja import Router, Schema

from doudi.core import divisions, idcard
from doudi.core.exceptions import NotFound

router = Router(tags=["基础数据"])


class IdCardOut(Schema):
    valid: bool
    normalized: str | None
    sex: str | None
    birth_date: str | None
    address_code: str | None
    region_name: str | None
    address_code_status: str | None
    was_legacy_15: bool
    errors: list[str]


@router.get("/idcard/{number}", response=IdCardOut, summary="校验身份证号码")
def idcard_check(request, number: str):  # type: ignore[no-untyped-def]
    """Validates a number and derives sex, birth date and region; the number itself is not stored."""
    return idcard.parse(number, today=timezone.localdate()).to_json_dict()


class DivisionOut(Schema):
    code: str
    name: str
    full_name: str
    level: str
    parent_code: str | None
    is_current: bool
    is_management_region: bool


def _division_out(record: divisions.DivisionRecord) -> dict:
    return {
        "code": record.code,
        "name": record.name,
        "full_name": divisions.full_name(record.code),
        "level": record.level,
        "parent_code": record.parent_code or None,
        "is_current": record.is_current,
        "is_management_region": record.is_management_region,
    }


@router.get("/divisions/{code}", response=DivisionOut, summary="按代码查询行政区划")
def division_get(request, code: str):  # type: ignore[no-untyped-def]
    record = divisions.get_division(code)
    if record is None:
        raise NotFound(f"区划代码不存在：{code}", field="code")
    return _division_out(record)


@router.get("/divisions", response=list[DivisionOut], summary="按名称查询行政区划")
def division_find(request, name: str):  # type: ignore[no-untyped-def]
    return [_division_out(record) for record in divisions.find_by_name(name)]
