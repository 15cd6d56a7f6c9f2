"""The applicants' self-service pages (全程网办) under ``/self/``, namespace ``portal`` (included
by config/urls.py; docs/channels.md). Staff filing at a window outside the household's region
use the staff UI's cross-region pages (``doudi/web/intake/``)."""

from __future__ import annotations

from django.urls import path

from doudi.portal import views

app_name = "portal"

urlpatterns: list = [
    path("", views.portal_home, name="home"),
    path("register/", views.portal_register, name="register"),
    path("login/", views.portal_login, name="login"),
    path("logout/", views.portal_logout, name="logout"),
    path("apply/", views.portal_apply, name="apply"),
    path("applications/<str:public_id>/", views.portal_application, name="application"),
]
