"""`doudi simulate`: the command line over a population snapshot."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import load_workbook

from doudi.policy import DibaoStandardRule, Proposal, percent, read_population, simulate
from doudi.policy.tests.test_population import write_snapshot
from doudi.policy.tests.test_simulation import WAGES_YUAN

pytestmark = pytest.mark.django_db  # the baseline reads the standards held in the platform


@pytest.fixture(scope="module")
def snapshot(tmp_path_factory):
    out = tmp_path_factory.mktemp("synth") / "fuzhou-xiamen"
    call_command(
        "synth", counties="350112,350203", persons=2_000, seed=7, out=str(out), verbosity=0
    )
    return out


@pytest.fixture
def five(tmp_path):
    households = [{"household_id": i + 1, "county_code": "350102"} for i in range(5)]
    persons = [
        {"household_id": i + 1, "wage_monthly_fen": wage * 100, "wage_stable": True}
        for i, wage in enumerate(WAGES_YUAN)
    ]
    return write_snapshot(tmp_path / "five", households, persons)


def _run(*args: str) -> str:
    out = io.StringIO()
    call_command("simulate", *args, stdout=out, verbosity=0)
    return out.getvalue()


def test_it_prints_each_county_and_the_averages(snapshot):
    # given: the same simulation run directly
    expected = simulate(
        read_population(snapshot),
        month="2023-01",
        proposal=Proposal("2023-01", DibaoStandardRule(share="0.44")),
    )
    changle = next(s for s in expected.standards if s.county == "350112")
    dibao = next(r for r in expected.rows if r.county == "350112" and r.programme == "dibao")

    # when
    output = _run(
        "--population", str(snapshot), "--month", "2023-01", "--minimum-wage-share", "0.44"
    )

    # then
    line = next(line for line in output.splitlines() if line.startswith("350112 长乐区"))
    assert "880.00 → 860.00" in line
    assert "44.90% → 43.88%" in line
    assert "是/否" in line
    assert line.split()[-5:-3] == [str(dibao.entrants), str(dibao.leavers)]
    assert changle.standard_after_fen == 86_000
    mean = expected.average_share(after=True, weighted=False)
    weighted = expected.average_share(after=True, weighted=True)
    assert (
        f"各县算术平均：{percent(expected.average_share(after=False, weighted=False))} → {percent(mean)}"
        in output
    )
    weighted_before = percent(expected.average_share(after=False, weighted=True))
    assert f"按人数加权平均：{weighted_before} → {percent(weighted)}" in output
    assert "演示值" in output


def test_it_writes_json_and_excel_for_explicit_standards(five, tmp_path):
    # given
    standards = tmp_path / "proposal.json"
    standards.write_text(json.dumps({"350102": "1000.00"}), encoding="utf-8")
    excel = tmp_path / "out.xlsx"

    # when
    output = _run(
        "--population",
        str(five),
        "--month",
        "2023-01",
        "--standards",
        str(standards),
        "--excel",
        str(excel),
        "--json",
    )

    # then
    data = json.loads(output)
    dibao = data["programme_totals"][0]
    assert (dibao["entrants"], dibao["leavers"], dibao["increased"]) == (1, 0, 3)
    assert (dibao["cost_before"], dibao["cost_after"]) == ("1170.00", "1630.00")
    assert data["standards"][0]["standard_after"] == "1000.00"
    assert set(data["timings_seconds"]) == {"read", "baseline", "proposal", "aggregate"}
    workbook = load_workbook(excel)
    assert workbook["按县汇总"]["H2"].value == 1


def test_overrides_change_the_proposal_only(five):
    output = _run(
        "--population",
        str(five),
        "--month",
        "2023-01",
        "--override",
        "dibao.employment_cost_rate=0.30",
        "--json",
    )
    dibao = json.loads(output)["programme_totals"][0]
    assert (dibao["cost_before"], dibao["cost_after"]) == ("1170.00", "1308.00")


def test_bad_input_lists_every_problem_in_chinese(five, tmp_path):
    with pytest.raises(CommandError) as error:
        _run(
            "--population",
            str(five),
            "--month",
            "2023-13",
            "--minimum-wage-share",
            "abc",
            "--standards",
            str(tmp_path / "missing.json"),
            "--override",
            "nonsense",
        )
    assert str(error.value).splitlines() == [
        "参数有误：",
        "--month 应为 YYYY-MM：2023-13",
        "--minimum-wage-share 与 --standards 只能选一个",
        "--minimum-wage-share 应为小数，如 0.44：abc",
        "--override 应写成 名称=值，如 dibao.employment_cost_rate=0.30：nonsense",
    ]


def test_proposal_problems_are_listed_too(five):
    with pytest.raises(CommandError) as error:
        _run(
            "--population",
            str(five),
            "--month",
            "2023-01",
            "--minimum-wage-share",
            "1.5",
            "--counties",
            "350100",
            "--override",
            "dibao.foo=1",
        )
    assert str(error.value).splitlines() == [
        "参数有误：",
        "最低工资标准比例应大于 0 且不超过 1：1.5",
        "'350100' 不是福建省县级行政区划代码",
        "未知的参数名 'dibao.foo'（可用参数见 docs/policy.md）",
    ]


def test_a_missing_population_or_a_county_outside_it_is_a_chinese_error(five, tmp_path):
    with pytest.raises(CommandError) as missing:
        _run("--population", str(tmp_path / "nowhere"), "--month", "2023-01")
    with pytest.raises(CommandError) as outside:
        _run(
            "--population",
            str(five),
            "--month",
            "2023-01",
            "--minimum-wage-share",
            "0.44",
            "--counties",
            "350203",
        )
    assert str(missing.value).splitlines()[:2] == [
        "无法测算：",
        f"缺少文件 {tmp_path / 'nowhere' / 'households.parquet'}",
    ]
    assert str(outside.value).splitlines() == [
        "无法测算：",
        "以下县不在所选人口数据（或辖区）中：350203",
    ]


def test_a_standard_set_in_the_platform_is_the_baseline(five, city_officer):
    from datetime import date

    from doudi.standards.services import local_standard_set

    # given: 福州市 records 1,000 yuan from 2023-01 (the packaged default is 880)
    local_standard_set(
        actor=city_officer,
        parameter="dibao.standard",
        region_code="350100",
        amount="1000.00",
        effective_from=date(2023, 1, 1),
        document="榕民〔2023〕1号（合成）",
        reason="调标",
    )

    # when: 鼓楼区 (in 福州市) is simulated at 1,100 yuan
    data = json.loads(
        _run(
            "--population",
            str(five),
            "--month",
            "2023-01",
            "--standards",
            _standards_file(five),
            "--json",
        )
    )

    # then: the baseline is the platform's 1,000 yuan, not the packaged 880
    (gulou,) = [row for row in data["standards"] if row["county"] == "350102"]
    assert (gulou["standard_before"], gulou["standard_after"]) == ("1000.00", "1100.00")


def _standards_file(directory) -> str:  # type: ignore[no-untyped-def]
    path = directory / "proposal.json"
    path.write_text(json.dumps({"350102": "1100.00"}), encoding="utf-8")
    return str(path)
