"""The verification centre's work list: the region's reports, those still to sign first by their
signing deadline, with filters, paging and an Excel export of the whole filter."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from doudi.accounts.scoping import Actor
from doudi.core.exceptions import ApplicationError
from doudi.verification import selectors
from doudi.verification.models import Conclusion, VerificationReport
from doudi.web.exports import Column, wants_xlsx, xlsx_response
from doudi.web.paging import page_get, pager
from doudi.web.permissions import staff_required

COLUMNS = [
    Column("number", "报告编号"),
    Column("created_at", "生成时间", "yyyy-mm-dd hh:mm"),
    Column("address", "家庭住址"),
    Column("kind", "核对类型"),
    Column("conclusion", "核对结论"),
    Column("status", "状态"),
    Column("sign_due", "签发期限", "yyyy-mm-dd"),
    Column("overdue", "是否逾期"),
]


def _row(report: VerificationReport, today: Any) -> dict[str, Any]:
    signature = getattr(report, "signature", None)  # the reverse one-to-one: None when unsigned
    overdue = signature is None and report.sign_due is not None and report.sign_due < today
    return {
        "report": report,
        "number": report.number,
        "created_at": timezone.localtime(report.created_at).replace(tzinfo=None),
        "address": report.household.address,
        "kind": (
            "复核" if report.previous_id else ("申请核对" if report.application_id else "单独核对")
        ),
        "conclusion": report.get_conclusion_display(),
        "status": "已签发" if signature is not None else "待签发",
        "sign_due": report.sign_due,
        "overdue": "逾期" if overdue else "",
        "is_overdue": overdue,
    }


@require_GET
@staff_required
def report_list(request: HttpRequest, actor: Actor) -> HttpResponse:
    status = request.GET.get("status", "draft")
    conclusion = request.GET.get("conclusion", "")
    error = ""
    try:
        reports = selectors.report_list(actor=actor, status=status, conclusion=conclusion)
    except ApplicationError as refusal:
        error, status, conclusion = refusal.message, "draft", ""
        reports = selectors.report_list(actor=actor, status=status)
    today = timezone.localdate()
    if wants_xlsx(request):
        return xlsx_response(
            filename=f"核对报告-{today:%Y%m%d}.xlsx",
            sheet_title="核对报告",
            columns=COLUMNS,
            rows=(_row(report, today) for report in reports.iterator()),
        )
    filters = {"status": status, "conclusion": conclusion}
    page = page_get(request, reports)
    return render(
        request,
        "web/verification/report_list.html",
        {
            "rows": [_row(report, today) for report in page.object_list],
            "pager": pager(page, filters),
            "filters": filters,
            "statuses": list(selectors.REPORT_STATUSES.items()),
            "conclusions": Conclusion.choices,
            "error": error,
        },
        status=400 if error else 200,
    )
