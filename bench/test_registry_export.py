"""The registry export benchmark at a small scale, so the script cannot rot. It needs PostgreSQL: it
runs in the PostgreSQL stage of the suite (DOUDI_DB=postgres) and is skipped on the embedded
default."""

from __future__ import annotations

import os

import psycopg
import pytest

pytestmark = pytest.mark.skipif(os.environ.get("DOUDI_DB") != "postgres", reason="needs PostgreSQL")

DATABASE = "doudi_bench_registry_smoke"


def _database_exists() -> bool:
    with psycopg.connect("host=127.0.0.1 user=postgres dbname=postgres") as connection:
        return bool(
            connection.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE]
            ).fetchall()
        )


def test_it_loads_a_small_population_times_its_export_and_drops_the_database():
    from bench.registry_export import main

    result = main(["--persons", "2000", "--database", DATABASE, "--no-record"])

    assert result["persons"] == 2000
    assert result["load_seconds"] > 0
    assert 0 < result["seconds"] < 30
    assert result["rows"] == 2000
    assert result["persons_per_second"] > 0
    assert len(result["load_average"].split(", ")) == 3
    assert not _database_exists()
