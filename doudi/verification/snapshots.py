"""Reading one household's rows from department snapshots (no Django imports).

A snapshot (docs/exchange.md) is sorted by `person_key` in small row groups with min/max
statistics. Per snapshot file (keyed by path, mtime and size) the footer and the row groups'
`person_key` ranges are cached; a lookup finds by binary search the row groups that can hold any
of the household's keys, reads only those (`ParquetFile.read_row_groups`, only the needed
columns) and filters them in Arrow: one read per source for all members. Identity resolution may
add a sidecar `X.links.parquet` next to `X.parquet` (`source_row`, `person_key`, `method`,
`match_probability`, `model_version`, `decided_at`; its link columns cached the same way, the linked
rows read with DuckDB): a person's records are the rows carrying their key plus the rows the
sidecar links to it. Each record says how it was linked."""

from __future__ import annotations

import bisect
import threading
from collections import OrderedDict
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from doudi.exchange.duckdb_engine import DuckDBEngine, EngineError, sql_string

DIRECT_METHOD = "id_number"  # the row carries the person's own ID number (keyed hash)
LINK_METHOD_LABELS = {DIRECT_METHOD: "身份证号码一致"}

_local = threading.local()


def engine() -> DuckDBEngine:
    """One in-memory DuckDB engine per thread, with the Parquet metadata cache on (snapshots
    never change, so cached footers stay right)."""
    current = getattr(_local, "engine", None)
    if current is None:
        current = DuckDBEngine()
        try:
            current.execute("parquet metadata cache", "SET parquet_metadata_cache = true")
        except EngineError:  # older DuckDB: the option had another name
            current.execute("object cache", "SET enable_object_cache = true")
        _local.engine = current
    return current


def links_path(snapshot: Path) -> Path:
    """`X.parquet` → `X.links.parquet` (the identity-resolution sidecar)."""
    return snapshot.with_name(snapshot.name.removesuffix(".parquet") + ".links.parquet")


@dataclass(frozen=True)
class Record:
    person_key: str  # the person this record belongs to (own key, or the sidecar's)
    source_row: int
    link_method: str  # DIRECT_METHOD or the sidecar's `method`
    match_probability: float | None
    values: dict[str, Any]


class _KeyIndex:
    """A snapshot's footer and its row groups' `person_key` ranges, read once per file version.

    `ranges` holds `(min, max, row_group)` of the row groups with statistics and at least one key,
    in file order; `unbounded` the row groups whose statistics are missing (always read). When the
    ranges are ordered and do not overlap except at their ends (a snapshot is sorted by
    `person_key`), the row groups that can hold a key are found by binary search; otherwise by
    checking every range."""

    __slots__ = ("metadata", "file", "lock", "mins", "maxs", "groups", "unbounded", "ordered")

    def __init__(self, path: Path) -> None:
        self.metadata = pq.read_metadata(path)
        # The open file, kept with its footer: opening it again for every household costs more
        # than the read itself. One reader at a time (`lock`): a report reads each source once,
        # so only concurrent requests for the same source wait for each other.
        self.file = pq.ParquetFile(path, metadata=self.metadata)
        self.lock = threading.Lock()
        column = self.metadata.schema.to_arrow_schema().get_field_index("person_key")
        ranges: list[tuple[str, str, int]] = []
        unbounded: list[int] = []
        for group in range(self.metadata.num_row_groups):
            meta = self.metadata.row_group(group)
            statistics = meta.column(column).statistics
            if statistics is None or not statistics.has_min_max:
                if (
                    statistics is not None
                    and statistics.has_null_count
                    and (statistics.null_count == meta.num_rows)
                ):
                    continue  # only unkeyed rows
                unbounded.append(group)
                continue
            ranges.append((str(statistics.min), str(statistics.max), group))
        self.mins = [low for low, _, _ in ranges]
        self.maxs = [high for _, high, _ in ranges]
        self.groups = [group for _, _, group in ranges]
        self.unbounded = unbounded
        self.ordered = all(low <= high for low, high, _ in ranges) and all(
            ranges[i][1] <= ranges[i + 1][0] for i in range(len(ranges) - 1)
        )

    def row_groups(self, keys: Sequence[str]) -> list[int]:
        """The row groups that can hold any of `keys`, ascending."""
        found = set(self.unbounded)
        for key in keys:
            if self.ordered:
                i = bisect.bisect_left(self.maxs, key)  # first range ending at or after key
                while i < len(self.mins) and self.mins[i] <= key:
                    found.add(self.groups[i])
                    i += 1
            else:
                found.update(
                    group
                    for low, high, group in zip(self.mins, self.maxs, self.groups, strict=True)
                    if low <= key <= high
                )
        return sorted(found)


_INDEX_LIMIT = 64
_indexes: OrderedDict[tuple[str, int, int], _KeyIndex] = OrderedDict()
_indexes_lock = threading.Lock()


def key_index(path: Path) -> _KeyIndex:
    """The cached `_KeyIndex` of `path`, keyed by path, mtime and size (a snapshot never changes;
    a file replaced under the same name gets a new entry). Least recently used entries beyond
    `_INDEX_LIMIT` are dropped."""
    status = path.stat()
    cache_key = (str(path), status.st_mtime_ns, status.st_size)
    with _indexes_lock:
        index = _indexes.get(cache_key)
        if index is not None:
            _indexes.move_to_end(cache_key)
            return index
    index = _KeyIndex(path)
    with _indexes_lock:
        _indexes[cache_key] = index
        _indexes.move_to_end(cache_key)
        while len(_indexes) > _INDEX_LIMIT:
            _indexes.popitem(last=False)
    return index


_sidecars: OrderedDict[tuple[str, int, int], pa.Table] = OrderedDict()


def _sidecar_links(sidecar: Path, keys: list[str]) -> list[tuple[Any, ...]]:
    """`(source_row, person_key, method, match_probability)` of the sidecar links to `keys`,
    ordered by source_row. The sidecar's four columns are cached like `key_index` (by path, mtime
    and size: a rewritten sidecar is read again)."""
    status = sidecar.stat()
    cache_key = (str(sidecar), status.st_mtime_ns, status.st_size)
    with _indexes_lock:
        table = _sidecars.get(cache_key)
        if table is not None:
            _sidecars.move_to_end(cache_key)
    if table is None:
        table = pq.read_table(
            sidecar, columns=["source_row", "person_key", "method", "match_probability"]
        )
        with _indexes_lock:
            _sidecars[cache_key] = table
            while len(_sidecars) > _INDEX_LIMIT:
                _sidecars.popitem(last=False)
    found = table.filter(pc.is_in(table["person_key"], value_set=pa.array(keys, pa.string())))
    found = found.sort_by([("source_row", "ascending")])
    return list(
        zip(
            found["source_row"].to_pylist(),
            found["person_key"].to_pylist(),
            found["method"].to_pylist(),
            found["match_probability"].to_pylist(),
            strict=True,
        )
    )


def _direct_rows(path: Path, keys: list[str], columns: Sequence[str]) -> list[dict[str, Any]]:
    """The rows carrying one of `keys`, ordered by person_key then source_row: one read of the
    row groups whose key range can hold a key, then an Arrow filter."""
    index = key_index(path)
    groups = index.row_groups(keys)
    if not groups:
        return []
    names = ["person_key", "source_row", *columns]
    with index.lock:
        table = index.file.read_row_groups(groups, columns=names, use_threads=False)
    table = table.filter(pc.is_in(table["person_key"], value_set=pa.array(keys, pa.string())))
    if table.num_rows == 0:
        return []
    table = table.sort_by([("person_key", "ascending"), ("source_row", "ascending")])
    return table.select(names).to_pylist()


def person_records(
    *, path: Path, person_keys: Sequence[str], columns: Sequence[str]
) -> list[Record]:
    """The rows of one snapshot belonging to `person_keys`, directly or through the sidecar.
    A row is returned once per person even if both ways reach it (the direct link wins)."""
    keys = sorted(set(person_keys))
    if not keys:
        return []
    records = [
        Record(
            row["person_key"],
            int(row["source_row"]),
            DIRECT_METHOD,
            None,
            {column: row[column] for column in columns},
        )
        for row in _direct_rows(path, keys, columns)
    ]
    sidecar = links_path(path)
    if not sidecar.exists():
        return records
    links = _sidecar_links(sidecar, keys)
    seen = {(record.person_key, record.source_row) for record in records}
    wanted = {
        int(source_row): (key, method, probability)
        for source_row, key, method, probability in links
        if (key, int(source_row)) not in seen
    }
    if not wanted:
        return records
    selected = ", ".join(f'"{column}"' for column in columns)
    row_marks = ", ".join("?" for _ in wanted)
    linked = engine().rows(
        "linked snapshot rows",
        f"SELECT source_row, {selected} FROM read_parquet({sql_string(path)}) "
        f"WHERE source_row IN ({row_marks}) ORDER BY source_row",
        sorted(wanted),
    )
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


_pool: ThreadPoolExecutor | None = None
_pool_workers = 0
_pool_lock = threading.Lock()


def _executor(workers: int) -> ThreadPoolExecutor:
    """The shared reader threads (created once; again only when `workers` changes)."""
    global _pool, _pool_workers
    with _pool_lock:
        if _pool is None or _pool_workers != workers:
            if _pool is not None:
                _pool.shutdown(wait=False)
            _pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="doudi-snapshot")
            _pool_workers = workers
        return _pool


def records_many(
    *,
    reads: Sequence[tuple[Path, Sequence[str]]],
    person_keys: Sequence[str],
    workers: int = 1,
) -> list[list[Record]]:
    """`person_records` of several snapshots (`(path, columns)` each) for the same persons, in
    the order given. With `workers` > 1 the snapshots are read on that many threads at once:
    Arrow decodes without holding the GIL, so a household's eleven sources take about half the
    time on two cores. An error in any read is raised here."""
    if workers <= 1 or len(reads) <= 1:
        return [
            person_records(path=path, person_keys=person_keys, columns=columns)
            for path, columns in reads
        ]
    pool = _executor(workers)
    futures = [
        pool.submit(person_records, path=path, person_keys=person_keys, columns=columns)
        for path, columns in reads
    ]
    return [future.result() for future in futures]
