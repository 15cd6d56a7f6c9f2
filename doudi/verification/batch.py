"""Screening many households at once: one set-based DuckDB join per source (no Django imports).

`batch_screen` takes the households' counted members (`household_id`, `person_key`) and each
county's limits, joins them with the latest snapshot of every source (rows carrying the key plus
rows an identity-resolution sidecar links to it) and returns one row per household: monthly
counted income found, household asset totals, sources not checked, and the conclusion by the same
rules as a report without a declaration (asset_limit_breach → 不符合; source_not_checked → 疑似;
otherwise 符合). It writes nothing: it is not a report (no items, no number, no access log);
`batch_services.batch_run` persists its result and logs the reads.

The SQL is generated from each feed's declared meaning (`doudi.exchange.schemas.meaning`), the
same one the report's items come from: income rows of the reference months whose type the policy
engine counts, summed; limited assets only, valued ones summed (each person's latest row where
the feed says so), counted ones as distinct keys. A feed whose income is an estimate
(`counted_unless_in`) and feeds of assets no limit counts are not read."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa

from doudi.exchange.duckdb_engine import TEMPORARY_PREFIX, DuckDBEngine
from doudi.exchange.schemas import AssetMeaning, IncomeMeaning
from doudi.exchange.schemas.meaning import VALUED_ASSETS, ByCode, Rows
from doudi.policy.codes import COUNTED_INCOME_TYPES
from doudi.verification import sources as S
from doudi.verification.findings import Limits, income_window
from doudi.verification.snapshots import links_path

PREFIX = TEMPORARY_PREFIX
MEMBERS = f"{PREFIX}members"
LIMITS = f"{PREFIX}limits"
INCOME = "income"
# Limited asset category → (column of the household's total, the limit it must not exceed).
TOTALS = {
    S.FINANCIAL: ("financial", "l.standard::DECIMAL(18,2) * l.financial_months * h.counted"),
    S.VEHICLES: ("vehicles", "l.vehicles_max"),
    S.REAL_ESTATE: ("dwellings", "l.real_estate_max"),
    S.BUSINESS_REGISTRATIONS: ("businesses", "l.business_max"),
}
WINDOW = "{period} >= DATE '{first}' AND {period} < DATE '{end}'"


@dataclass(frozen=True)
class Screen:
    """What one source adds to a household's totals: its rows of `kind` (income, or a limited
    asset category) that meet `condition`, aggregated by `aggregate`. Income rows count only in
    the reference months. With `latest`, only a person's first row in that order counts, among
    the rows meeting `rows`."""

    source: str
    kind: str
    condition: str
    aggregate: str
    latest: str = ""  # a window: the partition and order, newest first
    rows: str = ""


def _codes_in(column: str, codes: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(code) for code in codes)})"


def _rows_counted(rows: Rows | None) -> list[str]:
    return [] if rows is None else [_codes_in(rows.column, rows.codes)]


def _chosen(choice: str | ByCode, wanted: tuple[str, ...]) -> list[str]:
    """SQL conditions for the rows whose income type or category is one of `wanted`."""
    if isinstance(choice, ByCode):
        return [_codes_in(choice.column, tuple(c for c, meant in choice.pairs if meant in wanted))]
    return [] if choice in wanted else ["FALSE"]


def _income_screens(source: str, meaning: IncomeMeaning) -> list[Screen]:
    counted = tuple(kind for kind in meaning.income_types if kind in COUNTED_INCOME_TYPES)
    if meaning.counted_unless_in or not counted:
        return []
    conditions = [*_chosen(meaning.income_type, counted), *_rows_counted(meaning.rows)]
    return [Screen(source, INCOME, " AND ".join(conditions), f"sum(r.{meaning.amount})")]


def _asset_screens(source: str, meaning: AssetMeaning) -> list[Screen]:
    latest = ""
    if meaning.latest is not None:
        partition = ", ".join(("person_key", *meaning.latest.per))
        latest = f"PARTITION BY {partition} ORDER BY {meaning.latest.by} DESC"
    return [
        Screen(
            source,
            category,
            " AND ".join(_chosen(meaning.category, (category,))),
            f"sum(r.{meaning.value})"
            if category in VALUED_ASSETS
            else f"count(DISTINCT r.{meaning.key})",
            latest,
            " AND ".join(_rows_counted(meaning.rows)),
        )
        for category in TOTALS
        if category in meaning.categories
    ]


def screens(spec: S.SourceSpec) -> list[Screen]:
    """The source's contributions to the screen, from its declared meaning (none: not read)."""
    if isinstance(spec.meaning, IncomeMeaning):
        return _income_screens(spec.source, spec.meaning)
    return _asset_screens(spec.source, spec.meaning)


SCREENS: dict[str, list[Screen]] = {spec.source: screens(spec) for spec in S.SOURCES}
# The sources the screen reads (social insurance contributions and the housing fund are not).
SCREENED_SOURCES: tuple[str, ...] = tuple(source for source, found in SCREENS.items() if found)


def _records(engine: DuckDBEngine, source: str, path: Path) -> str:
    """SQL: (person_key, the source's columns) of the snapshot, directly keyed or linked by the
    sidecar. Registers the snapshot and its sidecar on `engine`."""
    snapshot, links = f"{PREFIX}{source}", f"{PREFIX}{source}_links"
    columns = S.SOURCE_BY_NAME[source].columns
    engine.register_parquet(snapshot, path)
    direct = f"SELECT person_key, {', '.join(columns)} FROM {snapshot} WHERE person_key IS NOT NULL"
    sidecar = links_path(path)
    if not sidecar.exists():
        return direct
    engine.register_parquet(links, sidecar)
    linked = (
        f"SELECT l.person_key, {', '.join('s.' + c for c in columns)} "
        f"FROM {snapshot} s JOIN {links} l "
        "USING (source_row) WHERE s.person_key IS DISTINCT FROM l.person_key"
    )
    return f"{direct} UNION ALL {linked}"


def _found(screen: Screen, records: str, window: str) -> str:
    """SQL: (household_id, kind, value) of one screen; `window` limits income rows."""
    condition = " AND ".join(part for part in (screen.condition, window) if part) or "TRUE"
    if screen.latest:
        rows = f" AND {screen.rows}" if screen.rows else ""
        records = (
            f"SELECT * FROM (SELECT *, row_number() OVER ({screen.latest}) AS n FROM ({records}) "
            f"WHERE person_key IN (SELECT person_key FROM {MEMBERS}){rows}) WHERE n = 1"
        )
    elif screen.rows:
        condition = f"{screen.rows} AND {condition}"
    return (
        f"SELECT m.household_id, '{screen.kind}' AS kind, {screen.aggregate}::DECIMAL(18,2) "
        f"AS value FROM ({records}) r JOIN {MEMBERS} m USING (person_key) "
        f"WHERE {condition} GROUP BY m.household_id"
    )


def _households_sql(found: list[str], income_months: int, not_checked: int) -> str:
    """SQL: one row per household with its totals, limit and conclusion."""
    found_sql = " UNION ALL ".join(found) or (
        "SELECT NULL::BIGINT AS household_id, NULL AS kind, NULL::DECIMAL(18,2) AS value WHERE FALSE"
    )
    totals = ",\n                   ".join(
        f"sum(value) FILTER (WHERE kind = '{kind}') AS {column}"
        for kind, column in (("income", "income_total"), *((k, c) for k, (c, _) in TOTALS.items()))
    )
    breach = "\n                   OR ".join(
        f"coalesce(t.{column}, 0) > {limit}" for column, limit in TOTALS.values()
    )
    counts = "".join(
        f"coalesce(t.{column}, 0)::INTEGER AS {column},\n               "
        for category, (column, _) in TOTALS.items()
        if category not in VALUED_ASSETS
    )
    return f"""
        WITH found AS ({found_sql}),
        totals AS (
            SELECT household_id,
                   {totals}
            FROM found GROUP BY household_id
        ),
        households AS (
            SELECT household_id, any_value(county_code) AS county_code, count(*) AS counted
            FROM {MEMBERS} GROUP BY household_id
        )
        SELECT h.household_id, h.counted,
               round(coalesce(t.income_total, 0) / {int(income_months)}, 2)::DECIMAL(18,2)
                   AS monthly_income,
               coalesce(t.financial, 0)::DECIMAL(18,2) AS financial,
               {counts}({TOTALS[S.FINANCIAL][1]})::DECIMAL(18,2) AS financial_limit,
               CASE
                 WHEN {breach} THEN 'non_compliant'
                 WHEN {not_checked} > 0 THEN 'suspect'
                 ELSE 'compliant' END AS conclusion,
               CASE
                 WHEN {breach} THEN 'asset_limit_breach'
                 WHEN {not_checked} > 0 THEN 'source_not_checked'
                 ELSE 'consistent' END AS rule
        FROM households h
        JOIN {LIMITS} l USING (county_code)
        LEFT JOIN totals t USING (household_id)
        ORDER BY h.household_id
    """


def _limits_table(limits: Mapping[str, Limits]) -> pa.Table:
    return pa.table(
        {
            "county_code": list(limits),
            "standard": [str(v.standard) for v in limits.values()],
            "financial_months": [v.financial_months for v in limits.values()],
            "vehicles_max": [v.vehicles_max for v in limits.values()],
            "real_estate_max": [v.real_estate_max for v in limits.values()],
            "business_max": [v.business_registrations_max for v in limits.values()],
        }
    )


def batch_screen(
    *,
    members: pa.Table,  # household_id int64, person_key string, county_code string
    snapshots: Mapping[str, Path],  # source → latest snapshot path (absent = not sent)
    # county_code → limits (counted_members is ignored). `county_code` is only the key joining
    # members to limits: batch_services keys it by county and area type ("350112/urban").
    limits: Mapping[str, Limits],
    month: str,
    income_months: int,
    threads: int = 2,
) -> pa.Table:
    first, end = income_window(month, income_months)
    with DuckDBEngine(threads=threads) as engine:
        engine.register_arrow(f"{MEMBERS}_arrow", members)
        engine.execute("members", f"CREATE TEMP TABLE {MEMBERS} AS SELECT * FROM {MEMBERS}_arrow")
        engine.register_arrow(LIMITS, _limits_table(limits))
        found = []
        for source, source_screens in SCREENS.items():
            path = snapshots.get(source)
            if path is None or not source_screens:
                continue
            records = _records(engine, source, path)
            meaning = S.SOURCE_BY_NAME[source].meaning
            window = (
                WINDOW.format(period=meaning.period, first=first.isoformat(), end=end.isoformat())
                if isinstance(meaning, IncomeMeaning)
                else ""
            )
            found.extend(_found(screen, records, window) for screen in source_screens)
        not_checked = sum(1 for spec in S.SOURCES if spec.source not in snapshots)
        return engine.arrow("household screen", _households_sql(found, income_months, not_checked))
