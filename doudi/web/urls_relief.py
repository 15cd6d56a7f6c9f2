"""Staff and applicant pages of the relief app (included by doudi/web/urls.py)."""

from __future__ import annotations

urlpatterns: list = []
