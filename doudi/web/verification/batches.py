"""Staff pages of batch screening (批量核对): the region's runs with a form to start one (over the
user's own region, optionally the current recipients of one programme), and a run's results with
a filter by conclusion. Both lists export to Excel (`?format=xlsx`)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from doudi.accounts.scoping import Actor
from doudi.core.exceptions import ApplicationError, NotFound, PermissionDenied
from doudi.programmes import CHOICES as PROGRAMME_CHOICES
from doudi.verification import access, batch_selectors, batch_services
from doudi.verification.models import BatchOutcome, BatchRun, BatchStatus
from doudi.web.exports import YUAN_FORMAT, Column, wants_xlsx, xlsx_response
from doudi.web.paging import page_get, pager
from doudi.web.permissions import staff_required

PROGRAMME_LABELS = dict(PROGRAMME_CHOICES)
STATUS_LABELS = dict(BatchStatus.choices)
RUN_COLUMNS = [
    Column("started_at", "开始时间", "yyyy-mm-dd hh:mm"),
    Column("region", "核对区域"),
    Column("programme", "范围"),
    Column("month", "核对月份"),
    Column("requested_by", "发起人"),
    Column("status", "状态"),
    Column("households_selected", "选取家庭（户）"),
    Column("households_screened", "已核对（户）"),
    Column("compliant", "符合（户）"),
    Column("non_compliant", "不符合（户）"),
    Column("suspect", "疑似（户）"),
    Column("households_skipped", "无有效授权未核对（户）"),
    Column("households_without_members", "无共同生活成员（户）"),
    Column("persons_read", "查询人数"),
    Column("sources_not_checked", "未报送的数据源"),
]
RESULT_COLUMNS = [
    Column("head", "户主"),
    Column("address", "家庭地址"),
    Column("village_code", "村（社区）代码"),
    Column("conclusion", "核对结论"),
    Column("rule", "结论依据规则"),
    Column("reason", "结论理由"),
    Column("counted_members", "共同生活家庭成员（人）"),
    Column("monthly_income", "月均计算收入（元）", YUAN_FORMAT),
    Column("financial", "金融资产（元）", YUAN_FORMAT),
    Column("financial_limit", "金融资产限额（元）", YUAN_FORMAT),
    Column("vehicles", "机动车辆（辆）"),
    Column("dwellings", "住房（套）"),
    Column("businesses", "市场主体登记（户）"),
    Column("sources_not_checked", "未核对的数据源"),
]


def _scope(run: BatchRun) -> str:
    return f"{PROGRAMME_LABELS[run.programme]}在保家庭" if run.programme else "全部登记家庭"


def _source_labels(sources: list[str]) -> list[str]:
    from doudi.verification.sources import SOURCE_BY_NAME

    return [SOURCE_BY_NAME[source].label for source in sources]


def _run_row(run: BatchRun) -> dict[str, Any]:
    return {
        "run": run,
        "started_at": run.started_at,
        "region": f"{run.region_name}（{run.region_code}）",
        "programme": _scope(run),
        "month": run.month,
        "requested_by": run.requested_by.get_username(),
        "status": STATUS_LABELS[run.status],
        "households_selected": run.households_selected,
        "households_screened": run.households_screened,
        "compliant": run.compliant_count,
        "non_compliant": run.non_compliant_count,
        "suspect": run.suspect_count,
        "households_skipped": run.households_skipped,
        "households_without_members": run.households_without_members,
        "persons_read": run.persons_read,
        "sources_not_checked": _source_labels(run.sources_not_checked),
    }


@require_http_methods(["GET", "POST"])
@staff_required
def batch_list(request: HttpRequest, actor: Actor) -> HttpResponse:
    """The runs of the region (newest first, 50 a page) and the form starting a run over the
    user's region; POST starts it and shows its results."""
    form = {"programme": "", "month": "", "error": ""}
    if request.method == "POST":
        access.require_request(actor)
        form.update(
            programme=request.POST.get("programme", "").strip(),
            month=request.POST.get("month", "").strip(),
        )
        try:
            run = batch_services.batch_run(
                actor=actor,
                region_code=actor.region_code,
                programme=form["programme"] or None,
                month=form["month"] or None,
            )
        except (NotFound, PermissionDenied):
            raise
        except ApplicationError as error:
            form["error"] = error.message
        else:
            messages.success(request, f"批量核对已完成：{batch_services.batch_run_figures(run)}")
            return redirect("web:verification_batch", public_id=run.public_id)
    runs = batch_selectors.batch_run_list(actor=actor)
    if wants_xlsx(request):
        return xlsx_response(
            filename="批量核对记录.xlsx",
            sheet_title="批量核对记录",
            columns=RUN_COLUMNS,
            rows=[_run_row(run) for run in runs],
        )
    page = page_get(request, runs)
    return render(
        request,
        "web/verification/batch_list.html",
        {
            "rows": [_run_row(run) for run in page.object_list],
            "pager": pager(page, {}),
            "can_request": access.can_request(actor),
            "programmes": PROGRAMME_CHOICES,
            "region_name": actor.region_name,
            "this_month": timezone.localdate().strftime("%Y-%m"),
            "form": form,
        },
        status=400 if form["error"] else 200,
    )


def _result_row(row: dict[str, Any]) -> dict[str, Any]:
    return {
        **row,
        "address": row["household__address"],
        "village_code": row["household__village_code"],
        "public_id": row["household__public_id"],
        "conclusion": row["conclusion_label"],
        "sources_not_checked": _source_labels(row["sources_not_checked"]),
    }


@require_http_methods(["GET"])
@staff_required
def batch_detail(request: HttpRequest, actor: Actor, public_id: str) -> HttpResponse:
    """One run: its figures, the snapshots it read and its results (50 a page, `?conclusion=`
    filters); `?format=xlsx` exports every result of the filter, not only the page."""
    run = batch_selectors.batch_run_get(actor=actor, public_id=public_id)
    conclusion = request.GET.get("conclusion", "").strip()
    if conclusion not in BatchOutcome.values:
        conclusion = ""
    results = batch_selectors.batch_result_list(actor=actor, run=run, conclusion=conclusion)
    if wants_xlsx(request):
        suffix = f"-{BatchOutcome(conclusion).label}" if conclusion else ""
        return xlsx_response(
            filename=f"批量核对结果-{run.region_name}-{run.month}{suffix}.xlsx",
            sheet_title="批量核对结果",
            columns=RESULT_COLUMNS,
            rows=[_result_row(row) for row in batch_selectors.batch_result_rows(results)],
        )
    page = page_get(request, results)
    counts = {
        BatchOutcome.COMPLIANT: run.compliant_count,
        BatchOutcome.NON_COMPLIANT: run.non_compliant_count,
        BatchOutcome.SUSPECT: run.suspect_count,
        BatchOutcome.SKIPPED: run.households_skipped + run.households_without_members,
    }
    return render(
        request,
        "web/verification/batch_detail.html",
        {
            "run": run,
            "summary": _run_row(run),
            "snapshots": [
                {"label": label, **run.snapshots[source]}
                for source, label in zip(
                    sorted(run.snapshots), _source_labels(sorted(run.snapshots)), strict=True
                )
            ],
            "filters": [(value, label, counts[value]) for value, label in BatchOutcome.choices],
            "conclusion": conclusion,
            "rows": [
                _result_row(row) for row in batch_selectors.batch_result_rows(page.object_list)
            ],
            "pager": pager(page, {"conclusion": conclusion}),
        },
    )
