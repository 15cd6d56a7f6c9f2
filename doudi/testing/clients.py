"""Clients for page and API tests: a staff member logged in to the pages, or holding an API token."""

from __future__ import annotations

from django.test import Client

from doudi.accounts.services import api_token_create


def logged_in(user) -> Client:  # type: ignore[no-untyped-def]
    """A browser session of ``user`` on the staff pages."""
    client = Client()
    client.force_login(user)
    return client


def api_headers(user) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """The request headers of a new API token of ``user``."""
    token, _ = api_token_create(user=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}
