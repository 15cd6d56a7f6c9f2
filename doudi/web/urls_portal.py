"""Staff and applicant pages of the portal app (included by doudi/web/urls.py): the applicants'
self-service pages under ``/self/`` and the staff pages for filing at a window outside the
household's region (docs/channels.md)."""

from __future__ import annotations

from django.urls import path

from doudi.web import application_form_views, portal_views

urlpatterns: list = [
    path("self/", portal_views.portal_home, name="portal_home"),
    path("self/register/", portal_views.portal_register, name="portal_register"),
    path("self/login/", portal_views.portal_login, name="portal_login"),
    path("self/logout/", portal_views.portal_logout, name="portal_logout"),
    path("self/apply/", portal_views.portal_apply, name="portal_apply"),
    path(
        "self/applications/<str:public_id>/",
        portal_views.portal_application,
        name="portal_application",
    ),
    path(
        "cross-region/",
        application_form_views.cross_region_find,
        name="cross_region_find",
    ),
    path(
        "cross-region/apply/",
        application_form_views.cross_region_apply,
        name="cross_region_apply",
    ),
    path(
        "cross-region/receipt/",
        application_form_views.cross_region_receipt,
        name="cross_region_receipt",
    ),
]
