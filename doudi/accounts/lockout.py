"""Lock-out after failed logins (django-axes): per account and per address, with a Chinese
answer, an audited admin unlock and an audit event for every lock-out (docs/login.md).

Axes counts every failed ``authenticate()`` of the staff login (``/login/``) and the applicants'
login (``/self/login/``). What it stores as the user name is the account's internal user name —
for an applicant that is the random ``applicant-…`` name, for an ID number that has no account
a keyed hash of it (``portal.services.applicant_authenticate``) — never an ID number; the form
fields that carry one are masked in what it stores of the request (AXES_SENSITIVE_PARAMETERS)."""

from __future__ import annotations

from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from axes.models import AccessAttempt
from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q, Sum
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from doudi.accounts.scoping import actor_for_user
from doudi.core.audit import audit_event_record


class AccountAndAddressHandler(AxesDatabaseHandler):
    """Axes' database handler with one limit per account (AXES_FAILURE_LIMIT) and a higher
    one per address (DOUDI_LOGIN_ADDRESS_FAILURE_LIMIT): a township office behind one address
    is not locked out by a few typing mistakes, while one address trying many accounts is.

    AXES_LOCKOUT_PARAMETERS is ``["username", "ip_address"]``: the first list of attempts is the
    account's, the second the address's."""

    def get_failures(self, request: Any, credentials: dict | None = None) -> int:
        account, address = (
            attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            for attempts in self.get_user_attempts(request, credentials)
        )
        if address >= settings.DOUDI_LOGIN_ADDRESS_FAILURE_LIMIT:
            return max(account, settings.AXES_FAILURE_LIMIT)
        return account


def client_address(request: HttpRequest) -> str | None:
    """The address a login is counted under (AXES_CLIENT_IP_CALLABLE): the socket's, or behind
    a reverse proxy the right-most address of DOUDI_LOGIN_PROXY_HEADER — the one the proxy
    appended, which the client cannot choose (addresses left of it can be forged)."""
    header = settings.DOUDI_LOGIN_PROXY_HEADER
    if header:
        forwarded = [part.strip() for part in request.META.get(header, "").split(",")]
        forwarded = [part for part in forwarded if part]
        if forwarded:
            return forwarded[-1]
    return request.META.get("REMOTE_ADDR")


def lockout_message() -> str:
    minutes = settings.DOUDI_LOGIN_COOLOFF_MINUTES
    return (
        f"登录失败次数过多，该账号（或本机地址）已被暂时锁定，请 {minutes} 分钟后再试；"
        "如需立即解锁，请联系系统管理员。"
    )


def lockout_response(
    request: HttpRequest, original_response: Any = None, credentials: Any = None
) -> HttpResponse:
    """The answer to a locked-out login (AXES_LOCKOUT_CALLABLE): the login page of the site
    the request came to, with the lock-out message, status 429."""
    template = (
        "portal/locked_out.html"
        if request.path.startswith("/self/")
        else "registration/locked_out.html"
    )
    return render(request, template, {"message": lockout_message()}, status=429)


@receiver(user_locked_out)
def _lockout_audit(sender: Any, request: Any, username: str | None, ip_address: str, **kwargs: Any):  # type: ignore[no-untyped-def]
    """An audit event for each login refused by the lock-out: ``login.locked_out`` for the
    failure that reached the limit, ``login.refused_locked`` for each try while locked."""
    failures = getattr(request, "axes_failures_since_start", None)
    action = (
        "login.locked_out"
        if failures is not None and failures <= settings.AXES_FAILURE_LIMIT
        else "login.refused_locked"
    )
    with transaction.atomic():
        audit_event_record(
            actor=None,
            action=action,
            object_type="auth.user",
            object_id=_user_id(username),
            region_code=_region_code(username),
            parameters={
                "username": username or "",
                "ip_address": ip_address or "",
                "failures": failures,
                "path": getattr(request, "path", ""),
            },
        )


@transaction.atomic
def login_lockout_release(
    *, actor: Any, username: str | None = None, ip_address: str | None = None
) -> int:
    """Unlock an account (its failures from every address), an address (the failures of every
    account tried from it), or both; audited. Returns how many attempt records were removed."""
    if not username and not ip_address:
        raise ValueError("username or ip_address")
    matching = Q()
    if username:
        matching |= Q(username=username)
    if ip_address:
        matching |= Q(ip_address=ip_address)
    count, _ = AccessAttempt.objects.filter(matching).delete()
    audit_event_record(
        actor=actor,
        action="login.unlocked",
        object_type="auth.user" if username else "",
        object_id=_user_id(username) if username else "",
        region_code=_region_code(username),
        parameters={"username": username or "", "ip_address": ip_address or "", "removed": count},
    )
    return count


def login_attempts_clear(*, username: str) -> None:
    """After a successful login: forget the account's own failed attempts (not other accounts'
    attempts from the same address, which would let one account's success unlock another)."""
    AccessAttempt.objects.filter(username=username).delete()


def _user(username: str | None) -> Any:
    if not username:
        return None
    return get_user_model().objects.filter(username=username).first()


def _user_id(username: str | None) -> str:
    user = _user(username)
    return str(user.pk) if user is not None else ""


def _region_code(username: str | None) -> str:
    user = _user(username)
    if user is None:
        return ""
    actor = actor_for_user(user)
    return actor.region_code if actor is not None else ""
