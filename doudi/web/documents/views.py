"""Printable documents as PDF downloads: the case documents and a township's notice sheet.

Each view reads through the documents selectors (region-scoped: an outsider gets 404), renders,
and records the download in the audit trail, all in one transaction (the documents services); a document the case's state
does not have yet is refused with a Chinese message (400)."""

from __future__ import annotations

from urllib.parse import quote

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from doudi.accounts.scoping import Actor
from doudi.core.exceptions import ApplicationError, NotFound, PermissionDenied
from doudi.documents import services
from doudi.documents.catalogue import CASE_DOCUMENTS
from doudi.intake import selectors as intake_selectors
from doudi.web.permissions import staff_required

CONTACT_MAX_LENGTH = 64


def _pdf_response(data: bytes, *, filename: str, ascii_filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = (
        f"inline; filename=\"{ascii_filename}\"; filename*=UTF-8''{quote(filename)}"
    )
    response["Cache-Control"] = "no-store"  # personal data: never kept by a shared cache
    return response


def _unavailable(request: HttpRequest, *, title: str, message: str, back: str) -> HttpResponse:
    return render(
        request,
        "documents/unavailable.html",
        {"title": title, "message": message, "back": back},
        status=400,
    )


@require_http_methods(["GET"])
@staff_required
def application_document(
    request: HttpRequest, actor: Actor, public_id: str, kind: str
) -> HttpResponse:
    application = intake_selectors.application_get(actor=actor, public_id=public_id)
    try:
        issued = services.case_document_issue(actor=actor, application=application, kind=kind)
    except (NotFound, PermissionDenied):
        raise
    except ApplicationError as error:
        return _unavailable(
            request,
            title=CASE_DOCUMENTS[kind].title,
            message=error.message,
            back=reverse("web:application_detail", args=[application.public_id]),
        )
    return _pdf_response(
        issued.data,
        filename=f"{issued.title}-{issued.number}.pdf",
        ascii_filename=f"{kind}-{application.public_id}.pdf",
    )


@require_http_methods(["GET"])
@staff_required
def notice_sheet(request: HttpRequest, actor: Actor, region_code: str) -> HttpResponse:
    """公示名单 of a township (9 digits) or a village (12 digits); ``phone`` and ``address``
    fill the objection line (left blank for writing in by hand when not given)."""
    contact = {key: request.GET.get(key, "").strip() for key in ("phone", "address")}
    for key, label in (("phone", "联系电话"), ("address", "地址")):
        if len(contact[key]) > CONTACT_MAX_LENGTH:
            return _unavailable(
                request,
                title="社会救助对象公示名单",
                message=f"{label}不能超过{CONTACT_MAX_LENGTH}个字",
                back=reverse("web:application_worklist"),
            )
    issued = services.notice_sheet_issue(actor=actor, region_code=region_code, **contact)
    return _pdf_response(
        issued.data,
        filename=f"公示名单-{issued.number}.pdf",
        ascii_filename=f"notice-{region_code}-{issued.issued_on:%Y%m%d}.pdf",
    )
