"""Paging of list pages: the page number from ``?page=``, a Django Paginator page, and what the
shared pager (web/_pager.html) needs to link to other pages with the list's filters kept."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.core.paginator import Page, Paginator
from django.http import HttpRequest

PAGE_SIZE = 50


def page_number(request: HttpRequest) -> int:
    """The requested page; anything but a positive whole number is the first page."""
    value = request.GET.get("page", "1")
    return int(value) if value.isdigit() and int(value) > 0 else 1


def page_get(request: HttpRequest, items: Any, *, per_page: int = PAGE_SIZE) -> Page:
    """The requested page of ``items`` (a queryset with a fixed order); past the last page, the
    last page."""
    return Paginator(items, per_page).get_page(page_number(request))


def filter_query(filters: dict[str, str]) -> str:
    """``filters`` as a query string, empty values included: an empty filter can mean "all"
    (not the page's default), so a page link must carry it."""
    return urlencode(filters)


def pager(page: Page, filters: dict[str, str]) -> dict[str, Any]:
    """The context of web/_pager.html: the page, the page numbers to link (long ranges elided
    with "…"), and the filters each link keeps."""
    return {
        "page": page,
        "page_range": list(
            page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)
        ),
        "ellipsis": Paginator.ELLIPSIS,
        "query": filter_query(filters),
    }
