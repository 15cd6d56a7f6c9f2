"""Reading Excel exports back in tests (doudi/web/exports.py writes them): the first sheet of a
workbook, its rows of cell values, and dates as openpyxl reads them back."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any


def first_sheet(content: bytes) -> Any:
    """The first (active) sheet of the workbook ``content``."""
    from openpyxl import load_workbook

    return load_workbook(io.BytesIO(content)).active


def cell_rows(content: bytes, *, min_row: int = 1) -> list[list[object]]:
    """The cell values of the first sheet of ``content``, a list per row from ``min_row`` on."""
    return [[cell.value for cell in row] for row in first_sheet(content).iter_rows(min_row=min_row)]


def value_rows(content: bytes) -> list[tuple[object, ...]]:
    """The cell values of the first sheet of ``content``, a tuple per row."""
    return list(first_sheet(content).iter_rows(values_only=True))


def sheet_rows(response) -> list[list[object]]:  # type: ignore[no-untyped-def]
    """The cell values of the first sheet of an Excel download, row by row (headings first),
    once the response is checked to be one."""
    from doudi.web.exports import XLSX

    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    return cell_rows(response.content)


def excel(*parts: int) -> dt.datetime:
    """A date or time as openpyxl reads it back: without a zone (Excel has none)."""
    return dt.datetime(*parts)  # noqa: DTZ001
