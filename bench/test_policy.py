"""The rules-engine benchmark at a small scale, so the script cannot rot."""

from __future__ import annotations


def test_it_runs_every_programme_over_a_small_population_and_times_one_household():
    from bench.policy import main

    result = main(["--persons", "3000", "--runs", "5", "--no-record"])

    batch = result["batch"]
    assert batch["persons"] == 3000
    assert batch["households"] > 0
    assert set(batch["monthly_totals_yuan"]) >= {"dibao_amount", "tekun_amount", "orphan_amount"}
    assert all(
        value.replace(",", "").replace(".", "").isdigit()
        for value in batch["monthly_totals_yuan"].values()
    )
    assert 0 < result["single"]["median_ms"] <= result["single"]["p95_ms"]
