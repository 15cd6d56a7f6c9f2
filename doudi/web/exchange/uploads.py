"""The department's window for sending its data (报送部门数据): the feeds the user may send, an
upload form and the latest files received for those feeds, with their outcome."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from doudi.accounts.scoping import Actor
from doudi.exchange import access, selectors, services
from doudi.exchange.models import SubmissionChannel
from doudi.web.permissions import staff_required


def _page(request: HttpRequest, actor: Actor, *, error: str = "", source: str = "") -> HttpResponse:
    feeds = access.require_upload_any(actor)
    latest = selectors.feed_snapshots_latest(sources=[schema.source for schema in feeds])
    labels = {schema.source: schema.label for schema in feeds}
    return render(
        request,
        "web/exchange/upload.html",
        {
            "feeds": [(schema, latest.get(schema.source)) for schema in feeds],
            "submissions": [
                (submission, labels.get(submission.source, submission.source))
                for submission in selectors.feed_submissions_sent(actor=actor)
            ],
            "error": error,
            "source": source,
        },
        status=400 if error else 200,
    )


@require_http_methods(["GET", "POST"])
@staff_required
def feed_upload(request: HttpRequest, actor: Actor) -> HttpResponse:
    if request.method == "GET":
        return _page(request, actor)
    feeds = {schema.source: schema for schema in access.require_upload_any(actor)}
    source = request.POST.get("source", "")
    upload = request.FILES.get("file")
    if source not in feeds:
        return _page(request, actor, error="请选择要报送的数据源", source=source)
    if upload is None:
        return _page(request, actor, error="请选择要报送的文件", source=source)
    outcome = services.feed_file_ingest(
        actor=actor,
        source=source,
        data=upload.read(),
        filename=upload.name or "upload",
        channel=SubmissionChannel.WEB,
    )
    if outcome.outcome == "rejected":
        messages.error(request, outcome.summary)
    else:
        messages.success(request, outcome.summary)
    if outcome.submission is not None:
        return redirect("web:exchange_submission_detail", public_id=outcome.submission.public_id)
    return redirect("web:exchange_feed_upload")
