"""Staff pages of the registry (included by doudi/web/urls.py, namespace ``web``)."""

from __future__ import annotations

from django.urls import path

from doudi.web.registry import views

urlpatterns: list = [
    path("households/", views.household_search, name="household_search"),
    path("households/<str:public_id>/", views.household_detail, name="household_detail"),
    path("persons/<str:public_id>/reveal-id/", views.person_reveal_id, name="person_reveal_id"),
]
