"""Staff pages of verification: households' consents and reports, the report list and batch
screening (批量核对). Included by doudi/web/urls.py (namespace ``web``)."""

from __future__ import annotations

from django.urls import path

from doudi.web.verification import batches, reports, views

urlpatterns: list = [
    path(
        "verification/reports/",
        reports.report_list,
        name="verification_report_list",
    ),
    path(
        "verification/households/<str:public_id>/",
        views.household_verification,
        name="verification_household",
    ),
    path(
        "verification/households/<str:public_id>/consents/",
        views.consent_record,
        name="verification_consent_record",
    ),
    path(
        "verification/consents/<str:public_id>/withdraw/",
        views.consent_withdraw,
        name="verification_consent_withdraw",
    ),
    path(
        "verification/reports/<str:public_id>/",
        views.report_detail,
        name="verification_report",
    ),
    path(
        "verification/reports/<str:public_id>/sign/",
        views.report_sign,
        name="verification_report_sign",
    ),
    path(
        "verification/reports/<str:public_id>/recheck/",
        views.report_recheck,
        name="verification_report_recheck",
    ),
    path("verification/batches/", batches.batch_list, name="verification_batches"),
    path(
        "verification/batches/<str:public_id>/",
        batches.batch_detail,
        name="verification_batch",
    ),
]
