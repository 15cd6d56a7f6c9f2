"""Writes of the documents app: issuing a document and the audit trail. A printed document
carries personal data, so every download is recorded (who, which document, which case or region)
in the same transaction that numbers and renders it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import models, transaction

from doudi.accounts.scoping import Actor
from doudi.core.audit import audit_event_record
from doudi.core.exceptions import NotFound
from doudi.core.models import AuditEvent
from doudi.documents import rendering, selectors
from doudi.documents.catalogue import CASE_DOCUMENTS


@transaction.atomic
def document_download_record(
    *,
    actor: Actor,
    kind: str,
    region_code: str,
    number: str = "",
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    parameters: dict[str, Any] | None = None,
) -> AuditEvent:
    """One audit event ``document.download`` for a document (or an export) handed out."""
    return audit_event_record(
        actor=actor.user,
        action="document.download",
        obj=obj,
        object_type=object_type,
        object_id=object_id,
        region_code=region_code,
        parameters={"kind": kind, "number": number, **(parameters or {})},
    )


@dataclass(frozen=True)
class IssuedDocument:
    """A rendered PDF with the number and date printed on it."""

    title: str
    number: str
    issued_on: dt.date
    data: bytes


@transaction.atomic
def case_document_issue(*, actor: Actor, application: Any, kind: str) -> IssuedDocument:
    """Render the case document ``kind`` of ``application`` (found by a scoped selector) and
    record its download; a document the case's state does not have yet is refused (ApplicationError)
    and nothing is recorded."""
    document = CASE_DOCUMENTS.get(kind)
    if document is None:
        raise NotFound("没有这种文书", field="kind")
    content = document.content(actor=actor, application=application)
    data = document.render(content)
    document_download_record(
        actor=actor,
        kind=kind,
        number=content.heading.number,
        obj=application,
        region_code=application.village_code,
    )
    return IssuedDocument(document.title, content.heading.number, content.heading.issued_on, data)


@transaction.atomic
def notice_sheet_issue(
    *, actor: Actor, region_code: str, phone: str = "", address: str = ""
) -> IssuedDocument:
    """Render the 公示名单 of a township or village and record its download."""
    sheet = selectors.notice_sheet_content(
        actor=actor, region_code=region_code, phone=phone, address=address
    )
    data = rendering.notice_sheet_pdf(sheet)
    document_download_record(
        actor=actor,
        kind="notice",
        number=sheet.heading.number,
        object_type="documents.notice_sheet",
        object_id=region_code,
        region_code=region_code,
        parameters={"lines": len(sheet.lines)},
    )
    return IssuedDocument(
        "社会救助对象公示名单", sheet.heading.number, sheet.heading.issued_on, data
    )
