"""Who may see a staff page: the decorator every staff view wears."""

from __future__ import annotations

from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import render

from doudi.accounts.scoping import actor_for_user
from doudi.core.exceptions import NotFound, PermissionDenied


def staff_required(view: Any) -> Any:
    """Logged in and holding a staff profile; passes the Actor to the view."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        actor = actor_for_user(request.user)
        if actor is None:
            return HttpResponseForbidden("该账号未配置工作人员信息，请联系系统管理员")
        try:
            return view(request, actor, *args, **kwargs)
        except NotFound as error:
            raise Http404(error.message) from error
        except PermissionDenied as error:
            return render(request, "web/forbidden.html", {"message": error.message}, status=403)

    return wrapper
