"""Domain errors. Messages are Chinese because staff read them; `field` names the input at fault."""

from __future__ import annotations

from typing import Any


class ApplicationError(Exception):
    """A request the platform refuses, with a message staff can act on."""

    def __init__(
        self, message: str, *, field: str | None = None, extra: dict[str, Any] | None = None
    ):
        super().__init__(message)
        self.message = message
        self.field = field
        self.extra = extra or {}

    def as_dict(self) -> dict[str, Any]:
        return {
            "message": self.message,
            "field": self.field,
            **({"extra": self.extra} if self.extra else {}),
        }


class PermissionDenied(ApplicationError):
    """The actor's roles or region do not allow the action."""


class Conflict(ApplicationError):
    """The request collides with what is already saved: the same thing submitted twice, or a case
    someone else changed since it was read. `extra` may name what already exists."""


class NotFound(ApplicationError):
    """The object does not exist, or lies outside the actor's region (indistinguishable on purpose)."""


def text_required(value: Any, *, field: str, message: str) -> str:
    """The stripped text, or an ApplicationError with `message` naming `field` when it is empty
    (written reasons, objections, opinions: every service that needs words from staff)."""
    text = value.strip() if isinstance(value, str) else ""
    if not text:
        raise ApplicationError(message, field=field)
    return text
