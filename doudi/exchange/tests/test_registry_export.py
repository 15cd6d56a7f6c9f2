"""The registry export of identity resolution (`resolution.registry_load_orm`, docs/exchange.md,
"Identity resolution"): every person's match columns, in primary-key order, with exact values and
types, chunk by chunk. The same tests on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from doudi.exchange import identity, resolution
from doudi.registry.models import Person

pytestmark = pytest.mark.django_db

VILLAGES = ("350112001001", "350112001002", "350112002001")
TYPES = [
    ("person_key", "VARCHAR"),
    ("name", "VARCHAR"),
    ("birth_date", "DATE"),
    ("sex", "VARCHAR"),
    ("region_code", "VARCHAR"),
    ("id_number_masked", "VARCHAR"),
]
AWKWARD_NAMES = ['林,"建"国', "陈\n秀英", "王\r\n芳", "", "\\N", "NULL", " 曾 伟 ", "a\tb", "'单'"]


def _persons(count: int, names: list[str] | None = None) -> None:
    names = names or []
    Person.objects.bulk_create(
        Person(
            name=names[i] if i < len(names) else f"测试{i}",
            id_number_encrypted="synthetic",
            id_number_hash=f"{i:064x}",
            id_number_masked="" if i == 1 else f"3501**********{i % 10000:04d}",
            sex="MF"[i % 2],
            birth_date=dt.date(1931, 1, 1) + dt.timedelta(days=i * 11),
            hukou_region_id=VILLAGES[i % 3],
            residence_region_id=VILLAGES[0],
            hukou_type="urban",
        )
        for i in range(count)
    )


class _CountingConnection:
    """A DuckDB engine that notes the size of every Arrow chunk registered on it."""

    def __init__(self, con: Any) -> None:
        self._con = con
        self.chunks: list[int] = []

    def register_arrow(self, name: str, table: Any) -> Any:
        self.chunks.append(table.num_rows)
        return self._con.register_arrow(name, table)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._con, name)


def _rows(con: Any) -> list[tuple]:
    return con.rows("registry rows", "SELECT * FROM registry")


def _types(con: Any) -> list[tuple]:
    return [tuple(row[:2]) for row in con.rows("registry columns", "DESCRIBE registry")]


def _expected() -> list[tuple]:
    return list(
        Person.objects.order_by("pk").values_list(
            "id_number_hash",
            "name",
            "birth_date",
            "sex",
            "hukou_region_id",
            "id_number_masked",
        )
    )


def test_it_exports_every_person_in_key_order_with_exact_values_and_types(villages):
    _persons(1550, AWKWARD_NAMES)
    con = identity.registry_connection()
    counting = _CountingConnection(con)

    count = resolution.registry_load_orm(counting, chunk=100)

    rows = _rows(con)
    assert count == 1550
    assert counting.chunks == [100] * 15 + [50]
    assert _types(con) == TYPES
    assert rows == _expected()
    assert [row[1] for row in rows[: len(AWKWARD_NAMES)]] == AWKWARD_NAMES
    assert rows[0] == (
        "0" * 64,
        AWKWARD_NAMES[0],
        dt.date(1931, 1, 1),
        "M",
        VILLAGES[0],
        "3501**********0000",
    )
    assert rows[1][5] == ""  # an empty string stays an empty string, not NULL
    assert rows[-1][2] == dt.date(1931, 1, 1) + dt.timedelta(days=1549 * 11)
    con.close()


def test_loading_again_replaces_the_table_instead_of_appending(villages):
    _persons(30)
    con = identity.registry_connection()
    resolution.registry_load_orm(con, chunk=7)
    Person.objects.filter(id_number_hash=f"{0:064x}").delete()

    count = resolution.registry_load_orm(con, chunk=7)

    assert count == 29
    assert _rows(con) == _expected()
    assert f"{0:064x}" not in {row[0] for row in _rows(con)}
    con.close()


def test_an_empty_registry_gives_an_empty_table_with_the_same_columns(db):
    con = identity.registry_connection()
    counting = _CountingConnection(con)

    count = resolution.registry_load_orm(counting, chunk=50)

    assert count == 0
    assert counting.chunks == []
    assert _rows(con) == []
    assert _types(con) == TYPES
    con.close()
