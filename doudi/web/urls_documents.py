"""Staff and applicant pages of the documents app (included by doudi/web/urls.py)."""

from __future__ import annotations

urlpatterns: list = []
