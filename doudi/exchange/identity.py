"""Identity resolution of one feed snapshot against the registry (docs/exchange.md, "Identity
resolution"). No Django here: the registry side arrives as a DuckDB table, the snapshot as Arrow.

1. Records with `id_status == "valid"` link exactly by `person_key` (method `exact_id`); a key
   that is not in the registry leaves the record unmatched.
2. Records with a missing or invalid number go to Splink (DuckDB backend), `link_only` against
   the registry. Blocking: same birth date; or same name pinyin and birth month; or same name
   pinyin and day of birth (catches a one-field typo in the date). Comparisons: name (characters,
   then pinyin with surname readings, then Jaro-Winkler on pinyin), birth date (exact, one edit),
   sex, region (village, township, county prefix of the division code).
3. Model parameters. The prior (probability that two random records match) is 1 / registry size:
   each record is one person at most. With a registry of at least `MIN_TRAINING_PERSONS` persons,
   u is estimated by random sampling; with at least `MIN_LABELLED` exact-ID matches, m is
   estimated from them as labelled pairs (the records' own valid numbers are the ground truth).
   Otherwise the documented defaults `DEFAULT_M_U` are used. The parameters are returned with the
   result and kept with the run.
4. Decision per record: its best candidate is accepted (method `probabilistic`) when its match
   probability is at least `upper` and no other candidate is; when two or more candidates reach
   `upper` (a tie: same name, birth date and region), or the best lies in [`lower`, `upper`), the
   candidates at or above `lower` (at most `REVIEW_CANDIDATES`) go to the review queue; below
   `lower` the record stays unmatched.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa

from doudi.exchange.duckdb_engine import DuckDBEngine
from doudi.exchange.linkage import BLOCKING_RULES, DEFAULT_M_U, probabilistic_links

__all__ = [
    "BLOCKING_RULES",
    "DEFAULT_M_U",
    "LINK_SCHEMA",
    "MODEL_VERSION",
    "REGISTRY_COLUMNS",
    "Resolution",
    "ReviewCandidate",
    "Thresholds",
    "registry_connection",
    "registry_count",
    "registry_load_arrow",
    "registry_load_parquet",
    "resolve",
]

MODEL_VERSION = "identity-2026.1"

UPPER_THRESHOLD = 0.99  # accepted at or above

LOWER_THRESHOLD = 0.80  # review queue in [lower, upper); below: no link

REVIEW_CANDIDATES = 3

LINK_SCHEMA = pa.schema(
    [
        pa.field("source_row", pa.int64(), nullable=False),
        pa.field("person_key", pa.string(), nullable=False),
        pa.field("method", pa.string(), nullable=False),
        pa.field("match_probability", pa.float64()),
        pa.field("model_version", pa.string(), nullable=False),
        pa.field("decided_at", pa.timestamp("us", tz="UTC"), nullable=False),
    ]
)

REGISTRY_COLUMNS = ("person_key", "name", "birth_date", "sex", "region_code", "id_number_masked")


@dataclass(frozen=True)
class Thresholds:
    upper: float = UPPER_THRESHOLD
    lower: float = LOWER_THRESHOLD

    def __post_init__(self) -> None:
        if not 0 < self.lower < self.upper <= 1:
            raise ValueError("阈值须满足 0 < 下限 < 上限 ≤ 1")


@dataclass
class ReviewCandidate:
    source_row: int
    person_key: str
    match_probability: float
    record: dict[str, Any]  # name, birth_date, region_code, sex, id_number_masked of the record
    person: dict[str, Any]  # the same fields of the candidate person


@dataclass
class Resolution:
    links: pa.Table  # LINK_SCHEMA: exact and accepted probabilistic links
    reviews: list[ReviewCandidate]
    exact_count: int
    probabilistic_count: int
    review_count: int  # records with at least one candidate in the queue
    unmatched_count: int
    parameters: dict[str, Any] = field(default_factory=dict)
    seconds: float = 0.0


def registry_connection() -> DuckDBEngine:
    """The in-memory DuckDB engine of one resolution run (two threads: the machine is shared)."""
    return DuckDBEngine(threads=2)


def registry_load_arrow(engine: DuckDBEngine, table: pa.Table) -> int:
    """Create the DuckDB table `registry` from an Arrow table with `REGISTRY_COLUMNS`."""
    missing = [c for c in REGISTRY_COLUMNS if c not in table.column_names]
    if missing:
        raise ValueError(f"登记库缺少列：{', '.join(missing)}")
    engine.register_arrow("registry_arrow", table.select(list(REGISTRY_COLUMNS)))
    engine.execute(
        "registry from Arrow",
        "CREATE OR REPLACE TABLE registry AS SELECT person_key, name, "
        "CAST(birth_date AS DATE) AS birth_date, sex, region_code, id_number_masked "
        "FROM registry_arrow",
    )
    engine.unregister("registry_arrow")
    return registry_count(engine)


def registry_count(engine: DuckDBEngine) -> int:
    """Persons in the engine's `registry` table."""
    return int(engine.scalar("registry persons", "SELECT count(*) FROM registry"))


def registry_load_parquet(engine: DuckDBEngine, path: str) -> int:
    """Create the DuckDB table `registry` straight from a Parquet file with `REGISTRY_COLUMNS`
    (the benchmark's registry export; DuckDB reads it in parallel, no Python per row)."""
    engine.execute(
        "registry from Parquet",
        "CREATE OR REPLACE TABLE registry AS SELECT person_key, name, "
        "CAST(birth_date AS DATE) AS birth_date, sex, region_code, id_number_masked "
        "FROM read_parquet(?)",
        [str(path)],
    )
    return registry_count(engine)


def _load_records(engine: DuckDBEngine, records: pa.Table) -> int:
    """The DuckDB table `records` from the snapshot's records (sex and the masked number null
    when the feed has none); returns their number."""
    columns = {
        name: records.column(name)
        for name in ("source_row", "person_key", "id_status", "name", "birth_date", "region_code")
    }
    for optional in ("sex", "id_number_masked"):
        columns[optional] = (
            records.column(optional)
            if optional in records.column_names
            else pa.nulls(records.num_rows, pa.string())
        )
    engine.register_arrow("records_arrow", pa.table(columns))
    engine.execute(
        "records",
        "CREATE OR REPLACE TABLE records AS SELECT CAST(source_row AS BIGINT) AS source_row, "
        "person_key, id_status, name, CAST(birth_date AS DATE) AS birth_date, "
        "CAST(region_code AS VARCHAR) AS region_code, CAST(sex AS VARCHAR) AS sex, "
        "CAST(id_number_masked AS VARCHAR) AS id_number_masked FROM records_arrow",
    )
    engine.unregister("records_arrow")
    return int(engine.scalar("records count", "SELECT count(*) FROM records"))


def _link_exactly(engine: DuckDBEngine) -> tuple[int, int]:
    """The table `exact` of records linked by a valid ID number found in the registry; returns
    (their number, the number of records without a usable number)."""
    engine.execute(
        "exact links",
        "CREATE OR REPLACE TABLE exact AS SELECT r.source_row, r.person_key FROM records r "
        "JOIN registry g ON g.person_key = r.person_key WHERE r.id_status = 'valid'",
    )
    exact_count = engine.scalar("exact links count", "SELECT count(*) FROM exact")
    unresolved = engine.scalar(
        "unresolved records count",
        "SELECT count(*) FROM records WHERE id_status <> 'valid' OR person_key IS NULL",
    )
    return int(exact_count), int(unresolved)


def _decide(
    predictions: list[tuple[int, str, float]], thresholds: Thresholds
) -> tuple[list[tuple[int, str, float]], list[tuple[int, str, float]]]:
    """(accepted links, pairs for the review queue): per record, its one candidate at or above
    `upper`; otherwise (a tie, or the best below `upper`) its best candidates at or above
    `lower`."""
    by_record: dict[int, list[tuple[str, float]]] = {}
    for source_row, person_key, probability in predictions:
        by_record.setdefault(source_row, []).append((person_key, probability))
    accepted: list[tuple[int, str, float]] = []
    review_pairs: list[tuple[int, str, float]] = []
    for source_row, candidates in by_record.items():
        candidates.sort(key=lambda c: (-c[1], c[0]))
        above = [c for c in candidates if c[1] >= thresholds.upper]
        if len(above) == 1:
            accepted.append((source_row, above[0][0], above[0][1]))
        else:
            review_pairs.extend(
                (source_row, key, p)
                for key, p in candidates[:REVIEW_CANDIDATES]
                if p >= thresholds.lower
            )
    return accepted, review_pairs


def _links_table(
    engine: DuckDBEngine, accepted: list[tuple[int, str, float]], now: dt.datetime
) -> pa.Table:
    """The sidecar's rows (`LINK_SCHEMA`): the exact links and the accepted ones, by source row."""
    exact = engine.arrow(
        "exact links in order", "SELECT source_row, person_key FROM exact ORDER BY source_row"
    )
    rows = exact.column("source_row").to_pylist() + [a[0] for a in accepted]
    keys = exact.column("person_key").to_pylist() + [a[1] for a in accepted]
    methods = ["exact_id"] * exact.num_rows + ["probabilistic"] * len(accepted)
    probabilities = [None] * exact.num_rows + [a[2] for a in accepted]
    return pa.table(
        {
            "source_row": pa.array(rows, pa.int64()),
            "person_key": pa.array(keys, pa.string()),
            "method": pa.array(methods, pa.string()),
            "match_probability": pa.array(probabilities, pa.float64()),
            "model_version": pa.array([MODEL_VERSION] * len(rows), pa.string()),
            "decided_at": pa.array([now] * len(rows), pa.timestamp("us", tz="UTC")),
        },
        schema=LINK_SCHEMA,
    ).sort_by("source_row")


def resolve(
    engine: DuckDBEngine,
    records: pa.Table,
    *,
    thresholds: Thresholds | None = None,
    now: dt.datetime | None = None,
) -> Resolution:
    """Resolve a snapshot's records (columns person_key, id_status, name, birth_date,
    region_code, source_row; optionally sex, id_number_masked) against the `registry` table."""
    started = time.perf_counter()
    thresholds = thresholds or Thresholds()
    now = now or dt.datetime.now(dt.UTC)
    total = _load_records(engine, records)
    persons = registry_count(engine)
    exact_count, unresolved = _link_exactly(engine)
    parameters: dict[str, Any] = {
        "model_version": MODEL_VERSION,
        "prior": 1.0 / max(persons, 1),
        "m_source": "default",
        "u_source": "default",
        "blocking_rules": BLOCKING_RULES,
        "levels": DEFAULT_M_U,
    }
    predictions: list[tuple[int, str, float]] = []
    if unresolved and persons:
        predictions = probabilistic_links(
            engine, persons, exact_count, parameters, thresholds.lower
        )
    accepted, review_pairs = _decide(predictions, thresholds)
    reviews = _review_candidates(engine, review_pairs)
    review_records = len({r.source_row for r in reviews})
    return Resolution(
        links=_links_table(engine, accepted, now),
        reviews=reviews,
        exact_count=exact_count,
        probabilistic_count=len(accepted),
        review_count=review_records,
        unmatched_count=total - exact_count - len(accepted) - review_records,
        parameters=parameters,
        seconds=time.perf_counter() - started,
    )


def _review_candidates(
    engine: DuckDBEngine, pairs: list[tuple[int, str, float]]
) -> list[ReviewCandidate]:
    if not pairs:
        return []
    engine.register_arrow(
        "review_pairs",
        pa.table(
            {
                "source_row": pa.array([p[0] for p in pairs], pa.int64()),
                "person_key": pa.array([p[1] for p in pairs], pa.string()),
                "probability": pa.array([p[2] for p in pairs], pa.float64()),
            }
        ),
    )
    fields = "name, birth_date, region_code, sex, id_number_masked"
    rows = engine.rows(
        "review candidates",
        f"SELECT q.source_row, q.person_key, q.probability, "
        f"{', '.join('r.' + f for f in fields.split(', '))}, "
        f"{', '.join('g.' + f for f in fields.split(', '))} "
        "FROM review_pairs q JOIN records r USING (source_row) "
        "JOIN registry g ON g.person_key = q.person_key "
        "ORDER BY q.source_row, q.probability DESC, q.person_key",
    )
    engine.unregister("review_pairs")
    names = fields.split(", ")

    def _fields(values: tuple[Any, ...]) -> dict[str, Any]:
        return {
            n: (v.isoformat() if isinstance(v, dt.date) else v)
            for n, v in zip(names, values, strict=True)
        }

    return [
        ReviewCandidate(
            source_row=int(row[0]),
            person_key=str(row[1]),
            match_probability=float(row[2]),
            record=_fields(row[3:8]),
            person=_fields(row[8:13]),
        )
        for row in rows
    ]
