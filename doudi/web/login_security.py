"""What holds a logged-in session back until the login is complete, and ends it when idle
(docs/login.md). Installed after django-otp's OTPMiddleware (config/settings.py).

- An idle session (no request for DOUDI_SESSION_IDLE_SECONDS) is logged out: the next request
  goes to the login page with a message.
- A user with a confirmed authenticator whose session has not entered a code, and a user who
  must have one (county scope or wider, administrators) and has not enrolled, reach only the
  login steps: every other staff page, the admin site and the API by session redirect there
  (the API answers 403). The API with a bearer token is not a password login and is left alone.
- A user whose password expired reaches only the password change until they have changed it.

The applicants' site (``/self/``) has its own login and no second factor; it gets the idle
timeout only."""

from __future__ import annotations

import time
from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse

from doudi.accounts import two_factor
from doudi.web.login import PASSWORD_CHANGE_REQUIRED

LAST_ACTIVITY = "doudi_last_activity"
# The last-activity time is written at most this often (seconds): a session write per request
# would cost a database write on every page.
ACTIVITY_RESOLUTION = 60


def clock() -> float:
    """The wall clock idle sessions are measured by (the suite measures them by the real clock
    while tests travel in the calendar: conftest.py)."""
    return time.time()


LOGIN_STEPS = frozenset({"login", "logout", "login_verify", "login_enrol", "healthz"})


def _route(request: HttpRequest) -> tuple[str, str]:
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return "", ""
    return match.namespace, match.url_name or ""


def session_start(sender: object, request: HttpRequest, user: object, **kwargs: object) -> None:
    """A new login starts the idle clock (connected to ``user_logged_in`` by WebConfig)."""
    session = getattr(request, "session", None)
    if session is not None:
        session[LAST_ACTIVITY] = int(clock())


class LoginSecurityMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            response = self._idle(request) or self._incomplete_login(request)
            if response is not None:
                return response
        return self.get_response(request)

    def _idle(self, request: HttpRequest) -> HttpResponse | None:
        now = int(clock())
        last = request.session.get(LAST_ACTIVITY)
        if isinstance(last, int) and now - last > settings.DOUDI_SESSION_IDLE_SECONDS:
            logout(request)
            if request.path.startswith("/api/"):
                return None  # answered as any request without a session
            messages.info(request, "由于长时间未操作，您已自动退出，请重新登录")
            login = "portal:login" if request.path.startswith("/self/") else "web:login"
            return redirect(f"{reverse(login)}?{urlencode({'next': request.get_full_path()})}")
        if not isinstance(last, int) or abs(now - last) >= ACTIVITY_RESOLUTION:
            request.session[LAST_ACTIVITY] = now
        return None

    def _incomplete_login(self, request: HttpRequest) -> HttpResponse | None:
        namespace, name = _route(request)
        if namespace == "portal" or (namespace == "web" and name in LOGIN_STEPS):
            return None
        if request.path.startswith("/api/") and "HTTP_AUTHORIZATION" in request.META:
            return None
        user = request.user
        step = None
        if not two_factor.is_verified(user):
            if two_factor.has_confirmed_device(user):
                step = "web:login_verify"
            elif two_factor.two_factor_required(user):
                step = "web:login_enrol"
        if step is None and request.session.get(PASSWORD_CHANGE_REQUIRED):
            if namespace == "web" and name == "password_change":
                return None
            step = "web:password_change"
        if step is None:
            return None
        if request.path.startswith("/api/"):
            return JsonResponse(
                {"message": "请先在工作人员登录页完成登录（双因素认证或修改过期密码）"},
                status=403,
                json_dumps_params={"ensure_ascii": False},
            )
        next_url = request.get_full_path() if request.method == "GET" else reverse("web:dashboard")
        return redirect(f"{reverse(step)}?{urlencode({'next': next_url})}")
