"""What durable commits cost on the embedded SQLite database.

In WAL mode, ``synchronous=NORMAL`` syncs the log only at checkpoints, so the last commits before
a power cut may be lost although they were answered; ``FULL`` (the platform's default,
DOUDI_SQLITE_SYNCHRONOUS) syncs on every commit. This runs the suite's office-day probe
(doudi/core/tests/concurrent_writes.py: staff registering households, double submissions,
applications, workflow actions, all through the API on threads) on a fresh file database under
each setting, alternating, and records the median time of each in bench/RESULTS.md.

    .venv/bin/python bench/sqlite_durability.py                   # 8 staff × 5 households, 5 rounds
    .venv/bin/python bench/sqlite_durability.py --threads 2 --each 20
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PROBE = ROOT / "doudi" / "core" / "tests" / "concurrent_writes.py"


def office_day(synchronous: str, threads: int, each: int) -> tuple[float, int]:
    """Seconds the office day took, and the number of writes answered 2xx."""
    with tempfile.TemporaryDirectory(dir=ROOT / "bench" / "out") as data:
        (Path(data) / "static").mkdir()
        env = {k: v for k, v in os.environ.items() if not k.startswith(("DOUDI_", "DJANGO_"))}
        env.update(
            DOUDI_DATA_DIR=data,
            DOUDI_ALLOW_DEMO_SECRETS="True",
            DOUDI_SQLITE_SYNCHRONOUS=synchronous,
            PYTHONPATH=str(ROOT),
            PROBE_THREADS=str(threads),
            PROBE_EACH=str(each),
            PROBE_TIMED="1",
        )
        completed = subprocess.run(
            [sys.executable, str(PROBE)], cwd=ROOT, env=env, capture_output=True, text=True
        )
        if completed.returncode != 0:
            raise SystemExit(completed.stderr[-2000:])
        result = json.loads(completed.stdout.strip().splitlines()[-1])
    saved = sum(
        count
        for step in result["statuses"].values()
        for code, count in step.items()
        if code.startswith("2")
    )
    errors = sum(
        count
        for step in result["statuses"].values()
        for code, count in step.items()
        if code.startswith("5")
    )
    if errors:
        raise SystemExit(f"{errors} server errors under synchronous={synchronous}: {result}")
    return result["seconds"], saved


def main(argv: list[str] | None = None) -> dict[str, float]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--each", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--no-record", action="store_true")
    args = parser.parse_args(argv)
    (ROOT / "bench" / "out").mkdir(parents=True, exist_ok=True)
    times: dict[str, list[float]] = {"NORMAL": [], "FULL": []}
    saved = 0
    for _ in range(args.rounds):
        for synchronous in times:
            seconds, saved = office_day(synchronous, args.threads, args.each)
            times[synchronous].append(seconds)
    medians = {key: statistics.median(values) for key, values in times.items()}
    cost = medians["FULL"] / medians["NORMAL"] - 1
    figure = (
        f"office day median FULL {medians['FULL']:.2f} s, NORMAL {medians['NORMAL']:.2f} s "
        f"({cost:+.0%}); {saved} writes answered 2xx each run, "
        f"{medians['FULL'] / saved * 1000:.1f} ms per write under FULL; {args.rounds} rounds each"
    )
    print(figure)
    if not args.no_record:
        from bench.results import record

        record(
            "sqlite_durability (synchronous FULL vs NORMAL, WAL)",
            f"{args.threads} staff × {args.each} households, file database",
            figure,
        )
    return medians


if __name__ == "__main__":
    main()
