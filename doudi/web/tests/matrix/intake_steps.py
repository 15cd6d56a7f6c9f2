"""Persona matrix rows of the intake steps area: materials (upload, reuse, download), the
confirmation queue, the county's confirmation setting and the work list's export."""

from __future__ import annotations

import hashlib
from typing import Any

from doudi.testing.state import row_counts
from doudi.web.tests.matrix.common import PERSONAS, READ, Row, application_of

PDF = b"%PDF-1.4\n% matrix\n%%EOF\n"

# Upload and reuse: caseworkers and village workers (who file for families) of the region.
UPLOAD = {
    **dict.fromkeys(PERSONAS, 403),
    "caseworker": 302,
    "village_worker": 302,
    "outsider": 404,
    "anonymous": 302,
}
UPLOAD_API = {
    **dict.fromkeys(PERSONAS, 403),
    "caseworker": 400,  # reaches the checks: no kind, no file
    "village_worker": 400,
    "outsider": 404,
    "applicant": 401,
    "anonymous": 401,
}
# Only the approver persona holds intake.confirm and is a county officer at the county.
APPROVER_ONLY = {**dict.fromkeys(PERSONAS, 403), "approver": 200, "anonymous": 302}


def material_of(ctx: dict[str, Any]) -> Any:
    """A material of the test household, written without an audit event."""
    from django.core.files.base import ContentFile

    from doudi.intake.models import Material

    if "material" not in ctx:
        household = ctx["household"]
        material = Material(
            household=household,
            kind="other",
            original_name="matrix.pdf",
            content_type="application/pdf",
            size=len(PDF),
            sha256=hashlib.sha256(PDF).hexdigest(),
            uploaded_by=ctx["users"]["caseworker"],
            province_code=household.province_code,
            city_code=household.city_code,
            county_code=household.county_code,
            township_code=household.township_code,
            village_code=household.village_code,
        )
        material.file.save("matrix", ContentFile(PDF), save=False)
        material.save()
        ctx["material"] = material
    return ctx["material"]


def _upload_body(ctx: dict[str, Any]) -> dict[str, Any]:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return {"kind": "medical_bills", "file": SimpleUploadedFile("票据.pdf", PDF + b"bills")}


def _attach_url(ctx: dict[str, Any]) -> str:
    material_of(ctx)
    return f"/applications/{application_of(ctx).public_id}/materials/attach/"


# 核定 from a verification report: the caseworker reaches the service, which refuses a report of
# another case (the matrix's report is a standalone one) with a message and writes nothing.
ADOPT = {
    **dict.fromkeys(PERSONAS, 403),
    "caseworker": 302,
    "outsider": 404,
    "anonymous": 302,
}


def _adopt_url(ctx: dict[str, Any]) -> str:
    """The URL, after making the standalone report the body names (before the state is taken)."""
    from doudi.web.tests.matrix.verification import _report

    ctx["adopt_report"] = _report(ctx)
    return f"/applications/{application_of(ctx).public_id}/assessment/"


ROWS = [
    Row(
        "applications/<str:public_id>/assessment/",
        "POST",
        _adopt_url,
        ADOPT,
        body=lambda c: {"report": str(c["adopt_report"].public_id)},
        writes=True,
    ),
    Row(
        "api/applications/<public_id>/materials",
        "GET",
        lambda c: f"/api/applications/{application_of(c).public_id}/materials",
        {**READ, "applicant": 401, "anonymous": 401},
    ),
    Row(
        "api/applications/<public_id>/materials",
        "POST",
        lambda c: f"/api/applications/{application_of(c).public_id}/materials",
        UPLOAD_API,
        body=lambda c: {},
        writes=True,
    ),
    Row(
        "api/applications/<public_id>/materials/attach",
        "POST",
        lambda c: (
            (material_of(c), f"/api/applications/{application_of(c).public_id}")[1]
            + "/materials/attach"
        ),
        {**UPLOAD_API, "caseworker": 200, "village_worker": 200},
        body=lambda c: {"material": str(material_of(c).public_id)},
        writes=True,
    ),
    Row(
        "api/materials/<public_id>/file",
        "GET",
        lambda c: f"/api/materials/{material_of(c).public_id}/file",
        {**READ, "applicant": 401, "anonymous": 401},
    ),
    Row(
        "applications/<str:public_id>/materials/",
        "POST",
        lambda c: f"/applications/{application_of(c).public_id}/materials/",
        UPLOAD,
        body=_upload_body,
        writes=True,
    ),
    Row(
        "applications/<str:public_id>/materials/attach/",
        "POST",
        _attach_url,
        UPLOAD,
        body=lambda c: {"material": str(material_of(c).public_id)},
        writes=True,
    ),
    Row(
        "materials/<str:public_id>/download/",
        "GET",
        lambda c: f"/materials/{material_of(c).public_id}/download/",
        {**READ, "anonymous": 302},
    ),
    Row("confirmations/", "GET", lambda c: "/confirmations/", APPROVER_ONLY),
    Row("confirmations/", "GET", lambda c: "/confirmations/?format=xlsx", APPROVER_ONLY),
    Row("confirmations/setting/", "GET", lambda c: "/confirmations/setting/", APPROVER_ONLY),
    Row(
        "confirmations/setting/",
        "GET",
        lambda c: "/confirmations/setting/?format=xlsx",
        APPROVER_ONLY,
    ),
    Row(
        "confirmations/setting/",
        "POST",
        lambda c: "/confirmations/setting/",
        {**APPROVER_ONLY, "approver": 302},
        body=lambda c: {"delegated": "yes", "reason": "矩阵测试"},
        writes=True,
    ),
    Row(
        "applications/",
        "GET",
        lambda c: (application_of(c), "/applications/?format=xlsx&page=1")[1],
        {**READ, "outsider": 200, "anonymous": 302},  # outsider: their own (empty) region
    ),
    Row(
        "applications/",
        "GET",
        lambda c: "/applications/?format=xlsx&list=due",
        {**READ, "outsider": 200, "anonymous": 302},
    ),
]


def state() -> tuple[int, ...]:
    from doudi.intake.models import (
        ConfirmationSetting,
        ConfirmationSettingChange,
        Material,
        MaterialUse,
        SituationAssessment,
    )

    return row_counts(
        SituationAssessment,
        Material,
        MaterialUse,
        ConfirmationSetting.objects.filter(delegated_to_township=True),
        ConfirmationSettingChange,
    )
