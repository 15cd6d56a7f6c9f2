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
import logging
import time
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa

from doudi.exchange.duckdb_engine import DuckDBEngine
from doudi.exchange.names import PinyinReader

MODEL_VERSION = "identity-2026.1"
UPPER_THRESHOLD = 0.99  # accepted at or above
LOWER_THRESHOLD = 0.80  # review queue in [lower, upper); below: no link
REVIEW_CANDIDATES = 3
MIN_TRAINING_PERSONS = 10_000
MIN_LABELLED = 100
LABEL_SAMPLE = 20_000
U_MAX_PAIRS = 1_000_000
SEED = 20260101

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

# (label, sql_condition, m, u) per comparison; the null level comes first and has no parameters.
_LEVELS: dict[str, list[tuple[str, str, float, float]]] = {
    "name": [
        ("姓名相同", "name_l = name_r", 0.90, 0.0002),
        ("拼音相同", "name_py_l = name_py_r", 0.05, 0.0003),
        ("拼音相近", "jaro_winkler_similarity(name_py_l, name_py_r) >= 0.9", 0.03, 0.003),
        ("不同", "ELSE", 0.02, 0.9965),
    ],
    "birth_date": [
        ("相同", "birth_date_l = birth_date_r", 0.97, 0.00003),
        (
            "相差一位",
            "damerau_levenshtein(CAST(birth_date_l AS VARCHAR), CAST(birth_date_r AS VARCHAR)) <= 1",
            0.02,
            0.0005,
        ),
        ("不同", "ELSE", 0.01, 0.99947),
    ],
    "sex": [
        ("相同", "sex_l = sex_r", 0.99, 0.5),
        ("不同", "ELSE", 0.01, 0.5),
    ],
    "region": [
        ("同村（社区）", "length(region_l) = 12 AND region_l = region_r", 0.85, 0.001),
        (
            "同乡镇（街道）",
            "length(region_l) >= 9 AND length(region_r) >= 9 AND left(region_l, 9) = left(region_r, 9)",
            0.07,
            0.01,
        ),
        ("同县", "left(region_l, 6) = left(region_r, 6)", 0.05, 0.1),
        ("不同", "ELSE", 0.03, 0.889),
    ],
}
_NULL = {
    "name": "name_l IS NULL OR name_r IS NULL",
    "birth_date": "birth_date_l IS NULL OR birth_date_r IS NULL",
    "sex": "sex_l IS NULL OR sex_r IS NULL",
    "region": "region_l IS NULL OR region_r IS NULL",
}
DEFAULT_M_U = {
    comparison: {label: {"m": m, "u": u} for label, _sql, m, u in levels}
    for comparison, levels in _LEVELS.items()
}
BLOCKING_RULES = [
    "l.birth_date = r.birth_date",
    "l.name_py = r.name_py AND l.birth_month = r.birth_month",
    "l.name_py = r.name_py AND l.birth_day = r.birth_day",
]


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


def _with_pinyin(engine: DuckDBEngine, reader: PinyinReader, source: str, target: str) -> None:
    """`target` = `source` plus name_py, surname_py, birth_month, birth_day (pinyin per distinct
    name, computed in Python once per name)."""
    names = engine.arrow(
        f"distinct names of {source}", f"SELECT DISTINCT name FROM {source} WHERE name IS NOT NULL"
    )
    column = names.column("name")
    full, surname = reader.arrays(column.to_pylist())
    engine.register_arrow(
        "pinyin_arrow", pa.table({"name": column, "name_py": full, "surname_py": surname})
    )
    engine.execute(
        f"{target} with pinyin",
        f"CREATE OR REPLACE TABLE {target} AS SELECT s.*, p.name_py, p.surname_py, "
        "strftime(s.birth_date, '%Y-%m') AS birth_month, "
        "strftime(s.birth_date, '%m-%d') AS birth_day "
        f"FROM {source} s LEFT JOIN pinyin_arrow p ON s.name = p.name",
    )
    engine.unregister("pinyin_arrow")


def _settings(parameters: dict[str, dict[str, dict[str, float]]], prior: float) -> dict[str, Any]:
    comparisons = []
    for comparison, levels in _LEVELS.items():
        column_levels: list[dict[str, Any]] = [
            {"sql_condition": _NULL[comparison], "label_for_charts": "空", "is_null_level": True}
        ]
        for label, sql, _m, _u in levels:
            values = parameters[comparison][label]
            column_levels.append(
                {
                    "sql_condition": sql,
                    "label_for_charts": label,
                    "m_probability": values["m"],
                    "u_probability": values["u"],
                }
            )
        comparisons.append({"output_column_name": comparison, "comparison_levels": column_levels})
    return {
        "link_type": "link_only",
        "unique_id_column_name": "uid",
        "probability_two_random_records_match": prior,
        "comparisons": comparisons,
        "blocking_rules_to_generate_predictions": [{"blocking_rule": r} for r in BLOCKING_RULES],
        "retain_matching_columns": False,
        "retain_intermediate_calculation_columns": False,
        "additional_columns_to_retain": [],
    }


def _trained_parameters(linker: Any) -> dict[str, dict[str, dict[str, float]]]:
    """m and u per level as the linker now holds them (a level never observed keeps its default)."""
    out: dict[str, dict[str, dict[str, float]]] = {}
    for comparison in linker._settings_obj.comparisons:
        name = comparison.output_column_name
        out[name] = {}
        for level in comparison.comparison_levels:
            if level.is_null_level:
                continue
            default = DEFAULT_M_U[name][level.label_for_charts]
            m = level.m_probability
            u = level.u_probability
            out[name][level.label_for_charts] = {
                "m": float(m) if isinstance(m, float) and m > 0 else default["m"],
                "u": float(u) if isinstance(u, float) and u > 0 else default["u"],
            }
    return out


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
    total = engine.scalar("records count", "SELECT count(*) FROM records")
    persons = registry_count(engine)

    # 1. exact by ID number
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
        predictions = _probabilistic(engine, persons, exact_count, parameters, thresholds)

    # 2. decide per record
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
    reviews = _review_candidates(engine, review_pairs)

    exact = engine.arrow(
        "exact links in order", "SELECT source_row, person_key FROM exact ORDER BY source_row"
    )
    rows = exact.column("source_row").to_pylist() + [a[0] for a in accepted]
    keys = exact.column("person_key").to_pylist() + [a[1] for a in accepted]
    methods = ["exact_id"] * exact.num_rows + ["probabilistic"] * len(accepted)
    probabilities = [None] * exact.num_rows + [a[2] for a in accepted]
    links = pa.table(
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
    review_records = len({r.source_row for r in reviews})
    return Resolution(
        links=links,
        reviews=reviews,
        exact_count=exact_count,
        probabilistic_count=len(accepted),
        review_count=review_records,
        unmatched_count=total - exact_count - len(accepted) - review_records,
        parameters=parameters,
        seconds=time.perf_counter() - started,
    )


def _probabilistic(
    engine: DuckDBEngine,
    persons: int,
    exact_count: int,
    parameters: dict[str, Any],
    thresholds: Thresholds,
) -> list[tuple[int, str, float]]:
    from splink import DuckDBAPI, Linker

    phase = time.perf_counter()
    timings: dict[str, float] = {}
    parameters["seconds"] = timings

    def lap(name: str) -> None:
        nonlocal phase
        now = time.perf_counter()
        timings[name] = round(now - phase, 2)
        phase = now

    reader = PinyinReader()
    labelled = exact_count >= MIN_LABELLED and persons >= MIN_TRAINING_PERSONS
    # the records to link, plus (for training m) a sample of exact matches labelled by their key
    engine.execute(
        "records to link",
        "CREATE OR REPLACE TABLE linkable AS "
        "SELECT source_row AS uid, name, birth_date, sex, region_code AS region, "
        "NULL::VARCHAR AS label FROM records "
        "WHERE id_status <> 'valid' OR person_key IS NULL"
        + (
            " UNION ALL SELECT -r.source_row AS uid, r.name, r.birth_date, r.sex, "
            "r.region_code AS region, r.person_key AS label FROM records r "
            f"JOIN exact e USING (source_row) USING SAMPLE {LABEL_SAMPLE} ROWS "
            f"(reservoir, {SEED})"
            if labelled
            else ""
        ),
    )
    # registry persons worth comparing: same birth date, or same name (typo in the date)
    engine.execute(
        "registry candidates",
        "CREATE OR REPLACE TABLE candidates_raw AS "
        "SELECT row_number() OVER () AS uid, g.name, g.birth_date, g.sex, "
        "g.region_code AS region, g.person_key AS label FROM registry g "
        "WHERE g.birth_date IN (SELECT birth_date FROM linkable) "
        "OR g.name IN (SELECT name FROM linkable)",
    )
    _with_pinyin(engine, reader, "linkable", "linkable_py")
    _with_pinyin(engine, reader, "candidates_raw", "candidates_py")
    lap("prepare")

    # Splink runs its own SQL pipeline (and wraps its own errors) on the engine's connection
    db_api = DuckDBAPI(connection=engine.connection)
    left = db_api.register("candidates_py", dataset_display_name="registry_side")
    right = db_api.register("linkable_py", dataset_display_name="records_side")
    # log_level sets the "splink" logger: ERROR, since its warning that 1e6 u pairs may be too few
    # is about a choice made on purpose (U_MAX_PAIRS)
    linker = Linker([left, right], _settings(DEFAULT_M_U, 1.0 / persons), log_level=logging.ERROR)
    if persons >= MIN_TRAINING_PERSONS:
        linker.training.estimate_u_using_random_sampling(max_pairs=U_MAX_PAIRS, seed=SEED)
        parameters["u_source"] = f"random sampling, {U_MAX_PAIRS:,} pairs, seed {SEED}"
    if labelled:
        linker.training.estimate_m_from_label_column("label")
        parameters["m_source"] = f"exact ID matches as labels (sample of {LABEL_SAMPLE:,})"
    parameters["levels"] = _trained_parameters(linker)
    lap("train")
    predicted = linker.inference.predict(threshold_match_probability=thresholds.lower)
    table = predicted.physical_name
    rows = engine.rows(
        "predicted pairs",
        f"SELECT CASE WHEN p.source_dataset_l = 'records_side' THEN p.uid_l ELSE p.uid_r END, "
        f"c.label, p.match_probability FROM {table} p JOIN candidates_py c ON c.uid = "
        f"CASE WHEN p.source_dataset_l = 'records_side' THEN p.uid_r ELSE p.uid_l END "
        f"WHERE (CASE WHEN p.source_dataset_l = 'records_side' THEN p.uid_l ELSE p.uid_r END) > 0",
    )
    lap("predict")
    return [(int(r), str(k), float(p)) for r, k, p in rows]


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
