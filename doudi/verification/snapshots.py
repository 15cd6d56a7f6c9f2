"""Reading one household's rows from department snapshots with DuckDB (no Django imports).

A snapshot (docs/exchange.md) is sorted by `person_key` in row groups with min/max statistics,
so `WHERE person_key IN (…)` reads only the row groups holding those keys. Identity resolution
may add a sidecar `X.links.parquet` next to `X.parquet` (`source_row`, `person_key`, `method`,
`match_probability`, `model_version`, `decided_at`): a person's records are the rows carrying their
key plus the rows the sidecar links to it. Each record says how it was linked."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

DIRECT_METHOD = "id_number"  # the row carries the person's own ID number (keyed hash)
LINK_METHOD_LABELS = {DIRECT_METHOD: "身份证号码一致"}

_local = threading.local()


def connection() -> duckdb.DuckDBPyConnection:
    """One in-memory DuckDB connection per thread, with the Parquet metadata cache on
    (snapshots never change, so cached footers stay right)."""
    con = getattr(_local, "connection", None)
    if con is None:
        con = duckdb.connect(":memory:")
        try:
            con.execute("SET parquet_metadata_cache = true")
        except duckdb.Error:  # older DuckDB: the option had another name
            con.execute("SET enable_object_cache = true")
        _local.connection = con
    return con


def links_path(snapshot: Path) -> Path:
    """`X.parquet` → `X.links.parquet` (the identity-resolution sidecar)."""
    return snapshot.with_name(snapshot.name.removesuffix(".parquet") + ".links.parquet")


def _literal(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


@dataclass(frozen=True)
class Record:
    person_key: str  # the person this record belongs to (own key, or the sidecar's)
    source_row: int
    link_method: str  # DIRECT_METHOD or the sidecar's `method`
    match_probability: float | None
    values: dict[str, Any]


def person_records(
    *, path: Path, person_keys: Sequence[str], columns: Sequence[str]
) -> list[Record]:
    """The rows of one snapshot belonging to `person_keys`, directly or through the sidecar.
    A row is returned once per person even if both ways reach it (the direct link wins)."""
    keys = sorted(set(person_keys))
    if not keys:
        return []
    con = connection()
    marks = ", ".join("?" for _ in keys)
    selected = ", ".join(f'"{column}"' for column in columns)
    # One equality per key: DuckDB prunes row groups by min/max for `=`, not for IN / OR lists
    # (measured: an IN list of 3 keys scanned every row group).
    one = f"SELECT person_key, source_row, {selected} FROM read_parquet({_literal(path)}) WHERE person_key = ?"
    rows = con.execute(
        f"SELECT * FROM ({' UNION ALL '.join([one] * len(keys))}) ORDER BY person_key, source_row",
        keys,
    ).fetchall()
    records = [
        Record(row[0], int(row[1]), DIRECT_METHOD, None, dict(zip(columns, row[2:], strict=True)))
        for row in rows
    ]
    sidecar = links_path(path)
    if not sidecar.exists():
        return records
    links = con.execute(
        "SELECT source_row, person_key, method, match_probability "
        f"FROM read_parquet({_literal(sidecar)}) WHERE person_key IN ({marks}) "
        "ORDER BY source_row",
        keys,
    ).fetchall()
    seen = {(record.person_key, record.source_row) for record in records}
    wanted = {
        int(source_row): (key, method, probability)
        for source_row, key, method, probability in links
        if (key, int(source_row)) not in seen
    }
    if not wanted:
        return records
    row_marks = ", ".join("?" for _ in wanted)
    linked = con.execute(
        f"SELECT source_row, {selected} FROM read_parquet({_literal(path)}) "
        f"WHERE source_row IN ({row_marks}) ORDER BY source_row",
        sorted(wanted),
    ).fetchall()
    for row in linked:
        key, method, probability = wanted[int(row[0])]
        records.append(
            Record(
                key,
                int(row[0]),
                str(method),
                None if probability is None else float(probability),
                dict(zip(columns, row[1:], strict=True)),
            )
        )
    return records
