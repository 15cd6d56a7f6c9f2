from doudi.core.models.audit import AuditEvent
from doudi.core.models.base import BaseModel
from doudi.core.models.divisions import Division, DivisionLevel

__all__ = ["AuditEvent", "BaseModel", "Division", "DivisionLevel"]
