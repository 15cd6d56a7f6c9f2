"""The one application form (一件事一次办): every programme, consents, declarations, needs.

Two doors lead to it: a household of the actor's own region (``/households/<id>/apply/``), and,
for caseworkers at a township window, a household found by ID number and name anywhere in the
province (``/applications/cross-region/``) for the programmes that may be filed there
(docs/channels.md)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from doudi.accounts.permissions import Permission
from doudi.accounts.scoping import Actor
from doudi.core.exceptions import ApplicationError, Conflict, NotFound, PermissionDenied
from doudi.core.selectors import division_label
from doudi.intake import selectors, services
from doudi.intake.forms import form_consents, form_context, form_declaration, form_rows
from doudi.intake.models import Channel
from doudi.programmes import AT_EMERGENCY_PLACE, CROSS_REGION
from doudi.programmes import KEYS as PROGRAMME_KEYS
from doudi.programmes import label as programme_label
from doudi.registry import selectors as registry_selectors
from doudi.registry.models import Household
from doudi.web.permissions import staff_required

CROSS_REGION_SESSION_KEY = "cross_region_household"
RECEIPT_SESSION_KEY = "cross_region_receipt"
CROSS_REGION_PROGRAMMES = [
    p for p in PROGRAMME_KEYS if p in CROSS_REGION or p in AT_EMERGENCY_PLACE
]


def _submit(actor: Actor, household: Household, rows: list[dict[str, Any]], post: Any) -> Any:
    return services.application_submit(
        actor=actor,
        household=household,
        programmes=post.getlist("programmes"),
        channel=post.get("channel", ""),
        consents=form_consents(rows),
        declaration=form_declaration(rows, post),
        is_relative_declared=post.get("is_relative_declared") == "on",
        needs=post.getlist("needs"),
    )


def _render(
    request: HttpRequest,
    actor: Actor,
    household: Household,
    rows: list[dict[str, Any]],
    *,
    programmes: list[str],
    back_url: str,
    cross_region: bool = False,
) -> HttpResponse:
    post = request.POST if request.method == "POST" else {}
    village_worker = services.is_village_worker(actor)
    return render(
        request,
        "web/intake/apply.html",
        {
            "household": household,
            "rows": rows,
            **form_context(post, programmes=programmes),
            "channels": [
                (v, label) for v, label in Channel.choices if v in services.STAFF_CHANNELS
            ],
            "channel": post.get("channel", Channel.WINDOW),
            "channel_fixed": Channel.VILLAGE_WORKER.label if village_worker else "",
            "is_relative_declared": post.get("is_relative_declared") == "on",
            "back_url": back_url,
            "cross_region": cross_region,
        },
    )


@require_http_methods(["GET", "POST"])
@staff_required
def application_new(request: HttpRequest, actor: Actor, public_id: str) -> HttpResponse:
    household = registry_selectors.household_get(actor=actor, public_id=public_id)
    actor.require(Permission.INTAKE_SUBMIT)
    rows = form_rows(
        registry_selectors.counted_members(household),
        request.POST if request.method == "POST" else {},
    )
    if request.method == "POST":
        try:
            application = _submit(actor, household, rows, request.POST)
        except (NotFound, PermissionDenied):
            raise
        except Conflict as error:
            # The same form sent twice (a double click): the application it would duplicate.
            messages.warning(request, error.message)
            if "application" in error.extra:
                return redirect("web:application_detail", public_id=error.extra["application"])
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, "申请已提交")
            return redirect("web:application_detail", public_id=application.public_id)
    return _render(
        request,
        actor,
        household,
        rows,
        programmes=list(PROGRAMME_KEYS),
        back_url=reverse("web:household_detail", args=[household.public_id]),
    )


# -- filing at a window outside the household's region ---------------------------------------


@require_http_methods(["GET", "POST"])
@staff_required
def cross_region_find(request: HttpRequest, actor: Actor) -> HttpResponse:
    """跨区域受理: find the household by a member's ID number and name."""
    actor.require(Permission.INTAKE_PROPOSE)
    error = None
    if request.method == "POST":
        try:
            household = services.household_find_for_window(
                actor=actor,
                id_number=request.POST.get("id_number", ""),
                name=request.POST.get("name", ""),
            )
        except NotFound as exc:
            error = exc.message
        except PermissionDenied:
            raise
        except ApplicationError as exc:
            error = exc.message
        else:
            if registry_selectors.household_in_region(actor=actor, household=household):
                return redirect("web:application_new", public_id=household.public_id)
            request.session[CROSS_REGION_SESSION_KEY] = str(household.public_id)
            return redirect("web:cross_region_apply")
    return render(
        request,
        "web/intake/cross_region_find.html",
        {"error": error, "name": request.POST.get("name", "") if request.method == "POST" else ""},
    )


@require_http_methods(["GET", "POST"])
@staff_required
def cross_region_apply(request: HttpRequest, actor: Actor) -> HttpResponse:
    """The form for the household found by :func:`cross_region_find` (kept in the session)."""
    actor.require(Permission.INTAKE_PROPOSE)
    public_id = request.session.get(CROSS_REGION_SESSION_KEY)
    if not public_id:
        messages.error(request, "请先按身份证号码和姓名查找申请家庭")
        return redirect("web:cross_region_find")
    household = services.household_for_submission(actor=actor, public_id=public_id)
    rows = form_rows(
        registry_selectors.counted_members(household),
        request.POST if request.method == "POST" else {},
    )
    if request.method == "POST":
        try:
            application = _submit(actor, household, rows, request.POST)
        except (NotFound, PermissionDenied):
            raise  # another programme at a foreign window: 404, as for any household outside
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            request.session.pop(CROSS_REGION_SESSION_KEY, None)
            request.session[RECEIPT_SESSION_KEY] = str(application.public_id)
            return redirect("web:cross_region_receipt")
    return _render(
        request,
        actor,
        household,
        rows,
        programmes=CROSS_REGION_PROGRAMMES,
        back_url=reverse("web:cross_region_find"),
        cross_region=True,
    )


@staff_required
def cross_region_receipt(request: HttpRequest, actor: Actor) -> HttpResponse:
    """The receiving window's confirmation: what was filed and where it was routed. Only the
    application this session filed is shown; the case itself stays with its own township."""
    actor.require(Permission.INTAKE_PROPOSE)
    application = selectors.window_receipt_get(
        actor=actor, public_id=request.session.get(RECEIPT_SESSION_KEY, "")
    )
    return render(
        request,
        "web/intake/cross_region_receipt.html",
        {
            "application": application,
            "programmes": [programme_label(p) for p in application.programmes],
            "routed_county": division_label(application.county_code),
            "routed_township": division_label(application.township_code),
            "receiving": division_label(application.receiving_township_code),
            "is_emergency_place": application.township_code == application.receiving_township_code,
            "can_open": selectors.application_visible(actor=actor, application=application),
        },
    )
