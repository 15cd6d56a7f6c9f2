from django.contrib.auth import views as auth_views
from django.urls import path

from doudi.web import (
    application_form_views,
    intake_views,
    simulation_views,
    urls_documents,
    urls_exchange,
    urls_intake,
    urls_portal,
    urls_referrals,
    urls_relief,
    urls_reviews,
    urls_verification,
    urls_verification_batches,
    views,
)

app_name = "web"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path(
        "login/",
        auth_views.LoginView.as_view(template_name="registration/login.html"),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("households/", views.household_search, name="household_search"),
    path("households/<str:public_id>/", views.household_detail, name="household_detail"),
    path(
        "households/<str:public_id>/apply/",
        application_form_views.application_new,
        name="application_new",
    ),
    path("applications/", intake_views.application_worklist, name="application_worklist"),
    path(
        "applications/<str:public_id>/",
        intake_views.application_detail,
        name="application_detail",
    ),
    path(
        "applications/<str:public_id>/actions/<str:action>/",
        intake_views.application_act,
        name="application_act",
    ),
    path("persons/<str:public_id>/reveal-id/", views.person_reveal_id, name="person_reveal_id"),
    path("standards/", views.standards, name="standards"),
    path("simulation/", simulation_views.simulation, name="simulation"),
    path("simulation/export.xlsx", simulation_views.simulation_export, name="simulation_export"),
    path("healthz", views.healthz, name="healthz"),
]

# Each area keeps its pages in its own module (same `web` namespace).
urlpatterns += urls_referrals.urlpatterns
urlpatterns += urls_relief.urlpatterns
urlpatterns += urls_reviews.urlpatterns
urlpatterns += urls_portal.urlpatterns
urlpatterns += urls_documents.urlpatterns
urlpatterns += urls_exchange.urlpatterns
urlpatterns += urls_intake.urlpatterns
urlpatterns += urls_verification.urlpatterns
urlpatterns += urls_verification_batches.urlpatterns
