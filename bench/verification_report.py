"""Verification reports over department snapshots covering 10M persons.

Writes synthetic snapshots straight in the exchange layout (sorted by person_key, row groups of
`ROW_GROUP_SIZE` with statistics, zstd, no dictionary for person_key: `snapshot_write_options`) with numpy/pyarrow — ingestion (validation of department files) is
not part of this benchmark — and registers them in the catalogue of a fresh database (SQLite, or
with DOUDI_DB=postgres a PostgreSQL database of its own on 127.0.0.1, dropped at the end). Then:

1. one household's report: the full service path without HTTP (`verification_request`: consents,
   policy-engine limits, DuckDB reads of 11 sources, items, access log, audit, one transaction),
   timed over `--households` random households (p50/p95 after one warm-up);
2. a batch of `--batch` three-person households of another village (西关社区; registry rows and
   consents bulk-inserted in the setup, persons distinct from those of part 1): the pure screen
   (`batch_screen`, one set-based DuckDB join per source, on the same members) and the full
   persisted run (`batch_services.batch_run`: households, members and consents from the
   database, limits, the screen, then run + results + one access row per person + audit in one
   transaction).

    .venv/bin/python bench/verification_report.py                     # 10M persons
    .venv/bin/python bench/verification_report.py --persons 200000 --batch 10000 --no-record
    DOUDI_DB=postgres .venv/bin/python bench/verification_report.py   # the same on PostgreSQL
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
WORK = Path(tempfile.mkdtemp(prefix="doudi-verification-bench-"))
os.environ["DOUDI_DATA_DIR"] = str(WORK)
os.environ["DOUDI_SQLITE_PATH"] = str(WORK / "bench.sqlite3")
os.environ.setdefault("DOUDI_DB", "sqlite")
if os.environ["DOUDI_DB"] == "postgres":  # a fresh database of its own, dropped at the end
    os.environ.setdefault("DOUDI_DB_NAME", "doudi_bench_verification")
    from bench.household_search import _recreate_database

    _recreate_database(os.environ["DOUDI_DB_NAME"])

import django  # noqa: E402

django.setup()

import numpy as np  # noqa: E402
import pyarrow as pa  # noqa: E402
import pyarrow.parquet as pq  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.utils import timezone  # noqa: E402

from doudi.exchange.models import FeedSnapshot, FeedSubmission  # noqa: E402
from doudi.exchange.store import snapshot_write_options  # noqa: E402

DATABASE = "PostgreSQL" if os.environ["DOUDI_DB"] == "postgres" else "SQLite"
HEX = np.frombuffer(b"0123456789abcdef", dtype=np.uint8)
COUNTY = "350112"
VILLAGE = "350112001001"
BATCH_VILLAGE = "350112001002"
RECEIVED = dt.datetime(2026, 11, 5, 2, 0, tzinfo=dt.UTC)
MONTH_DAYS = [dt.date(2026, m, 1) for m in (5, 6, 7, 8, 9, 10)]


def sorted_keys(n: int, rng: np.random.Generator) -> pa.StringArray:
    """n distinct 64-hex-character keys (like the HMAC person_key), in ascending order."""
    head = np.unique(rng.integers(0, 2**63, size=int(n * 1.01) + 16, dtype=np.int64))
    head = np.sort(rng.choice(head, size=n, replace=False))
    raw = np.empty((n, 32), dtype=np.uint8)
    raw[:, :8] = head.astype(">u8").view(np.uint8).reshape(n, 8)
    raw[:, 8:] = rng.integers(0, 256, size=(n, 24), dtype=np.uint8)
    text = np.empty((n, 64), dtype=np.uint8)
    text[:, 0::2] = HEX[raw >> 4]
    text[:, 1::2] = HEX[raw & 15]
    offsets = np.arange(0, n * 64 + 1, 64, dtype=np.int32)
    return pa.StringArray.from_buffers(n, pa.py_buffer(offsets), pa.py_buffer(text.tobytes()))


def pick(n: int, share: float, rng: np.random.Generator) -> np.ndarray:
    return np.flatnonzero(rng.random(n) < share)


def money(fen: np.ndarray) -> pa.Array:
    """decimal(18,2) yuan from non-negative integer fen (the unscaled 128-bit values)."""
    words = np.zeros((len(fen), 2), dtype=np.int64)
    words[:, 0] = fen
    return pa.Array.from_buffers(
        pa.decimal128(18, 2), len(fen), [None, pa.py_buffer(words.tobytes())]
    )


def write(
    source: str,
    keys: pa.StringArray,
    idx: np.ndarray,
    columns: dict,
    *,
    extra_null: dict | None = None,
) -> tuple[str, int]:
    table = pa.table(
        {
            "person_key": keys.take(pa.array(idx)),
            "id_status": pa.array(np.full(len(idx), "valid", dtype=object), pa.string()),
            "name": pa.array(np.full(len(idx), "某某", dtype=object), pa.string()),
            **columns,
        }
    )
    if extra_null:  # unkeyed rows (missing ID numbers) at the end: nulls last
        table = pa.concat_tables([table, pa.table(extra_null).cast(table.schema)])
    table = table.append_column(
        "source_row", pa.array(np.arange(2, table.num_rows + 2), pa.int64())
    )
    relative = f"exchange/{source}/20261105T020000000000Z-bench{source[:8]}.parquet"
    path = Path(settings.DATA_DIR) / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(table, path, **snapshot_write_options(table.column_names))
    submission = FeedSubmission.objects.create(
        source=source,
        status="accepted",
        channel="command",
        filename=f"{source}.parquet",
        file_format="parquet",
        checksum=f"bench-{source}",
        size_bytes=path.stat().st_size,
        received_at=RECEIVED,
        row_count=table.num_rows,
    )
    FeedSnapshot.objects.create(
        source=source,
        submission=submission,
        checksum=f"bench-{source}",
        received_at=RECEIVED,
        snapshot_date=RECEIVED.date(),
        path=relative,
        schema_version=1,
        row_count=table.num_rows,
        id_valid_count=len(idx),
        id_missing_count=table.num_rows - len(idx),
        id_invalid_count=0,
    )
    return relative, table.num_rows


def repeat(idx: np.ndarray, times: int) -> np.ndarray:
    return np.repeat(idx, times)


def build_snapshots(n: int, rng: np.random.Generator) -> tuple[pa.StringArray, dict[str, int]]:
    keys = sorted_keys(n, rng)
    rows: dict[str, int] = {}
    # bank deposits: every person one account (the snapshot that covers all n persons)
    idx = np.arange(n)
    rows["bank_deposits"] = write(
        "bank_deposits",
        keys,
        idx,
        {
            "institution": pa.array(np.full(n, "某银行", dtype=object), pa.string()),
            "balance": money(rng.integers(0, 5_000_000, n)),
            "as_of": pa.array(np.full(n, np.datetime64("2026-10-31")), pa.date32()),
        },
    )[1]
    # tax: 10% of persons, 6 months each, plus 50,000 unkeyed rows linked by a sidecar
    idx = repeat(pick(n, 0.10, rng), 6)
    unkeyed = 50_000
    tax_columns = {
        "period": pa.array(
            np.tile(np.array(MONTH_DAYS, dtype="datetime64[D]"), len(idx) // 6), pa.date32()
        ),
        "income_type": pa.array(np.full(len(idx), "wage", dtype=object), pa.string()),
        "income_amount": money(rng.integers(100_000, 800_000, len(idx))),
        "tax_paid": money(np.zeros(len(idx), dtype=np.int64)),
    }
    extra = {
        "person_key": pa.nulls(unkeyed, pa.string()),
        "id_status": pa.array(np.full(unkeyed, "missing", dtype=object), pa.string()),
        "name": pa.array(np.full(unkeyed, "某某", dtype=object), pa.string()),
        "period": pa.array(np.full(unkeyed, np.datetime64("2026-09-01")), pa.date32()),
        "income_type": pa.array(np.full(unkeyed, "labour", dtype=object), pa.string()),
        "income_amount": money(rng.integers(10_000, 100_000, unkeyed)),
        "tax_paid": money(np.zeros(unkeyed, dtype=np.int64)),
    }
    relative, rows["tax"] = write("tax", keys, idx, tax_columns, extra_null=extra)
    linked_people = rng.integers(0, n, unkeyed)
    sidecar = pa.table(
        {
            "source_row": pa.array(np.arange(len(idx) + 2, len(idx) + 2 + unkeyed), pa.int64()),
            "person_key": keys.take(pa.array(linked_people)),
            "method": pa.array(np.full(unkeyed, "splink", dtype=object), pa.string()),
            "match_probability": pa.array(np.full(unkeyed, 0.97)),
            "model_version": pa.array(np.full(unkeyed, "bench", dtype=object), pa.string()),
            "decided_at": pa.array(
                np.full(unkeyed, np.datetime64("2026-11-06T00:00:00", "us")), pa.timestamp("us")
            ),
        }
    )
    pq.write_table(
        sidecar,
        (Path(settings.DATA_DIR) / relative).with_name(
            Path(relative).name.replace(".parquet", ".links.parquet")
        ),
    )
    # pensions: 15% of persons, 6 months
    idx = repeat(pick(n, 0.15, rng), 6)
    rows["pensions"] = write(
        "pensions",
        keys,
        idx,
        {
            "period": pa.array(
                np.tile(np.array(MONTH_DAYS, dtype="datetime64[D]"), len(idx) // 6), pa.date32()
            ),
            "pension_type": pa.array(
                np.where(rng.random(len(idx)) < 0.5, "employee", "resident").astype(object),
                pa.string(),
            ),
            "amount": money(rng.integers(20_000, 500_000, len(idx))),
        },
    )[1]
    idx = repeat(pick(n, 0.01, rng), 6)
    rows["unemployment_benefits"] = write(
        "unemployment_benefits",
        keys,
        idx,
        {
            "period": pa.array(
                np.tile(np.array(MONTH_DAYS, dtype="datetime64[D]"), len(idx) // 6), pa.date32()
            ),
            "amount": money(rng.integers(100_000, 200_000, len(idx))),
        },
    )[1]
    idx = repeat(pick(n, 0.05, rng), 6)
    rows["social_insurance_contributions"] = write(
        "social_insurance_contributions",
        keys,
        idx,
        {
            "period": pa.array(
                np.tile(np.array(MONTH_DAYS, dtype="datetime64[D]"), len(idx) // 6), pa.date32()
            ),
            "scheme": pa.array(np.full(len(idx), "employee_pension", dtype=object), pa.string()),
            "contribution_base": money(rng.integers(200_000, 800_000, len(idx))),
        },
    )[1]
    idx = pick(n, 0.05, rng)
    rows["securities"] = write(
        "securities",
        keys,
        idx,
        {
            "institution": pa.array(np.full(len(idx), "某证券", dtype=object), pa.string()),
            "market_value": money(rng.integers(0, 10_000_000, len(idx))),
            "as_of": pa.array(np.full(len(idx), np.datetime64("2026-10-31")), pa.date32()),
        },
    )[1]
    idx = pick(n, 0.10, rng)
    rows["commercial_insurance"] = write(
        "commercial_insurance",
        keys,
        idx,
        {
            "policy_number": pa.array(
                np.char.add("P", np.arange(len(idx)).astype(str)).astype(object), pa.string()
            ),
            "product_type": pa.array(np.full(len(idx), "life", dtype=object), pa.string()),
            "cash_value": money(rng.integers(0, 2_000_000, len(idx))),
        },
    )[1]
    idx = pick(n, 0.20, rng)
    rows["vehicles"] = write(
        "vehicles",
        keys,
        idx,
        {
            "plate_number": pa.array(
                np.char.add("闽A", np.arange(len(idx)).astype(str)).astype(object), pa.string()
            ),
            "vehicle_type": pa.array(
                np.where(rng.random(len(idx)) < 0.7, "car", "motorcycle").astype(object),
                pa.string(),
            ),
            "registered_on": pa.array(np.full(len(idx), np.datetime64("2020-01-01")), pa.date32()),
            "assessed_value": money(rng.integers(100_000, 20_000_000, len(idx))),
        },
    )[1]
    idx = pick(n, 0.40, rng)
    rows["real_estate"] = write(
        "real_estate",
        keys,
        idx,
        {
            "certificate_number": pa.array(
                np.char.add("R", np.arange(len(idx)).astype(str)).astype(object), pa.string()
            ),
            "usage": pa.array(
                np.where(rng.random(len(idx)) < 0.9, "residential", "commercial").astype(object),
                pa.string(),
            ),
            "floor_area": money(rng.integers(3_000, 20_000, len(idx))),
        },
    )[1]
    idx = pick(n, 0.05, rng)
    rows["business_registration"] = write(
        "business_registration",
        keys,
        idx,
        {
            "credit_code": pa.array(
                np.char.add("91350112", np.arange(len(idx)).astype(str)).astype(object), pa.string()
            ),
            "business_name": pa.array(np.full(len(idx), "某店", dtype=object), pa.string()),
            "entity_type": pa.array(np.full(len(idx), "individual", dtype=object), pa.string()),
            "status": pa.array(
                np.where(rng.random(len(idx)) < 0.8, "active", "closed").astype(object), pa.string()
            ),
            "registered_capital": money(rng.integers(0, 10_000_000, len(idx))),
        },
    )[1]
    idx = repeat(pick(n, 0.10, rng), 6)
    rows["housing_fund"] = write(
        "housing_fund",
        keys,
        idx,
        {
            "period": pa.array(
                np.tile(np.array(MONTH_DAYS, dtype="datetime64[D]"), len(idx) // 6), pa.date32()
            ),
            "balance": money(rng.integers(0, 10_000_000, len(idx))),
        },
    )[1]
    return keys, rows


def _households(village_code: str, village_name: str, person_keys: list[str], label: str) -> list:  # type: ignore[type-arg]
    """Three-person households of one village made of the persons with `person_keys` (in order),
    each member with a valid standalone consent (bulk inserts: setup, not timed)."""
    from doudi.core.division_sync import villages_ensure
    from doudi.core.models import Division
    from doudi.registry.models import Household, Membership, Person
    from doudi.verification.models import VerificationConsent

    villages_ensure(Division, [(village_code, village_name)])
    village = Division.objects.get(code=village_code)
    size = 2000
    persons = Person.objects.bulk_create(
        [
            Person(
                name=f"{label}{i}",
                id_number_encrypted="synthetic",
                id_number_hash=key,
                id_number_masked="3501**********0000",
                sex="M",
                birth_date=dt.date(1980, 1, 1),
                hukou_region=village,
                hukou_type="urban",
                residence_region=village,
            )
            for i, key in enumerate(person_keys)
        ],
        batch_size=size,
    )
    codes = {
        "province_code": village.province_code,
        "city_code": village.city_code,
        "county_code": village.county_code,
        "township_code": village.township_code,
        "village_code": village.code,
    }
    households = Household.objects.bulk_create(
        [
            Household(village=village, address=f"{village_name}{i}号", area_type="urban", **codes)
            for i in range(len(person_keys) // 3)
        ],
        batch_size=size,
    )
    now = timezone.now()
    memberships, consents = [], []
    for h, household in enumerate(households):
        for r, relation in enumerate(("head", "spouse", "child")):
            person = persons[h * 3 + r]
            memberships.append(
                Membership(
                    household=household,
                    person=person,
                    relation=relation,
                    joined_on=dt.date(2020, 1, 1),
                )
            )
            consents.append(
                VerificationConsent(
                    person=person,
                    household=household,
                    signed_by="self",
                    signed_at=now,
                    valid_until=now + dt.timedelta(days=180),
                    **codes,
                )
            )
    Membership.objects.bulk_create(memberships, batch_size=size)
    VerificationConsent.objects.bulk_create(consents, batch_size=size)
    return households


def build_households(keys: pa.StringArray, count: int, rng: np.random.Generator):  # type: ignore[no-untyped-def]
    """`count` three-person households of 兴华社区 whose members are random snapshot persons,
    each member with a valid standalone consent, and the caseworker who requests the reports."""
    from doudi.accounts.tests.fixtures import make_staff

    chosen = rng.choice(len(keys), size=count * 3, replace=False)
    households = _households(VILLAGE, "兴华社区", keys.take(pa.array(chosen)).to_pylist(), "测试")
    user = make_staff("bench_caseworker", "350112001", ["caseworker"], display_name="吴航经办")
    return households, user


def batch_households(keys: pa.StringArray, count: int, rng: np.random.Generator) -> list[str]:
    """`count` three-person households of 西关社区 for the batch, whose members are snapshot
    persons not used by the single-report households, each member with a valid standalone
    consent. Returns the members' keys, household by household."""
    from doudi.registry.models import Person

    used = set(Person.objects.values_list("id_number_hash", flat=True))
    candidates = rng.choice(len(keys), size=count * 3 + len(used), replace=False)
    person_keys = [k for k in keys.take(pa.array(candidates)).to_pylist() if k not in used]
    person_keys = person_keys[: count * 3]
    _households(BATCH_VILLAGE, "西关社区", person_keys, "批量")
    return person_keys


def uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--persons", type=int, default=10_000_000)
    parser.add_argument("--households", type=int, default=500)
    parser.add_argument("--batch", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--no-record", action="store_true")
    arguments = parser.parse_args(argv)
    rng = np.random.default_rng(arguments.seed)
    print("before:", uptime(), flush=True)
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    print(f"migrated in {time.perf_counter() - started:.1f} s", flush=True)

    started = time.perf_counter()
    keys, rows = build_snapshots(arguments.persons, rng)
    total_rows = sum(rows.values())
    print(
        f"snapshots written: {total_rows:,} rows over {len(rows)} sources in "
        f"{time.perf_counter() - started:.1f} s ({rows})",
        flush=True,
    )

    import doudi.verification.services as _services
    from doudi.accounts.scoping import actor_for_user
    from doudi.exchange.selectors import feed_snapshot_latest
    from doudi.exchange.store import snapshot_path
    from doudi.verification.batch import batch_screen
    from doudi.verification.batch_services import batch_run
    from doudi.verification.limits import limits_for
    from doudi.verification.models import BatchPersonAccess, BatchResult, PersonDataAccess

    verification_request = _services.verification_request
    from doudi.verification.sources import SOURCES

    households, user = build_households(keys, arguments.households + 1, rng)
    actor = actor_for_user(user)
    verification_request(actor=actor, household=households[0])  # warm-up (engine, caches)
    timings = []
    load_before = uptime()
    for household in households[1:]:
        t0 = time.perf_counter()
        verification_request(actor=actor, household=household)
        timings.append((time.perf_counter() - t0) * 1000)
    p50, p95, p99 = np.percentile(timings, [50, 95, 99])
    print(
        f"one report: n={len(timings)} p50 {p50:.1f} ms, p95 {p95:.1f} ms, p99 {p99:.1f} ms, "
        f"max {max(timings):.1f} ms; access log rows {PersonDataAccess.objects.count():,}",
        flush=True,
    )

    started = time.perf_counter()
    batch_keys = batch_households(keys, arguments.batch, rng)
    print(
        f"batch setup: {arguments.batch:,} households, {len(batch_keys):,} persons and consents "
        f"in {time.perf_counter() - started:.1f} s",
        flush=True,
    )
    month = timezone.localdate().strftime("%Y-%m")
    limits = {
        f"{COUNTY}/urban": limits_for(
            region=COUNTY, area_type="urban", month=month, counted_members=0
        )
    }
    members = pa.table(
        {
            "household_id": pa.array(np.repeat(np.arange(arguments.batch), 3), pa.int64()),
            "person_key": pa.array(batch_keys, pa.string()),
            "county_code": pa.array(
                np.full(len(batch_keys), f"{COUNTY}/urban", dtype=object), pa.string()
            ),
        }
    )
    snapshots = {}
    for spec in SOURCES:
        latest = feed_snapshot_latest(source=spec.source)
        if latest is not None:
            snapshots[spec.source] = snapshot_path(latest.path)
    batch_load = uptime()
    t0 = time.perf_counter()
    result = batch_screen(
        members=members, snapshots=snapshots, limits=limits, month=month, income_months=6
    )
    batch_seconds = time.perf_counter() - t0
    conclusions = pa.compute.value_counts(result["conclusion"]).to_pylist()
    print(
        f"batch screen (pure): {arguments.batch:,} households in {batch_seconds:.1f} s; "
        f"{conclusions}",
        flush=True,
    )
    logging.basicConfig(level=logging.WARNING, format="%(message)s")
    logging.getLogger("doudi.verification.batch_services").setLevel(logging.INFO)
    run_load = uptime()
    t0 = time.perf_counter()
    run = batch_run(actor=actor, region_code=BATCH_VILLAGE)
    run_seconds = time.perf_counter() - t0
    print(
        f"batch run (persisted): {run.households_screened:,} households, "
        f"{run.persons_read:,} persons in {run_seconds:.1f} s; compliant {run.compliant_count:,}, "
        f"non-compliant {run.non_compliant_count:,}, suspect {run.suspect_count:,}, skipped "
        f"{run.households_skipped:,}; rows: results {BatchResult.objects.filter(run=run).count():,}, "
        f"access {BatchPersonAccess.objects.filter(run=run).count():,}",
        flush=True,
    )
    print("after:", uptime(), flush=True)
    if not arguments.no_record:
        from bench.results import record

        scale = (
            f"{arguments.persons:,} persons, 11 sources, {total_rows:,} snapshot rows "
            f"(+ tax sidecar 50,000 links), {DATABASE}"
        )
        record(
            "verification_report (one household, service path)",
            scale,
            f"n={len(timings)}: p50 {p50:.1f} ms, p95 {p95:.1f} ms, p99 {p99:.1f} ms; "
            f"{load_before.split('load average: ')[-1]} load before",
        )
        record(
            "verification_report (batch, DuckDB join)",
            scale,
            f"{arguments.batch:,} households ({arguments.batch * 3:,} persons): "
            f"{batch_seconds:.1f} s; load before {batch_load.split('load average: ')[-1]}",
        )
        record(
            "verification_report (batch run, persisted)",
            scale,
            f"{arguments.batch:,} households ({arguments.batch * 3:,} persons), `batch_run` with "
            f"results and access log: {run_seconds:.1f} s; load before "
            f"{run_load.split('load average: ')[-1]}",
        )


if __name__ == "__main__":
    try:
        main()
    finally:
        shutil.rmtree(WORK, ignore_errors=True)
        if DATABASE == "PostgreSQL":
            from django.db import connections

            connections.close_all()
            import psycopg

            with psycopg.connect(
                "host=127.0.0.1 user=postgres dbname=postgres", autocommit=True
            ) as admin:
                admin.execute(
                    f'DROP DATABASE IF EXISTS "{os.environ["DOUDI_DB_NAME"]}" WITH (FORCE)'
                )
