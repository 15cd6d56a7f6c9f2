"""Staff pages of dynamic management: the due/overdue review list, the review case, the change
report form and the entitlement history of a household. Each view parses the request, calls the
reviews selectors and services and renders; refusals show the service's Chinese message."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from doudi.accounts.names import staff_name
from doudi.accounts.permissions import Permission
from doudi.accounts.scoping import Actor
from doudi.core.exceptions import ApplicationError, NotFound, PermissionDenied
from doudi.core.selectors import division_names
from doudi.programmes import label as programme_label
from doudi.registry.selectors import counted_members, household_heads
from doudi.reviews import selectors, services
from doudi.reviews.dates import ReviewClass, tekun_stop_notice_end
from doudi.reviews.models import (
    ChangeKind,
    EntitlementChange,
    ReportedBy,
    ReviewCase,
    ReviewStatus,
    ReviewTrigger,
)
from doudi.reviews.schedule import REVIEW_CLASS_LABELS
from doudi.web.exports import YUAN_FORMAT, Column, wants_xlsx, xlsx_response
from doudi.web.permissions import staff_required
from doudi.web.reviews.forms import ASSET_FIELDS, HANDLERS, INCOME_TYPES

KIND_LABELS = dict(ChangeKind.choices)
STATE_LABELS = {"overdue": "已逾期", "due_soon": "即将到期"}
ACTION_LABELS = {
    "record_situation": "登记复核调查情况",
    "propose": "提出复核意见",
    "record_objection": "登记异议",
    "decide": "作出复核决定",
    "return": "退回",
}
DUE_COLUMNS = [
    Column("township", "乡镇（街道）"),
    Column("address", "家庭地址"),
    Column("head", "户主"),
    Column("review_class", "复核类别"),
    Column("last_review_on", "上次复核（认定）日期", "yyyy-mm-dd"),
    Column("next_review_on", "应复核日期", "yyyy-mm-dd"),
    Column("state", "状态"),
    Column("open_review", "办理中的复核"),
]


@require_http_methods(["GET"])
@staff_required
def review_list(request: HttpRequest, actor: Actor) -> HttpResponse:
    due = selectors.review_due_list(actor=actor)
    open_reviews = list(selectors.review_open_list(actor=actor))
    heads = household_heads(
        [row.household.pk for row, _ in due] + [r.household_id for r in open_reviews]
    )
    codes = {row.household.township_code for row, _ in due} | {
        r.township_code for r in open_reviews
    }
    townships = division_names(codes)
    rows = [
        {
            "township": townships.get(row.household.township_code, row.household.township_code),
            "household": row.household,
            "address": row.household.address,
            "head": heads.get(row.household.pk, ""),
            "review_class": REVIEW_CLASS_LABELS[ReviewClass(row.review_class)],
            "last_review_on": row.last_review_on,
            "next_review_on": row.next_review_on,
            "state": STATE_LABELS[state],
            "state_code": state,
            "open_review": ReviewStatus(row.open_review.status).label if row.open_review else "",
            "open_review_id": row.open_review.public_id if row.open_review else None,
        }
        for row, state in due
    ]
    if wants_xlsx(request):
        return xlsx_response(
            filename="定期复核到期名单.xlsx", sheet_title="定期复核", columns=DUE_COLUMNS, rows=rows
        )
    cases = [
        {
            "review": r,
            "township": townships.get(r.township_code, r.township_code),
            "head": heads.get(r.household_id, ""),
            "status_label": ReviewStatus(r.status).label,
            "trigger_label": ReviewTrigger(r.trigger).label,
        }
        for r in open_reviews
    ]
    return render(request, "web/reviews/list.html", {"rows": rows, "cases": cases})


def _lines(proposal: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {
            "programme": programme_label(programme),
            "kind": KIND_LABELS.get(line["kind"], line["kind"]),
            "old_amount": line["old_amount"],
            "new_amount": line["new_amount"],
            "phase_out_months": line.get("phase_out_months"),
        }
        for programme, line in sorted(proposal.items())
    ]


def _reasons(review: ReviewCase) -> list[dict[str, Any]]:
    found = []
    for record in (review.evaluation, review.phase_out_evaluation):
        if record is None:
            continue
        for programme, result in record.result.get("programmes", {}).items():
            found.append(
                {
                    "programme": programme_label(programme),
                    "phase_out": record.situation.get("phase_out") is not None,
                    "reasons": result.get("reasons", []),
                }
            )
    return found


def _actions(actor: Actor, review: ReviewCase) -> list[str]:
    """Forms offered on the page; the service still decides and refuses with its message."""
    if review.status == ReviewStatus.INVESTIGATING and actor.can(Permission.INTAKE_PROPOSE):
        return ["record_situation", "propose"]
    if review.status in (ReviewStatus.PROPOSED, ReviewStatus.NOTICE):
        actions = []
        if review.status == ReviewStatus.NOTICE and actor.can(Permission.INTAKE_PROPOSE):
            actions.append("record_objection")
        if actor.can(Permission.INTAKE_CONFIRM):
            actions += ["decide", "return"]
        return actions
    return []


@require_http_methods(["GET"])
@staff_required
def review_detail(request: HttpRequest, actor: Actor, public_id: str) -> HttpResponse:
    review = selectors.review_get(actor=actor, public_id=public_id)
    members = counted_members(review.household)
    return render(
        request,
        "web/reviews/detail.html",
        {
            "review": review,
            "status_label": ReviewStatus(review.status).label,
            "trigger_label": ReviewTrigger(review.trigger).label,
            "class_label": REVIEW_CLASS_LABELS.get(ReviewClass(review.review_class), ""),
            "head": household_heads([review.household_id]).get(review.household_id, ""),
            "engine_proposal": _lines(review.engine_proposal),
            "proposal": _lines(review.proposal),
            "reasons": _reasons(review),
            "notice_last_day": tekun_stop_notice_end(review.notice_published_on)
            if review.notice_published_on
            else None,
            "events": [
                {"event": e, "label": ACTION_LABELS.get(e.action, "发起复核")}
                for e in selectors.review_events(actor=actor, review=review)
            ],
            "reports": selectors.review_change_reports(review=review),
            "members": members,
            "income_types": INCOME_TYPES,
            "asset_fields": ASSET_FIELDS,
            "covers_tekun": selectors.review_covers_tekun(review=review),
            "actions": _actions(actor, review),
        },
    )


@require_POST
@staff_required
def review_act(request: HttpRequest, actor: Actor, public_id: str, action: str) -> HttpResponse:
    review = selectors.review_get(actor=actor, public_id=public_id)
    version = request.POST.get("version", "")
    common = {
        "actor": actor,
        "review": review,
        "version": int(version) if version.isdigit() else None,
    }
    handler = HANDLERS.get(action)
    if handler is None:
        messages.error(request, f"不支持的操作：{action}")
    else:
        try:
            handler(common, review, request.POST)
        except (NotFound, PermissionDenied):
            raise
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, f"已办理：{ACTION_LABELS[action]}")
    return redirect("web:review_detail", public_id=review.public_id)


@require_POST
@staff_required
def review_start(request: HttpRequest, actor: Actor, public_id: str) -> HttpResponse:
    household = selectors.household_visible(actor=actor, public_id=public_id)
    try:
        review = services.review_start(actor=actor, household=household)
    except (NotFound, PermissionDenied):
        raise
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect("web:entitlement_history", public_id=household.public_id)
    messages.success(request, "已发起复核")
    return redirect("web:review_detail", public_id=review.public_id)


@require_http_methods(["GET", "POST"])
@staff_required
def change_report_new(request: HttpRequest, actor: Actor, public_id: str) -> HttpResponse:
    household = selectors.household_visible(actor=actor, public_id=public_id)
    actor.require(Permission.INTAKE_SUBMIT)
    error = None
    values = {"reported_by": "family", "reporter_name": "", "reported_on": "", "description": ""}
    if request.method == "POST":
        values = {key: request.POST.get(key, "").strip() for key in values}
        try:
            reported_on = None
            if values["reported_on"]:
                try:
                    reported_on = dt.date.fromisoformat(values["reported_on"])
                except ValueError as bad:
                    raise ApplicationError(
                        "报告日期格式应为 YYYY-MM-DD", field="reported_on"
                    ) from bad
            report = services.change_report_record(
                actor=actor,
                household=household,
                reported_by=values["reported_by"],
                description=values["description"],
                reported_on=reported_on,
                reporter_name=values["reporter_name"],
            )
        except (NotFound, PermissionDenied):
            raise
        except ApplicationError as refused:
            error = refused
        else:
            messages.success(request, "已登记变化报告")
            return redirect("web:review_detail", public_id=report.review.public_id)
    return render(
        request,
        "web/reviews/change_report.html",
        {
            "household": household,
            "values": values,
            "error": error,
            "reported_by_choices": ReportedBy.choices,
        },
        status=400 if error else 200,
    )


CHANGE_COLUMNS = [
    Column("effective_month", "生效月份", "yyyy-mm"),
    Column("programme", "救助项目"),
    Column("kind", "变更类型"),
    Column("old_amount", "原月金额（元）", YUAN_FORMAT),
    Column("new_amount", "新月金额（元）", YUAN_FORMAT),
    Column("to_month", "新待遇终止月份", "yyyy-mm"),
    Column("reason", "理由"),
    Column("decided_by", "决定人"),
]


def _change_row(change: EntitlementChange) -> dict[str, Any]:
    """One decided entitlement change as the history page and its export show it."""
    return {
        "change": change,
        "effective_month": change.effective_month,
        "programme": change.old_entitlement.get_programme_display(),
        "kind": change.get_kind_display(),
        "old_amount": change.old_amount,
        "new_amount": change.new_amount,
        "to_month": change.to_month,
        "reason": change.reason,
        "decided_by": staff_name(change.decided_by),
    }


@require_http_methods(["GET"])
@staff_required
def entitlement_history(request: HttpRequest, actor: Actor, public_id: str) -> HttpResponse:
    household = selectors.household_visible(actor=actor, public_id=public_id)
    history = selectors.entitlement_history(actor=actor, household=household)
    head = household_heads([household.pk]).get(household.pk, "")
    change_rows = [_change_row(change) for change in history["changes"]]
    if wants_xlsx(request):
        return xlsx_response(
            filename=f"待遇变更记录-{head or household.address}.xlsx",
            sheet_title="待遇变更记录",
            columns=CHANGE_COLUMNS,
            rows=change_rows,
        )
    return render(
        request,
        "web/reviews/history.html",
        {
            "household": household,
            "head": head,
            **history,
            "change_rows": change_rows,
            "kind_labels": KIND_LABELS,
            "can_start": actor.can(Permission.INTAKE_PROPOSE),
            "can_report": actor.can(Permission.INTAKE_SUBMIT),
        },
    )
