"""The batch screen's SQL, generated from each feed's declared meaning, gives what the former
hand-written SQL gave (`oracle_batch.py`, verbatim) on random snapshots of every source, with
identity-resolution sidecars and sources not sent (pure: no database)."""

from __future__ import annotations

import random
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from doudi.exchange.validation import ARROW_TYPES
from doudi.verification.batch import batch_screen
from doudi.verification.findings import Limits
from doudi.verification.snapshots import links_path
from doudi.verification.sources import SOURCES
from doudi.verification.tests import oracle_batch
from doudi.verification.tests.random_feeds import key, row

PERSONS = 40


def _snapshot(path: Path, spec, rng: random.Random) -> Path:  # type: ignore[no-untyped-def]
    """A snapshot of random rows (some without a key), and sometimes a sidecar linking some."""
    rows = [row(spec, rng) for _ in range(rng.randint(0, 60))]
    keys = [None if rng.random() < 0.15 else key(rng.randrange(PERSONS)) for _ in rows]
    columns = {
        "person_key": pa.array(keys, pa.string()),
        **{
            name: pa.array(
                [r[name] for r in rows], ARROW_TYPES[spec.schema.column_by_name[name].type]
            )
            for name in spec.columns
        },
        "source_row": pa.array(range(2, len(rows) + 2), pa.int64()),
    }
    pq.write_table(pa.table(columns), path)
    if rows and rng.random() < 0.6:
        linked = rng.sample(range(2, len(rows) + 2), k=min(len(rows), 5))
        pq.write_table(
            pa.table(
                {
                    "source_row": pa.array(linked, pa.int64()),
                    "person_key": pa.array(
                        [key(rng.randrange(PERSONS)) for _ in linked], pa.string()
                    ),
                    "method": pa.array(["probabilistic"] * len(linked), pa.string()),
                    "match_probability": pa.array([0.995] * len(linked), pa.float64()),
                }
            ),
            links_path(path),
        )
    return path


@pytest.mark.parametrize("seed", range(12))
def test_the_generated_sql_screens_as_the_former_sql(seed, tmp_path):
    # given
    rng = random.Random(seed)
    snapshots = {
        spec.source: _snapshot(tmp_path / f"{spec.source}.parquet", spec, rng)
        for spec in SOURCES
        if rng.random() < 0.9
    }
    households = [h for h in range(1, 16) for _ in range(rng.randint(1, 3))]
    members = pa.table(
        {
            "household_id": pa.array(households, pa.int64()),
            "person_key": pa.array(
                [key(k) for k in rng.sample(range(PERSONS), len(households))], pa.string()
            ),
            "county_code": pa.array([rng.choice(["a", "b"]) for _ in households], pa.string()),
        }
    )
    limits = {
        county: Limits(
            Decimal(rng.choice(["970.00", "30000.00"])),
            24,
            rng.randint(0, 3),
            rng.randint(0, 3),
            rng.randint(0, 2),
            0,
        )
        for county in "ab"
    }
    arguments = {
        "members": members,
        "snapshots": snapshots,
        "limits": limits,
        "month": "2026-11",
        "income_months": 6,
    }
    # when
    new = batch_screen(**arguments)
    old = oracle_batch.batch_screen(**arguments)
    # then
    assert new.schema == old.schema
    assert new.to_pylist() == old.to_pylist()
