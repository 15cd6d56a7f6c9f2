"""What a refused action must leave as it was: the number of rows of tables, taken before and after
(``before = row_counts(Application, AuditEvent)`` … ``assert row_counts(…) == before``)."""

from __future__ import annotations

from typing import Any


def row_counts(*tables: Any) -> tuple[int, ...]:
    """The number of rows of each of ``tables``, in order: a model counts all its rows
    (``Model.objects``), a queryset or manager the rows it selects
    (``AuditEvent.objects.filter(action="…")``, ``Person.history``)."""
    return tuple((table.objects if isinstance(table, type) else table).count() for table in tables)
