"""Staff pages of the documents app (included by doudi/web/urls.py)."""

from __future__ import annotations

from django.urls import path

from doudi.web import document_views

urlpatterns: list = [
    path(
        "applications/<str:public_id>/documents/<str:kind>.pdf",
        document_views.application_document,
        name="application_document",
    ),
    path("notices/<str:region_code>.pdf", document_views.notice_sheet, name="notice_sheet"),
]
