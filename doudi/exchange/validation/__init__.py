"""Validate a whole department file against its feed schema and normalise it into an Arrow table.

Every problem of the file is collected (up to `PROBLEMS_KEPT`; all are counted). The result is
usable only when there is no problem: ingestion then keeps the table, never a part of it.

What rejects a file: unreadable/empty/truncated file, unknown, duplicate or missing required
columns, a value of the wrong type, a negative amount, a date in the future, a code outside the
list, a row whose natural key repeats an earlier row, and in `strict` feeds (公安) an invalid or
missing ID number. What does not: in `flag` feeds a missing or mistyped ID number; the record is
kept with `id_status` = `missing` / `invalid` for identity resolution, provided name and birth date
are given.

Validation is column by column (Arrow compute and numpy), not row by row. Each column's cells
in the usual shape (`2024-01-31`, `1234.50`, an 18-digit ID number with a right check character)
are checked and converted in bulk. Every other cell (another accepted spelling, or a wrong
value) goes through the per-cell rules below (`_convert`, `idcard.parse`) once per distinct
value, so its value or its Chinese message is the per-cell rule's own. The bulk paths accept only
cells the per-cell rules accept, with the same value; `tests/test_validation_equivalence.py`
compares the result with the former row-by-row validator (`tests/oracle_validation.py`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa

from doudi.exchange.readers import Columns, Problem, Table
from doudi.exchange.schemas import Column, ColumnType, FeedSchema, IdPolicy
from doudi.exchange.validation.arrays import NO_PROBLEM, _Messages
from doudi.exchange.validation.cells import ARROW_TYPES, YUAN_TYPE
from doudi.exchange.validation.columns import _check_column
from doudi.exchange.validation.id_numbers import STATUS_NAMES, VALID, _check_identity, _Identity
from doudi.exchange.validation.keys import _first_occurrence, _hash_array, _hasher

__all__ = ["ARROW_TYPES", "PROBLEMS_KEPT", "YUAN_TYPE", "ValidationResult", "validate_table"]

PROBLEMS_KEPT = 1000


@dataclass
class ValidationResult:
    problems: list[Problem] = field(default_factory=list)
    problem_count: int = 0
    row_count: int = 0
    id_counts: dict[str, int] = field(
        default_factory=lambda: {"valid": 0, "missing": 0, "invalid": 0}
    )
    table: pa.Table | None = None
    format: str = ""

    @property
    def is_valid(self) -> bool:
        return self.problem_count == 0

    def add(self, problem: Problem) -> None:
        self.problem_count += 1
        if len(self.problems) < PROBLEMS_KEPT:
            self.problems.append(problem)


def _where(column: Column) -> str:
    return f"{column.label}（{column.name}）"


def _map_header(
    schema: FeedSchema, header: list[str], result: ValidationResult
) -> dict[str, int] | None:
    """Column name -> position. Headers may use the English name or the Chinese label."""
    by_alias = {}
    for column in schema.columns:
        by_alias[column.name] = column
        by_alias[column.label] = column
    positions: dict[str, int] = {}
    for index, cell in enumerate(header):
        column = by_alias.get(cell)
        if column is None:
            shown = cell or f"第 {index + 1} 列（空表头）"
            result.add(Problem(1, shown, "未知列：不在本数据源的数据规范中"))
        elif column.name in positions:
            result.add(Problem(1, _where(column), "列重复出现"))
        else:
            positions[column.name] = index
    for column in schema.columns:
        if column.name not in positions and (
            column.required or column.type is ColumnType.ID_NUMBER
        ):
            result.add(Problem(1, _where(column), "缺少必需的列"))
    return positions if result.is_valid else None


def validate_table(
    schema: FeedSchema,
    table: Table,
    *,
    today: dt.date,
    id_hash: Callable[[str], str],
) -> ValidationResult:
    """Validate every row; build the normalised Arrow table only when nothing is wrong."""
    result = ValidationResult(format=table.format)
    for problem in table.problems:
        result.add(problem)
    if not table.header:
        return result
    positions = _map_header(schema, table.header, result)
    if positions is None:
        return result
    return _validate_columns(schema, table.load_columns(), positions, result, today, id_hash)


@dataclass
class _Rows:
    """Every row's problems, found column by column: per column a problem index per row
    (`NO_PROBLEM` when none), the ID numbers, the birth-date rule and duplicates."""

    columns: list[Column]  # the feed's columns but the ID number
    values: dict[str, pa.Array]
    errors: dict[str, np.ndarray]
    identity: _Identity
    messages: _Messages
    birth_rule: np.ndarray  # flag feeds: neither a valid ID number nor a birth date
    duplicate: np.ndarray
    first_row: np.ndarray  # of a duplicate: the row number of the first row with its key

    def per_row(self) -> np.ndarray:
        """Per row, the number of its problems."""
        count = (self.identity.errors != NO_PROBLEM).astype(np.int64)
        count += self.birth_rule
        count += self.duplicate
        for column in self.columns:
            count += self.errors[column.name] != NO_PROBLEM
        return count


def _check_rows(
    schema: FeedSchema, loaded: Columns, positions: dict[str, int], today: dt.date
) -> _Rows:
    """Check every column, the ID numbers, the birth-date rule of flag feeds and duplicates."""
    length = len(loaded)
    strict = schema.id_policy is IdPolicy.STRICT
    messages = _Messages()
    columns = [c for c in schema.columns if c.type is not ColumnType.ID_NUMBER]
    values: dict[str, pa.Array] = {}
    errors: dict[str, np.ndarray] = {}
    for column in columns:
        position = positions.get(column.name)
        raw = loaded.cells[position] if position is not None else None
        values[column.name], errors[column.name] = _check_column(
            column, raw, length, today, messages
        )
    identity = _check_identity(
        loaded.cells[positions["id_number"]], length, today, strict=strict, messages=messages
    )
    column_problem = np.zeros(length, dtype=bool)
    for column in columns:
        column_problem |= errors[column.name] != NO_PROBLEM
    id_problem = identity.errors != NO_PROBLEM
    birth_rule = np.zeros(length, dtype=bool)
    if not strict:
        birth_missing = np.asarray(values["birth_date"].is_null(), dtype=bool)
        birth_rule = (identity.status != VALID) & birth_missing & ~column_problem & ~id_problem
    duplicate, first_row = _duplicates(schema, loaded, values, errors, identity)
    return _Rows(columns, values, errors, identity, messages, birth_rule, duplicate, first_row)


def _duplicates(
    schema: FeedSchema,
    loaded: Columns,
    values: dict[str, pa.Array],
    errors: dict[str, np.ndarray],
    identity: _Identity,
) -> tuple[np.ndarray, np.ndarray]:
    """(is a duplicate, the row number of the first row with its natural key) per row. A
    duplicate is reported whenever its key columns are readable, whatever else is wrong."""
    length = len(loaded)
    bad_key = np.zeros(length, dtype=bool)
    keys = []
    for name in schema.natural_key:
        if name == "id_number":
            bad_key |= identity.errors != NO_PROBLEM
            keys.append(identity.key)
        else:
            bad_key |= errors[name] != NO_PROBLEM
            keys.append(values[name])
    duplicate = np.zeros(length, dtype=bool)
    first_row = np.zeros(length, dtype=np.int64)
    if length:
        eligible_rows, first = _first_occurrence(keys, ~bad_key)
        repeated = first != eligible_rows
        duplicate[eligible_rows[repeated]] = True
        first_row[eligible_rows[repeated]] = loaded.row_numbers[first[repeated]]
    return duplicate, first_row


def _id_counts(loaded: Columns, rows: _Rows, per_row: np.ndarray) -> dict[str, int]:
    """What the row-by-row validator counted: ID statuses of the rows up to the first problem
    of the file."""
    problem_rows = np.flatnonzero(per_row)
    before = [row for row, _ in loaded.problems]
    stop = min([len(loaded), *problem_rows[:1].tolist(), *before])
    counted = np.bincount(rows.identity.status[:stop], minlength=3)
    return {name: int(counted[i]) for i, name in enumerate(STATUS_NAMES)}


def _normalised(loaded: Columns, rows: _Rows, id_hash: Callable[[str], str]) -> pa.Table:
    """The stored table: person key, ID status, masked number, the columns (hashed where the
    value embeds an ID number), source row; sorted by person key (nulls last), then source row,
    so that row-group statistics prune a lookup by person to one group. Hex digests sort alike
    as Python and Arrow strings."""
    hash_many = _hasher(id_hash)
    output = {
        column.name: (
            _hash_array(rows.values[column.name], hash_many)[0]
            if column.is_hashed
            else rows.values[column.name]
        )
        for column in rows.columns
    }
    person_key, person_rank = _hash_array(rows.identity.normalized, hash_many)
    normalised = pa.table(
        {
            "person_key": person_key,
            "id_status": pa.array(STATUS_NAMES, pa.string()).take(pa.array(rows.identity.status)),
            "id_number_masked": rows.identity.masked,
            **output,
            "source_row": pa.array(loaded.row_numbers, pa.int64()),
        }
    )
    order = np.lexsort((loaded.row_numbers, person_rank))
    return normalised.take(pa.array(order))


def _validate_columns(
    schema: FeedSchema,
    loaded: Columns,
    positions: dict[str, int],
    result: ValidationResult,
    today: dt.date,
    id_hash: Callable[[str], str],
) -> ValidationResult:
    result.row_count = len(loaded)
    rows = _check_rows(schema, loaded, positions, today)
    per_row = rows.per_row()
    result.problem_count += len(loaded.problems) + int(per_row.sum())
    _list_problems(schema, loaded, result, rows, per_row)
    result.id_counts = _id_counts(loaded, rows, per_row)
    if not result.is_valid:
        return result
    if len(loaded) == 0:
        result.add(Problem(None, None, "文件没有数据行"))
        return result
    result.table = _normalised(loaded, rows, id_hash)
    return result


def _list_problems(
    schema: FeedSchema,
    loaded: Columns,
    result: ValidationResult,
    rows: _Rows,
    per_row: np.ndarray,
) -> None:
    """Keep the first `PROBLEMS_KEPT` problems in the order the department reads its file: by
    row; in a row, the columns in schema order, then the ID number, the birth-date rule and the
    duplicate; a reading problem before the row it was met ahead of."""
    room = PROBLEMS_KEPT - len(result.problems)
    kept: list[Problem] = []
    reader_problems = loaded.problems
    pending = 0
    wheres = [(_where(column), rows.errors[column.name]) for column in rows.columns]
    id_where = _where(schema.id_column)
    birth_where = f"{schema.column_by_name['birth_date'].label}（birth_date）"
    labels = "、".join(schema.column_by_name[n].label for n in schema.natural_key)
    texts = rows.messages.texts
    id_errors = rows.identity.errors
    for index in np.flatnonzero(per_row):
        if len(kept) >= room:
            break
        while pending < len(reader_problems) and reader_problems[pending][0] <= index:
            kept.append(reader_problems[pending][1])
            pending += 1
        number = int(loaded.row_numbers[index])
        for where, problems in wheres:
            if problems[index] != NO_PROBLEM:
                kept.append(Problem(number, where, texts[problems[index]]))
        if id_errors[index] != NO_PROBLEM:
            kept.append(Problem(number, id_where, texts[id_errors[index]]))
        if rows.birth_rule[index]:
            kept.append(
                Problem(number, birth_where, "身份证号码缺失或无效时，出生日期必填（供身份比对）")
            )
        if rows.duplicate[index]:
            kept.append(
                Problem(number, None, f"重复记录：与第 {rows.first_row[index]} 行的{labels}相同")
            )
    kept.extend(problem for _, problem in reader_problems[pending:])
    result.problems.extend(kept[: max(room, 0)])
