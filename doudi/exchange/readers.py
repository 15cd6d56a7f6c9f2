"""Reading a department file (CSV in UTF-8 or GBK, Excel .xlsx, Parquet) as a header and rows.

A reader never raises on bad input: what it cannot read becomes a `Problem`, so the caller can
report every problem of the file at once. Row numbers are those a department sees: the sheet row
for CSV and Excel (the header is row 1), the 1-based record number for Parquet.

A `Table` offers the data rows two ways, of which a caller uses one: `rows`, an iterator of
(row number, cells), and `load_columns()`, every row read at once as one column per header cell
(Arrow arrays for CSV and Parquet, Python lists for Excel). The validator uses the columns; both
ways read the same rows and report the same problems."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

FORMATS = {".csv": "csv", ".txt": "csv", ".xlsx": "xlsx", ".parquet": "parquet", ".pq": "parquet"}


@dataclass(frozen=True)
class Problem:
    """One reason a file is rejected. `row` None: the file or its header; `column` None: the row."""

    row: int | None
    column: str | None
    reason: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "reason": self.reason}

    def __str__(self) -> str:
        where = []
        if self.row is not None:
            where.append(f"第 {self.row} 行")
        if self.column:
            where.append(f"“{self.column}”列")
        return f"{'，'.join(where)}：{self.reason}" if where else self.reason


@dataclass
class Columns:
    """Every data row of a file, column by column (one entry per header cell).

    `problems` are the reading problems met among the rows, each with the number of data rows
    read before it: the row-by-row reading reports it just before the row at that index."""

    cells: list[pa.Array | list[Any]]
    row_numbers: np.ndarray
    problems: list[tuple[int, Problem]]

    def __len__(self) -> int:
        return len(self.row_numbers)


@dataclass
class Table:
    """What a reader found: header cells, then (row number, cells) pairs, plus reading problems.

    `load_columns` (when given) reads the rows as `Columns` instead of iterating `rows`."""

    format: str
    header: list[str]
    rows: Iterator[tuple[int, list[Any]]]
    problems: list[Problem]
    columns: Callable[[], Columns] | None = None

    def load_columns(self) -> Columns:
        """Read every data row at once (use this or `rows`, not both)."""
        if self.columns is not None:
            return self.columns()
        return _columns_from_rows(self)


# The characters `str.strip()` removes (`str.isspace`). Arrow's `utf8_trim_whitespace` trims all
# of them (checked here, so that a pyarrow upgrade cannot silently change what counts as blank).
WHITESPACE = "".join(chr(code) for code in range(0x110000) if chr(code).isspace())
_UNTRIMMED = [c for c in WHITESPACE if pc.utf8_trim_whitespace(pa.array([c]))[0].as_py() != ""]
_UNTRIMMED_EDGE = "^[{0}]|[{0}]$".format("".join(f"\\x{{{ord(c):x}}}" for c in _UNTRIMMED))


def edge_whitespace(strings: pa.Array) -> np.ndarray:
    """Per cell of a string array: starts or ends with a character `str.strip()` removes (or one
    Arrow trims: such cells only take the slower exact path)."""
    edge = pc.not_equal(pc.utf8_trim_whitespace(strings), strings)
    if _UNTRIMMED:
        edge = pc.or_(edge, pc.match_substring_regex(strings, _UNTRIMMED_EDGE))
    return np.asarray(pc.fill_null(edge, False), dtype=bool)


def blank_strings(strings: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """Per cell of a string array: (null, empty or whitespace only; has edge whitespace)."""
    blank = np.asarray(pc.fill_null(pc.equal(pc.binary_length(strings), 0), True), dtype=bool)
    edge = edge_whitespace(strings)
    if edge.any():
        positions = np.flatnonzero(edge)
        cells = strings.take(pa.array(positions)).to_pylist()
        blank[positions] = [cell.strip() == "" for cell in cells]
    return blank, edge


def _columns_from_rows(table: Table) -> Columns:
    """Transpose the row iterator (Excel): cells stay Python values."""
    width = len(table.header)
    numbers: list[int] = []
    rows: list[list[Any]] = []
    problems: list[tuple[int, Problem]] = []
    seen = len(table.problems)
    for number, cells in table.rows:
        for problem in table.problems[seen:]:
            problems.append((len(rows), problem))
        seen = len(table.problems)
        numbers.append(number)
        rows.append(cells)
    for problem in table.problems[seen:]:
        problems.append((len(rows), problem))
    cells_by_column = [list(column) for column in zip(*rows, strict=True)] if rows else []
    if not rows:
        cells_by_column = [[] for _ in range(width)]
    return Columns(cells_by_column, np.array(numbers, dtype=np.int64), problems)


def detect_format(filename: str, head: bytes) -> str | None:
    suffix = Path(filename).suffix.lower()
    if suffix in FORMATS:
        return FORMATS[suffix]
    if head.startswith(b"PAR1"):
        return "parquet"
    if head.startswith(b"PK"):
        return "xlsx"
    return None


def _blank(cells: list[Any]) -> bool:
    return all(cell is None or str(cell).strip() == "" for cell in cells)


# A CSV field as `csv.reader` reads it on one line: quoted (with "" for a quote) or plain.
_FIELD = r'"(?:[^"]|"")*"|[^,"]*'
_REGULAR_LINE = f"^(?:{_FIELD})(?:,(?:{_FIELD}))*$"
_QUOTED = r'"(?:[^"]|"")*"'
# Carriage returns and NUL characters are left to the `csv` module.
_CSV_SPECIAL = ("\r", "\x00")


def _field_count_problem(line: int, cells: list[str], width: int, at_end: bool) -> Problem:
    hint = "（文件可能被截断）" if at_end or len(cells) < width else ""
    return Problem(line, None, f"本行有 {len(cells)} 列，表头有 {width} 列{hint}")


def _without_blank_rows(
    arrays: list[pa.Array], numbers: np.ndarray, found: list[tuple[int, Problem]]
) -> Columns:
    """Rows of the right width but blank in every cell are skipped, as `rows` does."""
    if len(numbers):
        blank = blank_strings(arrays[0])[0]
        for array in arrays[1:]:
            if not blank.any():
                break
            blank &= blank_strings(array)[0]
        if blank.any():
            keep = ~blank
            before = np.concatenate(([0], np.cumsum(keep)))
            found = [(int(before[index]), problem) for index, problem in found]
            arrays = [array.filter(pa.array(keep)) for array in arrays]
            numbers = numbers[keep]
    return Columns(arrays, numbers, found)


def _arrow_csv(body: str, names: list[str], other_width: Callable[[Any], str]) -> pa.Table:
    return pacsv.read_csv(
        pa.py_buffer(body.encode("utf-8")),
        read_options=pacsv.ReadOptions(column_names=names, use_threads=False),
        parse_options=pacsv.ParseOptions(
            newlines_in_values=False, ignore_empty_lines=False, invalid_row_handler=other_width
        ),
        convert_options=pacsv.ConvertOptions(
            column_types=dict.fromkeys(names, pa.string()),
            strings_can_be_null=False,
            quoted_strings_can_be_null=False,
            null_values=[],
        ),
    )


def _regular_csv_columns(text: str, width: int, truncated: bool) -> Columns | None:
    """`columns` parsed by Arrow's CSV reader when every line is a whole record of regular fields
    (quoted or plain, no quoted line break), so that a record is a line exactly as `csv.reader`
    reads it. None when a line is irregular: the caller then reads the file with `csv`."""
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()  # the newline ending the last record
    records = lines[1:]  # line 1 is the header
    if not records:
        return Columns(
            [pa.array([], pa.string()) for _ in range(width)], np.array([], np.int64), []
        )
    if '"' in text:
        body = pa.array(records, pa.string())
        if not pc.all(pc.match_substring_regex(body, _REGULAR_LINE)).as_py():
            return None
    wrong: list[int] = []  # 0-based record index of rows with another number of fields

    def other_width(row: Any) -> str:
        wrong.append(row.number - 1)
        return "skip"

    names = [f"c{position}" for position in range(width)]
    try:
        # the text after the header line: the records, one a line
        parsed = _arrow_csv(text[text.index("\n") + 1 :], names, other_width)
    except pa.ArrowInvalid:  # e.g. only empty lines: leave it to the `csv` module
        return None
    numbers = np.arange(2, len(records) + 2, dtype=np.int64)
    found: list[tuple[int, Problem]] = []
    if wrong:
        right = np.ones(len(records), dtype=bool)
        right[wrong] = False
        last_line = text.count("\n") + 1
        before = np.concatenate(([0], np.cumsum(right)))
        for index in wrong:
            cells = next(csv.reader([records[index]]), [])
            if _blank(cells):
                continue
            number = int(numbers[index])
            at_end = truncated and number == last_line
            found.append((int(before[index]), _field_count_problem(number, cells, width, at_end)))
        numbers = numbers[right]
    if parsed.num_rows != len(numbers):
        return None
    arrays = [parsed.column(position).combine_chunks() for position in range(width)]
    return _without_blank_rows(arrays, numbers, found)


def _decoded(data: bytes) -> str | None:
    """The text of a CSV file in UTF-8 (with or without BOM) or GBK/GB18030; None for neither."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


class _CsvBody:
    """The data lines after a CSV header, read once: row by row (`rows`) or, for validation,
    column by column (`columns`). A line with another number of fields than the header is a
    problem (`problems`), with a hint when the file looks truncated."""

    def __init__(self, reader: Any, text: str, width: int, problems: list[Problem]) -> None:
        self.reader = reader
        self.text = text
        self.width = width
        self.problems = problems
        self.truncated = bool(text) and not text.endswith(("\n", "\r"))

    def _wrong_width(self, line: int, cells: list[str]) -> Problem:
        at_end = self.truncated and line == self.text.count("\n") + 1
        return _field_count_problem(line, cells, self.width, at_end)

    def _unparsable(self, error: csv.Error) -> Problem:
        return Problem(self.reader.line_num, None, f"无法解析（文件可能被截断）：{error}")

    def rows(self) -> Iterator[tuple[int, list[Any]]]:
        reader = self.reader
        try:
            for cells in reader:
                line = reader.line_num
                if _blank(cells):
                    continue
                if len(cells) != self.width:
                    self.problems.append(self._wrong_width(line, cells))
                    continue
                yield line, cells
        except csv.Error as error:
            self.problems.append(self._unparsable(error))

    def columns(self) -> Columns:
        reader, width = self.reader, self.width
        if reader.line_num == 1 and not any(mark in self.text for mark in _CSV_SPECIAL):
            regular = _regular_csv_columns(self.text, width, self.truncated)
            if regular is not None:
                return regular
        kept: list[list[str]] = []
        lines: list[int] = []
        found: list[tuple[int, Problem]] = []
        keep = kept.append
        line_of = lines.append
        try:
            for cells in reader:
                if len(cells) == width:
                    keep(cells)
                    line_of(reader.line_num)
                    continue
                if _blank(cells):
                    continue
                found.append((len(kept), self._wrong_width(reader.line_num, cells)))
        except csv.Error as error:
            found.append((len(kept), self._unparsable(error)))
        arrays = [pa.array(column, pa.string()) for column in zip(*kept, strict=True)]
        if not kept:
            arrays = [pa.array([], pa.string()) for _ in range(width)]
        return _without_blank_rows(arrays, np.array(lines, dtype=np.int64), found)


def read_csv(data: bytes) -> Table:
    problems: list[Problem] = []
    text = _decoded(data)
    if text is None:
        problems.append(Problem(None, None, "文件编码无法识别：CSV 文件须为 UTF-8 或 GBK 编码"))
        return Table("csv", [], iter(()), problems)
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader, [])
    except csv.Error as error:
        problems.append(Problem(1, None, f"表头无法解析：{error}"))
        return Table("csv", [], iter(()), problems)
    header = [cell.strip() for cell in header]
    if _blank(header):
        problems.append(Problem(None, None, "文件为空：没有表头和数据行"))
        return Table("csv", [], iter(()), problems)
    body = _CsvBody(reader, text, len(header), problems)
    return Table("csv", header, body.rows(), problems, body.columns)


def read_xlsx(data: bytes) -> Table:
    import openpyxl

    problems: list[Problem] = []
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        problems.append(
            Problem(None, None, f"Excel 文件无法读取（文件可能已损坏或被截断）：{error}")
        )
        return Table("xlsx", [], iter(()), problems)
    sheet = workbook.worksheets[0]
    iterator = sheet.iter_rows(values_only=True)
    first = next(iterator, None)
    if first is None or _blank(list(first)):
        problems.append(Problem(None, None, "文件为空：没有表头和数据行"))
        workbook.close()
        return Table("xlsx", [], iter(()), problems)
    header = [("" if cell is None else str(cell)).strip() for cell in first]
    while header and header[-1] == "":
        header.pop()

    def rows() -> Iterator[tuple[int, list[Any]]]:
        try:
            for number, values in enumerate(iterator, start=2):
                cells = list(values)
                extra = cells[len(header) :]
                cells = cells[: len(header)] + [None] * (len(header) - len(cells))
                if _blank(cells) and _blank(extra):
                    continue
                if not _blank(extra):
                    problems.append(
                        Problem(number, None, f"本行超出表头的 {len(header)} 列还有数据")
                    )
                    continue
                yield number, cells
        finally:
            workbook.close()

    return Table("xlsx", header, rows(), problems)


def read_parquet(data: bytes) -> Table:
    import pyarrow as pa
    import pyarrow.parquet as pq

    problems: list[Problem] = []
    try:
        parquet = pq.ParquetFile(pa.BufferReader(data))
    except (pa.ArrowException, OSError) as error:
        problems.append(
            Problem(None, None, f"Parquet 文件无法读取（文件可能已损坏或被截断）：{error}")
        )
        return Table("parquet", [], iter(()), problems)
    header = list(parquet.schema_arrow.names)
    if not header:
        problems.append(Problem(None, None, "文件为空：没有表头和数据行"))
        return Table("parquet", [], iter(()), problems)

    def rows() -> Iterator[tuple[int, list[Any]]]:
        number = 0
        try:
            for batch in parquet.iter_batches(batch_size=65_536):
                columns = [batch.column(i).to_pylist() for i in range(batch.num_columns)]
                for cells in zip(*columns, strict=True):
                    number += 1
                    yield number, list(cells)
        except (pa.ArrowException, OSError) as error:
            problems.append(Problem(None, None, f"Parquet 数据无法读取（文件可能被截断）：{error}"))

    def columns() -> Columns:
        batches: list[pa.RecordBatch] = []
        found: list[tuple[int, Problem]] = []
        count = 0
        try:
            for batch in parquet.iter_batches(batch_size=65_536):
                batches.append(batch)
                count += batch.num_rows
        except (pa.ArrowException, OSError) as error:
            found.append(
                (count, Problem(None, None, f"Parquet 数据无法读取（文件可能被截断）：{error}"))
            )
        schema = parquet.schema_arrow
        arrays = [
            pa.chunked_array(
                [batch.column(i) for batch in batches], schema.field(i).type
            ).combine_chunks()
            for i in range(len(header))
        ]
        return Columns(arrays, np.arange(1, count + 1, dtype=np.int64), found)

    return Table("parquet", header, rows(), problems, columns)


def read_table(data: bytes, filename: str) -> Table:
    """Open `data` by its file name's extension (or its first bytes)."""
    if not data:
        return Table("", [], iter(()), [Problem(None, None, "文件为空：0 字节")])
    kind = detect_format(filename, data[:4])
    if kind == "csv":
        return read_csv(data)
    if kind == "xlsx":
        return read_xlsx(data)
    if kind == "parquet":
        return read_parquet(data)
    return Table(
        "",
        [],
        iter(()),
        [
            Problem(
                None, None, "不支持的文件格式：只接受 CSV（UTF-8 或 GBK）、Excel（.xlsx）和 Parquet"
            )
        ],
    )
