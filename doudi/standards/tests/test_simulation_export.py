"""The simulation report as an Excel workbook (doudi.standards.simulation_export)."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from doudi.policy import Proposal, simulate
from doudi.policy.tests.test_simulation import five_households
from doudi.standards.simulation_export import report_to_xlsx


def _workbook():
    proposal = Proposal(
        starts="2023-01",
        dibao_standard={"350102": "1000.00"},
        overrides={"dibao.employment_cost_rate": "0.25"},
    )
    report = simulate(five_households(), month="2023-01", proposal=proposal)
    return load_workbook(io.BytesIO(report_to_xlsx(report)))


def test_it_has_the_three_sheets_with_chinese_headers():
    workbook = _workbook()
    assert workbook.sheetnames == ["按县汇总", "标准与最低工资", "说明"]
    headers = [cell.value for cell in workbook["按县汇总"][1]]
    assert headers[:4] == ["县（市、区）代码", "县（市、区）", "救助项目", "覆盖户数（调整前）"]
    assert headers[-3:] == ["月支出（调整前，元）", "月支出（调整后，元）", "月支出变化（元）"]


def test_the_county_sheet_holds_exact_counts_and_yuan_with_formats():
    # given
    sheet = _workbook()["按县汇总"]

    # when
    rows = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=2)]

    # then: 7 programmes × 2 counties, then one total per programme
    assert len(rows) == 7 * 2 + 7
    assert rows[0] == [
        "350102",
        "鼓楼区",
        "最低生活保障（低保）",
        3,
        4,
        3,
        4,
        1,
        0,
        3,
        0,
        1170,
        1630,
        460,
    ]
    assert rows[7] == [
        "350203",
        "思明区",
        "最低生活保障（低保）",
        1,
        1,
        1,
        1,
        0,
        0,
        0,
        0,
        890,
        890,
        0,
    ]
    assert rows[14] == [
        None,
        "合计",
        "最低生活保障（低保）",
        4,
        5,
        4,
        5,
        1,
        0,
        3,
        0,
        2060,
        2520,
        460,
    ]
    assert rows[2][:3] == ["350102", "鼓楼区", "低保边缘家庭"]
    assert rows[2][3:11] == [1, 0, 1, 0, 0, 1, 0, 0]
    assert sheet["L2"].number_format == "#,##0.00"
    assert sheet["D2"].number_format == "#,##0"
    assert sheet["A16"].font.bold


def test_the_standards_sheet_holds_shares_as_percentages_and_both_averages():
    sheet = _workbook()["标准与最低工资"]
    rows = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=2)]
    assert rows[0] == [
        "350102",
        "鼓楼区",
        "第2档",
        1960,
        880,
        1000,
        0.44898,
        0.510204,
        "是",
        "是",
        "否",
        "是",
        "福州市，2022-01-01 起，演示值",
        5,
    ]
    assert rows[1][:8] == ["350203", "思明区", "第1档", 2030, 890, 890, 0.438424, 0.438424]
    assert rows[2][:10] == [
        None,
        "各县算术平均",
        None,
        None,
        None,
        None,
        0.443702,
        0.474314,
        "是",
        "是",
    ]
    assert rows[3][:10] == [
        None,
        "按人数加权平均",
        None,
        None,
        None,
        None,
        0.447220,
        0.498241,
        "是",
        "是",
    ]
    assert sheet["G2"].number_format == "0.00%"
    assert sheet["D2"].number_format == "#,##0.00"


def test_the_notes_sheet_says_what_was_simulated_and_warns_about_demo_values():
    sheet = _workbook()["说明"]
    notes = {row[0].value: row[1].value for row in sheet.iter_rows(min_row=2)}
    assert notes["方案"] == (
        "自 2023-01 起，低保标准调整为：350102 1000.00 元；dibao.employment_cost_rate = 0.25"
    )
    assert notes["测算月份"] == "2023-01"
    assert notes["规则版本"].startswith("0.")
    assert notes["户数"] == 6
    assert notes["人数（测算月份在世且已出生）"] == 6
    assert notes["目标比例"] == 0.44
    assert notes["省定低保最低标准（元/人·年）"] == 4750
    assert notes["参数调整：dibao.employment_cost_rate"] == "0.25"
    assert "演示值" in notes["演示值提示"]
    assert "不能作为决策依据" in notes["演示值提示"]
