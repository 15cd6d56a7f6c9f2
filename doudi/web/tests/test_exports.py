"""The generic Excel export: headings, values, formats and a Chinese file name."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

from openpyxl import load_workbook

from doudi.web.exports import YUAN_FORMAT, Column, xlsx_bytes, xlsx_response


def test_a_list_becomes_one_sheet_with_bold_headings_and_typed_cells():
    # given
    columns = [
        Column("name", "户主"),
        Column("amount", "月保障金额（元）", YUAN_FORMAT),
        Column("since", "起始月份"),
        Column("urgent", "逾期"),
        Column("programmes", "救助项目"),
    ]
    rows = [
        {
            "name": "林建国",
            "amount": Decimal("2107.00"),
            "since": date(2026, 12, 1),
            "urgent": True,
            "programmes": ["低保", "临时救助"],
        },
        {"name": "陈秀英", "amount": None, "since": None, "urgent": False},
    ]

    # when
    sheet = load_workbook(
        io.BytesIO(xlsx_bytes(sheet_title="待办", columns=columns, rows=rows))
    ).active

    # then
    assert sheet.title == "待办"
    assert [c.value for c in sheet[1]] == [
        "户主",
        "月保障金额（元）",
        "起始月份",
        "逾期",
        "救助项目",
    ]
    assert sheet[1][0].font.bold is True
    assert sheet["A2"].value == "林建国"
    assert sheet["B2"].value == 2107
    assert sheet["B2"].number_format == YUAN_FORMAT
    assert sheet["C2"].value.date() == date(2026, 12, 1)
    assert sheet["D2"].value == "是"
    assert sheet["E2"].value == "低保、临时救助"
    assert [c.value for c in sheet[3]] == ["陈秀英", None, None, "否", None]
    assert sheet.max_row == 3


def test_the_download_carries_the_chinese_file_name():
    response = xlsx_response(
        filename="申请待办.xlsx", sheet_title="待办", columns=[Column("a", "甲")], rows=[]
    )
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert (
        "filename*=UTF-8''%E7%94%B3%E8%AF%B7%E5%BE%85%E5%8A%9E.xlsx"
        in response["Content-Disposition"]
    )
