"""Staff pages of the intake area added for materials and the confirmation queue (included by
doudi/web/urls.py, namespace ``web``)."""

from __future__ import annotations

from django.urls import path

from doudi.web import intake_views

urlpatterns = [
    path(
        "applications/<str:public_id>/materials/",
        intake_views.application_material_upload,
        name="application_material_upload",
    ),
    path(
        "applications/<str:public_id>/materials/attach/",
        intake_views.application_material_attach,
        name="application_material_attach",
    ),
    path(
        "materials/<str:public_id>/download/",
        intake_views.material_download,
        name="material_download",
    ),
    path(
        "applications/<str:public_id>/assessment/",
        intake_views.application_adopt_verification,
        name="application_adopt_verification",
    ),
    path("confirmations/", intake_views.confirmation_queue, name="confirmation_queue"),
    path(
        "confirmations/setting/",
        intake_views.confirmation_setting,
        name="confirmation_setting",
    ),
]
