"""Department feed ingestion throughput (read + validate whole + normalise + sorted Parquet).

Generates a synthetic population of N persons (default 200,000) and its feeds (`doudi synth
--feeds`), then for every feed times what `feed_file_ingest` does before its catalogue
transaction: read the file, validate every row, hash the ID numbers, sort by person key and write
the snapshot Parquet. Prints rows per second per feed and overall, wall clock and CPU time, and
records the total in bench/RESULTS.md with the load average at the start (the machine is shared).
The catalogue write (one row and an audit event) is not timed. Arrow runs on one thread
(`--threads 1`, the default) so that the figure is for one core.

    .venv/bin/python bench/exchange_ingest.py                    # 200k persons
    .venv/bin/python bench/exchange_ingest.py --persons 5000 --no-record   # a quick run
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

import pyarrow as pa  # noqa: E402
import pyarrow.parquet as pq  # noqa: E402

from bench.results import record  # noqa: E402
from doudi.core.id_hashing import KeyedHasher  # noqa: E402
from doudi.core.id_protection import id_number_hash_key  # noqa: E402
from doudi.exchange.readers import read_table  # noqa: E402
from doudi.exchange.schemas import FEEDS  # noqa: E402
from doudi.exchange.store import ROW_GROUP_SIZE  # noqa: E402
from doudi.exchange.validation import validate_table  # noqa: E402
from doudi.synth.feeds import write_feeds  # noqa: E402
from doudi.synth.generator import SynthConfig, write_parquet  # noqa: E402


def main(argv: list[str] | None = None) -> dict[str, float]:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--persons", type=int, default=200_000)
    parser.add_argument("--counties", default="350112,350102,350181")
    parser.add_argument("--threads", type=int, default=1, help="Arrow CPU threads")
    parser.add_argument("--no-record", action="store_true", help="do not write bench/RESULTS.md")
    arguments = parser.parse_args(argv)
    pa.set_cpu_count(arguments.threads)
    pa.set_io_thread_count(arguments.threads)
    load = os.getloadavg()
    with tempfile.TemporaryDirectory() as directory:
        out = Path(directory)
        config = SynthConfig(
            counties=tuple(arguments.counties.split(",")), persons=arguments.persons
        )
        result = write_parquet(config, out)
        write_feeds(
            persons_path=result.persons_path,
            households_path=result.households_path,
            out_dir=out / "feeds",
        )
        total_rows = 0
        total_seconds = 0.0
        total_cpu = 0.0
        rejected: list[str] = []
        for source in FEEDS:
            path = next((out / "feeds").glob(f"{source}.*"))
            started = time.perf_counter()
            cpu_started = time.process_time()
            validated = validate_table(
                FEEDS[source],
                read_table(path.read_bytes(), path.name),
                today=dt.datetime.now(tz=dt.UTC).date(),
                id_hash=KeyedHasher(id_number_hash_key()),
            )
            if validated.is_valid:
                pq.write_table(
                    validated.table,
                    out / f"{source}.snapshot.parquet",
                    row_group_size=ROW_GROUP_SIZE,
                    compression="zstd",
                )
            else:
                # Still timed: the whole file was read and validated. At 2M persons the synthetic
                # names repeat, so records without an ID number can share a natural key.
                rejected.append(f"{source} ({validated.problem_count:,} problems)")
                print(f"{source}: 退回 — {validated.problems[0]}")
            seconds = time.perf_counter() - started
            cpu = time.process_time() - cpu_started
            total_rows += validated.row_count
            total_seconds += seconds
            total_cpu += cpu
            print(
                f"{source:32} {validated.row_count:>10,} 行 {seconds:7.2f} 秒 "
                f"{validated.row_count / seconds:>10,.0f} 行/秒（CPU {cpu:6.2f} 秒）"
            )
        print(
            f"{'合计':30} {total_rows:>10,} 行 {total_seconds:7.2f} 秒 "
            f"{total_rows / total_seconds:>10,.0f} 行/秒（{arguments.persons:,} 人的合成人口）；"
            f"CPU {total_cpu:.2f} 秒，{total_rows / total_cpu:,.0f} 行/秒"
        )
        if not arguments.no_record:
            record(
                "exchange_ingest (read + validate + sorted Parquet, all 19 feeds)",
                f"{arguments.persons:,} persons, {total_rows:,} feed rows, "
                f"{arguments.threads} Arrow thread(s)",
                f"{total_rows / total_seconds:,.0f} rows/s wall ({total_seconds:.1f} s), "
                f"{total_rows / total_cpu:,.0f} rows/s CPU ({total_cpu:.1f} s); "
                f"load average at start {load[0]:.2f} on {os.cpu_count()} cores (shared machine)"
                + (
                    f"; rejected (validated, not written): {', '.join(rejected)}"
                    if rejected
                    else ""
                ),
            )
        return {"rows": total_rows, "seconds": total_seconds, "cpu_seconds": total_cpu}


if __name__ == "__main__":
    main()
