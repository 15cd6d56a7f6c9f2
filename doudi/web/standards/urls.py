"""Staff pages of local standards and of simulating a change of standards (included by
doudi/web/urls.py, namespace ``web``)."""

from __future__ import annotations

from django.urls import path

from doudi.web.standards import simulation, views

urlpatterns: list = [
    path("standards/", views.standards, name="standards"),
    path("simulation/", simulation.simulation, name="simulation"),
    path("simulation/export.xlsx", simulation.simulation_export, name="simulation_export"),
]
