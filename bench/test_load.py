"""The load benchmark at a tiny scale, so the script cannot rot: a few hundred persons, two levels
of about two seconds. It runs on the suite's engine (SQLite by default, PostgreSQL in the
PostgreSQL stage) and takes about 30 s, most of it preparing the demo county, hence `slow`."""

from __future__ import annotations

import os

import pytest


@pytest.mark.slow
def test_it_prepares_serves_and_drives_the_staff_mix_without_errors():
    from bench.load import main

    database = "postgres" if os.environ.get("DOUDI_DB") == "postgres" else "sqlite"
    result = main(
        [
            "--database",
            database,
            "--database-name",
            "doudi_bench_load_smoke",
            "--persons",
            "300",
            "--clients",
            "2,4",
            "--seconds",
            "2",
            "--port",
            "8798",
            "--no-record",
        ]
    )

    assert [level["clients"] for level in result["levels"]] == [2, 4]
    for level in result["levels"]:
        assert level["errors"] == 0, level["error_kinds"]
        assert level["requests"] >= 20
        assert 0 < level["p50_ms"] <= level["p95_ms"]
        assert level["operations"]["household_register"]["requests"] > 0
    writes = result["writes"]
    assert writes["households"] > 0
    assert writes["applications"] > 0
    assert writes["missing"] == []
    assert result["server_problems"] == {}
