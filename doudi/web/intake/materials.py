"""Staff pages of an application's materials: upload a file, attach one the household already
submitted, download one (audited)."""

from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_http_methods, require_POST

from doudi.accounts.scoping import Actor
from doudi.core.exceptions import ApplicationError, NotFound, PermissionDenied
from doudi.intake import selectors, services
from doudi.web.permissions import staff_required


@require_POST
@staff_required
def application_material_upload(request: HttpRequest, actor: Actor, public_id: str) -> HttpResponse:
    application = selectors.application_get(actor=actor, public_id=public_id)
    try:
        material, created = services.material_upload(
            actor=actor,
            application=application,
            kind=request.POST.get("kind", ""),
            upload=request.FILES.get("file"),
        )
    except (NotFound, PermissionDenied):
        raise
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        if created:
            messages.success(request, f"已上传：{material.original_name}")
        else:
            messages.info(
                request, f"该家庭已提交过相同的文件（{material.original_name}），已直接复用"
            )
    return redirect("web:application_detail", public_id=application.public_id)


@require_POST
@staff_required
def application_material_attach(request: HttpRequest, actor: Actor, public_id: str) -> HttpResponse:
    application = selectors.application_get(actor=actor, public_id=public_id)
    try:
        material = services.material_attach(
            actor=actor, application=application, material_id=request.POST.get("material", "")
        )
    except (NotFound, PermissionDenied):
        raise
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"已将“{material.original_name}”用于本申请")
    return redirect("web:application_detail", public_id=application.public_id)


@require_http_methods(["GET"])
@staff_required
def material_download(request: HttpRequest, actor: Actor, public_id: str) -> HttpResponse:
    """The file, to staff of the household's region only; every download is audited."""
    material = selectors.material_get(actor=actor, public_id=public_id)
    services.material_download_record(actor=actor, material=material)
    return FileResponse(
        material.file.open("rb"),
        as_attachment=True,
        filename=material.original_name,
        content_type=material.content_type,
    )
