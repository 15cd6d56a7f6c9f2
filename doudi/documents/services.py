"""Writes of the documents app: only the audit trail. A printed document carries personal data,
so every download is recorded (who, which document, which case or region)."""

from __future__ import annotations

from typing import Any

from django.db import models, transaction

from doudi.accounts.scoping import Actor
from doudi.core.audit import audit_event_record
from doudi.core.models import AuditEvent


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
