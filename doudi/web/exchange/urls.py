"""Staff pages of the exchange context: department feeds and identity resolution (included by
doudi/web/urls.py, namespace ``web``)."""

from __future__ import annotations

from django.urls import path

from doudi.web.exchange import identity, uploads, views

urlpatterns: list = [
    path("exchange/feeds/", views.feed_board, name="exchange_feed_board"),
    path("exchange/upload/", uploads.feed_upload, name="exchange_feed_upload"),
    path(
        "exchange/identity/runs/<str:source>/",
        identity.identity_run_start,
        name="exchange_identity_run_start",
    ),
    path(
        "exchange/submissions/<str:public_id>/",
        views.feed_submission_detail,
        name="exchange_submission_detail",
    ),
    path(
        "exchange/identity/reviews/",
        views.identity_review_list,
        name="exchange_identity_reviews",
    ),
    path(
        "exchange/identity/reviews/<str:public_id>/decide/",
        views.identity_review_decide,
        name="exchange_identity_review_decide",
    ),
]
