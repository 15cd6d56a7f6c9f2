from doudi.core.models.audit import AuditEvent
from doudi.core.models.base import AppendOnlyModel, BaseModel
from doudi.core.models.calendar import Deadline, HolidaySchedule, HolidayScheduleDay
from doudi.core.models.divisions import Division, DivisionLevel

__all__ = [
    "AuditEvent",
    "AppendOnlyModel",
    "BaseModel",
    "Deadline",
    "Division",
    "DivisionLevel",
    "HolidaySchedule",
    "HolidayScheduleDay",
]
