"""Staff pages of the relief app (included by doudi/web/urls.py, namespace ``web``)."""

from __future__ import annotations

from django.urls import path

from doudi.web.relief import advances, views

urlpatterns: list = [
    path("relief/funds/", views.fund_list, name="relief_fund_list"),
    path("relief/funds/<str:public_id>/", views.fund_detail, name="relief_fund_detail"),
    path(
        "relief/funds/<str:public_id>/top-up/",
        views.fund_top_up,
        name="relief_fund_top_up",
    ),
    path(
        "relief/funds/<str:public_id>/configure/",
        views.fund_configure,
        name="relief_fund_configure",
    ),
    path(
        "relief/funds/<str:public_id>/reconcile/",
        views.fund_reconcile,
        name="relief_fund_reconcile",
    ),
    path(
        "relief/reconciliations/<str:public_id>/",
        views.reconciliation_detail,
        name="relief_reconciliation_detail",
    ),
    path("relief/advances/", advances.advance_list, name="relief_advance_list"),
    path("relief/advances/new/", advances.advance_new, name="relief_advance_new"),
    path(
        "relief/advances/<str:public_id>/",
        advances.advance_detail,
        name="relief_advance_detail",
    ),
    path(
        "relief/advances/<str:public_id>/link/",
        advances.advance_link,
        name="relief_advance_link",
    ),
    path(
        "relief/advances/<str:public_id>/reverse/",
        advances.advance_reverse,
        name="relief_advance_reverse",
    ),
    path(
        "relief/applications/<str:public_id>/instalments/",
        advances.instalment_plan,
        name="relief_instalment_plan",
    ),
    path(
        "relief/applications/<str:public_id>/instalments/<int:number>/pay/",
        advances.instalment_pay,
        name="relief_instalment_pay",
    ),
]
