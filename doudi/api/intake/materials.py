"""REST endpoints for an application's materials: list, upload, attach, download."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.http import FileResponse
from ninja import File, Form, Router, Status
from ninja.files import UploadedFile

from doudi.accounts.names import staff_name
from doudi.api.intake.schemas import (
    AttachIn,
    MaterialOut,
)
from doudi.intake import selectors, services
from doudi.intake.models import Application, Material, MaterialKind

router = Router(tags=["申请与审核"])


def _material(material: Material) -> dict[str, Any]:
    return {
        "public_id": material.public_id,
        "kind": material.kind,
        "kind_label": MaterialKind(material.kind).label,
        "original_name": material.original_name,
        "content_type": material.content_type,
        "size": material.size,
        "sha256": material.sha256,
        "uploaded_by": staff_name(material.uploaded_by),
        "uploaded_at": material.created_at,
        "used_here": getattr(material, "used_here", False),
        "earlier_applications": [
            a.public_id for a in getattr(material, "earlier_applications", [])
        ],
    }


def _materials(request: Any, application: Application) -> list[dict[str, Any]]:
    return [
        _material(m)
        for m in selectors.application_materials(actor=request.auth, application=application)
    ]


@router.get(
    "/applications/{public_id}/materials",
    response=list[MaterialOut],
    summary="申请家庭的材料（含此前申请已提交、可复用的材料）",
)
def application_materials(request, public_id: UUID):  # type: ignore[no-untyped-def]
    application = selectors.application_get(actor=request.auth, public_id=public_id)
    return _materials(request, application)


@router.post(
    "/applications/{public_id}/materials",
    response={201: MaterialOut, 200: MaterialOut},
    summary="上传材料（multipart：kind、file；同一家庭的相同文件直接复用）",
)
def application_material_upload(  # type: ignore[no-untyped-def]
    request,
    public_id: UUID,
    kind: Form[str] = "",
    file: File[UploadedFile] = None,  # type: ignore[assignment]
):
    """201 with the new material; 200 when the household had handed in the same file before
    (the existing material is used for this application, nothing is stored twice)."""
    application = selectors.application_get(actor=request.auth, public_id=public_id)
    material, created = services.material_upload(
        actor=request.auth, application=application, kind=kind, upload=file
    )
    material = next(
        m
        for m in selectors.application_materials(actor=request.auth, application=application)
        if m.pk == material.pk
    )
    return Status(201 if created else 200, _material(material))


@router.post(
    "/applications/{public_id}/materials/attach",
    response=list[MaterialOut],
    summary="将家庭此前提交的材料用于本申请（无需重新上传）",
)
def application_material_attach(request, public_id: UUID, payload: AttachIn):  # type: ignore[no-untyped-def]
    application = selectors.application_get(actor=request.auth, public_id=public_id)
    services.material_attach(
        actor=request.auth, application=application, material_id=payload.material
    )
    return _materials(request, application)


@router.get("/materials/{public_id}/file", summary="下载材料（记录审计日志）")
def material_download(request, public_id: UUID):  # type: ignore[no-untyped-def]
    material = selectors.material_get(actor=request.auth, public_id=public_id)
    services.material_download_record(actor=request.auth, material=material)
    return FileResponse(
        material.file.open("rb"),
        as_attachment=True,
        filename=material.original_name,
        content_type=material.content_type,
    )
