"""Staff pages of department data exchange: the feed status board, a submission's problems and
the identity-link review queue."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from doudi.accounts.scoping import Actor
from doudi.core.exceptions import ApplicationError, NotFound, PermissionDenied
from doudi.exchange import resolution, selectors
from doudi.exchange.models import ReviewStatus
from doudi.exchange.schemas import FEEDS
from doudi.web.exports import Column, wants_xlsx, xlsx_response
from doudi.web.paging import filter_query, page_get, pager
from doudi.web.permissions import staff_required

BOARD_COLUMNS = [
    Column("source", "数据源代码"),
    Column("label", "数据源"),
    Column("department", "报送部门"),
    Column("snapshot_date", "最新快照日期", "yyyy-mm-dd"),
    Column("received_at", "接收时间", "yyyy-mm-dd hh:mm"),
    Column("row_count", "记录数", "#,##0"),
    Column("id_missing_count", "身份证号码缺失", "#,##0"),
    Column("id_invalid_count", "身份证号码无效", "#,##0"),
    Column("snapshot_count", "快照数", "#,##0"),
    Column("rejected_count", "近期退回文件数", "#,##0"),
]


def _board_row(status: selectors.FeedStatus) -> dict[str, Any]:
    latest = status.latest
    return {
        "source": status.schema.source,
        "label": status.schema.label,
        "department": status.schema.department,
        "snapshot_date": latest.snapshot_date if latest else None,
        "received_at": latest.received_at if latest else None,
        "row_count": latest.row_count if latest else None,
        "id_missing_count": latest.id_missing_count if latest else None,
        "id_invalid_count": latest.id_invalid_count if latest else None,
        "snapshot_count": status.snapshot_count,
        "rejected_count": len(status.rejected),
        "status": status,
    }


@staff_required
def feed_board(request: HttpRequest, actor: Actor) -> HttpResponse:
    rows = [_board_row(status) for status in selectors.feed_status_list(actor=actor)]
    if wants_xlsx(request):
        return xlsx_response(
            filename=f"部门数据源状态-{timezone.localdate():%Y%m%d}.xlsx",
            sheet_title="部门数据源状态",
            columns=BOARD_COLUMNS,
            rows=rows,
        )
    runs = selectors.identity_resolution_run_list(actor=actor, limit=20)
    labels = {source: schema.label for source, schema in FEEDS.items()}
    return render(
        request,
        "web/exchange/board.html",
        {"rows": rows, "runs": [(run, labels.get(run.snapshot.source, "")) for run in runs]},
    )


@staff_required
def feed_submission_detail(request: HttpRequest, actor: Actor, public_id: str) -> HttpResponse:
    submission = selectors.feed_submission_get(actor=actor, public_id=public_id)
    schema = FEEDS.get(submission.source)
    return render(
        request,
        "web/exchange/submission.html",
        {"submission": submission, "label": schema.label if schema else submission.source},
    )


REVIEW_COLUMNS = [
    Column("source", "数据源"),
    Column("snapshot_date", "快照日期", "yyyy-mm-dd"),
    Column("source_row", "原文件行号", "0"),
    Column("match_probability", "匹配概率", "0.0000"),
    Column("record_name", "部门记录姓名"),
    Column("record_birth_date", "部门记录出生日期"),
    Column("record_region", "部门记录区划"),
    Column("record_id", "部门记录身份证号码（脱敏）"),
    Column("person_name", "登记人员姓名"),
    Column("person_birth_date", "登记人员出生日期"),
    Column("person_region", "登记人员户籍地"),
    Column("person_id", "登记人员身份证号码（脱敏）"),
    Column("status", "状态"),
]


def _review_row(review: Any) -> dict[str, Any]:
    record, person = review.record_fields, review.person_fields
    schema = FEEDS.get(review.snapshot.source)
    return {
        "source": schema.label if schema else review.snapshot.source,
        "snapshot_date": review.snapshot.snapshot_date,
        "source_row": review.source_row,
        "match_probability": review.match_probability,
        "record_name": record.get("name") or "",
        "record_birth_date": record.get("birth_date") or "",
        "record_region": record.get("region_code") or "",
        "record_id": record.get("id_number_masked") or "",
        "person_name": person.get("name") or "",
        "person_birth_date": person.get("birth_date") or "",
        "person_region": person.get("region_code") or "",
        "person_id": person.get("id_number_masked") or "",
        "status": review.get_status_display(),
        "review": review,
    }


REVIEW_FILTERS = ("status", "source")


@staff_required
def identity_review_list(request: HttpRequest, actor: Actor) -> HttpResponse:
    """The candidate links of the actor's region, filtered by status (default pending; empty:
    all) and source, 50 a page (``?page=``); ``?format=xlsx`` exports every row of the filter."""
    status = request.GET.get("status", ReviewStatus.PENDING)
    source = request.GET.get("source", "")
    try:
        reviews = selectors.identity_link_review_list(actor=actor, status=status, source=source)
    except ApplicationError as error:
        messages.error(request, error.message)
        status = ReviewStatus.PENDING
        reviews = selectors.identity_link_review_list(actor=actor, status=status, source=source)
    filters = {"status": status, "source": source}
    if wants_xlsx(request):
        return xlsx_response(
            filename=f"身份比对待确认-{timezone.localdate():%Y%m%d}.xlsx",
            sheet_title="身份比对待确认",
            columns=REVIEW_COLUMNS,
            rows=[_review_row(review) for review in reviews.iterator(chunk_size=2000)],
        )
    page = page_get(request, reviews)
    return render(
        request,
        "web/exchange/reviews.html",
        {
            "rows": [_review_row(review) for review in page.object_list],
            "status": status,
            "source": source,
            "statuses": ReviewStatus.choices,
            "can_decide": resolution.can_review_links(actor),
            "pager": pager(page, filters),
            "export_query": filter_query({**filters, "format": "xlsx"}),
            # where a decision returns to: this page of this filter
            "back": filter_query({**filters, "page": str(page.number)}),
        },
    )


def _back_to_list(request: HttpRequest) -> HttpResponse:
    """The review list with the filters and page the decision was made on (only those keys, so
    the form cannot redirect anywhere else)."""
    back = QueryDict(request.POST.get("back", ""))
    kept = {key: back[key] for key in (*REVIEW_FILTERS, "page") if key in back}
    url = reverse("web:exchange_identity_reviews")
    return redirect(f"{url}?{filter_query(kept)}" if kept else url)


@require_POST
@staff_required
def identity_review_decide(request: HttpRequest, actor: Actor, public_id: str) -> HttpResponse:
    decision = request.POST.get("decision", "")
    if decision not in ("accept", "reject"):
        messages.error(request, f"不支持的操作：{decision}")
        return _back_to_list(request)
    try:
        review = resolution.identity_link_review_decide(
            actor=actor,
            public_id=public_id,
            accept=decision == "accept",
            note=request.POST.get("note", ""),
        )
    except (NotFound, PermissionDenied):
        raise
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        verb = "确认为同一人" if decision == "accept" else "确认不是同一人"
        messages.success(
            request,
            f"已{verb}：{review.record_fields.get('name') or ''}（第 {review.source_row} 行）",
        )
    return _back_to_list(request)
