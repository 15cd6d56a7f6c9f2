"""Staff pages of batch screening (批量核对; included by doudi/web/urls.py)."""

from __future__ import annotations

from django.urls import path

from doudi.web import verification_batch_views

urlpatterns: list = [
    path(
        "verification/batches/",
        verification_batch_views.batch_list,
        name="verification_batches",
    ),
    path(
        "verification/batches/<str:public_id>/",
        verification_batch_views.batch_detail,
        name="verification_batch",
    ),
]
