"""The rules engine at scale and for one household.

1. Generates a synthetic population (default about 1M households / 2.6M persons over all Fujian
   counties), reads it into engine arrays, and runs every programme over it in one batch
   (goal: < 10 s on 2 cores). Amounts are summed in int64 fen.
2. Times one household through `evaluate` — the call `doudi policy evaluate` and
   `POST /api/policy/evaluate` make — after warm-up (goal: < 20 ms), median and p95 over 200 runs.

    .venv/bin/python bench/policy.py                      # full scale, records bench/RESULTS.md
    .venv/bin/python bench/policy.py --persons 20000 --no-record
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SITUATION = {
    "month": "2023-03",
    "region": "350102",
    "overrides": {
        "dibao.standard": "700.00",
        "dibao.employment_cost_rate": "0.30",
        "minimum_wage": "1960.00",
    },
    "members": [
        {
            "id": "m1",
            "relation": "head",
            "birth_date": "1985-04-02",
            "counted": True,
            "labour_capacity": True,
            "in_school": "none",
            "disability": None,
            "serious_illness": False,
            "self_care_failed_items": 0,
            "incomes": [{"type": "wage", "monthly": "2000.00", "stable": True}],
        },
        {
            "id": "m2",
            "relation": "parent",
            "birth_date": "1950-07-09",
            "counted": True,
            "disability": {"type": "physical", "grade": 2},
            "self_care_failed_items": 4,
            "incomes": [],
        },
    ],
    "assets": {"financial": "0.00", "vehicles": 0, "real_estate": 1, "business_registrations": 0},
    "expenses": {"medical_12m": "0.00", "education_12m": "0.00"},
}


def batch(persons: int, seed: int, month: str) -> dict[str, object]:
    from doudi.core.divisions import fujian_counties
    from doudi.policy import ALL_OUTPUTS, evaluate_batch, read_population
    from doudi.synth.generator import SynthConfig, write_parquet

    counties = tuple(code for code in fujian_counties() if code != "350527")  # 金门: no residents
    with tempfile.TemporaryDirectory() as directory:
        started = time.perf_counter()
        write_parquet(SynthConfig(counties=counties, persons=persons, seed=seed), Path(directory))
        generated = time.perf_counter() - started
        started = time.perf_counter()
        population = read_population(directory)
        person_inputs, household_inputs = population.inputs(month)
        read = time.perf_counter() - started
    started = time.perf_counter()
    results = evaluate_batch(
        month,
        persons=person_inputs,
        households=household_inputs,
        household_of_person=population.household_of_person,
        is_head=population.is_head,
        outputs=ALL_OUTPUTS,
    )
    engine = time.perf_counter() - started
    totals = {
        name: int(values.astype(np.int64).sum())
        for name, values in results.items()
        if np.issubdtype(values.dtype, np.integer) and not np.issubdtype(values.dtype, np.bool_)
    }
    return {
        "households": population.household_count,
        "persons": population.person_count,
        "generate_seconds": round(generated, 2),
        "read_seconds": round(read, 2),
        "engine_seconds": round(engine, 2),
        "monthly_totals_yuan": {name: f"{fen / 100:,.2f}" for name, fen in sorted(totals.items())},
    }


def single(runs: int) -> dict[str, float]:
    from doudi.policy import evaluate

    evaluate(SITUATION)  # builds the tax-benefit system once
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        evaluate(SITUATION).to_json()
        timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    return {
        "runs": runs,
        "median_ms": round(statistics.median(timings), 2),
        "p95_ms": round(timings[int(runs * 0.95) - 1], 2),
    }


def main(argv: list[str] | None = None) -> dict[str, object]:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--persons", type=int, default=2_650_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--month", default="2024-03")
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--record", action=argparse.BooleanOptionalAction, default=True)
    args = parser.parse_args(argv)
    result = {"batch": batch(args.persons, args.seed, args.month), "single": single(args.runs)}
    print(json.dumps(result, ensure_ascii=False, indent=2))
    if args.record:
        from bench.results import record

        figures = result["batch"]
        record(
            "policy (all programmes, batch)",
            f"{figures['households']:,} households / {figures['persons']:,} persons, {args.month}",
            f"engine {figures['engine_seconds']} s (+ read {figures['read_seconds']} s from Parquet)",
        )
        single_figures = result["single"]
        record(
            "policy (one household, evaluate)",
            f"{single_figures['runs']} runs after warm-up, 2 members, with overrides",
            f"median {single_figures['median_ms']} ms, p95 {single_figures['p95_ms']} ms",
        )
    return result


if __name__ == "__main__":
    main()
