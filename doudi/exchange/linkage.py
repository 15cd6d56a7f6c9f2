"""The probabilistic side of identity resolution: the Splink model (comparisons, levels and their
documented default m and u, blocking rules), its training and prediction on the records without
a usable ID number (no Django imports; docs/exchange.md, "Identity resolution").

Splink runs its own SQL pipeline on the engine's DuckDB connection (`DuckDBEngine.connection`)
and reports its own errors; the steps before and after it are named engine steps."""

from __future__ import annotations

import logging
import time
from typing import Any

import pyarrow as pa

from doudi.exchange.duckdb_engine import DuckDBEngine
from doudi.exchange.names import PinyinReader

MIN_TRAINING_PERSONS = 10_000

MIN_LABELLED = 100

LABEL_SAMPLE = 20_000

U_MAX_PAIRS = 1_000_000

SEED = 20260101

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


class _Laps:
    """Seconds per phase, kept with the run's parameters (`seconds`)."""

    def __init__(self, timings: dict[str, float]) -> None:
        self.timings = timings
        self.phase = time.perf_counter()

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.timings[name] = round(now - self.phase, 2)
        self.phase = now


def _prepare(engine: DuckDBEngine, *, labelled: bool) -> None:
    """The tables Splink links: `linkable_py` (the records without a usable number, plus, for
    training m, a sample of exact matches labelled by their key) and `candidates_py` (registry
    persons sharing a birth date or a name with one of them), both with name pinyin."""
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
    reader = PinyinReader()
    _with_pinyin(engine, reader, "linkable", "linkable_py")
    _with_pinyin(engine, reader, "candidates_raw", "candidates_py")


def _trained_linker(
    engine: DuckDBEngine, persons: int, *, labelled: bool, parameters: dict[str, Any]
) -> Any:
    """A Splink linker of `candidates_py` and `linkable_py`: u by random sampling with a large
    enough registry, m from the labelled exact matches when there are enough of them."""
    from splink import DuckDBAPI, Linker

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
    return linker


def probabilistic_links(
    engine: DuckDBEngine,
    persons: int,
    exact_count: int,
    parameters: dict[str, Any],
    lower: float,
) -> list[tuple[int, str, float]]:
    """(source row, registry person key, match probability) of every candidate pair at or
    above `lower` for the records without a usable ID number. Notes in `parameters` where m
    and u came from, the levels used and the seconds per phase."""
    import splink  # noqa: F401 - loaded before the phases are timed, as it takes a while

    laps = _Laps(parameters.setdefault("seconds", {}))
    labelled = exact_count >= MIN_LABELLED and persons >= MIN_TRAINING_PERSONS
    _prepare(engine, labelled=labelled)
    laps.lap("prepare")
    linker = _trained_linker(engine, persons, labelled=labelled, parameters=parameters)
    laps.lap("train")
    predicted = linker.inference.predict(threshold_match_probability=lower)
    table = predicted.physical_name
    rows = engine.rows(
        "predicted pairs",
        f"SELECT CASE WHEN p.source_dataset_l = 'records_side' THEN p.uid_l ELSE p.uid_r END, "
        f"c.label, p.match_probability FROM {table} p JOIN candidates_py c ON c.uid = "
        f"CASE WHEN p.source_dataset_l = 'records_side' THEN p.uid_r ELSE p.uid_l END "
        f"WHERE (CASE WHEN p.source_dataset_l = 'records_side' THEN p.uid_l ELSE p.uid_r END) > 0",
    )
    laps.lap("predict")
    return [(int(r), str(k), float(p)) for r, k, p in rows]
