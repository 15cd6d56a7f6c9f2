"""Password rules beyond Django's own (AUTH_PASSWORD_VALIDATORS in config/settings.py), with
Chinese messages: at least three kinds of character, never the user name, and the record of when
a password was set, from which it expires (docs/login.md)."""

from __future__ import annotations

import string
from typing import Any

from django.contrib.auth.password_validation import (
    MinimumLengthValidator as DjangoMinimumLengthValidator,
)
from django.core.exceptions import ValidationError
from django.utils import timezone

CHARACTER_CLASSES = (
    ("大写字母", lambda c: c in string.ascii_uppercase),
    ("小写字母", lambda c: c in string.ascii_lowercase),
    ("数字", lambda c: c in string.digits),
    ("特殊字符", lambda c: not c.isalnum()),
)


class MinimumLengthValidator(DjangoMinimumLengthValidator):
    """Django's length rule with a Chinese message (Django 5.2's own has no translation)."""

    def get_error_message(self) -> str:
        return f"密码长度太短：至少需要 {self.min_length} 个字符。"

    def get_help_text(self) -> str:
        return f"密码至少需要 {self.min_length} 个字符。"


class CharacterClassesValidator:
    """At least ``minimum`` of: upper-case letters, lower-case letters, digits, other characters."""

    def __init__(self, minimum: int = 3) -> None:
        self.minimum = minimum

    def validate(self, password: str, user: Any = None) -> None:
        present = sum(1 for _, test in CHARACTER_CLASSES if any(test(c) for c in password))
        if present < self.minimum:
            raise ValidationError(
                self.get_help_text(), code="password_too_simple", params={"min": self.minimum}
            )

    def get_help_text(self) -> str:
        kinds = "、".join(label for label, _ in CHARACTER_CLASSES)
        return f"密码须包含{kinds}中的至少 {self.minimum} 种。"


class NotUsernameValidator:
    """The password neither contains the user name nor the user name reversed (ignoring case).

    Applicants' internal user names are random and never typed; the rule is for staff."""

    def validate(self, password: str, user: Any = None) -> None:
        username = (user.get_username() if user is not None else "") or ""
        if len(username) < 3:
            return
        lowered = password.lower()
        if username.lower() in lowered or username.lower()[::-1] in lowered:
            raise ValidationError(self.get_help_text(), code="password_contains_username")

    def get_help_text(self) -> str:
        return "密码不能包含用户名（包括倒序）。"


class PasswordExpiryValidator:
    """Accepts every password; records when one is set, so that it expires after
    ``DOUDI_PASSWORD_MAX_AGE_DAYS`` and the staff member must change it at their next login."""

    def validate(self, password: str, user: Any = None) -> None:
        return None

    def password_changed(self, password: str, user: Any = None) -> None:
        if user is None or user.pk is None:
            return
        from doudi.accounts.models import PasswordRecord

        PasswordRecord.objects.update_or_create(user=user, defaults={"changed_at": timezone.now()})

    def get_help_text(self) -> str:
        from django.conf import settings

        days = settings.DOUDI_PASSWORD_MAX_AGE_DAYS
        return f"密码有效期为 {days} 天，到期后登录时须修改。" if days else ""
