"""Staff pages: parse the request, call one selector or service, render."""

from __future__ import annotations

import dataclasses
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseForbidden,
)
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from doudi.accounts.models import Role
from doudi.accounts.permissions import Permission
from doudi.accounts.scoping import Actor, actor_for_user
from doudi.core.calendar import deadline_list_open, working_days_between
from doudi.core.exceptions import ApplicationError, NotFound, PermissionDenied
from doudi.documents.services import document_download_record
from doudi.registry import selectors, services
from doudi.web.deadline_links import deadline_rows, visible_object_types
from doudi.web.exports import Column, wants_xlsx, xlsx_response


def staff_required(view: Any) -> Any:
    """Logged in and holding a staff profile; passes the Actor to the view."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        actor = actor_for_user(request.user)
        if actor is None:
            return HttpResponseForbidden("该账号未配置工作人员信息，请联系系统管理员")
        try:
            return view(request, actor, *args, **kwargs)
        except NotFound as error:
            raise Http404(error.message) from error
        except PermissionDenied as error:
            return render(request, "web/forbidden.html", {"message": error.message}, status=403)

    return wrapper


@staff_required
def dashboard(request: HttpRequest, actor: Actor) -> HttpResponse:
    statistics = selectors.region_statistics(actor=actor)
    role_labels = [Role(role).label for role in actor.roles]
    today = timezone.localdate()
    open_deadlines = deadline_list_open(
        region_prefix=actor.region_prefix(), object_types=visible_object_types(actor)
    )
    deadlines = [
        (
            row,
            working_days_between(today, row.deadline.due_date).days
            if row.deadline.due_date > today
            else 0,
        )
        for row in deadline_rows(actor, open_deadlines)
    ]
    return render(
        request,
        "web/dashboard.html",
        {
            "statistics": statistics,
            "role_labels": role_labels,
            "deadlines": deadlines,
            "today": today,
        },
    )


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
    with transaction.atomic():
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


@require_http_methods(["GET"])
def healthz(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


@require_http_methods(["GET", "POST"])
@staff_required
def standards(request: HttpRequest, actor: Actor) -> HttpResponse:
    from datetime import date

    from doudi.standards.models import AreaScope, LocalParameter
    from doudi.standards.selectors import local_standard_list
    from doudi.standards.services import local_standard_set

    form = {
        key: request.POST.get(key, "").strip()
        for key in ("region_code", "amount", "effective_from", "document", "reason", "area_scope")
    }
    if request.method == "POST":
        try:
            start = date.fromisoformat(form["effective_from"])
        except ValueError:
            messages.error(request, "起始日期格式不正确，应为 YYYY-MM-DD")
        else:
            try:
                local_standard_set(
                    actor=actor,
                    parameter=LocalParameter.DIBAO_STANDARD,
                    region_code=form["region_code"],
                    amount=form["amount"],
                    effective_from=start,
                    document=form["document"],
                    reason=form["reason"],
                    area_scope=form["area_scope"] or AreaScope.UNIFIED,
                    is_demo=request.POST.get("is_demo") == "on",
                )
            except PermissionDenied:
                raise
            except ApplicationError as error:
                messages.error(request, error.message)
            else:
                messages.success(request, "已新增一期标准")
                return redirect("web:standards")
    from doudi.core.models import Division, DivisionLevel
    from doudi.standards.engine import county_dibao_standards

    this_month = timezone.localdate().replace(day=1)
    home = Division.objects.get(code=actor.region_code)
    counties = (
        [home.county_code]
        if home.county_code
        else list(
            Division.objects.filter(
                level=DivisionLevel.COUNTY, code__startswith=actor.region_prefix()
            ).values_list("code", flat=True)
        )
    )
    return render(
        request,
        "web/standards.html",
        {
            "in_force": county_dibao_standards(county_codes=counties, month=this_month),
            "this_month": this_month,
            "standards": local_standard_list(actor=actor),
            "can_manage": actor.can(Permission.STANDARDS_MANAGE),
            "form": form,
            "area_scopes": AreaScope.choices,
        },
    )
