"""The page and the type every document shares: A4, reportlab's built-in Chinese CID font, a
title block (issuer, number, date), a page footer "第 N 页 共 M 页" and signature lines.

``STSong-Light`` is one of the Adobe CID fonts every PDF reader knows (Adobe-GB1): the PDF names
it and carries no glyphs, so the server needs no font file and nothing is fetched. Text stays
text (it can be searched and extracted)."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from decimal import Decimal
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas as pdf_canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from doudi.core.money import format_yuan

FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))

BODY = ParagraphStyle("body", fontName=FONT, fontSize=11, leading=17, wordWrap="CJK")
SMALL = ParagraphStyle("small", parent=BODY, fontSize=9.5, leading=13)
TITLE = ParagraphStyle("title", parent=BODY, fontSize=18, leading=26, alignment=TA_CENTER)
META = ParagraphStyle("meta", parent=BODY, fontSize=10, leading=14, alignment=TA_RIGHT)
SECTION = ParagraphStyle("section", parent=BODY, fontSize=12.5, leading=20, spaceBefore=6)
CELL = ParagraphStyle("cell", parent=BODY, fontSize=9.5, leading=12.5)

BLANK = "________________"


def cn_date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def cn_month(day: dt.date) -> str:
    return f"{day.year}年{day.month}月"


def yuan(amount: Decimal) -> str:
    """2,107.00 元 (the platform's one display format)."""
    return format_yuan(amount)


def text(value: str, style: ParagraphStyle = BODY) -> Paragraph:
    """A paragraph of plain text (escaped: names and findings are data, not markup)."""
    return Paragraph(escape(value).replace("\n", "<br/>"), style)


def title_block(title: str, *, issuer: str, number: str, issued_on: dt.date) -> list[Any]:
    return [
        text(title, TITLE),
        Spacer(1, 2 * mm),
        text(f"编号：{number}", META),
        text(f"{issuer}　{cn_date(issued_on)}", META),
        Spacer(1, 4 * mm),
    ]


def section(heading: str) -> Paragraph:
    return text(heading, SECTION)


def table(header: Sequence[str], rows: Sequence[Sequence[str]], widths: Sequence[float]) -> Table:
    """A ruled table with a shaded header row; cells wrap."""
    data = [[text(cell, CELL) for cell in header]]
    data += [[text(cell, CELL) for cell in row] for row in rows]
    result = Table(data, colWidths=[w * mm for w in widths], repeatRows=1)
    result.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ]
        )
    )
    return result


def fields(pairs: Sequence[tuple[str, str]], *, label_width: float = 38) -> Table:
    """Label → value lines, ruled like a paper form."""
    result = Table(
        [[text(label, CELL), text(value, CELL)] for label, value in pairs],
        colWidths=[label_width * mm, (170 - label_width) * mm],
    )
    result.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#f5f5f5")),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ]
        )
    )
    return result


def signature_lines(labels: Sequence[str]) -> list[Any]:
    """One line per signer: "label：________  日期：____年__月__日"."""
    flowables: list[Any] = [Spacer(1, 6 * mm)]
    for label in labels:
        flowables.append(text(f"{label}（签字）：{BLANK}　　日期：______年____月____日", BODY))
        flowables.append(Spacer(1, 4 * mm))
    return flowables


class _NumberedCanvas(pdf_canvas.Canvas):
    """Draws "第 N 页 共 M 页" once the page count is known (pages are kept until save)."""

    def __init__(self, *args: Any, footer: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._pages: list[dict[str, Any]] = []
        self._footer = footer

    def showPage(self) -> None:  # noqa: N802 (reportlab's name)
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._pages)
        for page in self._pages:
            self.__dict__.update(page)
            self.setFont(FONT, 9)
            width, _ = A4
            self.drawCentredString(width / 2, 12 * mm, f"第 {self._pageNumber} 页 共 {total} 页")
            if self._footer:
                self.drawString(20 * mm, 12 * mm, self._footer)
            super().showPage()
        super().save()


def build(flowables: list[Any], *, title: str, footer: str = "") -> bytes:
    """The PDF bytes of ``flowables`` on A4 with 20 mm margins and numbered pages."""
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        topMargin=18 * mm,
        bottomMargin=22 * mm,
        title=title,
        author=footer or "兜底社会救助平台",
        creator="兜底社会救助平台",
    )

    def canvasmaker(*args: Any, **kwargs: Any) -> _NumberedCanvas:
        return _NumberedCanvas(*args, footer=footer, **kwargs)

    document.build(flowables, canvasmaker=canvasmaker)
    return buffer.getvalue()
