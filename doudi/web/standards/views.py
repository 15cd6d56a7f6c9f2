"""Staff page of local standards: the dibao standards in force in the actor's counties, every
dated period, and (for those who manage standards) a form adding a new period."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from doudi.accounts.permissions import Permission
from doudi.accounts.scoping import Actor
from doudi.core.exceptions import ApplicationError, PermissionDenied
from doudi.standards.engine import actor_dibao_standards
from doudi.standards.models import AreaScope, LocalParameter
from doudi.standards.selectors import local_standard_list
from doudi.standards.services import local_standard_set
from doudi.web.permissions import staff_required


@require_http_methods(["GET", "POST"])
@staff_required
def standards(request: HttpRequest, actor: Actor) -> HttpResponse:
    form = {
        key: request.POST.get(key, "").strip()
        for key in ("region_code", "amount", "effective_from", "document", "reason", "area_scope")
    }
    if request.method == "POST":
        try:
            start = date.fromisoformat(form["effective_from"])
        except ValueError:
            messages.error(request, "起始日期格式不正确，应为 YYYY-MM-DD")
        else:
            try:
                local_standard_set(
                    actor=actor,
                    parameter=LocalParameter.DIBAO_STANDARD,
                    region_code=form["region_code"],
                    amount=form["amount"],
                    effective_from=start,
                    document=form["document"],
                    reason=form["reason"],
                    area_scope=form["area_scope"] or AreaScope.UNIFIED,
                    is_demo=request.POST.get("is_demo") == "on",
                )
            except PermissionDenied:
                raise
            except ApplicationError as error:
                messages.error(request, error.message)
            else:
                messages.success(request, "已新增一期标准")
                return redirect("web:standards")
    this_month = timezone.localdate().replace(day=1)
    return render(
        request,
        "web/standards.html",
        {
            "in_force": actor_dibao_standards(actor=actor, month=this_month),
            "this_month": this_month,
            "standards": local_standard_list(actor=actor),
            "can_manage": actor.can(Permission.STANDARDS_MANAGE),
            "form": form,
            "area_scopes": AreaScope.choices,
        },
    )
