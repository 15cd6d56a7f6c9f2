"""Staff pages of the temporary-assistance fast track: the township reserve funds (balance,
ledger, top-ups, reconciliation, Excel export), advance payments (先行救助) with their paperwork
deadlines, and the instalment plan of an approved expenditure-type case. Each view parses the
request, calls one relief selector or service and renders; refusals are shown with the
service's Chinese message."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from doudi.accounts.permissions import Permission
from doudi.accounts.scoping import Actor
from doudi.core.exceptions import ApplicationError, NotFound, PermissionDenied
from doudi.core.money import format_yuan
from doudi.intake import selectors as intake_selectors
from doudi.relief import selectors, services
from doudi.relief.selectors import ADVANCE_STATE_LABELS
from doudi.web.exports import YUAN_FORMAT, Column, wants_xlsx, xlsx_response
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


def _name(user: Any) -> str:
    if user is None:
        return ""
    profile = getattr(user, "staff_profile", None)
    return profile.display_name if profile is not None else user.get_username()


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
                    "actor": _name(line.entry.actor),
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
            "lines": [{"line": line, "actor": _name(line.entry.actor)} for line in reversed(lines)],
            "reconciliations": [
                {"item": r, "by": _name(r.reconciled_by)}
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
            "by": _name(item.reconciled_by),
            "entries": selectors.reconciliation_entries(actor=actor, reconciliation=item),
        },
    )


# -- advances -----------------------------------------------------------------------------------


@require_http_methods(["GET"])
@staff_required
def advance_list(request: HttpRequest, actor: Actor) -> HttpResponse:
    advances = selectors.advance_list(actor=actor)
    rows = [{"advance": a, "state_label": ADVANCE_STATE_LABELS[a.state]} for a in advances]
    if wants_xlsx(request):
        return xlsx_response(
            filename="先行救助.xlsx",
            sheet_title="先行救助",
            columns=[
                Column("paid_on", "发放日期", "yyyy-mm-dd"),
                Column("township", "乡镇（街道）"),
                Column("person", "救助对象"),
                Column("amount", "金额（元）", YUAN_FORMAT),
                Column("emergency", "急难情形"),
                Column("due", "补办截止", "yyyy-mm-dd"),
                Column("state", "状态"),
            ],
            rows=[
                {
                    "paid_on": r["advance"].paid_on,
                    "township": r["advance"].fund.township.name,
                    "person": r["advance"].person.name,
                    "amount": r["advance"].amount,
                    "emergency": r["advance"].emergency,
                    "due": r["advance"].paperwork_due,
                    "state": r["state_label"],
                }
                for r in rows
            ],
        )
    return render(
        request,
        "web/relief/advance_list.html",
        {
            "rows": rows,
            "overdue": [r for r in rows if r["advance"].state == "overdue"],
            "due_soon": [r for r in rows if r["advance"].state == "due_soon"],
            "can_pay": actor.can(Permission.ADVANCE_ASSISTANCE_PAY),
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
            "paid_by": _name(advance.paid_by),
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
