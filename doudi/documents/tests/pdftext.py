"""Reading a rendered PDF back in tests: its text (the CID font's text extracts with pypdf) and
its pages."""

from __future__ import annotations

import io
import re

from pypdf import PdfReader

FULL_ID_NUMBER = re.compile(r"\d{17}[\dX]")


def pdf_pages(data: bytes) -> list[str]:
    """The text of each page, whitespace collapsed (table cells may wrap)."""
    reader = PdfReader(io.BytesIO(data))
    return [re.sub(r"\s+", "", page.extract_text()) for page in reader.pages]


def pdf_text(data: bytes) -> str:
    return "".join(pdf_pages(data))


def page_size(data: bytes) -> tuple[float, float]:
    box = PdfReader(io.BytesIO(data)).pages[0].mediabox
    return round(float(box.width), 2), round(float(box.height), 2)
