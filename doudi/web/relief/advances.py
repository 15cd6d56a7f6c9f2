"""Staff pages of advance payments (先行救助) with their paperwork deadlines, and the instalment
plan of an approved expenditure-type case (分阶段救助). Each view parses the request, calls one
relief selector or service and renders; refusals are shown with the service's message."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from doudi.accounts.names import staff_name
from doudi.accounts.permissions import Permission
from doudi.accounts.scoping import Actor
from doudi.core.exceptions import ApplicationError
from doudi.core.money import format_yuan
from doudi.intake import selectors as intake_selectors
from doudi.relief import selectors, services
from doudi.relief.models import AdvancePayment
from doudi.relief.selectors import ADVANCE_STATE_LABELS
from doudi.web.exports import YUAN_FORMAT, Column, wants_xlsx, xlsx_response
from doudi.web.paging import filter_query, page_get, pager
from doudi.web.permissions import staff_required
from doudi.web.relief.views import refused

ADVANCE_COLUMNS = [
    Column("paid_on", "发放日期", "yyyy-mm-dd"),
    Column("township", "乡镇（街道）"),
    Column("person", "救助对象"),
    Column("amount", "金额（元）", YUAN_FORMAT),
    Column("emergency", "急难情形"),
    Column("due", "补办截止", "yyyy-mm-dd"),
    Column("provisional", "补办截止为暂定"),
    Column("state_label", "状态"),
]

# The state filter of the advance list: "" is every payment, "open" every payment whose
# paperwork is still to be done (on time, due soon or overdue).
ADVANCE_STATE_FILTERS = [
    ("", "全部状态"),
    ("open", "待补办（含即将到期、已超期）"),
    *ADVANCE_STATE_LABELS.items(),
]


def _advance_row(advance: AdvancePayment, states: dict[int, str]) -> dict[str, Any]:
    # closed payments need no calendar; an open one paid after `states` was read gets its own
    state = states.get(advance.pk) or selectors.advance_state(advance)
    return {
        "advance": advance,
        "state": state,
        "state_label": ADVANCE_STATE_LABELS[state],
        "paid_on": advance.paid_on,
        "township": advance.fund.township.name,
        "person": advance.person.name,
        "amount": advance.amount,
        "emergency": advance.emergency,
        "due": advance.paperwork_due,
        "provisional": advance.paperwork_due_is_provisional,
    }


@require_http_methods(["GET"])
@staff_required
def advance_list(request: HttpRequest, actor: Actor) -> HttpResponse:
    """Overdue and due-soon paperwork, then the payments of the filter (township, state), 50 a
    page (``?page=``); ``?format=xlsx`` exports every payment of the filter."""
    township = request.GET.get("township", "").strip()
    state = request.GET.get("state", "")
    if state not in dict(ADVANCE_STATE_FILTERS):
        messages.error(request, f"不支持的状态：{state}")
        state = ""
    payments, pending = selectors.advance_filter(actor=actor, township=township, state=state)
    states = {a.pk: a.state for a in pending}
    filters = {"township": township, "state": state}
    if wants_xlsx(request):
        return xlsx_response(
            filename=f"先行救助-{timezone.localdate():%Y%m%d}.xlsx",
            sheet_title="先行救助",
            columns=ADVANCE_COLUMNS,
            rows=[_advance_row(a, states) for a in payments.iterator(chunk_size=2000)],
        )
    page = page_get(request, payments)
    townships = selectors.advance_townships(actor=actor)
    return render(
        request,
        "web/relief/advance_list.html",
        {
            "rows": [_advance_row(a, states) for a in page.object_list],
            "overdue": [a for a in pending if a.state == "overdue"],
            "due_soon": [a for a in pending if a.state == "due_soon"],
            "township": township,
            "townships": townships,
            "state": state,
            "states": ADVANCE_STATE_FILTERS,
            "can_pay": actor.can(Permission.ADVANCE_ASSISTANCE_PAY),
            "pager": pager(page, filters),
            "export_query": filter_query({**filters, "format": "xlsx"}),
        },
    )


@require_http_methods(["GET", "POST"])
@staff_required
def advance_new(request: HttpRequest, actor: Actor) -> HttpResponse:
    fund = selectors.fund_for_advances(actor=actor)
    values = {
        key: request.POST.get(key, "").strip()
        for key in ("id_number", "name", "amount", "emergency")
    }
    over_limit_household = None
    if request.method == "POST":
        if fund is None:
            messages.error(request, "本乡镇（街道）尚未设立临时救助备用金，请联系县级民政部门")
        else:
            try:
                advance = services.advance_payment_record(actor=actor, fund=fund, **values)
            except ApplicationError as error:
                refused(request, error)
                over_limit_household = error.extra.get("household")
            else:
                messages.success(
                    request,
                    f"已先行救助 {format_yuan(advance.amount)}，请于 "
                    f"{advance.paperwork_due:%Y-%m-%d} 前补办临时救助申请",
                )
                return redirect("web:relief_advance_detail", public_id=advance.public_id)
    return render(
        request,
        "web/relief/advance_new.html",
        {
            "fund": fund,
            "balance": selectors.fund_balance(actor=actor, fund=fund) if fund else None,
            "values": values,
            "over_limit_household": over_limit_household,
        },
        status=400 if request.method == "POST" else 200,
    )


@require_http_methods(["GET"])
@staff_required
def advance_detail(request: HttpRequest, actor: Actor, public_id: str) -> HttpResponse:
    advance = selectors.advance_get(actor=actor, public_id=public_id)
    state = selectors.advance_state(advance)
    return render(
        request,
        "web/relief/advance_detail.html",
        {
            "advance": advance,
            "state_label": ADVANCE_STATE_LABELS[state],
            "state": state,
            "paid_by": staff_name(advance.paid_by),
            "can_pay": actor.can(Permission.ADVANCE_ASSISTANCE_PAY),
            "can_manage": actor.can(Permission.RESERVE_FUND_MANAGE),
        },
    )


@require_POST
@staff_required
def advance_link(request: HttpRequest, actor: Actor, public_id: str) -> HttpResponse:
    advance = selectors.advance_get(actor=actor, public_id=public_id)
    try:
        services.advance_payment_link(
            actor=actor, advance=advance, application_id=request.POST.get("application", "")
        )
    except ApplicationError as error:
        refused(request, error)
    else:
        messages.success(request, "已补办手续，补办期限已关闭")
    return redirect("web:relief_advance_detail", public_id=advance.public_id)


@require_POST
@staff_required
def advance_reverse(request: HttpRequest, actor: Actor, public_id: str) -> HttpResponse:
    advance = selectors.advance_get(actor=actor, public_id=public_id)
    try:
        services.advance_payment_reverse(
            actor=actor, advance=advance, reason=request.POST.get("reason", "")
        )
    except ApplicationError as error:
        refused(request, error)
    else:
        messages.success(request, "已冲销，金额已退回备用金")
    return redirect("web:relief_advance_detail", public_id=advance.public_id)


# -- instalments --------------------------------------------------------------------------------


def _instalment_rows(request: HttpRequest) -> list[tuple[str, str]]:
    months = request.POST.getlist("month")
    amounts = request.POST.getlist("amount")
    return [
        (month, amount)
        for month, amount in zip(months, amounts, strict=False)
        if month.strip() or amount.strip()
    ]


@require_http_methods(["GET", "POST"])
@staff_required
def instalment_plan(request: HttpRequest, actor: Actor, public_id: str) -> HttpResponse:
    application = intake_selectors.application_get(actor=actor, public_id=public_id)
    if request.method == "POST":
        try:
            services.instalment_plan_create(
                actor=actor, application=application, instalments=_instalment_rows(request)
            )
        except ApplicationError as error:
            refused(request, error)
        else:
            messages.success(request, "已制定分阶段救助计划")
        return redirect("web:relief_instalment_plan", public_id=application.public_id)
    plan = selectors.instalment_plan_for(actor=actor, application=application)
    try:
        approved = services.approved_temporary_amount(application)
        not_plannable = ""
    except ApplicationError as error:
        approved, not_plannable = None, error.message
    instalments = list(plan.instalments.all()) if plan else []
    return render(
        request,
        "web/relief/instalments.html",
        {
            "application": application,
            "plan": plan,
            "instalments": [
                {"instalment": i, "payment": getattr(i, "payment", None)} for i in instalments
            ],
            "total": sum((i.amount for i in instalments), 0),
            "approved": approved,
            "not_plannable": not_plannable,
            "can_pay": actor.can(Permission.ADVANCE_ASSISTANCE_PAY),
            "blank_rows": range(6),
        },
    )


@require_POST
@staff_required
def instalment_pay(request: HttpRequest, actor: Actor, public_id: str, number: int) -> HttpResponse:
    application = intake_selectors.application_get(actor=actor, public_id=public_id)
    instalment = selectors.instalment_get(actor=actor, application=application, number=number)
    try:
        services.instalment_pay(
            actor=actor, instalment=instalment, reference=request.POST.get("reference", "")
        )
    except ApplicationError as error:
        refused(request, error)
    else:
        messages.success(request, f"已登记第{number}期发放")
    return redirect("web:relief_instalment_plan", public_id=application.public_id)
