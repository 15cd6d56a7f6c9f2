from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import APIKeyCookie, HttpBearer

from doudi.accounts.scoping import actor_for_user
from doudi.accounts.services import api_token_authenticate


class TokenAuth(HttpBearer):
    """`Authorization: Bearer dd_…` for partner systems and scripts."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = api_token_authenticate(token=token)
        if user is None:
            return None
        actor = actor_for_user(user)
        if actor is None:
            return None
        request.user = user
        return actor


class SessionAuth(APIKeyCookie):
    """The staff UI's own session (with CSRF protection on writes)."""

    param_name = "sessionid"

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        return actor_for_user(request.user)


token_auth = TokenAuth()
session_auth = SessionAuth(csrf=True)
