"""Staff pages of the township reserve funds of temporary assistance (备用金): balance, ledger,
top-ups, settings, reconciliation and their Excel exports. Advance payments and instalments have
their own module (``advances.py``). Each view parses the request, calls one relief selector or
service and renders; refusals are shown with the service's Chinese message."""

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
from doudi.core.exceptions import ApplicationError, NotFound, PermissionDenied
from doudi.core.money import format_yuan
from doudi.relief import selectors, services
from doudi.web.exports import YUAN_FORMAT, Column, wants_xlsx, xlsx_response
from doudi.web.permissions import staff_required

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


def refused(request: HttpRequest, error: ApplicationError) -> None:
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
            refused(request, error)
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
        refused(request, error)
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
        refused(request, error)
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
