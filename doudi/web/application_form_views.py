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
from doudi.core.exceptions import ApplicationError, NotFound, PermissionDenied
from doudi.core.models import Division
from doudi.intake import services
from doudi.intake import services as intake_services
from doudi.intake.models import Application, Channel, SignedBy
from doudi.policy.codes import INCOME_TYPES, TEMPORARY_LABELS
from doudi.programmes import AT_EMERGENCY_PLACE, CROSS_REGION, Programme
from doudi.programmes import CHOICES as PROGRAMME_CHOICES
from doudi.programmes import KEYS as PROGRAMME_KEYS
from doudi.referrals.models import Need
from doudi.registry import selectors as registry_selectors
from doudi.registry.models import Household, Membership
from doudi.web.views import staff_required

INCOME_ROWS = 2  # declared incomes per member on the form
ASSETS = [
    ("financial", "金融资产（元）", "decimal"),
    ("vehicles", "需申报的机动车（辆）", "count"),
    ("real_estate", "房产（套）", "count"),
    ("business_registrations", "工商登记（户）", "count"),
]
CROSS_REGION_SESSION_KEY = "cross_region_household"
RECEIPT_SESSION_KEY = "cross_region_receipt"
CROSS_REGION_PROGRAMMES = [
    p for p in PROGRAMME_KEYS if p in CROSS_REGION or p in AT_EMERGENCY_PLACE
]


def _counted_members(household: Household) -> list[Membership]:
    return list(
        household.memberships.filter(is_active=True, is_counted=True)
        .select_related("person")
        .order_by("id")
    )


def form_rows(members: list[Membership], post: Any) -> list[dict[str, Any]]:
    """One row per counted member, with what was posted (empty on GET)."""
    rows = []
    for membership in members:
        key = str(membership.person.public_id)
        rows.append(
            {
                "membership": membership,
                "key": key,
                "consent": post.get(f"consent_{key}") == "on",
                "signed_by": post.get(f"signed_by_{key}", SignedBy.SELF),
                "proxy_reason": post.get(f"proxy_reason_{key}", ""),
                "incomes": [
                    {
                        "n": n,
                        "type": post.get(f"income_type_{key}_{n}", ""),
                        "amount": post.get(f"income_amount_{key}_{n}", ""),
                    }
                    for n in range(INCOME_ROWS)
                ],
                "supporters_unable": post.get(f"supporters_unable_{key}") == "on",
                "centralised": post.get(f"centralised_{key}") == "on",
                "self_care_failed_items": post.get(f"self_care_failed_items_{key}", "0"),
                "orphan_kind": post.get(f"orphan_kind_{key}", ""),
                "orphan_institution": post.get(f"orphan_institution_{key}") == "on",
            }
        )
    return rows


def form_member_facts(rows: list[dict[str, Any]]) -> list[services.MemberFacts]:
    """特困 / orphan facts of the members for whom anything was ticked or chosen."""
    facts = []
    for row in rows:
        items = str(row["self_care_failed_items"]).strip() or "0"
        if not items.isdigit():
            raise ApplicationError(
                "生活不能自理项数应为 0 至 6 的整数",
                field=f"self_care_failed_items_{row['key']}",
            )
        if not (
            row["supporters_unable"]
            or row["centralised"]
            or int(items)
            or row["orphan_kind"]
            or row["orphan_institution"]
        ):
            continue
        facts.append(
            services.MemberFacts(
                person=row["membership"].person,
                supporters_unable=row["supporters_unable"],
                centralised=row["centralised"],
                self_care_failed_items=int(items),
                orphan_kind=row["orphan_kind"],
                orphan_institution=row["orphan_institution"],
            )
        )
    return facts


def form_assets(post: Any) -> dict[str, Any]:
    assets: dict[str, Any] = {}
    for key, label, kind in ASSETS:
        value = post.get(f"asset_{key}", "").strip()
        if not value:
            continue
        if kind == "count":
            if not value.isdigit():
                raise ApplicationError(f"{label}须为不小于 0 的整数", field=f"assets.{key}")
            assets[key] = int(value)
        else:
            assets[key] = value
    return assets


def form_consents(rows: list[dict[str, Any]]) -> list[services.ConsentSpec]:
    return [
        services.ConsentSpec(
            person=row["membership"].person,
            signed_by=row["signed_by"],
            proxy_reason=row["proxy_reason"].strip(),
        )
        for row in rows
        if row["consent"]
    ]


def form_declaration(rows: list[dict[str, Any]], post: Any) -> services.Declaration:
    incomes = [
        services.IncomeSpec(
            person=row["membership"].person, type=income["type"], monthly=income["amount"].strip()
        )
        for row in rows
        for income in row["incomes"]
        if income["type"] or income["amount"].strip()
    ]
    return services.Declaration(
        incomes=incomes,
        assets=form_assets(post),
        temporary=form_temporary(post),
        member_facts=form_member_facts(rows),
    )


def form_temporary(post: Any) -> services.TemporarySpec | None:
    """The 临时救助 fields, read only when temporary assistance is ticked (the form always shows
    them; left over values of an unticked programme are ignored, not stored). Blank required
    fields are refused by the service with the field named."""
    if Programme.TEMPORARY_ASSISTANCE.value not in post.getlist("programmes"):
        return None
    repeat = post.get("temporary_repeat_within_year") == "on"
    return services.TemporarySpec(
        kind=post.get("temporary_kind", "").strip(),
        requested=post.get("temporary_requested", "").strip(),
        reason=post.get("temporary_reason", "").strip(),
        repeat_within_year=repeat,
        repeat_justification=post.get("temporary_repeat_justification", "").strip()
        if repeat
        else "",
    )


def form_context(post: Any, *, programmes: list[str]) -> dict[str, Any]:
    """What every version of the form shows besides the members: programmes, needs, assets."""
    chosen = post.getlist("programmes") if post else []
    needs = post.getlist("needs") if post else []
    return {
        "programmes": [
            (value, label, value in chosen)
            for value, label in PROGRAMME_CHOICES
            if value in programmes
        ],
        "needs": [(value, label, value in needs) for value, label in Need.choices],
        "signed_by_choices": SignedBy.choices,
        "income_types": list(INCOME_TYPES.items()),
        "orphan_kinds": list(intake_services.ORPHAN_KINDS.items()),
        "assets": [(key, label, post.get(f"asset_{key}", "")) for key, label, _ in ASSETS],
        "temporary_offered": Programme.TEMPORARY_ASSISTANCE.value in programmes,
        "temporary_kinds": list(TEMPORARY_LABELS.items()),
        "temporary": {
            "kind": post.get("temporary_kind", ""),
            "requested": post.get("temporary_requested", ""),
            "reason": post.get("temporary_reason", ""),
            "repeat_within_year": post.get("temporary_repeat_within_year") == "on",
            "repeat_justification": post.get("temporary_repeat_justification", ""),
        },
    }


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
    village_worker = intake_services.is_village_worker(actor)
    return render(
        request,
        "web/intake/apply.html",
        {
            "household": household,
            "rows": rows,
            **form_context(post, programmes=programmes),
            "channels": [
                (v, label) for v, label in Channel.choices if v in intake_services.STAFF_CHANNELS
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
    rows = form_rows(_counted_members(household), request.POST if request.method == "POST" else {})
    if request.method == "POST":
        try:
            application = _submit(actor, household, rows, request.POST)
        except (NotFound, PermissionDenied):
            raise
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
            household = intake_services.household_find_for_window(
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
            if registry_selectors.household_queryset(actor=actor).filter(pk=household.pk).exists():
                return redirect("web:application_new", public_id=household.public_id)
            request.session[CROSS_REGION_SESSION_KEY] = str(household.public_id)
            return redirect("web:cross_region_apply")
    return render(
        request,
        "portal/staff/cross_region_find.html",
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
    household = intake_services.household_for_submission(actor=actor, public_id=public_id)
    rows = form_rows(_counted_members(household), request.POST if request.method == "POST" else {})
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


def _division_name(code: str) -> str:
    division = Division.objects.filter(code=code).first()
    return f"{division.name}（{code}）" if division else code


@staff_required
def cross_region_receipt(request: HttpRequest, actor: Actor) -> HttpResponse:
    """The receiving window's confirmation: what was filed and where it was routed. Only the
    application this session filed is shown; the case itself stays with its own township."""
    actor.require(Permission.INTAKE_PROPOSE)
    public_id = request.session.get(RECEIPT_SESSION_KEY)
    application = (
        Application.objects.filter(
            public_id=public_id, submitted_by=actor.user, receiving_township_code=actor.region_code
        ).first()
        if public_id
        else None
    )
    if application is None:
        raise NotFound("没有可显示的受理回执", field="application")
    return render(
        request,
        "portal/staff/cross_region_receipt.html",
        {
            "application": application,
            "programmes": [Programme(p).label for p in application.programmes],
            "routed_county": _division_name(application.county_code),
            "routed_township": _division_name(application.township_code),
            "receiving": _division_name(application.receiving_township_code),
            "is_emergency_place": application.township_code == application.receiving_township_code,
            "can_open": Application.objects.filter(actor.region_q(), pk=application.pk).exists(),
        },
    )
