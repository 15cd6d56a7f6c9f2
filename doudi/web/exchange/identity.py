"""Starting identity resolution of a feed's latest snapshot from the feed board (核对中心)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from doudi.accounts.scoping import Actor
from doudi.core.exceptions import NotFound
from doudi.exchange import resolution, selectors
from doudi.exchange.schemas import FEEDS
from doudi.web.permissions import staff_required


@require_POST
@staff_required
def identity_run_start(request: HttpRequest, actor: Actor, source: str) -> HttpResponse:
    """Resolve every record of the feed's latest snapshot now (as `doudi exchange resolve`); the
    board shows the run with its counts. Takes as long as the run: about 20 s for 200,000
    records against a registry of 1M persons."""
    resolution.require_review_links(actor)
    schema = FEEDS.get(source)
    if schema is None:
        raise NotFound(f"未知的数据源：{source}", field="source")
    snapshot = selectors.feed_snapshot_latest(source=source)
    if snapshot is None:
        messages.error(request, f"“{schema.label}”尚无快照，无法进行身份比对")
        return redirect("web:exchange_feed_board")
    run = resolution.identity_resolve(actor=actor, snapshot=snapshot)
    messages.success(
        request,
        f"“{schema.label}”{snapshot.snapshot_date:%Y-%m-%d} 快照身份比对完成：共 {run.record_count:,} 条，"
        f"按号码 {run.exact_count:,}、自动接受 {run.probabilistic_count:,}、待确认 {run.review_count:,}、"
        f"未比对上 {run.unmatched_count:,}",
    )
    return redirect("web:exchange_feed_board")
