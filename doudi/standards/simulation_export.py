"""A simulation report as an Excel workbook (openpyxl, no Django): by county and programme, each
county's standard against its minimum wage, and a sheet saying what was simulated and how."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from doudi.policy import CountyStandard, ProgrammeChange, SimulationReport, yuan

YUAN_FORMAT = "#,##0.00"
PERCENT_FORMAT = "0.00%"
COUNT_FORMAT = "#,##0"
SHARE_PLACES = Decimal("0.000001")
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="F8D7DA")
TOTAL_FONT = Font(bold=True)

CHANGE_HEADERS = (
    ("县（市、区）代码", None),
    ("县（市、区）", None),
    ("救助项目", None),
    ("覆盖户数（调整前）", COUNT_FORMAT),
    ("覆盖户数（调整后）", COUNT_FORMAT),
    ("覆盖人数（调整前）", COUNT_FORMAT),
    ("覆盖人数（调整后）", COUNT_FORMAT),
    ("新进入户数", COUNT_FORMAT),
    ("退出户数", COUNT_FORMAT),
    ("金额增加户数", COUNT_FORMAT),
    ("金额减少户数", COUNT_FORMAT),
    ("月支出（调整前，元）", YUAN_FORMAT),
    ("月支出（调整后，元）", YUAN_FORMAT),
    ("月支出变化（元）", YUAN_FORMAT),
)
STANDARD_HEADERS = (
    ("县（市、区）代码", None),
    ("县（市、区）", None),
    ("最低工资档次", None),
    ("月最低工资标准（元）", YUAN_FORMAT),
    ("低保标准（调整前，元/人·月）", YUAN_FORMAT),
    ("低保标准（调整后，元/人·月）", YUAN_FORMAT),
    ("占最低工资比例（调整前）", PERCENT_FORMAT),
    ("占最低工资比例（调整后）", PERCENT_FORMAT),
    ("达到目标比例（调整前）", None),
    ("达到目标比例（调整后）", None),
    ("在42%–48%区间（调整后）", None),
    ("不低于省定最低标准（调整后）", None),
    ("现行标准来源", None),
    ("人数（加权用）", COUNT_FORMAT),
)


def report_to_xlsx(report: SimulationReport) -> bytes:
    """The report as .xlsx bytes: sheets 按县汇总, 标准与最低工资, 说明."""
    workbook = Workbook()
    by_county = workbook.active
    by_county.title = "按县汇总"
    _table(
        by_county,
        CHANGE_HEADERS,
        [_change_row(row) for row in report.rows],
        [_change_row(row) for row in report.programme_totals()],
    )
    standards = workbook.create_sheet("标准与最低工资")
    _table(
        standards,
        STANDARD_HEADERS,
        [_standard_row(standard) for standard in report.standards],
        _average_rows(report),
    )
    _notes(workbook.create_sheet("说明"), report)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _table(
    sheet: Worksheet,
    headers: Sequence[tuple[str, str | None]],
    rows: Iterable[Sequence[Any]],
    totals: Iterable[Sequence[Any]],
) -> None:
    sheet.append([title for title, _ in headers])
    for cell in sheet[1]:
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    for row in rows:
        sheet.append(list(row))
    for row in totals:
        sheet.append(list(row))
        for cell in sheet[sheet.max_row]:
            cell.font = TOTAL_FONT
    for index, (title, number_format) in enumerate(headers, start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = max(10, min(2 * len(title) + 2, 30))
        if number_format:
            for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                cell.number_format = number_format
    sheet.freeze_panes = "D2"


def _change_row(row: ProgrammeChange) -> list[Any]:
    return [
        row.county or None,
        row.county_name,
        row.programme_label,
        row.households_before,
        row.households_after,
        row.persons_before,
        row.persons_after,
        row.entrants,
        row.leavers,
        row.increased,
        row.decreased,
        row.cost_before,
        row.cost_after,
        row.cost_difference,
    ]


def _yes(value: bool | None) -> str:
    return "—" if value is None else ("是" if value else "否")


def _share(value: Decimal | None) -> Decimal | None:
    return None if value is None else value.quantize(SHARE_PLACES, rounding=ROUND_HALF_UP)


def _standard_row(standard: CountyStandard) -> list[Any]:
    return [
        standard.county,
        standard.county_name,
        f"第{standard.tier}档" + ("（演示值）" if standard.tier_is_demo else ""),
        standard.minimum_wage,
        standard.standard_before,
        standard.standard_after,
        _share(standard.share_before),
        _share(standard.share_after),
        _yes(standard.meets_target_before),
        _yes(standard.meets_target_after),
        _yes(standard.within_band_after),
        _yes(standard.meets_floor_after),
        standard.standard_source,
        standard.persons,
    ]


def _average_rows(report: SimulationReport) -> list[list[Any]]:
    rows = []
    for weighted, label in ((False, "各县算术平均"), (True, "按人数加权平均")):
        before = report.average_share(after=False, weighted=weighted)
        after = report.average_share(after=True, weighted=weighted)
        rows.append(
            [None, label, None, None, None, None, _share(before), _share(after)]
            + [
                _yes(report.meets_target(after=False, weighted=weighted)),
                _yes(report.meets_target(after=True, weighted=weighted)),
            ]
        )
    return rows


def _notes(sheet: Worksheet, report: SimulationReport) -> None:
    floor = report.floor_after_fen
    lines: list[tuple[str, Any]] = [
        ("方案", report.proposal_description),
        ("测算月份", report.month),
        ("规则版本", report.rule_version),
        ("人口数据", report.source or "（内存数据）"),
        ("户数", report.household_count),
        ("人数（测算月份在世且已出生）", report.person_count),
        ("目标比例", report.target_share),
        (
            "目标比例说明",
            "默认 44% 为需求方（种子）提出的省级目标，未见正式文件核实（POLICY.md §8.3）",
        ),
        ("政策区间", "各地按最低工资标准的 42%–48% 确定城乡低保标准（2021 年调整方案 [V3]）"),
        ("省定低保最低标准（元/人·年）", "—" if floor is None else yuan(floor)),
        ("平均比例口径", "算术平均：各县权重相同；加权平均：按各县在人口数据中的人数加权"),
        (
            "统计口径",
            "新进入：调整后享受、调整前不享受的户；退出：反之；金额增加/减少：前后均享受且月金额变化的户。"
            "金额为月度，元，精确到分；合计为各县之和。临时救助为一次性救助，未纳入。",
        ),
        (
            "数据局限",
            "合成人口不含特困供养条件（义务人无履行能力）、护理等级、孤儿、刚性支出和渐退期信息，"
            "相关项目的结果为零或偏低；详见 docs/policy.md“Simulation”。",
        ),
        ("演示值提示", report.demo_warning),
    ]
    overrides = getattr(report.proposal, "overrides", {}) or {}
    lines += [(f"参数调整：{name}", str(value)) for name, value in overrides.items()]
    sheet.append(["项目", "内容"])
    for cell in sheet[1]:
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
    for label, value in lines:
        sheet.append([label, value])
        sheet.cell(row=sheet.max_row, column=2).alignment = Alignment(wrap_text=True)
    for row in sheet.iter_rows(min_row=2):
        if row[0].value == "目标比例":
            row[1].number_format = PERCENT_FORMAT
        elif row[0].value in {"户数", "人数（测算月份在世且已出生）"}:
            row[1].number_format = COUNT_FORMAT
        elif row[0].value == "省定低保最低标准（元/人·年）":
            row[1].number_format = YUAN_FORMAT
    sheet.column_dimensions["A"].width = 30
    sheet.column_dimensions["B"].width = 100
