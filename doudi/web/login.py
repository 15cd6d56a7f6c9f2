"""The staff login in steps (docs/login.md): the password (with the lock-out of django-axes),
then the second factor — entered, or enrolled by those who must have one and have not — then a
new password where the old one has expired. `web.login_security.LoginSecurityMiddleware` holds
every other page back until the steps are done."""

from __future__ import annotations

from base64 import b32encode
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login

from doudi.accounts import two_factor
from doudi.accounts.lockout import login_attempts_clear
from doudi.accounts.scoping import actor_for_user
from doudi.accounts.services import password_change

PASSWORD_CHANGE_REQUIRED = "doudi_password_change_required"


def _next_url(request: HttpRequest) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    allowed = url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return candidate if candidate and allowed else reverse("web:dashboard")


def _with_next(name: str, next_url: str) -> str:
    return f"{reverse(name)}?{urlencode({'next': next_url})}"


def next_step(request: HttpRequest, next_url: str) -> HttpResponse:
    """Where a logged-in staff member goes next: the second factor, the password change, or
    the page they asked for."""
    user = request.user
    if not two_factor.is_verified(user):
        if two_factor.has_confirmed_device(user):
            return redirect(_with_next("web:login_verify", next_url))
        if two_factor.two_factor_required(user):
            return redirect(_with_next("web:login_enrol", next_url))
    if request.session.get(PASSWORD_CHANGE_REQUIRED):
        return redirect(_with_next("web:password_change", next_url))
    return redirect(next_url)


class StaffLoginView(auth_views.LoginView):
    """Step one: user name and password. A wrong password counts towards the lock-out; a locked
    account or address is answered 429 with the lock-out message even for the right password."""

    template_name = "registration/login.html"

    def get_context_data(self, **kwargs):  # type: ignore[no-untyped-def]
        context = super().get_context_data(**kwargs)
        context["failure_limit"] = settings.AXES_FAILURE_LIMIT
        return context

    def form_valid(self, form):  # type: ignore[no-untyped-def]
        user = form.get_user()
        auth_login(self.request, user)
        login_attempts_clear(username=user.get_username())
        if actor_for_user(user) is not None and two_factor.password_expired(user):
            self.request.session[PASSWORD_CHANGE_REQUIRED] = True
        return next_step(self.request, _next_url(self.request))


STAFF_ONLY = "该页面仅供工作人员使用"


def _is_staff_member(user) -> bool:  # type: ignore[no-untyped-def]
    return user.is_staff or actor_for_user(user) is not None


@login_required
@require_http_methods(["GET", "POST"])
def login_verify(request: HttpRequest) -> HttpResponse:
    """Step two for those with a device: the six-digit code of their authenticator."""
    if not _is_staff_member(request.user):
        return HttpResponseForbidden(STAFF_ONLY)
    next_url = _next_url(request)
    if two_factor.is_verified(request.user):
        return next_step(request, next_url)
    if not two_factor.has_confirmed_device(request.user):
        return next_step(request, next_url)
    error = None
    if request.method == "POST":
        device = two_factor.two_factor_verify(
            user=request.user, token=request.POST.get("otp_token", "")
        )
        if device is not None:
            otp_login(request, device)
            return next_step(request, next_url)
        error = "验证码不正确或已过期，请查看身份验证器上的最新验证码后重新输入"
    return render(
        request, "registration/two_factor_verify.html", {"error": error, "next": next_url}
    )


@login_required
@require_http_methods(["GET", "POST"])
def login_enrol(request: HttpRequest) -> HttpResponse:
    """Enrolment of a TOTP authenticator: the secret (base32) and the otpauth:// address are
    shown until the first code from the authenticator confirms the device, never after."""
    if not _is_staff_member(request.user):
        return HttpResponseForbidden(STAFF_ONLY)
    next_url = _next_url(request)
    if two_factor.has_confirmed_device(request.user):
        if two_factor.is_verified(request.user):
            messages.info(request, "您已开启双因素认证")
        return next_step(request, next_url)
    device = two_factor.pending_device(request.user)
    error = None
    if request.method == "POST":
        if two_factor.two_factor_enrol_confirm(
            user=request.user, device=device, token=request.POST.get("otp_token", "")
        ):
            otp_login(request, device)
            messages.success(request, "双因素认证已开启：以后每次登录都需输入身份验证器上的验证码")
            return next_step(request, next_url)
        error = "验证码不正确：请确认手机时间准确，并输入身份验证器上显示的最新 6 位验证码"
    secret = b32encode(device.bin_key).decode("ascii")
    return render(
        request,
        "registration/two_factor_enrol.html",
        {
            "error": error,
            "next": next_url,
            "secret": secret,
            "secret_groups": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
            "config_url": device.config_url,
            "required": two_factor.two_factor_required(request.user),
        },
    )


class PasswordChangeView(auth_views.PasswordChangeView):
    """Changing one's password (required when it has expired); the new one must meet every
    rule of AUTH_PASSWORD_VALIDATORS, and the change is audited."""

    template_name = "registration/password_change.html"

    def dispatch(self, request, *args, **kwargs):  # type: ignore[no-untyped-def]
        if request.user.is_authenticated and not _is_staff_member(request.user):
            return HttpResponseForbidden(STAFF_ONLY)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):  # type: ignore[no-untyped-def]
        context = super().get_context_data(**kwargs)
        context["next"] = _next_url(self.request)
        context["expired"] = bool(self.request.session.get(PASSWORD_CHANGE_REQUIRED))
        return context

    def form_valid(self, form):  # type: ignore[no-untyped-def]
        password_change(user=form.user, password=form.cleaned_data["new_password1"])
        update_session_auth_hash(self.request, form.user)
        self.request.session.pop(PASSWORD_CHANGE_REQUIRED, None)
        messages.success(self.request, "密码已修改")
        return redirect(_next_url(self.request))
