from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from doudi.core.exceptions import ApplicationError, PermissionDenied
from doudi.core.models import AuditEvent
from doudi.standards.models import LocalStandard
from doudi.standards.selectors import local_standard_in_force, local_standard_list
from doudi.standards.services import local_standard_set

pytestmark = pytest.mark.django_db


def _set(actor, region="350112", amount="880.00", start=date(2022, 1, 1), **kwargs):  # type: ignore[no-untyped-def]
    return local_standard_set(
        actor=actor,
        parameter="dibao.standard",
        region_code=region,
        amount=amount,
        effective_from=start,
        document=kwargs.pop("document", "榕民〔2022〕1号（合成）"),
        reason=kwargs.pop("reason", "年度调标"),
        **kwargs,
    )


def test_a_new_value_closes_the_previous_period_the_day_before(approver):
    first = _set(approver)
    second = _set(approver, amount="970.00", start=date(2025, 7, 1))

    first.refresh_from_db()
    assert (first.effective_from, first.effective_to) == (date(2022, 1, 1), date(2025, 6, 30))
    assert (second.effective_from, second.effective_to, second.amount) == (
        date(2025, 7, 1),
        None,
        Decimal("970.00"),
    )
    assert first.history.first().history_change_reason == "年度调标"
    events = AuditEvent.objects.filter(action="standard.set").order_by("id")
    assert [e.parameters["amount"] for e in events] == ["880.00", "970.00"]
    assert events[1].parameters["previous"] == {"id": first.pk, "amount": "880.00"}


def test_a_value_inserted_before_a_later_one_ends_the_day_before_it(approver):
    later = _set(approver, amount="970.00", start=date(2025, 7, 1))
    earlier = _set(approver, amount="880.00", start=date(2022, 1, 1))
    later.refresh_from_db()
    assert earlier.effective_to == date(2025, 6, 30)
    assert later.effective_to is None


def test_the_value_in_force_follows_the_month(approver):
    _set(approver)
    _set(approver, amount="970.00", start=date(2025, 7, 1))

    def amount(month):  # type: ignore[no-untyped-def]
        found = local_standard_in_force(
            parameter="dibao.standard", region_code="350112001001", month=month
        )
        return found.amount if found else None

    assert amount(date(2021, 12, 1)) is None
    assert amount(date(2022, 1, 1)) == Decimal("880.00")
    assert amount(date(2025, 6, 1)) == Decimal("880.00")
    assert amount(date(2025, 7, 1)) == Decimal("970.00")


def test_a_county_without_its_own_value_inherits_the_city_value(city_officer, approver):
    _set(city_officer, region="350100", amount="880.00")
    found = local_standard_in_force(
        parameter="dibao.standard", region_code="350112", month=date(2023, 3, 1)
    )
    assert (found.amount, found.region_code) == (Decimal("880.00"), "350100")
    _set(approver, amount="900.00")
    found = local_standard_in_force(
        parameter="dibao.standard", region_code="350112", month=date(2023, 3, 1)
    )
    assert (found.amount, found.region_code) == (Decimal("900.00"), "350112")


def test_pingtan_does_not_inherit_fuzhous_value(city_officer):
    _set(city_officer, region="350100", amount="880.00")
    assert (
        local_standard_in_force(
            parameter="dibao.standard", region_code="350128", month=date(2023, 3, 1)
        )
        is None
    )


@pytest.mark.parametrize(
    ("_case", "kwargs", "field", "message"),
    [
        (
            "not the 1st",
            {"start": date(2022, 1, 15)},
            "effective_from",
            "标准按月执行：起始日期须为某月 1 日",
        ),
        ("zero", {"amount": "0"}, "amount", "标准金额必须大于0，不能为 0.00 元"),
        (
            "three decimals",
            {"amount": "880.001"},
            "amount",
            "标准金额格式不正确：880.001（元，最多两位小数）",
        ),
        ("blank", {"amount": " "}, "amount", "请填写标准金额"),
        (
            "township",
            {"region": "350112001"},
            "region_code",
            "地方标准由设区市或县（市、区）制定，吴航街道是乡镇（街道）",
        ),
        ("unknown region", {"region": "350199"}, "region_code", "区划代码不存在：350199"),
        ("no document", {"document": " "}, "document", "请填写文件依据（文号）"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_written(approver, _case, kwargs, field, message):
    with pytest.raises(ApplicationError) as error:
        _set(approver, **kwargs)
    assert (error.value.field, error.value.message) == (field, message)
    assert LocalStandard.objects.count() == 0
    assert not AuditEvent.objects.filter(action="standard.set").exists()


def test_the_same_start_date_twice_is_refused(approver):
    _set(approver)
    with pytest.raises(ApplicationError) as error:
        _set(approver, amount="900.00")
    assert error.value.message == "长乐区 自 2022-01-01 起已有该标准，请选择其他起始日期"
    assert LocalStandard.objects.count() == 1


@pytest.mark.parametrize("persona", ["caseworker", "auditor", "analyst"])
def test_only_county_officers_set_standards(persona, request):
    with pytest.raises(PermissionDenied):
        _set(request.getfixturevalue(persona))
    assert LocalStandard.objects.count() == 0


def test_a_county_officer_cannot_set_another_countys_standard(approver):
    with pytest.raises(PermissionDenied) as error:
        _set(approver, region="350102")
    assert error.value.message == "鼓楼区（350102）不在您的管辖范围（长乐区）内"
    assert LocalStandard.objects.count() == 0


def test_a_township_caseworker_sees_the_standards_that_apply_to_it(approver, caseworker):
    _set(approver)
    assert [s.amount for s in local_standard_list(actor=caseworker)] == [Decimal("880.00")]
