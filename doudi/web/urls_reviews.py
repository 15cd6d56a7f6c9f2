"""Staff and applicant pages of the reviews app (included by doudi/web/urls.py)."""

from __future__ import annotations

urlpatterns: list = []
