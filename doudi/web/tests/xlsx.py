"""Reading the Excel exports back in tests (doudi/web/exports.py writes them)."""

from __future__ import annotations

import datetime as dt
import io

from openpyxl import load_workbook

from doudi.web.exports import XLSX


def sheet_rows(response) -> list[list[object]]:  # type: ignore[no-untyped-def]
    """The cell values of the workbook's first sheet, row by row (headings first)."""
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    sheet = load_workbook(io.BytesIO(response.content)).active
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


def excel(*parts: int) -> dt.datetime:
    """A date or time as openpyxl reads it back: without a zone (Excel has none)."""
    return dt.datetime(*parts)  # noqa: DTZ001
