"""Clients for page and API tests: a staff member logged in to the pages, or holding an API token."""

from __future__ import annotations

from django.test import Client

from doudi.accounts.services import api_token_create


def logged_in(user) -> Client:  # type: ignore[no-untyped-def]
    """A browser session of ``user`` on the staff pages."""
    client = Client()
    client.force_login(user)
    return client


def api_headers(user, name: str = "test") -> dict[str, str]:  # type: ignore[no-untyped-def]
    """The request headers of a new API token of ``user`` (named ``name``)."""
    token, _ = api_token_create(user=user, name=name)
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def api_client(user, name: str = "test") -> tuple[Client, dict[str, str]]:  # type: ignore[no-untyped-def]
    """A client without a session and the headers of a new API token of ``user``, to be passed
    with every request (``client.get(url, **headers)``)."""
    return Client(), api_headers(user, name)
