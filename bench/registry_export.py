"""Registry export from PostgreSQL into DuckDB, the first step of identity resolution.

`identity_resolve` loads the registry's match columns (person_key, name, birth date, sex, region,
masked number) into the DuckDB table `registry` with `resolution.registry_load_orm`;
bench/identity_resolution.py reads them from Parquet instead, so this script measures the export
itself. It generates a synthetic population (default 1M persons in 长乐区 and 鼓楼区), loads it
into a PostgreSQL database of its own on 127.0.0.1 with bench/household_search.py's loader
(`registry_import`, COPY), then times `registry_load_orm` into a fresh DuckDB connection in a
separate process configured for that database, checks that `registry` holds one row per person
with the expected column types, and records the figure in bench/RESULTS.md with the load average
(`uptime`) just before the timed step. The database is dropped afterwards unless `--keep`.

    .venv/bin/python bench/registry_export.py                        # 1M persons
    .venv/bin/python bench/registry_export.py --keep                 # keep the database ...
    .venv/bin/python bench/registry_export.py --reuse --no-record    # ... and time it again
    .venv/bin/python bench/registry_export.py --persons 2000 --no-record   # a quick run
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.household_search import PYTHON, _env, prepare  # noqa: E402

EXPECTED_TYPES = [
    ("person_key", "VARCHAR"),
    ("name", "VARCHAR"),
    ("birth_date", "DATE"),
    ("sex", "VARCHAR"),
    ("region_code", "VARCHAR"),
    ("id_number_masked", "VARCHAR"),
]


def _load_average() -> str:
    output = subprocess.run(["uptime"], capture_output=True, text=True, check=True).stdout
    return output.split("load average:")[-1].strip()


def _drop_database(database: str) -> None:
    import psycopg

    with psycopg.connect(
        "host=127.0.0.1 user=postgres dbname=postgres", autocommit=True
    ) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


def measure(chunk: int) -> dict[str, object]:
    """The timed step, in a process whose Django settings point at the benchmark database."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.db import connection

    from doudi.exchange import identity, resolution

    connection.ensure_connection()
    con = identity.registry_connection()
    started, cpu = time.perf_counter(), time.process_time()
    rows = resolution.registry_load_orm(con, chunk=chunk)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    types = [tuple(row[:2]) for row in con.rows("registry columns", "DESCRIBE registry")]
    counted = con.scalar("registry persons", "SELECT count(*) FROM registry")
    con.close()
    return {
        "vendor": connection.vendor,
        "rows": rows,
        "counted": counted,
        "types": types,
        "seconds": seconds,
        "cpu_seconds": cpu,
        "max_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }


def main(argv: list[str] | None = None) -> dict[str, object]:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--counties", default="350112,350102")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--database", default="doudi_bench_registry")
    parser.add_argument("--chunk", type=int, default=50_000, help="registry_load_orm(chunk=...)")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="skip the load when the database already holds this population",
    )
    parser.add_argument("--no-record", action="store_true", help="print only")
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.measure:
        print(json.dumps(measure(args.chunk)))
        return {}

    print(f"load average at start: {_load_average()}", flush=True)
    try:
        _out, load_seconds = prepare(args)
        load = _load_average()
        print(f"load average before the export: {load}", flush=True)
        child = subprocess.run(
            [
                PYTHON,
                str(Path(__file__).resolve()),
                "--measure",
                "--chunk",
                str(args.chunk),
            ],
            env=_env(args.database),
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
    finally:
        if not args.keep:
            _drop_database(args.database)
    if child.returncode != 0:
        raise SystemExit(f"the export failed:\n{child.stderr}")
    figures = json.loads(child.stdout.strip().splitlines()[-1])
    if figures["vendor"] != "postgresql":
        raise SystemExit(f"the export ran on {figures['vendor']}, not PostgreSQL")
    if not figures["rows"] == figures["counted"] == args.persons:
        raise SystemExit(
            f"registry holds {figures['counted']} rows (returned {figures['rows']}), "
            f"expected {args.persons}"
        )
    if [tuple(t) for t in figures["types"]] != EXPECTED_TYPES:
        raise SystemExit(f"registry columns {figures['types']}, expected {EXPECTED_TYPES}")
    seconds = figures["seconds"]
    result = {
        "persons": args.persons,
        "rows": figures["counted"],
        "chunk": args.chunk,
        "seconds": round(seconds, 2),
        "persons_per_second": round(args.persons / seconds),
        "cpu_seconds": round(figures["cpu_seconds"], 2),
        "max_rss_mb": figures["max_rss_mb"],
        "load_average": load,
        "load_seconds": round(load_seconds, 1) if load_seconds is not None else None,
    }
    print(json.dumps(result, ensure_ascii=False, indent=2))
    if not args.no_record:
        from bench.results import record

        record(
            "registry_export (registry_load_orm, PostgreSQL → DuckDB)",
            f"{args.persons:,} persons",
            f"{seconds:.1f} s wall, {figures['cpu_seconds']:.1f} s CPU in Python's process, "
            f"{args.persons / seconds:,.0f} persons/s, peak RSS "
            f"{figures['max_rss_mb']} MB (chunk {args.chunk:,}); load average before the "
            f"export {load} on 2 cores (shared machine)",
        )
    return result


if __name__ == "__main__":
    main()
