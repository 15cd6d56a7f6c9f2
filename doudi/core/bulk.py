"""Fast bulk insertion for large imports: COPY on PostgreSQL, executemany on SQLite.

The ORM's bulk_create compiles every value through the field machinery (about 5,000 rows a second
here); an import of a million persons needs more. Rows are given as dicts of column values; the
caller must run inside `transaction.atomic()`, so a failed import leaves nothing behind."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection, models


def _columns(model: type[models.Model]) -> list[str]:
    return [field.column for field in model._meta.concrete_fields]


def _sqlite_value(value: Any) -> Any:
    if isinstance(value, uuid.UUID):
        return value.hex  # Django stores UUIDs as 32 hex characters on SQLite
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.UTC).replace(tzinfo=None)
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def reserve_ids(model: type[models.Model], count: int) -> range:
    """Reserve `count` consecutive primary keys, holding a lock on the table until commit."""
    if not connection.in_atomic_block:
        raise RuntimeError("reserve_ids must run inside transaction.atomic()")
    table = connection.ops.quote_name(model._meta.db_table)
    # The primary key's own column: a history table's is ``history_id``, its ``id`` is a copy of
    # the recorded row's id.
    key = model._meta.pk.column
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"LOCK TABLE {table} IN SHARE ROW EXCLUSIVE MODE")
        cursor.execute(f"SELECT COALESCE(MAX({connection.ops.quote_name(key)}), 0) FROM {table}")
        start = cursor.fetchone()[0] + 1
        if connection.vendor == "postgresql" and count:
            # The sequence moves past the reserved ids, so ordinary writes that follow the bulk
            # load take the next free one.
            cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [model._meta.db_table, key])
            sequence = cursor.fetchone()[0]
            if sequence is None:
                raise RuntimeError(f"{model._meta.db_table}.{key} has no sequence")
            cursor.execute("SELECT setval(%s, %s)", [sequence, start + count - 1])
    return range(start, start + count)


def insert_rows(model: type[models.Model], rows: Iterable[dict[str, Any]]) -> int:
    """Insert rows (dicts keyed by column name, every concrete column present) and return the count."""
    if not connection.in_atomic_block:
        raise RuntimeError("insert_rows must run inside transaction.atomic()")
    columns = _columns(model)
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(column) for column in columns)
    tuples: Sequence[tuple[Any, ...]]
    count = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(tuple(row[column] for column in columns))
                    count += 1
        else:
            tuples = [tuple(_sqlite_value(row[column]) for column in columns) for row in rows]
            placeholders = ", ".join("?" for _ in columns)
            cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({placeholders})", tuples)
            count = len(tuples)
    return count
