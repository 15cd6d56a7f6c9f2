"""Clients for page and API tests: a staff member logged in to the pages, or holding an API token."""

from __future__ import annotations

from django.test import Client

from doudi.accounts.services import api_token_create


def logged_in(user) -> Client:  # type: ignore[no-untyped-def]
    """A browser session of ``user`` on the staff pages, past both login steps (password and,
    for those who must have one, the second factor: see `two_factor_verified`)."""
    client = Client()
    client.force_login(user)
    two_factor_verified(client, user)
    return client


def two_factor_verified(client: Client, user) -> None:  # type: ignore[no-untyped-def]
    """Mark ``client``'s session as having passed the second factor, as the login's second step
    does (django-otp's ``login``): with ``user``'s confirmed TOTP device, enrolled here if they
    have none. For a user who needs no second factor and has no device, nothing is done."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from doudi.accounts.two_factor import two_factor_required

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        if not two_factor_required(user):
            return
        device = TOTPDevice.objects.create(user=user, name="测试验证器", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


def api_headers(user, name: str = "test") -> dict[str, str]:  # type: ignore[no-untyped-def]
    """The request headers of a new API token of ``user`` (named ``name``)."""
    token, _ = api_token_create(user=user, name=name)
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def api_client(user, name: str = "test") -> tuple[Client, dict[str, str]]:  # type: ignore[no-untyped-def]
    """A client without a session and the headers of a new API token of ``user``, to be passed
    with every request (``client.get(url, **headers)``)."""
    return Client(), api_headers(user, name)
