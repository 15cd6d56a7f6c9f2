"""The DuckDB engine (`exchange.duckdb_engine`): named steps, registered Arrow tables and Parquet
files, and errors that name the failing step and carry its SQL (pure: no database)."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from doudi.exchange.duckdb_engine import DuckDBEngine, EngineError, sql_string


@pytest.fixture
def engine():
    with DuckDBEngine(threads=1) as engine:
        yield engine


def test_an_error_names_the_step_and_carries_its_sql(engine):
    sql = "SELECT amount FROM __vf__nowhere WHERE person_key = ?"

    with pytest.raises(EngineError) as raised:
        engine.rows("amounts of the household", sql, ["k"])

    error = raised.value
    assert (error.step, error.sql) == ("amounts of the household", sql)
    assert isinstance(error.__cause__, duckdb.CatalogException)
    assert str(error).startswith("DuckDB step “amounts of the household” failed: Catalog Error")
    assert str(error).endswith(f"SQL:\n{sql}")
    assert "'k'" not in str(error)  # parameters (person keys) stay out of the message


@pytest.mark.parametrize(
    ("_case", "run"),
    [
        ("execute", lambda e, sql: e.execute("step", sql)),
        ("scalar", lambda e, sql: e.scalar("step", sql)),
        ("arrow", lambda e, sql: e.arrow("step", sql)),
    ],
)
def test_every_kind_of_statement_wraps_its_errors(engine, _case, run):
    with pytest.raises(EngineError) as raised:
        run(engine, "SELECT 1 / 'x'::INTEGER")
    assert (raised.value.step, raised.value.sql) == ("step", "SELECT 1 / 'x'::INTEGER")


def test_a_missing_parquet_file_fails_at_its_registration_step(engine, tmp_path):
    with pytest.raises(EngineError) as raised:
        engine.register_parquet("__vf__tax", tmp_path / "gone.parquet")
    assert raised.value.step == "register __vf__tax"
    assert "read_parquet(" in raised.value.sql


def test_registered_arrow_and_parquet_tables_are_read_by_name(engine, tmp_path: Path):
    path = tmp_path / "it's.parquet"  # a quote in the path is escaped
    pq.write_table(pa.table({"person_key": ["a", "b"], "amount": [10, 20]}), path)
    engine.register_parquet("__vf__snapshot", path)
    engine.register_arrow(
        "__vf__members", pa.table({"person_key": ["b", "c"], "household": [1, 2]})
    )

    found = engine.arrow(
        "found",
        "SELECT household, amount FROM __vf__members JOIN __vf__snapshot USING (person_key) "
        "WHERE amount > ?",
        [5],
    )
    engine.unregister("__vf__members")

    assert found.to_pylist() == [{"household": 1, "amount": 20}]
    assert engine.scalar("persons", "SELECT count(*) FROM __vf__snapshot") == 2
    assert engine.scalar("nothing", "SELECT 1 WHERE FALSE") is None
    with pytest.raises(EngineError):
        engine.rows("after unregistering", "SELECT * FROM __vf__members")


def test_statements_run_one_after_another_without_unfinished_results(engine):
    engine.execute("create", "CREATE TABLE t AS SELECT range AS n FROM range(5)")
    engine.execute("insert", "INSERT INTO t VALUES (?)", [5])
    assert engine.rows("all", "SELECT n FROM t ORDER BY n") == [(n,) for n in range(6)]
    assert engine.scalar("threads", "SELECT current_setting('threads')") == 1


def test_sql_strings_are_quoted():
    assert sql_string("/data/it's.parquet") == "'/data/it''s.parquet'"
