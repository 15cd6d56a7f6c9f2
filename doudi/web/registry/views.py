"""Staff pages of the registry: household search (with its Excel export), the household page
and revealing a member's full ID number (audited)."""

from __future__ import annotations

import dataclasses
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from doudi.accounts.permissions import Permission
from doudi.accounts.scoping import Actor
from doudi.core.exceptions import ApplicationError, PermissionDenied
from doudi.documents.services import document_download_record
from doudi.registry import selectors, services
from doudi.web.exports import Column, wants_xlsx, xlsx_response
from doudi.web.permissions import staff_required


@staff_required
def household_search(request: HttpRequest, actor: Actor) -> HttpResponse:
    actor.require(Permission.REGISTRY_VIEW)
    query = {key: request.GET.get(key, "").strip() for key in ("id_number", "name", "region_code")}
    results = None
    error = None
    page = (
        max(int(request.GET.get("page", "1") or 1), 1)
        if request.GET.get("page", "1").isdigit()
        else 1
    )
    if any(query.values()) or wants_xlsx(request):
        try:
            results = selectors.household_search(
                actor=actor, **query, limit=20, offset=(page - 1) * 20
            )
        except ApplicationError as exc:
            error = exc
    if wants_xlsx(request):
        return _household_search_xlsx(actor, query=query, page=page, results=results, error=error)
    return render(
        request,
        "web/household_search.html",
        {"query": query, "results": results, "error": error, "page": page},
    )


HOUSEHOLD_COLUMNS = [
    Column("head_name", "户主"),
    Column("head_id_number_masked", "身份证号码（脱敏）"),
    Column("address", "地址"),
    Column("village_code", "村（社区）代码"),
    Column("member_count", "成员"),
    Column("counted_count", "计入共同生活家庭成员"),
]


def _household_search_xlsx(
    actor: Actor,
    *,
    query: dict[str, str],
    page: int,
    results: list[Any] | None,
    error: ApplicationError | None,
) -> HttpResponse:
    """The page's own rows (same query, same page of 20) as a workbook; the download is
    audited because it lists names."""
    if error is not None or results is None:
        message = error.message if error is not None else "请至少填写身份证号码、姓名或区划代码之一"
        return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
    rows = [dataclasses.asdict(row) for row in results]
    document_download_record(
        actor=actor,
        kind="household_search.xlsx",
        object_type="registry.household",
        region_code=actor.region_code,
        parameters={
            "query": {k: ("已填写" if k == "id_number" and v else v) for k, v in query.items()},
            "page": page,
            "rows": len(rows),
        },
    )
    return xlsx_response(
        filename="家庭查询结果.xlsx", sheet_title="家庭查询", columns=HOUSEHOLD_COLUMNS, rows=rows
    )


@staff_required
def household_detail(request: HttpRequest, actor: Actor, public_id: str) -> HttpResponse:
    household = selectors.household_get(actor=actor, public_id=public_id)
    members = selectors.household_members(actor=actor, household=household, include_inactive=True)
    history = selectors.household_history(actor=actor, household=household)
    return render(
        request,
        "web/household_detail.html",
        {
            "household": household,
            "members": [(m, selectors.person_age(m.person)) for m in members],
            "history": history,
            "revealed": request.session.pop("revealed_id", None),
            "can_reveal": actor.can(Permission.REGISTRY_REVEAL_ID),
        },
    )


@require_POST
@staff_required
def person_reveal_id(request: HttpRequest, actor: Actor, public_id: str) -> HttpResponse:
    person = selectors.person_get(actor=actor, public_id=public_id)
    household_id = request.POST.get("household", "")
    try:
        number = services.person_id_number_reveal(
            actor=actor, person=person, purpose=request.POST.get("purpose", "")
        )
    except ApplicationError as error:
        if isinstance(error, PermissionDenied):
            raise
        messages.error(request, error.message)
    else:
        request.session["revealed_id"] = {"person": str(person.public_id), "id_number": number}
    if household_id:
        return redirect("web:household_detail", public_id=household_id)
    return redirect("web:household_search")
