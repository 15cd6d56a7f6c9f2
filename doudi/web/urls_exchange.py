"""Staff and applicant pages of the exchange app (included by doudi/web/urls.py)."""

from __future__ import annotations

from django.urls import path

from doudi.web import exchange_identity_views, exchange_upload_views, exchange_views

urlpatterns: list = [
    path("exchange/feeds/", exchange_views.feed_board, name="exchange_feed_board"),
    path("exchange/upload/", exchange_upload_views.feed_upload, name="exchange_feed_upload"),
    path(
        "exchange/identity/runs/<str:source>/",
        exchange_identity_views.identity_run_start,
        name="exchange_identity_run_start",
    ),
    path(
        "exchange/submissions/<str:public_id>/",
        exchange_views.feed_submission_detail,
        name="exchange_submission_detail",
    ),
    path(
        "exchange/identity/reviews/",
        exchange_views.identity_review_list,
        name="exchange_identity_reviews",
    ),
    path(
        "exchange/identity/reviews/<str:public_id>/decide/",
        exchange_views.identity_review_decide,
        name="exchange_identity_review_decide",
    ),
]
