"""Staff pages of the referrals app (included by doudi/web/urls.py)."""

from __future__ import annotations

from django.urls import path

from doudi.web.referrals import views

urlpatterns: list = [
    path("referrals/", views.referral_list, name="referral_list"),
    path("referrals/<str:public_id>/", views.referral_detail, name="referral_detail"),
    path(
        "referrals/<str:public_id>/actions/<str:action>/",
        views.referral_act,
        name="referral_act",
    ),
    path(
        "households/<str:public_id>/referrals/new/",
        views.referral_new,
        name="referral_new",
    ),
]
