"""A whole population as engine input: a `doudi synth` snapshot read into `evaluate_batch` arrays.

`read_population(directory)` reads `persons.parquet` and `households.parquet` (docs/synth.md) with
pyarrow — only the columns the rules need, and only the row groups whose county can match
`region_prefix` (the files keep min/max statistics on `county_code` and never mix counties in a
row group) — and maps them onto the input variables of `doudi.policy.variables.inputs`. The
mapping column by column, and what the snapshot lacks (tekun supporters, care levels, orphans,
expenses, phase-out history), is in docs/policy.md ("Simulation"). In short: stable wages are
`income_wage`, unstable ones `income_wage_unstable`; pensions up to 280 yuan are the basic
pension (excluded while `dibao.exclude_basic_pension`), higher ones employee pensions; business
and other income are `income_business` and `income_other`; a person counts only in the months they
exist (born, not yet dead).

Pure: numpy and pyarrow only (no Django).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from numpy.typing import NDArray

from doudi.policy import codes
from doudi.policy.money import FEN_LIMIT

PERSONS_FILE = "persons.parquet"
HOUSEHOLDS_FILE = "households.parquet"

# The synth file does not say which pension a person draws. Its generator draws the 城乡居民 basic
# pension uniformly from 160–280 yuan and employee pensions log-normally around 2,200–3,000 yuan
# (never below ≈ 450), so 280 yuan separates them. A real caseload must label the kind instead.
BASIC_PENSION_MAX_FEN = 28_000

HOUSEHOLD_COLUMNS = (
    "household_id",
    "county_code",
    "financial_assets_fen",
    "vehicles",
    "real_estate_count",
    "business_registrations",
)
PERSON_COLUMNS = (
    "household_id",
    "birth_date",
    "relation",
    "counted",
    "disability_type",
    "disability_grade",
    "schooling",
    "serious_illness",
    "wage_monthly_fen",
    "wage_stable",
    "business_monthly_fen",
    "pension_monthly_fen",
    "other_income_monthly_fen",
)
OPTIONAL_PERSON_COLUMNS = ("labour_capacity", "date_of_death")
_PERSON_CATEGORIES = ["relation", "disability_type", "schooling"]
_PREFIX = re.compile(r"^\d{0,12}$")
_COUNTY = re.compile(r"^35\d{4}$")


class PopulationError(ValueError):
    """The snapshot cannot be read; `problems` lists every problem found (Chinese)."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("；".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Population:
    """Households and persons as engine input arrays (persons grouped by household, heads marked).

    `persons` and `households` hold the input variables of `doudi.policy.variables.inputs`, except
    that `counted` is the snapshot's flag: `inputs(month)` also drops persons not yet born or
    already dead in that month. `county` is the 6-digit county code of each household (int64).
    """

    persons: Mapping[str, NDArray[Any]]
    households: Mapping[str, NDArray[Any]]
    household_of_person: NDArray[np.int64]
    is_head: NDArray[np.bool_]
    date_of_death: NDArray[np.datetime64]
    source: str = ""
    metadata: Mapping[str, str] = field(default_factory=dict)

    @property
    def household_count(self) -> int:
        return len(self.households["region"])

    @property
    def person_count(self) -> int:
        return len(self.household_of_person)

    @property
    def county(self) -> NDArray[np.int64]:
        return self.households["region"]

    def present_in(self, month: str) -> NDArray[np.bool_]:
        """Persons who exist in `month`: born by its last day, not dead before its first day."""
        first = np.datetime64(f"{month}-01", "D")
        last = (np.datetime64(month, "M") + 1).astype("datetime64[D]") - 1
        born = self.persons["birth_date"] <= last
        alive = np.isnat(self.date_of_death) | (self.date_of_death >= first)
        return born & alive

    def inputs(self, month: str) -> tuple[dict[str, NDArray[Any]], dict[str, NDArray[Any]]]:
        """(persons, households) input arrays for `evaluate_batch` in `month` ('YYYY-MM')."""
        persons = dict(self.persons)
        persons["counted"] = self.persons["counted"] & self.present_in(month)
        return persons, dict(self.households)


def read_population(
    directory: str | Path,
    *,
    region_prefix: str = "",
    lone_persons_unsupported: bool = False,
) -> Population:
    """Read a `doudi synth` snapshot (persons.parquet + households.parquet) for the engine.

    Args:
        directory: the snapshot directory.
        region_prefix: keep only households whose village code starts with these digits ("3501"
            a city, "350112" a county, "350112001" a township); "" keeps everything.
        lone_persons_unsupported: treat the counted member of a one-person household as having no
            supporter able to support them (`supporters_unable`), a rough proxy that lets tekun
            be simulated; off by default, when nobody can be tekun (the snapshot has no such fact).

    Returns:
        The `Population`.

    Raises:
        PopulationError: missing files or columns, inconsistent households, bad codes (all listed).
    """
    root = Path(directory)
    household_file, person_file, household_columns, person_columns = _open_snapshot(
        root, region_prefix
    )
    groups = _row_groups(household_file, region_prefix)
    households = household_file.read_row_groups(groups, columns=household_columns)
    persons = person_file.read_row_groups(groups, columns=person_columns)
    metadata = {
        key.decode(): value.decode()
        for key, value in (person_file.schema_arrow.metadata or {}).items()
        if key.startswith(b"doudi.")
    }
    return population_from_tables(
        households,
        persons,
        region_prefix=region_prefix,
        lone_persons_unsupported=lone_persons_unsupported,
        source=str(root),
        metadata=metadata,
    )


def _open_snapshot(
    root: Path, region_prefix: str
) -> tuple[pq.ParquetFile, pq.ParquetFile, list[str], list[str]]:
    """The households and persons files, checked (files, columns, same generation), and the
    columns to read from each.

    Raises:
        PopulationError: every problem found.
    """
    problems = []
    if not _PREFIX.match(region_prefix):
        problems.append(f"地区前缀应为最多 12 位数字：{region_prefix!r}")
    paths = {name: root / name for name in (HOUSEHOLDS_FILE, PERSONS_FILE)}
    for path in paths.values():
        if not path.is_file():
            problems.append(f"缺少文件 {path}")
    if problems:
        raise PopulationError(problems)
    needs_village = len(region_prefix) > 6
    household_columns = [*HOUSEHOLD_COLUMNS, *(["village_code"] if needs_village else [])]
    try:
        names = {name: set(pq.read_schema(path).names) for name, path in paths.items()}
    except (OSError, pa.ArrowException) as error:
        raise PopulationError([f"无法读取 Parquet 文件：{error}"]) from error
    for name, columns in ((HOUSEHOLDS_FILE, household_columns), (PERSONS_FILE, PERSON_COLUMNS)):
        problems += [f"{name} 缺少列 {column}" for column in columns if column not in names[name]]
    if problems:
        raise PopulationError(problems)
    household_file = pq.ParquetFile(
        paths[HOUSEHOLDS_FILE],
        read_dictionary=[c for c in ("county_code", "village_code") if c in names[HOUSEHOLDS_FILE]],
    )
    person_file = pq.ParquetFile(paths[PERSONS_FILE], read_dictionary=_PERSON_CATEGORIES)
    if household_file.metadata.num_row_groups != person_file.metadata.num_row_groups:
        raise PopulationError(
            ["persons.parquet 与 households.parquet 的行组数不同，不是同一次生成的数据"]
        )
    optional = [c for c in OPTIONAL_PERSON_COLUMNS if c in names[PERSONS_FILE]]
    return household_file, person_file, household_columns, [*PERSON_COLUMNS, *optional]


def population_from_tables(
    households: pa.Table,
    persons: pa.Table,
    *,
    region_prefix: str = "",
    lone_persons_unsupported: bool = False,
    source: str = "",
    metadata: Mapping[str, str] | None = None,
) -> Population:
    """The same mapping on in-memory tables in the synth schemas (e.g. `generate_tables`)."""
    problems = _missing_columns(households, persons)
    if problems:
        raise PopulationError(problems)
    if region_prefix:
        column = "village_code" if len(region_prefix) > 6 else "county_code"
        if column not in households.column_names:
            raise PopulationError([f"{HOUSEHOLDS_FILE} 缺少列 {column}"])
        households = households.filter(pa.array(_prefixed(households[column], region_prefix)))
    household_ids = _ints(households["household_id"])
    person_household_ids = _ints(persons["household_id"])
    order_problems = _check_order(household_ids, person_household_ids)
    if order_problems:
        raise PopulationError(order_problems)
    if region_prefix:
        keep_persons = _persons_of_kept_households(household_ids, person_household_ids)
        persons = persons.filter(pa.array(keep_persons))
        person_household_ids = person_household_ids[keep_persons]
    household_of_person, problems = _household_index(household_ids, person_household_ids)
    county_values, county_indices = _categories(households["county_code"])
    bad = sorted(str(code) for code in county_values if not _COUNTY.match(str(code)))
    if bad:
        problems.append(f"county_code 不是福建省县级代码：{'、'.join(bad[:5])}")
    if problems:
        raise PopulationError(problems)
    county = np.array([*map(int, county_values), 0], dtype=np.int64)[county_indices]
    is_head = _coded(persons["relation"], {r: r == "head" for r in codes.RELATIONS}, "relation")
    person_arrays = _person_inputs(persons)
    if lone_persons_unsupported:
        size = np.bincount(household_of_person, minlength=len(household_ids))
        person_arrays["supporters_unable"] = size[household_of_person] == 1
    household_arrays = _household_inputs(households, county)
    problems = _amounts_out_of_range({**person_arrays, **household_arrays})
    if problems:
        raise PopulationError(problems)
    return Population(
        persons=_narrow(person_arrays),
        households=_narrow(household_arrays),
        household_of_person=household_of_person,
        is_head=is_head.astype(bool),
        date_of_death=_dates(persons["date_of_death"], len(persons))
        if "date_of_death" in persons.column_names
        else np.full(len(persons), np.datetime64("NaT"), dtype="datetime64[D]"),
        source=source,
        metadata=dict(metadata or {}),
    )


def _missing_columns(households: pa.Table, persons: pa.Table) -> list[str]:
    return [
        f"{file_name} 缺少列 {column}"
        for file_name, table, columns in (
            (HOUSEHOLDS_FILE, households, HOUSEHOLD_COLUMNS),
            (PERSONS_FILE, persons, PERSON_COLUMNS),
        )
        for column in columns
        if column not in table.column_names
    ]


def _persons_of_kept_households(
    household_ids: NDArray[np.int64], person_household_ids: NDArray[np.int64]
) -> NDArray[np.bool_]:
    """Which persons belong to a household kept by the region filter (both sorted by id)."""
    if not len(household_ids):
        return np.zeros(len(person_household_ids), dtype=bool)
    position = np.searchsorted(household_ids, person_household_ids)
    position = np.minimum(position, len(household_ids) - 1)
    return household_ids[position] == person_household_ids


def _household_inputs(households: pa.Table, county: NDArray[np.int64]) -> dict[str, NDArray[Any]]:
    return {
        "region": county,
        "financial_assets": _ints(households["financial_assets_fen"]),
        "vehicles": _ints(households["vehicles"]),
        "real_estate": _ints(households["real_estate_count"]),
        "business_registrations": _ints(households["business_registrations"]),
    }


def _amounts_out_of_range(arrays: Mapping[str, NDArray[Any]]) -> list[str]:
    """The integer inputs with a negative value or one the engine's int32 fen cannot hold."""
    return [
        f"{name} 有负数或超过 {FEN_LIMIT // 100:,} 元（{FEN_LIMIT:,} 分）的取值"
        for name, values in arrays.items()
        if values.dtype == np.int64
        and len(values)
        and not 0 <= values.min() <= values.max() <= FEN_LIMIT
    ]


def _narrow(arrays: dict[str, NDArray[Any]]) -> dict[str, NDArray[Any]]:
    """int64 → int32, the engine's own integer type (values were checked against FEN_LIMIT), so
    that the engine takes the arrays without copying them."""
    return {
        name: values.astype(np.int32) if values.dtype == np.int64 else values
        for name, values in arrays.items()
    }


def _person_inputs(persons: pa.Table) -> dict[str, NDArray[Any]]:
    wage = _ints(persons["wage_monthly_fen"])
    stable = _bools(persons["wage_stable"])
    pension = _ints(persons["pension_monthly_fen"])
    basic = pension <= BASIC_PENSION_MAX_FEN
    disability_type = _coded(persons["disability_type"], codes.DISABILITY_TYPES, "disability_type")
    arrays: dict[str, NDArray[Any]] = {
        "birth_date": _dates(persons["birth_date"], len(persons)),
        "counted": _bools(persons["counted"]),
        "schooling": _coded(persons["schooling"], {**codes.SCHOOLING, "preschool": 0}, "schooling"),
        "disability_type": disability_type,
        "disability_grade": np.where(
            disability_type > 0, _ints(persons["disability_grade"], fill=0), 0
        ),
        "serious_illness": _bools(persons["serious_illness"]),
        "income_wage": np.where(stable, wage, 0),
        "income_wage_unstable": np.where(stable, 0, wage),
        "unstable_work": ~stable & (wage > 0),
        "income_business": _ints(persons["business_monthly_fen"]),
        "income_pension": np.where(basic, 0, pension),
        "income_basic_pension": np.where(basic, pension, 0),
        "income_other": _ints(persons["other_income_monthly_fen"]),
    }
    if "labour_capacity" in persons.column_names:
        arrays["labour_capacity"] = _bools(persons["labour_capacity"])
    return arrays


def _row_groups(file: pq.ParquetFile, region_prefix: str) -> list[int]:
    """Row groups that may hold households of the region, from the county_code statistics."""
    groups = list(range(file.metadata.num_row_groups))
    county = region_prefix[:6]
    if not county:
        return groups
    index = file.schema_arrow.get_field_index("county_code")
    kept = []
    for group in groups:
        statistics = file.metadata.row_group(group).column(index).statistics
        if statistics is None or not statistics.has_min_max:
            kept.append(group)
            continue
        low, high = str(statistics.min)[: len(county)], str(statistics.max)[: len(county)]
        if low <= county <= high:
            kept.append(group)
    return kept


def _check_order(household_ids: NDArray[np.int64], person_ids: NDArray[np.int64]) -> list[str]:
    problems = []
    if len(household_ids) > 1 and not np.all(np.diff(household_ids) > 0):
        problems.append("households.parquet 的 household_id 应唯一并按升序排列")
    if len(person_ids) > 1 and not np.all(np.diff(person_ids) >= 0):
        problems.append("persons.parquet 中同一户的成员应连续，household_id 按升序排列")
    return problems


def _household_index(
    household_ids: NDArray[np.int64], person_household_ids: NDArray[np.int64]
) -> tuple[NDArray[np.int64], list[str]]:
    """Each person's household index (persons come in runs, households in the same order)."""
    starts = np.flatnonzero(np.diff(person_household_ids, prepend=np.int64(-1)) != 0)
    runs = person_household_ids[starts]
    if np.array_equal(runs, household_ids):
        sizes = np.diff(np.append(starts, len(person_household_ids)))
        return np.repeat(np.arange(len(household_ids), dtype=np.int64), sizes), []
    problems = []
    orphans = np.setdiff1d(runs, household_ids)
    if len(orphans):
        problems.append(
            f"{len(orphans):,} 个 household_id 在 persons.parquet 中出现，但 households.parquet 中没有"
            f"（如 {', '.join(map(str, orphans[:3]))}）"
        )
    empty = np.setdiff1d(household_ids, runs)
    if len(empty):
        problems.append(
            f"{len(empty):,} 户在 persons.parquet 中没有成员（如 {', '.join(map(str, empty[:3]))}）"
        )
    return np.empty(0, dtype=np.int64), problems


def _ints(column: pa.ChunkedArray | pa.Array, *, fill: int | None = None) -> NDArray[np.int64]:
    if fill is not None:
        column = pc.fill_null(column, fill)
    return np.asarray(column.to_numpy(), dtype=np.int64)


def _bools(column: pa.ChunkedArray | pa.Array) -> NDArray[np.bool_]:
    return np.asarray(pc.fill_null(column, False).to_numpy(), dtype=bool)


def _dates(column: pa.ChunkedArray | pa.Array, length: int) -> NDArray[np.datetime64]:
    if length == 0:
        return np.empty(0, dtype="datetime64[D]")
    values = pc.cast(column, pa.date32()).to_numpy()
    return np.asarray(values, dtype="datetime64[D]")


def _categories(column: pa.ChunkedArray | pa.Array) -> tuple[list[Any], NDArray[np.int64]]:
    """(distinct values, index of each row's value; null → len(values)) of a string column."""
    if isinstance(column, pa.Array):
        column = pa.chunked_array([column])
    if not pa.types.is_dictionary(column.type):
        column = pc.dictionary_encode(column)
    column = column.unify_dictionaries()
    if column.num_chunks == 0:
        return [], np.empty(0, dtype=np.int64)
    values = column.chunks[0].dictionary.to_pylist()
    indices = [
        np.asarray(pc.fill_null(chunk.indices, len(values)).to_numpy(), dtype=np.int64)
        for chunk in column.chunks
    ]
    return values, np.concatenate(indices)


def _coded(column: pa.ChunkedArray, mapping: Mapping[str, int], name: str) -> NDArray[np.int64]:
    """Category strings to engine codes (null → 0); an unknown value is an error."""
    values, indices = _categories(column)
    unknown = sorted(str(value) for value in values if value not in mapping)
    if unknown:
        raise PopulationError([f"{name} 有未知取值：{'、'.join(unknown)}"])
    table = np.array([mapping[value] for value in values] + [0], dtype=np.int64)
    return table[indices]


def _prefixed(column: pa.ChunkedArray, prefix: str) -> NDArray[np.bool_]:
    """Rows whose code starts with `prefix` (decided once per distinct code)."""
    values, indices = _categories(column)
    table = np.array([str(value).startswith(prefix) for value in values] + [False], dtype=bool)
    return table[indices]
