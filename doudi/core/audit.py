"""Writing audit events. Call inside the transaction of the change being recorded."""

from __future__ import annotations

from typing import Any

from django.db import connection, models

from doudi.core.models import AuditEvent


def audit_event_record(
    *,
    actor: Any,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    region_code: str = "",
    parameters: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one audit event. Refuses to run outside a transaction, so the event and the
    change it records commit or roll back together."""
    if not connection.in_atomic_block:
        raise RuntimeError("audit_event_record must run inside transaction.atomic()")
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
    user = actor if getattr(actor, "is_authenticated", False) else None
    return AuditEvent.objects.create(
        actor=user,
        action=action,
        object_type=object_type,
        object_id=object_id,
        region_code=region_code,
        parameters=parameters or {},
    )
