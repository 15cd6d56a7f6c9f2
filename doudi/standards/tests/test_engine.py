from __future__ import annotations

import json
from datetime import date

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from doudi.core.exceptions import ApplicationError
from doudi.policy import parameters_in_force
from doudi.standards.engine import DatabaseStandards, evaluation_run
from doudi.standards.models import EvaluationRecord
from doudi.standards.services import local_standard_set
from doudi.testing.clients import api_headers

pytestmark = pytest.mark.django_db


def _situation(month: str = "2023-03", region: str = "350112", wage: str = "500.00") -> dict:
    return {
        "month": month,
        "region": region,
        "members": [
            {
                "id": "m1",
                "relation": "head",
                "birth_date": "1960-01-01",
                "counted": True,
                "labour_capacity": False,
                "incomes": [{"type": "pension", "monthly": wage}],
            }
        ],
        "assets": {
            "financial": "0.00",
            "vehicles": 0,
            "real_estate": 1,
            "business_registrations": 0,
        },
    }


def _dibao(record: EvaluationRecord) -> dict:
    return record.result["programmes"]["dibao"]


def test_a_database_standard_overrides_the_packaged_default_from_its_month(approver):
    # given: 长乐区 sets 1,000 yuan from 2023-03
    local_standard_set(
        actor=approver,
        parameter="dibao.standard",
        region_code="350112",
        amount="1000.00",
        effective_from=date(2023, 3, 1),
        document="长民〔2023〕1号（合成）",
        reason="调标",
    )

    # when
    before = evaluation_run(actor=None, situation=_situation("2023-02"), channel="test")
    after = evaluation_run(actor=None, situation=_situation("2023-03"), channel="test")

    # then: 1,000 − 500 = 500 from March; the packaged standard before it
    assert _dibao(after)["amount"] == "500.00"
    assert after.result["parameters"]["dibao.standard"] == "1000.00"
    assert _dibao(before)["amount"] == "380.00"  # the packaged 福州 880 (demo value) − 500
    assert before.result["parameters"]["dibao.standard"] == "880.00"


def test_pingtan_is_not_given_fuzhous_database_standard(city_officer):
    local_standard_set(
        actor=city_officer,
        parameter="dibao.standard",
        region_code="350100",
        amount="1000.00",
        effective_from=date(2023, 1, 1),
        document="榕民〔2023〕1号（合成）",
        reason="调标",
    )
    provider_pingtan = DatabaseStandards(region_code="350128")
    provider_gulou = DatabaseStandards(region_code="350102")
    assert provider_pingtan.lookup("dibao.standard", "350128", "2023-03") is None
    assert provider_pingtan.lookup("dibao.standard", "350100", "2023-03") is None
    assert provider_gulou.lookup("dibao.standard", "350102", "2023-03") == 1000


def test_every_evaluation_is_recorded_with_rule_version_parameters_and_facts(caseworker_user):
    record = evaluation_run(actor=caseworker_user, situation=_situation(), channel="api")
    stored = EvaluationRecord.objects.get(pk=record.pk)
    assert stored.actor == caseworker_user
    assert stored.situation == _situation()
    assert stored.rule_version == stored.result["rule_version"] != ""
    assert "dibao.standard" in stored.result["parameters"]
    with pytest.raises(PermissionError):
        stored.save()


def test_invalid_input_lists_every_problem_and_records_nothing():
    situation = _situation()
    situation["members"][0]["incomes"] = [{"type": "lottery", "monthly": "-5.00"}]
    situation["overrides"] = {"dibao.no_such_thing": "1"}
    with pytest.raises(ApplicationError) as error:
        evaluation_run(actor=None, situation=situation, channel="test")
    fields = [problem["field"] for problem in error.value.extra["problems"]]
    assert len(fields) >= 3
    assert any("incomes[0]" in field for field in fields)
    assert any("overrides" in field for field in fields)
    assert EvaluationRecord.objects.count() == 0


def test_the_api_evaluates_and_records(caseworker_user):
    headers = api_headers(caseworker_user, name="测试")
    response = Client().post(
        "/api/policy/evaluate",
        data=json.dumps(_situation()),
        content_type="application/json",
        **headers,
    )
    assert response.status_code == 200, response.content
    data = response.json()
    assert set(data["programmes"]) >= {"dibao", "tekun", "marginal_household"}
    assert EvaluationRecord.objects.get(pk=data["evaluation_id"]).channel == "api"


def test_the_api_refuses_bad_input_in_chinese(caseworker_user):
    headers = api_headers(caseworker_user, name="测试")
    response = Client().post(
        "/api/policy/evaluate",
        data=json.dumps({**_situation(), "month": "2023-13"}),
        content_type="application/json",
        **headers,
    )
    assert response.status_code == 400
    assert response.json()["field"] == "month"
    assert EvaluationRecord.objects.count() == 0


def test_the_command_prints_json_and_fails_with_every_problem(tmp_path, capsys):
    good = tmp_path / "good.json"
    good.write_text(json.dumps(_situation()), encoding="utf-8")
    call_command("policy", "evaluate", str(good))
    printed = json.loads(capsys.readouterr().out)
    assert printed["month"] == "2023-03"
    assert EvaluationRecord.objects.filter(channel="cli").count() == 1

    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({**_situation(), "month": "March"}), encoding="utf-8")
    with pytest.raises(CommandError) as error:
        call_command("policy", "evaluate", str(bad))
    assert str(error.value).startswith("month：")
    assert EvaluationRecord.objects.count() == 1


def test_the_county_standard_comes_from_the_database_else_the_packaged_rule(approver):
    from doudi.standards.engine import county_dibao_standards

    (packaged,) = county_dibao_standards(county_codes=["350112"], month=date(2023, 3, 1))
    assert (packaged.amount, packaged.source, packaged.is_demo) == (880, "规则库默认值", True)

    local_standard_set(
        actor=approver,
        parameter="dibao.standard",
        region_code="350112",
        amount="1000.00",
        effective_from=date(2023, 3, 1),
        document="长民〔2023〕1号（合成）",
        reason="调标",
    )
    (local,) = county_dibao_standards(county_codes=["350112"], month=date(2023, 3, 1))
    assert (local.amount, local.source, local.document, local.is_demo) == (
        1000,
        "地方录入（长乐区）",
        "长民〔2023〕1号（合成）",
        False,
    )


def _set_unified_900_and_rural_800(approver, effective_from: date) -> None:
    """长乐区 sets a unified standard of 900 and a rural one of 800."""
    for scope, amount in (("unified", "900.00"), ("rural", "800.00")):
        local_standard_set(
            actor=approver,
            parameter="dibao.standard",
            region_code="350112",
            amount=amount,
            effective_from=effective_from,
            document="长民〔2023〕2号（合成）",
            reason="调标",
            area_scope=scope,
        )


def test_a_rural_household_is_assessed_against_a_rural_standard_where_one_is_set(approver):
    _set_unified_900_and_rural_800(approver, date(2023, 1, 1))
    rural = evaluation_run(
        actor=None, situation={**_situation(), "area_type": "rural"}, channel="test"
    )
    urban = evaluation_run(
        actor=None, situation={**_situation(), "area_type": "urban"}, channel="test"
    )
    unified = evaluation_run(actor=None, situation=_situation(), channel="test")
    assert [_dibao(r)["amount"] for r in (rural, urban, unified)] == ["300.00", "400.00", "400.00"]


def test_an_unknown_area_type_is_refused():
    with pytest.raises(ApplicationError) as error:
        evaluation_run(
            actor=None, situation={**_situation(), "area_type": "suburban"}, channel="test"
        )
    assert error.value.field == "area_type"
    assert EvaluationRecord.objects.count() == 0


@pytest.mark.parametrize("area_type", ["", "rural", "urban"])
@pytest.mark.parametrize("month", ["2023-02", "2023-03"])
def test_the_parameters_in_force_with_the_database_standards_are_those_an_evaluation_records(
    approver, area_type, month
):
    # given: from 2023-03
    _set_unified_900_and_rural_800(approver, date(2023, 3, 1))
    record = evaluation_run(
        actor=None, situation={**_situation(month), "area_type": area_type}, channel="test"
    )

    # when
    in_force = parameters_in_force(
        "350112",
        month,
        area_type=area_type,
        local_standards=DatabaseStandards(region_code="350112", area_type=area_type),
    )

    # then
    assert {name: p.value for name, p in in_force.items()} == record.result["parameters"]
