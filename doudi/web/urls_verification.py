"""Staff pages of verification (included by doudi/web/urls.py)."""

from __future__ import annotations

from django.urls import path

from doudi.web import verification_list_views, verification_views

urlpatterns: list = [
    path(
        "verification/reports/",
        verification_list_views.report_list,
        name="verification_report_list",
    ),
    path(
        "verification/households/<str:public_id>/",
        verification_views.household_verification,
        name="verification_household",
    ),
    path(
        "verification/households/<str:public_id>/consents/",
        verification_views.consent_record,
        name="verification_consent_record",
    ),
    path(
        "verification/consents/<str:public_id>/withdraw/",
        verification_views.consent_withdraw,
        name="verification_consent_withdraw",
    ),
    path(
        "verification/reports/<str:public_id>/",
        verification_views.report_detail,
        name="verification_report",
    ),
    path(
        "verification/reports/<str:public_id>/sign/",
        verification_views.report_sign,
        name="verification_report_sign",
    ),
    path(
        "verification/reports/<str:public_id>/recheck/",
        verification_views.report_recheck,
        name="verification_report_recheck",
    ),
]
