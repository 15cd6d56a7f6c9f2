"""Staff pages of the temporary-assistance fast track: the township reserve funds (balance,
ledger, top-ups, reconciliation, Excel export), advance payments (先行救助) with their paperwork
deadlines, and the instalment plan of an approved expenditure-type case. Each view parses the
request, calls one relief selector or service and renders; refusals are shown with the
service's Chinese message."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from doudi.accounts.names import staff_name
from doudi.accounts.permissions import Permission
from doudi.accounts.scoping import Actor
from doudi.core.calendar import workday_calendar_get
from doudi.core.deadlines import deadline_state
from doudi.core.exceptions import ApplicationError, NotFound, PermissionDenied
from doudi.core.money import format_yuan
from doudi.intake import selectors as intake_selectors
from doudi.relief import selectors, services
from doudi.relief.models import AdvancePayment
from doudi.relief.selectors import ADVANCE_STATE_LABELS
from doudi.web.exports import YUAN_FORMAT, Column, wants_xlsx, xlsx_response
from doudi.web.paging import filter_query, page_get, pager
from doudi.web.views import staff_required

LEDGER_COLUMNS = [
    Column("id", "序号"),
    Column("entry_date", "记账日期", "yyyy-mm-dd"),
    Column("kind", "类型"),
    Column("amount", "金额（元）", YUAN_FORMAT),
    Column("balance", "余额（元）", YUAN_FORMAT),
    Column("memo", "摘要"),
    Column("actor", "记账人"),
]

FUND_COLUMNS = [
    Column("township", "乡镇（街道）"),
    Column("township_code", "区划代码"),
    Column("balance", "余额（元）", YUAN_FORMAT),
    Column("advance_limit", "先行救助单笔限额（元）", YUAN_FORMAT),
    Column("advance_limit_is_demo", "限额为演示值"),
    Column("paperwork_working_days", "补办期限（工作日）", "0"),
    Column("paperwork_days_is_demo", "补办期限为演示值"),
]


def _refused(request: HttpRequest, error: ApplicationError) -> None:
    if isinstance(error, NotFound | PermissionDenied):
        raise error
    messages.error(request, error.message)


# -- funds --------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@staff_required
def fund_list(request: HttpRequest, actor: Actor) -> HttpResponse:
    if request.method == "POST":
        try:
            fund = services.reserve_fund_create(
                actor=actor,
                township_code=request.POST.get("township_code", ""),
                advance_limit=request.POST.get("advance_limit", "").strip() or None,
                paperwork_working_days=request.POST.get("paperwork_working_days", "").strip()
                or None,
            )
        except ApplicationError as error:
            _refused(request, error)
            return redirect("web:relief_fund_list")
        messages.success(request, f"已设立{fund.township.name}临时救助备用金")
        return redirect("web:relief_fund_detail", public_id=fund.public_id)
    funds = selectors.fund_list(actor=actor)
    if wants_xlsx(request):
        return xlsx_response(
            filename=f"临时救助备用金-{timezone.localdate():%Y%m%d}.xlsx",
            sheet_title="临时救助备用金",
            columns=FUND_COLUMNS,
            rows=[
                {
                    "township": fund.township.name,
                    "township_code": fund.township_code,
                    "balance": fund.balance,
                    "advance_limit": fund.advance_limit,
                    "advance_limit_is_demo": fund.advance_limit_is_demo,
                    "paperwork_working_days": fund.paperwork_working_days,
                    "paperwork_days_is_demo": fund.paperwork_days_is_demo,
                }
                for fund in funds
            ],
        )
    return render(
        request,
        "web/relief/fund_list.html",
        {
            "funds": funds,
            "can_manage": actor.can(Permission.RESERVE_FUND_MANAGE),
            "can_pay": actor.can(Permission.ADVANCE_ASSISTANCE_PAY),
            "default_limit": services.township_limit_default(timezone.localdate()),
        },
    )


@require_http_methods(["GET"])
@staff_required
def fund_detail(request: HttpRequest, actor: Actor, public_id: str) -> HttpResponse:
    fund = selectors.fund_get(actor=actor, public_id=public_id)
    lines = selectors.fund_entries(actor=actor, fund=fund)
    if wants_xlsx(request):
        return xlsx_response(
            filename=f"{fund.township.name}临时救助备用金台账.xlsx",
            sheet_title="备用金台账",
            columns=LEDGER_COLUMNS,
            rows=[
                {
                    "id": line.entry.pk,
                    "entry_date": line.entry.entry_date,
                    "kind": line.entry.get_kind_display(),
                    "amount": line.entry.amount,
                    "balance": line.balance,
                    "memo": line.entry.memo,
                    "actor": staff_name(line.entry.actor),
                }
                for line in lines
            ],
        )
    return render(
        request,
        "web/relief/fund_detail.html",
        {
            "fund": fund,
            "balance": selectors.fund_balance(actor=actor, fund=fund),
            "lines": [
                {"line": line, "actor": staff_name(line.entry.actor)} for line in reversed(lines)
            ],
            "reconciliations": [
                {"item": r, "by": staff_name(r.reconciled_by)}
                for r in selectors.fund_reconciliations(actor=actor, fund=fund)
            ],
            "can_manage": actor.can(Permission.RESERVE_FUND_MANAGE),
            "can_pay": actor.can(Permission.ADVANCE_ASSISTANCE_PAY),
        },
    )


def _fund_write(
    request: HttpRequest, actor: Actor, public_id: str, write: Any, done: str
) -> HttpResponse:
    fund = selectors.fund_get(actor=actor, public_id=public_id)
    try:
        write(fund)
    except ApplicationError as error:
        _refused(request, error)
    else:
        messages.success(request, done)
    return redirect("web:relief_fund_detail", public_id=fund.public_id)


@require_POST
@staff_required
def fund_top_up(request: HttpRequest, actor: Actor, public_id: str) -> HttpResponse:
    return _fund_write(
        request,
        actor,
        public_id,
        lambda fund: services.reserve_fund_top_up(
            actor=actor,
            fund=fund,
            amount=request.POST.get("amount", ""),
            memo=request.POST.get("memo", ""),
        ),
        "已登记拨付",
    )


@require_POST
@staff_required
def fund_configure(request: HttpRequest, actor: Actor, public_id: str) -> HttpResponse:
    return _fund_write(
        request,
        actor,
        public_id,
        lambda fund: services.reserve_fund_configure(
            actor=actor,
            fund=fund,
            advance_limit=request.POST.get("advance_limit", ""),
            paperwork_working_days=request.POST.get("paperwork_working_days", ""),
        ),
        "已更新先行救助限额和补办期限",
    )


@require_POST
@staff_required
def fund_reconcile(request: HttpRequest, actor: Actor, public_id: str) -> HttpResponse:
    fund = selectors.fund_get(actor=actor, public_id=public_id)
    try:
        item = services.reserve_fund_reconcile(
            actor=actor,
            fund=fund,
            counted_balance=request.POST.get("counted_balance", ""),
            as_of=request.POST.get("as_of", "").strip() or None,
            note=request.POST.get("note", ""),
            adjust=request.POST.get("adjust") == "on",
        )
    except ApplicationError as error:
        _refused(request, error)
        return redirect("web:relief_fund_detail", public_id=fund.public_id)
    messages.success(request, f"已对账，差额 {format_yuan(item.difference)}")
    return redirect("web:relief_reconciliation_detail", public_id=item.public_id)


@require_http_methods(["GET"])
@staff_required
def reconciliation_detail(request: HttpRequest, actor: Actor, public_id: str) -> HttpResponse:
    item = selectors.reconciliation_get(actor=actor, public_id=public_id)
    return render(
        request,
        "web/relief/reconciliation.html",
        {
            "item": item,
            "by": staff_name(item.reconciled_by),
            "entries": selectors.reconciliation_entries(actor=actor, reconciliation=item),
        },
    )


# -- advances -----------------------------------------------------------------------------------


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
OPEN_STATES = ("overdue", "due_soon", "on_time")


def _advances(
    actor: Actor, *, township: str, state: str
) -> tuple[QuerySet[AdvancePayment], list[AdvancePayment]]:
    """The region's payments of the filter, newest first, and every payment of the township
    filter whose paperwork is still open, earliest due first, each with ``state``.

    Only open payments need the working-day calendar; there are few of them (a deadline closes
    within weeks), so their state is computed here and the state filter becomes their ids."""
    payments = selectors.advance_queryset(actor=actor)
    if township:
        payments = payments.filter(township_code=township)
    open_payments = payments.filter(reversed_at__isnull=True, application__isnull=True)
    today, calendar = timezone.localdate(), workday_calendar_get()
    pending = list(open_payments.order_by("paperwork_due", "id"))
    for advance in pending:
        advance.state = deadline_state(advance.paperwork_due, today, calendar)
    if state == "reversed":
        payments = payments.filter(reversed_at__isnull=False)
    elif state == "completed":
        payments = payments.filter(reversed_at__isnull=True, application__isnull=False)
    elif state == "open":
        payments = open_payments
    elif state in OPEN_STATES:
        payments = payments.filter(pk__in=[a.pk for a in pending if a.state == state])
    return payments.order_by("-paid_on", "-id"), pending


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
    payments, pending = _advances(actor, township=township, state=state)
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
    townships = (
        selectors.advance_queryset(actor=actor)
        .order_by("township_code")
        .values_list("township_code", "fund__township__name")
        .distinct()
    )
    return render(
        request,
        "web/relief/advance_list.html",
        {
            "rows": [_advance_row(a, states) for a in page.object_list],
            "overdue": [a for a in pending if a.state == "overdue"],
            "due_soon": [a for a in pending if a.state == "due_soon"],
            "township": township,
            "townships": list(townships),
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
                _refused(request, error)
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
        _refused(request, error)
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
        _refused(request, error)
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
            _refused(request, error)
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
        _refused(request, error)
    else:
        messages.success(request, f"已登记第{number}期发放")
    return redirect("web:relief_instalment_plan", public_id=application.public_id)
