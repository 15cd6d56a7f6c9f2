"""政策模拟测算 page and its Excel export."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from doudi.policy.tests.test_population import write_snapshot
from doudi.policy.tests.test_simulation import WAGES_YUAN
from doudi.testing.clients import logged_in

pytestmark = pytest.mark.django_db

QUERY = "population=fuzhou&month=2023-01&share=44&rounding=10&rounding_mode=nearest"


@pytest.fixture
def data_dir(settings, tmp_path):
    """鼓楼区's five households (see test_simulation) and one household of 长乐区 in DATA_DIR."""
    settings.DATA_DIR = tmp_path
    households = [{"household_id": i + 1, "county_code": "350102"} for i in range(5)]
    households.append({"household_id": 6, "county_code": "350112", "village_code": "350112001001"})
    persons = [
        {"household_id": i + 1, "wage_monthly_fen": wage * 100, "wage_stable": True}
        for i, wage in enumerate(WAGES_YUAN)
    ]
    persons.append({"household_id": 6})
    write_snapshot(tmp_path / "fuzhou", households, persons)
    (tmp_path / "not-a-snapshot").mkdir()
    return tmp_path


def test_the_analyst_sees_exact_entrants_and_leavers_by_county(analyst_user, data_dir):
    # when: 44 % of 1,960 = 862.40 → 860 for every county of 福州市
    response = logged_in(analyst_user).get(f"/simulation/?{QUERY}")

    # then: in 鼓楼区 the 870-yuan household leaves; 长乐区's household without income stays
    assert response.status_code == 200
    report = response.context["report"]
    assert [s.county for s in report.standards] == ["350102", "350112"]
    gulou = response.context["counties"][0]
    assert (gulou["dibao"].entrants, gulou["dibao"].leavers) == (0, 1)
    page = response.content.decode()
    row = page.split('data-county="350102"')[1].split("</tr>")[0]
    assert '<td class="text-end" data-testid="entrants">0</td>' in row
    assert '<td class="text-end" data-testid="leavers">1</td>' in row
    assert "880.00 → <strong>860.00</strong>" in row
    assert "44.90% → 43.88%" in row
    assert "1,170.00 → 1,120.00" in row
    assert "演示值" in page
    assert 'id="simulation-chart"' in page
    assert "vendor/echarts.min.js" in page
    assert f'href="/simulation/export.xlsx?{QUERY.replace("&", "&amp;")}"' in page


def test_raising_the_share_makes_entrants(analyst_user, data_dir):
    # when: 51 % of 1,960 = 999.60 → 1,000 yuan
    response = logged_in(analyst_user).get(f"/simulation/?{QUERY.replace('share=44', 'share=51')}")

    # then
    gulou = response.context["counties"][0]
    assert gulou["standard"].standard_after_fen == 100_000
    assert (gulou["dibao"].entrants, gulou["dibao"].leavers, gulou["dibao"].increased) == (1, 0, 3)
    assert (gulou["dibao"].cost_before_fen, gulou["dibao"].cost_after_fen) == (117_000, 163_000)


def test_the_county_officer_simulates_only_their_county(approver_user, data_dir):
    response = logged_in(approver_user).get(f"/simulation/?{QUERY}")
    report = response.context["report"]
    assert [s.county for s in report.standards] == ["350112"]
    assert report.household_count == 1


def test_a_county_outside_the_region_is_refused(approver_user, data_dir):
    response = logged_in(approver_user).get(f"/simulation/?{QUERY}&counties=350102")
    assert response.context["errors"] == ["以下县不在所选人口数据（或辖区）中：350102"]
    assert "以下县不在所选人口数据（或辖区）中：350102" in response.content.decode()


def test_the_export_is_an_xlsx_workbook(analyst_user, data_dir):
    # when
    response = logged_in(analyst_user).get(f"/simulation/export.xlsx?{QUERY}")

    # then
    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert response["Content-Disposition"] == 'attachment; filename="simulation-2023-01.xlsx"'
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["按县汇总", "标准与最低工资", "说明"]
    first = [cell.value for cell in workbook["按县汇总"][2]]
    assert first == [
        "350102",
        "鼓楼区",
        "最低生活保障（低保）",
        3,
        2,
        3,
        2,
        0,
        1,
        0,
        2,
        1170,
        1120,
        -50,
    ]


def test_a_caseworker_may_not_simulate(caseworker_user, data_dir):
    client = logged_in(caseworker_user)
    page = client.get(f"/simulation/?{QUERY}")
    export = client.get(f"/simulation/export.xlsx?{QUERY}")
    assert (page.status_code, export.status_code) == (403, 403)
    assert "无权限：政策模拟测算" in page.content.decode()
    assert 'data-testid="nav-simulation"' not in client.get("/").content.decode()


def test_the_nav_link_shows_for_those_who_can_simulate(analyst_user, approver_user, data_dir):
    for user in (analyst_user, approver_user):
        assert 'data-testid="nav-simulation"' in logged_in(user).get("/").content.decode()


def test_bad_form_input_shows_every_problem_in_chinese(analyst_user, data_dir):
    # when
    response = logged_in(analyst_user).get(
        "/simulation/?population=../etc&month=2023-13&share=abc&rounding=-1&rounding_mode=sideways"
    )

    # then
    assert response.status_code == 200
    assert response.context["errors"] == [
        "人口数据“../etc”不存在，请从列表中选择",
        "测算月份应为 YYYY-MM：2023-13",
        "占最低工资比例应为百分数，如 44：abc",
        "取整单位应为不小于 0 的整数（元）：-1",
        "取整方式应为 四舍五入、向上取整、向下取整 之一",
    ]
    assert 'data-testid="simulation-errors"' in response.content.decode()
    assert response.context["report"] is None


def test_proposal_problems_are_shown_too(analyst_user, data_dir):
    response = logged_in(analyst_user).get(
        f"/simulation/?{QUERY.replace('share=44', 'share=150')}&counties=3501"
    )
    assert response.context["errors"] == [
        "最低工资标准比例应大于 0 且不超过 1：1.5",
        "'3501' 不是福建省县级行政区划代码",
    ]


def test_an_export_without_a_valid_proposal_is_a_bad_request(analyst_user, data_dir):
    response = logged_in(analyst_user).get("/simulation/export.xlsx?population=fuzhou&month=x")
    assert response.status_code == 400
    assert "测算月份应为 YYYY-MM：x" in response.content.decode()


def test_the_form_lists_only_snapshot_directories(analyst_user, data_dir):
    response = logged_in(analyst_user).get("/simulation/")
    assert response.status_code == 200
    assert response.context["snapshots"] == ["fuzhou"]
    assert response.context["report"] is None
    assert response.context["form"]["share"] == "44"
