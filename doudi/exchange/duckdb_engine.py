"""The one way exchange and verification run DuckDB: named SQL steps (no Django imports).

Modelled on Splink's database API: every statement is a *step* with a name, run through one
method that times it and turns any DuckDB error into `EngineError`, which carries the step's
name and its SQL (never the parameters: they may be person keys). Arrow tables and Parquet
files are registered under a name and then read by SQL like tables. Identity resolution, batch
screening and the report's linked-row reads each hold their own in-memory engine; Splink is
handed the engine's connection (`connection`) and runs its own SQL pipeline on it.

    engine = DuckDBEngine(threads=2)
    engine.register_arrow("__vf__members", members)
    engine.register_parquet("__vf__tax", path)
    table = engine.arrow("household totals", "SELECT ... FROM __vf__members JOIN __vf__tax ...")
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import duckdb
import pyarrow as pa

logger = logging.getLogger(__name__)
T = TypeVar("T")

# Names registered or created by our own SQL start with this, so they never meet a name of
# Splink's (`__splink__…`) or a table a caller created on the same connection.
TEMPORARY_PREFIX = "__vf__"


class EngineError(RuntimeError):
    """A DuckDB step failed. `step` and `sql` say which statement; the cause is chained."""

    def __init__(self, step: str, sql: str, error: Exception) -> None:
        self.step = step
        self.sql = sql
        super().__init__(f"DuckDB step “{step}” failed: {error}\nSQL:\n{sql}")


def sql_string(value: str | Path) -> str:
    """`value` as a single-quoted SQL string literal (for file paths inside SQL text)."""
    return "'" + str(value).replace("'", "''") + "'"


class DuckDBEngine:
    """An in-memory DuckDB database. Not shared between threads: give each thread its own."""

    def __init__(self, *, threads: int | None = None) -> None:
        self.connection = duckdb.connect(":memory:")
        if threads is not None:
            self.execute("threads", f"SET threads = {int(threads)}")

    # -- statements ----------------------------------------------------------------------------

    def execute(self, step: str, sql: str, params: Sequence[Any] | None = None) -> None:
        """Run a statement and consume its result (DuckDB refuses new work on a connection that
        still holds an unfinished result)."""
        self.rows(step, sql, params)

    def rows(
        self, step: str, sql: str, params: Sequence[Any] | None = None
    ) -> list[tuple[Any, ...]]:
        return self._run(step, sql, lambda: self.connection.execute(sql, params or ()).fetchall())

    def scalar(self, step: str, sql: str, params: Sequence[Any] | None = None) -> Any:
        """The first column of the first row (None when there is no row)."""
        rows = self.rows(step, sql, params)
        return rows[0][0] if rows else None

    def arrow(self, step: str, sql: str, params: Sequence[Any] | None = None) -> pa.Table:
        # a relation converts to Arrow without the copy a DB-API result makes
        return self._run(
            step, sql, lambda: self.connection.sql(sql, params=params or None).to_arrow_table()
        )

    def _run(self, step: str, sql: str, work: Callable[[], T]) -> T:
        """The one place DuckDB work is done: timed, and any DuckDB error wrapped with the
        step's name and SQL."""
        started = time.perf_counter()
        try:
            result = work()
        except duckdb.Error as error:
            raise EngineError(step, sql, error) from error
        if logger.isEnabledFor(logging.DEBUG):
            logger.debug("duckdb step %s: %.3f s", step, time.perf_counter() - started)
        return result

    # -- named inputs --------------------------------------------------------------------------

    def register_arrow(self, name: str, table: pa.Table) -> None:
        """Make an Arrow table readable as `name` (no copy; it lives as long as it is registered)."""
        self._run(
            f"register {name}",
            f"-- Arrow table ({table.num_rows} rows) as {name}",
            lambda: self.connection.register(name, table),
        )

    def register_parquet(self, name: str, path: str | Path) -> None:
        """Make a Parquet file readable as the view `name` (read where the SQL reads it)."""
        self.execute(
            f"register {name}",
            f"CREATE OR REPLACE TEMP VIEW {name} AS SELECT * FROM read_parquet({sql_string(path)})",
        )

    def unregister(self, name: str) -> None:
        """Forget an Arrow table registered as `name`."""
        self._run(
            f"unregister {name}",
            f"-- Arrow table {name}",
            lambda: self.connection.unregister(name),
        )

    # -- lifetime ------------------------------------------------------------------------------

    def close(self) -> None:
        self.connection.close()

    def __enter__(self) -> DuckDBEngine:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
