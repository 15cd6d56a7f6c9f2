"""The shell's own pages: the dashboard (the region's figures and its open deadlines) and the
health check. Each context's pages live in its own package (``doudi/web/<context>/``)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from doudi.accounts.models import Role
from doudi.accounts.scoping import Actor
from doudi.core.calendar import deadline_list_open, working_days_between
from doudi.registry import selectors
from doudi.web.deadline_links import deadline_rows, visible_object_types
from doudi.web.permissions import staff_required


@staff_required
def dashboard(request: HttpRequest, actor: Actor) -> HttpResponse:
    statistics = selectors.region_statistics(actor=actor)
    role_labels = [Role(role).label for role in actor.roles]
    today = timezone.localdate()
    open_deadlines = deadline_list_open(
        region_prefix=actor.region_prefix(), object_types=visible_object_types(actor)
    )
    deadlines = [
        (
            row,
            working_days_between(today, row.deadline.due_date).days
            if row.deadline.due_date > today
            else 0,
        )
        for row in deadline_rows(actor, open_deadlines)
    ]
    return render(
        request,
        "web/dashboard.html",
        {
            "statistics": statistics,
            "role_labels": role_labels,
            "deadlines": deadlines,
            "today": today,
        },
    )


@require_http_methods(["GET"])
def healthz(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")
