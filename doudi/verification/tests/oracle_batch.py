"""The former batch screen, kept verbatim as a test oracle (`test_batch_equivalence.py`): its
SQL was written per source by hand, before it was generated from each feed's declared meaning
(`verification/batch.py`). Only the imports differ.

The former module's docstring:

Screening many households at once: one set-based DuckDB join per source (no Django imports).

`batch_screen` takes the households' counted members (`household_id`, `person_key`) and each
county's limits, joins them with the latest snapshot of every source (rows carrying the key plus
rows an identity-resolution sidecar links to it) and returns one row per household: monthly
counted income found, household asset totals, sources not checked, and the conclusion by the same
rules as a report without a declaration (asset_limit_breach → 不符合; source_not_checked → 疑似;
otherwise 符合). It writes nothing: it is not a report (no items, no number, no access log);
`batch_services.batch_run` persists its result and logs the reads."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pyarrow as pa

from doudi.exchange.duckdb_engine import TEMPORARY_PREFIX, DuckDBEngine, sql_string
from doudi.policy.codes import COUNTED_INCOME_TYPES
from doudi.verification.findings import Limits, income_window
from doudi.verification.snapshots import links_path
from doudi.verification.sources import SOURCES
from doudi.verification.tests.oracle_findings import S

PENSION_INCOME_TYPE = S.PENSION_INCOME_TYPE
TAX_INCOME_TYPE = S.TAX_INCOME_TYPE

PREFIX = TEMPORARY_PREFIX


def _records(source: str, path: Path, columns: str) -> str:
    """SQL: (person_key, <columns>) of the snapshot, directly keyed or linked by the sidecar."""
    direct = f"SELECT person_key, {columns} FROM read_parquet({sql_string(path)}) WHERE person_key IS NOT NULL"
    sidecar = links_path(path)
    if not sidecar.exists():
        return direct
    linked = (
        f"SELECT l.person_key, {', '.join('s.' + c.strip() for c in columns.split(','))} "
        f"FROM read_parquet({sql_string(path)}) s JOIN read_parquet({sql_string(sidecar)}) l "
        "USING (source_row) WHERE s.person_key IS DISTINCT FROM l.person_key"
    )
    return f"{direct} UNION ALL {linked}"


def _case(column: str, mapping: Mapping[str, str]) -> str:
    counted = [code for code, kind in mapping.items() if kind in COUNTED_INCOME_TYPES]
    return f"{column} IN ({', '.join(repr(c) for c in counted)})"


def _parts(window: str) -> dict[str, tuple[str, str, str | None, str]]:
    """Per source read: (kind, columns, condition, value column); `window` limits income rows."""
    return {
        "tax": (
            "income",
            "period, income_type, income_amount",
            f"{_case('income_type', TAX_INCOME_TYPE)} AND {window}",
            "income_amount",
        ),
        "pensions": (
            "income",
            "period, pension_type, amount",
            f"{_case('pension_type', PENSION_INCOME_TYPE)} AND {window}",
            "amount",
        ),
        "unemployment_benefits": ("income", "period, amount", window, "amount"),
        "bank_deposits": ("financial", "institution, balance, as_of", None, "balance"),
        "securities": ("financial", "institution, market_value, as_of", None, "market_value"),
        "commercial_insurance": ("financial", "policy_number, cash_value", "TRUE", "cash_value"),
        "vehicles": (
            "vehicles",
            "plate_number, vehicle_type",
            "vehicle_type <> 'motorcycle'",
            "plate_number",
        ),
        "real_estate": (
            "real_estate",
            "certificate_number, usage",
            "usage = 'residential'",
            "certificate_number",
        ),
        "business_registration": (
            "business",
            "credit_code, status",
            "status = 'active'",
            "credit_code",
        ),
    }


# The sources the screen reads (social insurance contributions and the housing fund are not read).
SCREENED_SOURCES: tuple[str, ...] = tuple(_parts("TRUE"))


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
    engine = DuckDBEngine(threads=threads)
    engine.register_arrow(f"{PREFIX}members_arrow", members)
    engine.execute(
        "members", f"CREATE TEMP TABLE {PREFIX}members AS SELECT * FROM {PREFIX}members_arrow"
    )
    limit_rows = pa.table(
        {
            "county_code": list(limits),
            "standard": [str(v.standard) for v in limits.values()],
            "financial_months": [v.financial_months for v in limits.values()],
            "vehicles_max": [v.vehicles_max for v in limits.values()],
            "real_estate_max": [v.real_estate_max for v in limits.values()],
            "business_max": [v.business_registrations_max for v in limits.values()],
        }
    )
    engine.register_arrow(f"{PREFIX}limits", limit_rows)
    window = f"period >= DATE '{first.isoformat()}' AND period < DATE '{end.isoformat()}'"
    parts = _parts(window)
    selects = []
    for source, (kind, columns, condition, value) in parts.items():
        path = snapshots.get(source)
        if path is None:
            continue
        records = _records(source, path, columns)
        if kind == "income":
            aggregate = f"sum(r.{value})"
        elif kind == "financial" and condition is None:
            # latest balance per person and institution
            records = (
                f"SELECT person_key, {value} FROM (SELECT *, row_number() OVER (PARTITION BY "
                f"person_key, institution ORDER BY as_of DESC) AS n FROM ({records}) "
                f"WHERE person_key IN (SELECT person_key FROM {PREFIX}members)) WHERE n = 1"
            )
            condition, aggregate = "TRUE", f"sum(r.{value})"
        elif kind == "financial":
            aggregate = f"sum(r.{value})"
        else:
            aggregate = f"count(DISTINCT r.{value})"
        selects.append(
            f"SELECT m.household_id, '{kind}' AS kind, {aggregate}::DECIMAL(18,2) AS value "
            f"FROM ({records}) r JOIN {PREFIX}members m USING (person_key) "
            f"WHERE {condition} GROUP BY m.household_id"
        )
    not_checked = [spec.source for spec in SOURCES if spec.source not in snapshots]
    found_sql = (
        " UNION ALL ".join(selects)
        if selects
        else (
            "SELECT NULL::BIGINT AS household_id, NULL AS kind, NULL::DECIMAL(18,2) AS value WHERE FALSE"
        )
    )
    sql = f"""
        WITH found AS ({found_sql}),
        totals AS (
            SELECT household_id,
                   sum(value) FILTER (WHERE kind = 'income') AS income_total,
                   sum(value) FILTER (WHERE kind = 'financial') AS financial,
                   sum(value) FILTER (WHERE kind = 'vehicles') AS vehicles,
                   sum(value) FILTER (WHERE kind = 'real_estate') AS dwellings,
                   sum(value) FILTER (WHERE kind = 'business') AS businesses
            FROM found GROUP BY household_id
        ),
        households AS (
            SELECT household_id, any_value(county_code) AS county_code, count(*) AS counted
            FROM {PREFIX}members GROUP BY household_id
        )
        SELECT h.household_id, h.counted,
               round(coalesce(t.income_total, 0) / {int(income_months)}, 2)::DECIMAL(18,2)
                   AS monthly_income,
               coalesce(t.financial, 0)::DECIMAL(18,2) AS financial,
               coalesce(t.vehicles, 0)::INTEGER AS vehicles,
               coalesce(t.dwellings, 0)::INTEGER AS dwellings,
               coalesce(t.businesses, 0)::INTEGER AS businesses,
               (l.standard::DECIMAL(18,2) * l.financial_months * h.counted)::DECIMAL(18,2)
                   AS financial_limit,
               CASE
                 WHEN coalesce(t.financial, 0) > l.standard::DECIMAL(18,2) * l.financial_months * h.counted
                   OR coalesce(t.vehicles, 0) > l.vehicles_max
                   OR coalesce(t.dwellings, 0) > l.real_estate_max
                   OR coalesce(t.businesses, 0) > l.business_max THEN 'non_compliant'
                 WHEN {len(not_checked)} > 0 THEN 'suspect'
                 ELSE 'compliant' END AS conclusion,
               CASE
                 WHEN coalesce(t.financial, 0) > l.standard::DECIMAL(18,2) * l.financial_months * h.counted
                   OR coalesce(t.vehicles, 0) > l.vehicles_max
                   OR coalesce(t.dwellings, 0) > l.real_estate_max
                   OR coalesce(t.businesses, 0) > l.business_max THEN 'asset_limit_breach'
                 WHEN {len(not_checked)} > 0 THEN 'source_not_checked'
                 ELSE 'consistent' END AS rule
        FROM households h
        JOIN {PREFIX}limits l USING (county_code)
        LEFT JOIN totals t USING (household_id)
        ORDER BY h.household_id
    """
    try:
        return engine.arrow("household screen", sql)
    finally:
        engine.close()
