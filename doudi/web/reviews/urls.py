"""Staff pages of the reviews app (included by doudi/web/urls.py, namespace ``web``)."""

from __future__ import annotations

from django.urls import path

from doudi.web.reviews import views

urlpatterns: list = [
    path("reviews/", views.review_list, name="review_list"),
    path("reviews/<str:public_id>/", views.review_detail, name="review_detail"),
    path(
        "reviews/<str:public_id>/actions/<str:action>/",
        views.review_act,
        name="review_act",
    ),
    path(
        "households/<str:public_id>/reviews/start/",
        views.review_start,
        name="review_start",
    ),
    path(
        "households/<str:public_id>/change-reports/",
        views.change_report_new,
        name="change_report_new",
    ),
    path(
        "households/<str:public_id>/entitlements/",
        views.entitlement_history,
        name="entitlement_history",
    ),
]
