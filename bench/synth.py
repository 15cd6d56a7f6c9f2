"""Synthetic population generation speed (`doudi synth`, Parquet output).

Generates N persons (default 2,000,000) spread over all 83 Fujian county-level units (or
`--counties`), writes persons.parquet and households.parquet into a temporary directory (or
`--out`), prints persons per second and MB written, and records the figure in bench/RESULTS.md.
Requirement: at least 1,000,000 persons per minute on 2 cores.

    .venv/bin/python bench/synth.py                       # 2M persons, all of Fujian
    .venv/bin/python bench/synth.py --persons 40000000    # full-province scale
    .venv/bin/python bench/synth.py --persons 5000 --results /tmp/RESULTS.md   # a quick run
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.results import RESULTS, record  # noqa: E402
from doudi.synth.generator import SynthConfig, write_parquet  # noqa: E402
from doudi.synth.villages import fujian_counties  # noqa: E402

REQUIRED_PER_SECOND = 1_000_000 / 60


def main(argv: list[str] | None = None) -> dict[str, float]:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--persons", type=int, default=2_000_000)
    parser.add_argument(
        "--counties", default="", help="comma-separated county codes (default: all of Fujian)"
    )
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--chunk-households", type=int, default=50_000)
    parser.add_argument(
        "--out", default="", help="output directory (default: a temporary one, removed after)"
    )
    parser.add_argument(
        "--results", default=str(RESULTS), help="results file to update ('' = do not record)"
    )
    args = parser.parse_args(argv)

    counties = tuple(c for c in args.counties.split(",") if c) or tuple(sorted(fujian_counties()))
    config = SynthConfig(
        counties=counties,
        persons=args.persons,
        seed=args.seed,
        chunk_households=args.chunk_households,
    )
    with tempfile.TemporaryDirectory(prefix="doudi-bench-synth-") as tmp:
        result = write_parquet(config, args.out or tmp)
    per_second = result.persons_per_second
    mb = result.bytes_written / 1e6
    where = "all of Fujian (83 counties)" if not args.counties else f"{len(counties)} counties"
    print(
        f"synth: {result.persons:,} persons, {result.households:,} households in {result.seconds:.2f} s "
        f"→ {per_second:,.0f} persons/s ({per_second * 60 / 1e6:.1f}M persons/min; "
        f"requirement ≥ {REQUIRED_PER_SECOND * 60:,.0f}/min); {mb:.1f} MB written; {where}"
    )
    if result.birth_dates_moved:
        print(f"  {result.birth_dates_moved:,} birth dates moved off full ID sequence slots")
    if args.results:
        record(
            "synth (Parquet, zstd)",
            f"{result.persons:,} persons, {where}",
            f"{per_second:,.0f} persons/s; {mb:.1f} MB",
            path=Path(args.results),
        )
    return {
        "persons": result.persons,
        "seconds": result.seconds,
        "persons_per_second": per_second,
        "mb": mb,
    }


if __name__ == "__main__":
    main()
