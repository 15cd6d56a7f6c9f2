"""Reading a household's rows from snapshots: the parallel reader gives exactly what reading the
sources one after another gives (pure: no database)."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from doudi.verification import snapshots


def _key(i: int) -> str:
    return f"{i:064x}"


def _write(path: Path, keys: list[str | None], amounts: list[int], *, row_group: int) -> Path:
    table = pa.table(
        {
            "person_key": pa.array(keys, pa.string()),
            "amount": pa.array(amounts, pa.int64()),
            "source_row": pa.array(range(2, len(keys) + 2), pa.int64()),
        }
    )
    pq.write_table(table, path, row_group_size=row_group, write_statistics=True)
    return path


@pytest.fixture
def files(tmp_path: Path) -> list[Path]:
    """Three snapshots sorted by key in small row groups; the second has unkeyed rows linked to
    persons 7 and 40 by a sidecar."""
    first = _write(
        tmp_path / "a.parquet",
        [_key(i // 2) for i in range(200)],  # persons 0..99, two rows each
        [i * 10 for i in range(200)],
        row_group=16,
    )
    second = _write(
        tmp_path / "b.parquet",
        [_key(i) for i in range(0, 100, 3)] + [None, None],
        [1000 + i for i in range(36)],
        row_group=5,
    )
    pq.write_table(
        pa.table(
            {
                "source_row": pa.array([36, 37], pa.int64()),
                "person_key": pa.array([_key(7), _key(40)], pa.string()),
                "method": pa.array(["probabilistic", "reviewed"], pa.string()),
                "match_probability": pa.array([0.995, None], pa.float64()),
            }
        ),
        snapshots.links_path(second),
    )
    third = _write(tmp_path / "c.parquet", [_key(99)], [5], row_group=4)
    return [first, second, third]


def test_parallel_reads_equal_the_sequential_ones(files: list[Path]) -> None:
    keys = [_key(7), _key(40), _key(99), _key(500)]
    reads = [(path, ("amount",)) for path in files]
    sequential = [
        snapshots.person_records(path=path, person_keys=keys, columns=("amount",)) for path in files
    ]
    assert snapshots.records_many(reads=reads, person_keys=keys, workers=4) == sequential
    assert snapshots.records_many(reads=reads, person_keys=keys, workers=1) == sequential
    first, second, third = sequential
    assert [(r.person_key[-2:], r.source_row, r.values["amount"]) for r in first] == [
        ("07", 16, 140),
        ("07", 17, 150),
        ("28", 82, 800),  # person 40 = 0x28
        ("28", 83, 810),
        ("63", 200, 1980),  # person 99 = 0x63
        ("63", 201, 1990),
    ]
    assert [
        (r.person_key[-2:], r.source_row, r.link_method, r.match_probability, r.values["amount"])
        for r in second
    ] == [
        ("63", 35, "id_number", None, 1033),  # 99 = 33 × 3: the 34th keyed row
        ("07", 36, "probabilistic", 0.995, 1034),
        ("28", 37, "reviewed", None, 1035),
    ]
    assert [(r.person_key[-2:], r.values["amount"]) for r in third] == [("63", 5)]


def test_an_error_in_one_read_is_raised(files: list[Path], tmp_path: Path) -> None:
    reads = [(files[0], ("amount",)), (tmp_path / "missing.parquet", ("amount",))]
    with pytest.raises(FileNotFoundError):
        snapshots.records_many(reads=reads, person_keys=[_key(1)], workers=2)
