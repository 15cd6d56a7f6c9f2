"""Synthetic department feeds for a synthetic population (`doudi synth ... --feeds DIR`).

One file per feed declared in `doudi.exchange.schemas`, built from `persons.parquet` and
`households.parquet` so that every feed agrees with the population (incomes, assets, disability,
schooling, deaths). `hukou` is written as Parquet with the English column names; every other feed
as UTF-8 CSV with the Chinese column labels, as a department would send it. In the feeds whose ID
numbers departments are known to mistype (`IdPolicy.FLAG`), `missing_share` of the records have no
ID number and `mistyped_share` have one digit changed (which always breaks the check character);
name, birth date and region stay correct. The truth for linkage evaluation is written apart, in
`DIR/truth/linkage_truth.parquet`: (source, source_row, person_id, written_id_status), where
source_row counts as ingestion does (CSV sheet row, header = 1; Parquet record number from 1).

What a feed's columns are, their order, labels, types and codes come from its declaration: a
builder per feed (`income.py`, `assets.py`, `registers.py`) gives only who has a row and the
distributions of the feed's own values (money in fen, codes it draws checked against the
declared ones, codes that carry a verification meaning taken from it); `feed_table` adds the
identity columns and the reference month and writes money as yuan.

numpy + pyarrow only, no Django. Deterministic for a given population and seed.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from doudi.exchange.schemas import FEEDS, IDENTITY_COLUMNS, Column, ColumnType, FeedSchema, IdPolicy
from doudi.synth.config import REFERENCE_DATE
from doudi.synth.feeds import assets, income, registers
from doudi.synth.feeds.id_errors import MISSING_SHARE, MISTYPED_SHARE, corrupt_id_numbers
from doudi.synth.feeds.population import Population, yuan

__all__ = [
    "BUILDERS",
    "MISSING_SHARE",
    "MISTYPED_SHARE",
    "FeedsResult",
    "corrupt_id_numbers",
    "feed_table",
    "write_feeds",
]

PERIOD = f"{REFERENCE_DATE:%Y-%m}"
PARQUET_FEEDS = ("hukou",)  # written as 公安's system exports it; every other feed as CSV

Builder = Callable[[Population], tuple[np.ndarray, dict[str, Any]]]
BUILDERS: dict[str, Builder] = {
    "hukou": registers.hukou,
    "deaths": registers.deaths,
    "tax": income.tax,
    "social_insurance_contributions": income.contributions,
    "pensions": income.pensions,
    "unemployment_benefits": income.unemployment_benefits,
    "housing_fund": assets.housing_fund,
    "real_estate": assets.real_estate,
    "vehicles": assets.vehicles,
    "business_registration": assets.business,
    "bank_deposits": assets.bank_deposits,
    "securities": assets.securities,
    "commercial_insurance": assets.commercial_insurance,
    "medical_costs": registers.medical_costs,
    "disability_certificates": registers.disability_certificates,
    "unemployment_registration": income.unemployment_registration,
    "education": registers.education,
    "disaster_relief": registers.disaster_relief,
    "anti_poverty_monitoring": registers.anti_poverty_monitoring,
}


@dataclass(frozen=True)
class FeedsResult:
    rows: dict[str, int]  # records per feed
    missing: int  # records written without an ID number
    mistyped: int  # records written with a mistyped ID number
    truth_path: Path


def _array(column: Column, values: Any) -> pa.Array | pa.ChunkedArray:
    if column.type in (ColumnType.YUAN, ColumnType.DECIMAL):
        return yuan(values)  # fen, written as a department writes yuan
    if isinstance(values, pa.Array | pa.ChunkedArray):
        return values
    return pa.array(values, pa.string())


def feed_table(
    schema: FeedSchema, identity: Mapping[str, pa.Array], values: Mapping[str, Any]
) -> pa.Table:
    """The feed's rows with its declared columns, in declared order: the identity columns, the
    builder's `values` of the others (money in fen), the reference month for a month column the
    builder leaves out. ValueError for a column the feed does not declare, a declared column
    without values, or a code the column does not declare."""
    unknown = sorted(set(values) - set(schema.column_by_name))
    if unknown:
        raise ValueError(f"{schema.source}: values for undeclared columns {unknown}")
    rows = len(identity["id_number"])
    arrays = []
    for column in schema.columns:
        if column.name in IDENTITY_COLUMNS:
            array = identity[column.name]
        elif column.name in values:
            array = _array(column, values[column.name])
        elif column.type is ColumnType.MONTH:
            array = pa.array([PERIOD] * rows)
        else:
            raise ValueError(f"{schema.source}: no values for the column {column.name!r}")
        if column.type is ColumnType.CODE:
            written = set(pc.unique(array).to_pylist()) - {None}
            if not written <= set(column.codes):
                raise ValueError(f"{schema.source}.{column.name}: undeclared codes {written}")
        arrays.append(array)
    return pa.table(arrays, names=[column.name for column in schema.columns])


def _write_atomically(path: Path, write: Callable[[Path], None]) -> None:
    temporary = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        write(temporary)
        os.replace(temporary, path)
    finally:
        if temporary.exists():
            temporary.unlink()


def _write(out_dir: Path, schema: FeedSchema, table: pa.Table) -> int:
    """Write the feed as its department sends it; returns the number of its first data row."""
    if schema.source in PARQUET_FEEDS:
        _write_atomically(out_dir / f"{schema.source}.parquet", lambda p: pq.write_table(table, p))
        return 1
    labelled = table.rename_columns([schema.column_by_name[n].label for n in table.column_names])
    _write_atomically(
        out_dir / f"{schema.source}.csv",
        lambda p: pacsv.write_csv(labelled, p, pacsv.WriteOptions(quoting_style="needed")),
    )
    return 2


def write_feeds(
    *,
    persons_path: Path,
    households_path: Path,
    out_dir: Path,
    seed: int = 7,
    missing_share: float = MISSING_SHARE,
    mistyped_share: float = MISTYPED_SHARE,
) -> FeedsResult:
    """Write every feed of `doudi.exchange.schemas.FEEDS` for the population in the two files."""
    pop = Population(pq.read_table(persons_path), pq.read_table(households_path), seed)
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "truth").mkdir(exist_ok=True)
    rows: dict[str, int] = {}
    truth: list[pa.Table] = []
    missing = mistyped = 0
    for source, schema in FEEDS.items():
        index, values = BUILDERS[source](pop)
        identity = pop.identity(index)
        status = np.full(len(index), "valid", dtype=object)
        if schema.id_policy is IdPolicy.FLAG:
            identity["id_number"], status = corrupt_id_numbers(
                identity["id_number"], pop.rng, missing_share, mistyped_share
            )
        missing += int((status == "missing").sum())
        mistyped += int((status == "invalid").sum())
        table = feed_table(schema, identity, values)
        first_row = _write(out_dir, schema, table)
        rows[source] = table.num_rows
        truth.append(
            pa.table(
                {
                    "source": pa.array([source] * len(index), pa.string()),
                    "source_row": pa.array(
                        np.arange(first_row, first_row + len(index)), pa.int64()
                    ),
                    "person_id": pa.array(pop.col("person_id")[index], pa.int64()),
                    "written_id_status": pa.array(status, pa.string()),
                }
            )
        )
    truth_path = out_dir / "truth" / "linkage_truth.parquet"
    _write_atomically(truth_path, lambda p: pq.write_table(pa.concat_tables(truth), p))
    return FeedsResult(rows=rows, missing=missing, mistyped=mistyped, truth_path=truth_path)
