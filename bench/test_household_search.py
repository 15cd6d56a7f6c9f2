"""The search benchmark at a small scale, so the script cannot rot. It needs PostgreSQL: it runs in
the PostgreSQL stage of the suite (DOUDI_DB=postgres) and is skipped on the embedded default."""

from __future__ import annotations

import os

import pytest

pytestmark = pytest.mark.skipif(os.environ.get("DOUDI_DB") != "postgres", reason="needs PostgreSQL")


def test_it_loads_serves_and_measures_a_small_population():
    from bench.household_search import main

    result = main(
        [
            "--persons",
            "1500",
            "--requests",
            "100",
            "--seconds",
            "2",
            "--concurrency",
            "4",
            "--database",
            "doudi_bench_smoke",
            "--port",
            "8799",
            "--workers",
            "1",
            "--no-record",
        ]
    )

    assert result["persons"] == 1500
    assert result["load_seconds"] > 0
    for figures in (result["api"], result["page"]):
        assert figures["failures"] == 0
        assert figures["requests"] >= 20
        assert 0 < figures["p50_ms"] <= figures["p95_ms"] <= figures["p99_ms"]
