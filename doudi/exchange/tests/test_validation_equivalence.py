"""The vectorised validator against the former row-by-row one (`oracle_validation`), on random
files of every feed with injected errors: the same problems (row, column, Chinese reason, order),
the same counts and, for accepted files, the same normalised table."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from doudi.core.id_hashing import KeyedHasher
from doudi.core.id_protection import id_number_hash, id_number_hash_key
from doudi.exchange import validation
from doudi.exchange.readers import read_table
from doudi.exchange.schemas import FEEDS, Column, ColumnType, FeedSchema
from doudi.exchange.tests import oracle_validation
from doudi.exchange.tests.helpers import csv_bytes, id_number, parquet_bytes, xlsx_bytes

TODAY = dt.date(2026, 3, 10)
SOURCES = sorted(FEEDS)

# Address codes: current, retired (350402 梅列区), unknown; birth dates real, impossible, future.
ADDRESSES = ["350112", "350102", "350181", "350402", "350121", "999999"]


def _valid_number(rng: random.Random) -> str:
    born = dt.date(1930, 1, 1) + dt.timedelta(days=rng.randrange(0, 30_000))
    return id_number(f"{rng.choice(ADDRESSES[:5])}{born:%Y%m%d}{rng.randrange(1000):03d}")


def _id_cell(rng: random.Random) -> Any:
    number = _valid_number(rng)
    roll = rng.random()
    if roll < 0.6:
        return number
    variants = [
        "",
        "   ",
        None,
        number[:17] + ("X" if number[17] != "X" else "0"),  # wrong check character
        number.lower(),
        " " + number + " ",
        number.translate({ord(d): chr(0xFF10 + int(d)) for d in "0123456789"}),  # full-width
        number[:6] + number[8:17],  # 15 digits (valid legacy form when address/date allow)
        id_number("99999919800101001"),  # unknown address code
        id_number("35011219800231001"),  # impossible birth date
        id_number("35011230000101001"),  # future birth date
        id_number("35011218700101001"),  # before 1880
        id_number("35040219800101001"),  # retired code: valid
        number[:10],
        number[:16] + "Y" + number[17],
        number + "1",
        "3501121980010100１X",
    ]
    return rng.choice(variants)


def _good(column: Column, rng: random.Random) -> Any:
    kind = column.type
    if kind is ColumnType.TEXT:
        return rng.choice(["张伟", "李娜", "王磊", "陈静", "ABC-1", "闽A12345"])[
            : column.max_length
        ]
    if kind is ColumnType.CODE:
        code, label = rng.choice(column.choices)
        return rng.choice([code, label])
    if kind is ColumnType.REGION:
        return rng.choice(["350112", "350112001", "350112001001"])
    if kind is ColumnType.DATE:
        day = dt.date(2024, 1, 1) + dt.timedelta(days=rng.randrange(0, 700))
        return day.isoformat()
    if kind is ColumnType.MONTH:
        return f"2025-{rng.randrange(1, 13):02d}"
    if kind in (ColumnType.YUAN, ColumnType.DECIMAL):
        return rng.choice(["0", "12", "8000.00", "5200.5", "99.99", "1234567.89"])
    if kind is ColumnType.INTEGER:
        low = column.minimum if column.minimum is not None else 0
        high = column.maximum if column.maximum is not None else 100
        return str(rng.randint(low, high))
    if kind is ColumnType.BOOLEAN:
        return rng.choice(["是", "否", "true", "false", "1", "0"])
    raise AssertionError(kind)


def _odd(column: Column, rng: random.Random) -> Any:
    """Another accepted spelling, or a wrong value, for the column type."""
    kind = column.type
    common = ["", "  ", " 是 ", "\u3000", "N/A", "－1"]
    by_type: dict[ColumnType, list[Any]] = {
        ColumnType.TEXT: [
            "x" * (column.max_length + 1),
            " 张 伟 ",
            "\t李娜",
            "名\x1c",
            "７",
            "张,伟",
            'a"b',
            '"引号"',
            "陈, 静",
            "行\n二",
        ],
        ColumnType.CODE: [" M ", "m", "男性", "urban ", "其它"],
        ColumnType.REGION: ["35011", "3501120010", "３５０１１２", "350112 ", "35011a"],
        ColumnType.DATE: [
            "2024/1/5",
            "20240105",
            "2024年1月5日",
            "2024-1-5",
            "2024-02-30",
            "2024-13-01",
            "2027-01-01",
            "1879-12-31",
            "1880-01-01",
            "2026-03-10",
            "2026-03-11",
            "2024-01-05 00:00",
            "2024-01-05T00:00:00",
            "2024.01.05",
            "0000-01-01",
            "２０２４-01-05",
        ],
        ColumnType.MONTH: [
            "2025/3",
            "202503",
            "2025年3月",
            "2025-3",
            "2025-13",
            "2026-03",
            "2026-04",
            "1879-12",
            "1880-01",
            "2025-00",
            "2025-03-15",
        ],
        ColumnType.YUAN: [
            "-1.5",
            "1.234",
            "1,234.50",
            "１２",
            "1e3",
            "NaN",
            "Infinity",
            ".5",
            "5.",
            "+3",
            "0.00",
            "00012.3",
            "10000000000000000",
            "9999999999999999.99",
            "-0",
            "abc",
        ],
        ColumnType.INTEGER: ["0", "5", "-1", "2.0", "99999", "+2", "１", "3 "],
        ColumnType.BOOLEAN: ["TRUE", "False", "Y", "no", "是的", "2", "Yes", "ｙ"],
    }
    variants = by_type.get(
        kind, by_type.get(ColumnType.YUAN if kind is ColumnType.DECIMAL else kind, [])
    )
    return rng.choice(variants + common)


def _feed_rows(
    schema: FeedSchema, rng: random.Random, count: int, error_share: float
) -> list[list[Any]]:
    rows: list[list[Any]] = []
    for _ in range(count):
        row = []
        for column in schema.columns:
            if column.type is ColumnType.ID_NUMBER:
                row.append(_id_cell(rng) if rng.random() < error_share * 3 else _valid_number(rng))
            elif rng.random() < error_share:
                row.append(_odd(column, rng))
            elif not column.required and rng.random() < 0.2:
                row.append("")
            else:
                row.append(_good(column, rng))
        rows.append(row)
        if rows and rng.random() < 0.05:
            rows.append(list(rng.choice(rows)))  # a duplicate of an earlier row
    return rows


def _header(schema: FeedSchema, rng: random.Random) -> list[str]:
    return [rng.choice([c.name, c.label]) for c in schema.columns]


def _assert_same(schema: FeedSchema, make_table) -> None:  # type: ignore[no-untyped-def]
    old = oracle_validation.validate_table(
        schema, make_table(), today=TODAY, id_hash=lambda n: f"h:{n}"
    )
    new = validation.validate_table(schema, make_table(), today=TODAY, id_hash=lambda n: f"h:{n}")
    assert new.problems == old.problems
    assert new.problem_count == old.problem_count
    assert new.row_count == old.row_count
    assert new.id_counts == old.id_counts
    assert new.format == old.format
    assert new.is_valid == old.is_valid
    if old.table is None:
        assert new.table is None
    else:
        assert new.table.schema == old.table.schema
        assert new.table.to_pylist() == old.table.to_pylist()
        assert new.table.equals(old.table)


def _cells(rows: list[list[Any]]) -> list[list[Any]]:
    return [["" if cell is None else cell for cell in row] for row in rows]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    source=st.sampled_from(SOURCES),
    seed=st.integers(0, 2**32),
    count=st.integers(0, 60),
    error_share=st.sampled_from([0.0, 0.02, 0.1, 0.4]),
)
def test_csv_files_give_the_same_result_as_the_row_by_row_validator(
    source, seed, count, error_share
):
    schema = FEEDS[source]
    rng = random.Random(seed)
    header = _header(schema, rng)
    rows = _cells(_feed_rows(schema, rng, count, error_share))
    # reading problems among the rows: blank lines, rows of the wrong width
    for _ in range(rng.choice([0, 0, 1, 3])):
        at = rng.randrange(len(rows) + 1)
        rows.insert(at, rng.choice([[], [""] * len(header), ["  "] * len(header), ["1", "2"]]))
    data = csv_bytes(header, rows, encoding=rng.choice(["utf-8", "gb18030"]))
    if rng.random() < 0.1:  # a quoted line break in the header: an unknown column spanning lines
        data = b'"x\ny",' + data
    if rng.random() < 0.2 and len(data) > 10:
        data = data[: rng.randrange(len(data) // 2, len(data))]  # truncated upload
    _assert_same(schema, lambda: read_table(data, "feed.csv"))


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(source=st.sampled_from(SOURCES), seed=st.integers(0, 2**32), count=st.integers(0, 40))
def test_parquet_files_with_text_and_typed_columns_give_the_same_result(source, seed, count):
    schema = FEEDS[source]
    rng = random.Random(seed)
    rows = _feed_rows(schema, rng, count, rng.choice([0.0, 0.05, 0.3]))
    arrays = []
    for position, column in enumerate(schema.columns):
        cells = [row[position] for row in rows]
        typed = rng.random() < 0.5
        if typed and column.type is ColumnType.DATE and rng.random() < 0.7:
            cells = [_as_date(cell, rng) for cell in cells]
            arrays.append(pa.array(cells, pa.date32()))
        elif typed and column.type is ColumnType.MONTH:
            cells = [
                _as_date(cell + "-15" if isinstance(cell, str) else cell, rng) for cell in cells
            ]
            arrays.append(pa.array(cells, pa.date32()))
        elif typed and column.type is ColumnType.BOOLEAN:
            arrays.append(pa.array([rng.choice([True, False, None]) for _ in cells], pa.bool_()))
        elif typed and column.type is ColumnType.INTEGER:
            arrays.append(pa.array([rng.choice([1, 2, 4, 0, 7, None]) for _ in cells], pa.int64()))
        elif typed and column.type in (ColumnType.YUAN, ColumnType.DECIMAL):
            choice = rng.choice(["double", "decimal", "int"])
            if choice == "double":
                arrays.append(
                    pa.array([rng.choice([1.5, 0.0, -0.0, 2.345, 1e20, -3.0, None]) for _ in cells])
                )
            elif choice == "decimal":
                values = [
                    rng.choice([Decimal("1.50"), Decimal("0.005"), Decimal("-1"), None])
                    for _ in cells
                ]
                arrays.append(pa.array(values, pa.decimal128(10, 3)))
            else:
                arrays.append(pa.array([rng.choice([0, 12, -5, None]) for _ in cells], pa.int64()))
        elif typed and column.type is ColumnType.DATE:
            hours = [rng.choice([0, 0, 5]) for _ in cells]
            arrays.append(pa.array([dt.datetime(2024, 1, 2, h) for h in hours]))  # noqa: DTZ001
        else:
            arrays.append(pa.array(cells, pa.string()))
    names = [rng.choice([c.name, c.label]) for c in schema.columns]
    data = parquet_bytes(pa.table(arrays, names=names))
    _assert_same(schema, lambda: read_table(data, "feed.parquet"))


def _as_date(cell: Any, rng: random.Random) -> dt.date | None:
    try:
        return dt.date.fromisoformat(cell)
    except (TypeError, ValueError):
        return rng.choice([None, dt.date(1879, 5, 1), dt.date(2026, 3, 11), dt.date(2026, 3, 10)])


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(source=st.sampled_from(SOURCES), seed=st.integers(0, 2**32))
def test_excel_files_give_the_same_result(source, seed):
    schema = FEEDS[source]
    rng = random.Random(seed)
    rows = _feed_rows(schema, rng, 25, 0.1)
    for row in rows:  # Excel cells carry numbers and dates, not only text
        for position, column in enumerate(schema.columns):
            if column.type is ColumnType.DATE and rng.random() < 0.3:
                row[position] = dt.datetime(2024, 5, rng.randrange(1, 28), rng.choice([0, 0, 9]))  # noqa: DTZ001
            elif column.type is ColumnType.YUAN and rng.random() < 0.3:
                row[position] = rng.choice([12, 12.5, 3.0, -1, 0.125])
    rows.insert(rng.randrange(len(rows)), [None] * len(schema.columns))
    # control characters cannot be written to a worksheet
    rows = [[c.replace("\x1c", "") if isinstance(c, str) else c for c in row] for row in rows]
    data = xlsx_bytes(_header(schema, rng), rows)
    _assert_same(schema, lambda: read_table(data, "feed.xlsx"))


def test_more_than_the_kept_problems_with_reading_problems_interleaved():
    schema = FEEDS["tax"]
    rng = random.Random(3)
    rows = _cells(_feed_rows(schema, rng, 900, 0.5))
    for at in (0, 10, 500, 899):
        rows.insert(at, ["1", "2"])
    data = csv_bytes(_header(schema, rng), rows)
    _assert_same(schema, lambda: read_table(data, "feed.csv"))
    result = validation.validate_table(
        schema, read_table(data, "feed.csv"), today=TODAY, id_hash=str
    )
    assert len(result.problems) == validation.PROBLEMS_KEPT
    assert result.problem_count > validation.PROBLEMS_KEPT


@pytest.mark.parametrize("source", SOURCES)
def test_a_clean_file_of_every_feed_is_accepted_alike(source):
    schema = FEEDS[source]
    rng = random.Random(source)
    rows = _cells(_feed_rows(schema, rng, 200, 0.0))
    data = csv_bytes(_header(schema, rng), rows)
    _assert_same(schema, lambda: read_table(data, "feed.csv"))


def test_the_bulk_hash_is_the_registry_hash():
    rng = random.Random(5)
    schema = FEEDS["disability_certificates"]
    rows = _cells(_feed_rows(schema, rng, 30, 0.0))
    position = [c.name for c in schema.columns].index("certificate_number")
    for number, row in enumerate(rows):
        row[position] = f"{row[0]}{number:02d}"  # the holder's number + type and grade
    data = csv_bytes(_header(schema, rng), rows)
    new = validation.validate_table(
        schema,
        read_table(data, "feed.csv"),
        today=TODAY,
        id_hash=KeyedHasher(id_number_hash_key()),
    )
    old = oracle_validation.validate_table(
        schema, read_table(data, "feed.csv"), today=TODAY, id_hash=id_number_hash
    )
    assert new.is_valid
    assert old.is_valid
    assert new.table.equals(old.table)
    keys = new.table.column("person_key").to_pylist()
    assert any(keys)
    assert all(k is None or len(k) == 64 for k in keys)
