"""Staff pages of the documents app (included by doudi/web/urls.py)."""

from __future__ import annotations

from django.urls import path

from doudi.web.documents import views

urlpatterns: list = [
    path(
        "applications/<str:public_id>/documents/<str:kind>.pdf",
        views.application_document,
        name="application_document",
    ),
    path("notices/<str:region_code>.pdf", views.notice_sheet, name="notice_sheet"),
]
