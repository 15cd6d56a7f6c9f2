"""The one application form (一件事一次办): every programme, consents, declarations, needs."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from doudi.accounts.permissions import Permission
from doudi.accounts.scoping import Actor
from doudi.core.exceptions import ApplicationError, NotFound, PermissionDenied
from doudi.intake import services
from doudi.intake.models import Channel, Programme, SignedBy
from doudi.policy.codes import INCOME_TYPES
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


def _counted_members(actor: Actor, household: Household) -> list[Membership]:
    return [
        m
        for m in registry_selectors.household_members(actor=actor, household=household)
        if m.is_active and m.is_counted
    ]


def _form_rows(members: list[Membership], post: Any) -> list[dict[str, Any]]:
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
            }
        )
    return rows


def _assets(post: Any) -> dict[str, Any]:
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


def _submit(actor: Actor, household: Household, rows: list[dict[str, Any]], post: Any) -> Any:
    consents = [
        services.ConsentSpec(
            person=row["membership"].person,
            signed_by=row["signed_by"],
            proxy_reason=row["proxy_reason"].strip(),
        )
        for row in rows
        if row["consent"]
    ]
    incomes = [
        services.IncomeSpec(
            person=row["membership"].person, type=income["type"], monthly=income["amount"].strip()
        )
        for row in rows
        for income in row["incomes"]
        if income["type"] or income["amount"].strip()
    ]
    return services.application_submit(
        actor=actor,
        household=household,
        programmes=post.getlist("programmes"),
        channel=post.get("channel", ""),
        consents=consents,
        declaration=services.Declaration(incomes=incomes, assets=_assets(post)),
        is_relative_declared=post.get("is_relative_declared") == "on",
    )


@require_http_methods(["GET", "POST"])
@staff_required
def application_new(request: HttpRequest, actor: Actor, public_id: str) -> HttpResponse:
    household = registry_selectors.household_get(actor=actor, public_id=public_id)
    actor.require(Permission.INTAKE_PROPOSE)
    post = request.POST if request.method == "POST" else {}
    rows = _form_rows(_counted_members(actor, household), post)
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
    return render(
        request,
        "web/intake/apply.html",
        {
            "household": household,
            "rows": rows,
            "programmes": [
                (value, label, value in (request.POST.getlist("programmes") if post else []))
                for value, label in Programme.choices
            ],
            "channels": Channel.choices,
            "channel": post.get("channel", Channel.WINDOW),
            "signed_by_choices": SignedBy.choices,
            "income_types": list(INCOME_TYPES.items()),
            "assets": [(key, label, post.get(f"asset_{key}", "")) for key, label, _ in ASSETS],
            "is_relative_declared": post.get("is_relative_declared") == "on",
        },
    )
