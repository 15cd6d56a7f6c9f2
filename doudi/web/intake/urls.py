"""Staff pages of intake (included by doudi/web/urls.py, namespace ``web``): the application form
(at the household's township and, for the programmes that allow it, at any township's window),
the work list, the case page and its actions, materials and confirmation."""

from __future__ import annotations

from django.urls import path

from doudi.web.intake import application_form, confirmations, materials, views

urlpatterns: list = [
    path(
        "households/<str:public_id>/apply/",
        application_form.application_new,
        name="application_new",
    ),
    path("cross-region/", application_form.cross_region_find, name="cross_region_find"),
    path(
        "cross-region/apply/",
        application_form.cross_region_apply,
        name="cross_region_apply",
    ),
    path(
        "cross-region/receipt/",
        application_form.cross_region_receipt,
        name="cross_region_receipt",
    ),
    path("applications/", views.application_worklist, name="application_worklist"),
    path(
        "applications/<str:public_id>/",
        views.application_detail,
        name="application_detail",
    ),
    path(
        "applications/<str:public_id>/actions/<str:action>/",
        views.application_act,
        name="application_act",
    ),
    path(
        "applications/<str:public_id>/assessment/",
        views.application_adopt_verification,
        name="application_adopt_verification",
    ),
    path(
        "applications/<str:public_id>/materials/",
        materials.application_material_upload,
        name="application_material_upload",
    ),
    path(
        "applications/<str:public_id>/materials/attach/",
        materials.application_material_attach,
        name="application_material_attach",
    ),
    path(
        "materials/<str:public_id>/download/",
        materials.material_download,
        name="material_download",
    ),
    path("confirmations/", confirmations.confirmation_queue, name="confirmation_queue"),
    path(
        "confirmations/setting/",
        confirmations.confirmation_setting,
        name="confirmation_setting",
    ),
]
