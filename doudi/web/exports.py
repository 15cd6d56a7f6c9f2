"""Excel export of any list a page shows: the same rows, the same scope, one sheet.

Every list view that offers 导出Excel builds its rows with the selector it renders from and hands
them here with its columns; nothing is re-queried, so an export never shows more than the page's
region and filters allow."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from urllib.parse import quote

from django.http import HttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
YUAN_FORMAT = "#,##0.00"
DATE_FORMAT = "yyyy-mm-dd"
MAX_COLUMN_WIDTH = 48


@dataclass(frozen=True)
class Column:
    """One column: the row key it reads, its Chinese heading, and an optional Excel number format."""

    key: str
    heading: str
    number_format: str | None = None


def _cell_value(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, date | Decimal | int | float):
        return value
    if isinstance(value, list | tuple):
        return "、".join(str(v) for v in value)
    return str(value)


def xlsx_bytes(
    *, sheet_title: str, columns: Sequence[Column], rows: Iterable[dict[str, Any]]
) -> bytes:
    """A one-sheet workbook: a bold header row, then one row per dict (missing keys left empty)."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = sheet_title[:31]  # Excel's limit on sheet names
    sheet.append([column.heading for column in columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    widths = [len(column.heading) * 2 + 2 for column in columns]
    for row in rows:
        values = [_cell_value(row.get(column.key)) for column in columns]
        sheet.append(values)
        for index, value in enumerate(values):
            widths[index] = max(widths[index], min(MAX_COLUMN_WIDTH, len(str(value)) + 2))
    for index, column in enumerate(columns, start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = widths[index - 1]
        fmt = column.number_format
        if fmt is None:
            continue
        for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
            cell.number_format = fmt
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_response(
    *,
    filename: str,
    sheet_title: str,
    columns: Sequence[Column],
    rows: Iterable[dict[str, Any]],
) -> HttpResponse:
    """The workbook as a download; `filename` may be Chinese (RFC 5987 encoding)."""
    response = HttpResponse(
        xlsx_bytes(sheet_title=sheet_title, columns=columns, rows=rows), content_type=XLSX
    )
    ascii_name = filename.encode("ascii", "ignore").decode() or "export.xlsx"
    response["Content-Disposition"] = (
        f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"
    )
    return response


def wants_xlsx(request: Any) -> bool:
    """Lists offer their export as the same URL with `?format=xlsx`."""
    return request.GET.get("format") == "xlsx"
