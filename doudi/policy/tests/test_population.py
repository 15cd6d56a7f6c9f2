"""Reading a synthetic population snapshot into engine input arrays (doudi.policy.population).

`snapshot_tables` / `write_snapshot` build tiny snapshots in the synth file layout; the
simulation, export, command and web tests use them too."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from doudi.policy.population import (
    BASIC_PENSION_MAX_FEN,
    Population,
    PopulationError,
    population_from_tables,
    read_population,
)
from doudi.synth.generator import SynthConfig, generate_tables

HOUSEHOLD_SCHEMA = pa.schema(
    [
        ("household_id", pa.int64()),
        ("county_code", pa.string()),
        ("township_code", pa.string()),
        ("village_code", pa.string()),
        ("financial_assets_fen", pa.int64()),
        ("vehicles", pa.int8()),
        ("real_estate_count", pa.int8()),
        ("business_registrations", pa.int8()),
    ]
)
PERSON_SCHEMA = pa.schema(
    [
        ("household_id", pa.int64()),
        ("birth_date", pa.date32()),
        ("relation", pa.string()),
        ("counted", pa.bool_()),
        ("disability_type", pa.string()),
        ("disability_grade", pa.int8()),
        ("labour_capacity", pa.bool_()),
        ("schooling", pa.string()),
        ("serious_illness", pa.bool_()),
        ("wage_monthly_fen", pa.int64()),
        ("wage_stable", pa.bool_()),
        ("business_monthly_fen", pa.int64()),
        ("pension_monthly_fen", pa.int64()),
        ("other_income_monthly_fen", pa.int64()),
        ("date_of_death", pa.date32()),
    ]
)
HOUSEHOLD_DEFAULTS = {
    "financial_assets_fen": 0,
    "vehicles": 0,
    "real_estate_count": 1,
    "business_registrations": 0,
}
PERSON_DEFAULTS = {
    "birth_date": "1980-01-01",
    "relation": "head",
    "counted": True,
    "disability_type": None,
    "disability_grade": None,
    "labour_capacity": True,
    "schooling": "none",
    "serious_illness": False,
    "wage_monthly_fen": 0,
    "wage_stable": False,
    "business_monthly_fen": 0,
    "pension_monthly_fen": 0,
    "other_income_monthly_fen": 0,
    "date_of_death": None,
}


def snapshot_tables(
    households: Sequence[dict[str, Any]], persons: Sequence[dict[str, Any]]
) -> tuple[pa.Table, pa.Table]:
    """Households and persons in the synth layout, with harmless defaults for unnamed columns."""
    household_rows = []
    for row in households:
        row = {**HOUSEHOLD_DEFAULTS, **row}
        row.setdefault("village_code", row["county_code"] + "001001")
        row.setdefault("township_code", row["village_code"][:9])
        household_rows.append(row)
    person_rows = []
    for row in persons:
        row = {**PERSON_DEFAULTS, **row}
        for key in ("birth_date", "date_of_death"):
            if row[key] is not None:
                row[key] = datetime.date.fromisoformat(row[key])
        person_rows.append(row)
    return (
        pa.Table.from_pylist(household_rows, schema=HOUSEHOLD_SCHEMA),
        pa.Table.from_pylist(person_rows, schema=PERSON_SCHEMA),
    )


def write_snapshot(
    directory: Path,
    households: Sequence[dict[str, Any]],
    persons: Sequence[dict[str, Any]],
    *,
    row_groups: Sequence[Sequence[int]] | None = None,
) -> Path:
    """Write the tables as a snapshot; `row_groups` lists the household ids of each row group."""
    household_table, person_table = snapshot_tables(households, persons)
    directory.mkdir(parents=True, exist_ok=True)
    groups = row_groups or [[row["household_id"] for row in households]]
    with (
        pq.ParquetWriter(directory / "households.parquet", HOUSEHOLD_SCHEMA) as household_writer,
        pq.ParquetWriter(directory / "persons.parquet", PERSON_SCHEMA) as person_writer,
    ):
        for ids in groups:
            wanted = pa.array(ids, pa.int64())
            household_writer.write_table(
                household_table.filter(pa.compute.is_in(household_table["household_id"], wanted))
            )
            person_writer.write_table(
                person_table.filter(pa.compute.is_in(person_table["household_id"], wanted))
            )
    return directory


def test_it_maps_every_synth_column_onto_the_engine_inputs():
    # given
    households, persons = snapshot_tables(
        [
            {
                "household_id": 10,
                "county_code": "350102",
                "financial_assets_fen": 123_456,
                "vehicles": 1,
                "real_estate_count": 2,
                "business_registrations": 1,
            }
        ],
        [
            {
                "household_id": 10,
                "wage_monthly_fen": 300_000,
                "wage_stable": True,
                "business_monthly_fen": 50_000,
                "other_income_monthly_fen": 7_000,
            },
            {
                "household_id": 10,
                "relation": "spouse",
                "wage_monthly_fen": 150_000,
                "wage_stable": False,
                "disability_type": "mental",
                "disability_grade": 3,
                "serious_illness": True,
                "labour_capacity": False,
            },
            {
                "household_id": 10,
                "relation": "parent",
                "pension_monthly_fen": BASIC_PENSION_MAX_FEN,
            },
            {"household_id": 10, "relation": "parent", "pension_monthly_fen": 250_000},
            {"household_id": 10, "relation": "child", "schooling": "preschool", "counted": False},
            {"household_id": 10, "relation": "child", "schooling": "undergraduate"},
        ],
    )

    # when
    population = population_from_tables(households, persons)

    # then
    p = population.persons
    assert population.household_count == 1
    assert population.person_count == 6
    assert population.household_of_person.tolist() == [0] * 6
    assert population.is_head.tolist() == [True, False, False, False, False, False]
    assert p["income_wage"].tolist() == [300_000, 0, 0, 0, 0, 0]
    assert p["income_wage_unstable"].tolist() == [0, 150_000, 0, 0, 0, 0]
    assert p["unstable_work"].tolist() == [False, True, False, False, False, False]
    assert p["income_business"].tolist() == [50_000, 0, 0, 0, 0, 0]
    assert p["income_other"].tolist() == [7_000, 0, 0, 0, 0, 0]
    assert p["income_basic_pension"].tolist() == [0, 0, 28_000, 0, 0, 0]
    assert p["income_pension"].tolist() == [0, 0, 0, 250_000, 0, 0]
    assert p["disability_type"].tolist() == [0, 6, 0, 0, 0, 0]
    assert p["disability_grade"].tolist() == [0, 3, 0, 0, 0, 0]
    assert p["serious_illness"].tolist() == [False, True, False, False, False, False]
    assert p["labour_capacity"].tolist() == [True, False, True, True, True, True]
    assert p["schooling"].tolist() == [0, 0, 0, 0, 0, 4]
    assert p["counted"].tolist() == [True, True, True, True, False, True]
    assert p["birth_date"].dtype == np.dtype("datetime64[D]")
    assert {name: values.tolist() for name, values in population.households.items()} == {
        "region": [350102],
        "financial_assets": [123_456],
        "vehicles": [1],
        "real_estate": [2],
        "business_registrations": [1],
    }


def test_persons_count_only_in_the_months_they_exist():
    # given: a baby born on 15 March 2023, a grandmother who died on 10 February 2023
    households, persons = snapshot_tables(
        [{"household_id": 1, "county_code": "350112"}],
        [
            {"household_id": 1},
            {"household_id": 1, "relation": "child", "birth_date": "2023-03-15"},
            {
                "household_id": 1,
                "relation": "parent",
                "birth_date": "1940-05-05",
                "date_of_death": "2023-02-10",
            },
        ],
    )
    population = population_from_tables(households, persons)

    # when
    counted = {
        month: population.inputs(month)[0]["counted"].tolist() for month in ("2023-02", "2023-03")
    }

    # then: in February the baby does not exist yet and the grandmother still does
    assert counted == {"2023-02": [True, False, True], "2023-03": [True, True, False]}


def test_it_reads_only_the_row_groups_and_households_of_the_region(tmp_path):
    # given: two counties in two row groups, two townships in 长乐区
    directory = write_snapshot(
        tmp_path / "snapshot",
        [
            {"household_id": 1, "county_code": "350112", "village_code": "350112001001"},
            {"household_id": 2, "county_code": "350112", "village_code": "350112002001"},
            {"household_id": 3, "county_code": "350203"},
        ],
        [
            {"household_id": 1},
            {"household_id": 1, "relation": "spouse"},
            {"household_id": 2},
            {"household_id": 3},
        ],
        row_groups=[[1, 2], [3]],
    )

    # when
    everyone = read_population(directory)
    county = read_population(directory, region_prefix="3501")
    township = read_population(directory, region_prefix="350112002")

    # then
    assert (everyone.household_count, everyone.person_count) == (3, 4)
    assert county.county.tolist() == [350112, 350112]
    assert county.household_of_person.tolist() == [0, 0, 1]
    assert (township.household_count, township.person_count) == (1, 1)
    assert township.county.tolist() == [350112]
    assert everyone.source == str(directory)


def test_it_lists_every_problem_of_a_snapshot_at_once(tmp_path):
    # given: one file missing a column, the other file absent
    households, _ = snapshot_tables([{"household_id": 1, "county_code": "350112"}], [])
    (tmp_path / "bad").mkdir()
    pq.write_table(households.drop(["vehicles"]), tmp_path / "bad" / "households.parquet")

    # when
    with pytest.raises(PopulationError) as missing_file:
        read_population(tmp_path / "bad")
    _, persons = snapshot_tables([], [{"household_id": 1}])
    pq.write_table(persons.drop(["counted", "schooling"]), tmp_path / "bad" / "persons.parquet")
    with pytest.raises(PopulationError) as missing_columns:
        read_population(tmp_path / "bad")

    # then
    assert missing_file.value.problems == [f"缺少文件 {tmp_path / 'bad' / 'persons.parquet'}"]
    assert missing_columns.value.problems == [
        "households.parquet 缺少列 vehicles",
        "persons.parquet 缺少列 counted",
        "persons.parquet 缺少列 schooling",
    ]


def test_it_refuses_households_without_persons_and_persons_without_households():
    # given
    households, persons = snapshot_tables(
        [
            {"household_id": 1, "county_code": "350112"},
            {"household_id": 2, "county_code": "350112"},
        ],
        [{"household_id": 1}, {"household_id": 9}],
    )

    # when
    with pytest.raises(PopulationError) as error:
        population_from_tables(households, persons)

    # then
    assert error.value.problems == [
        "1 个 household_id 在 persons.parquet 中出现，但 households.parquet 中没有（如 9）",
        "1 户在 persons.parquet 中没有成员（如 2）",
    ]


def test_it_refuses_unknown_categories_and_codes_outside_fujian():
    households, persons = snapshot_tables(
        [{"household_id": 1, "county_code": "110105"}], [{"household_id": 1}]
    )
    with pytest.raises(PopulationError) as county:
        population_from_tables(households, persons)
    households, persons = snapshot_tables(
        [{"household_id": 1, "county_code": "350112"}],
        [{"household_id": 1, "disability_type": "telepathic", "disability_grade": 1}],
    )
    with pytest.raises(PopulationError) as category:
        population_from_tables(households, persons)
    assert county.value.problems == ["county_code 不是福建省县级代码：110105"]
    assert category.value.problems == ["disability_type 有未知取值：telepathic"]


def test_it_reads_a_generated_population_without_losing_anyone_or_any_fen():
    # given
    households, persons = generate_tables(
        SynthConfig(counties=("350112", "350203"), persons=3_000, seed=11)
    )

    # when
    population = population_from_tables(households, persons)

    # then
    p = population.persons
    assert population.household_count == households.num_rows
    assert population.person_count == 3_000
    assert int(population.is_head.sum()) == households.num_rows
    assert np.array_equal(
        np.bincount(population.household_of_person), households["size"].to_numpy()
    )
    wages = int(pa.compute.sum(persons["wage_monthly_fen"]).as_py())
    pensions = int(pa.compute.sum(persons["pension_monthly_fen"]).as_py())
    assert int(p["income_wage"].sum() + p["income_wage_unstable"].sum()) == wages
    assert int(p["income_pension"].sum() + p["income_basic_pension"].sum()) == pensions
    assert sorted(set(population.county.tolist())) == [350112, 350203]
    assert isinstance(population, Population)


def test_the_lone_persons_proxy_marks_only_one_person_households():
    households, persons = snapshot_tables(
        [
            {"household_id": 1, "county_code": "350112"},
            {"household_id": 2, "county_code": "350112"},
        ],
        [{"household_id": 1}, {"household_id": 2}, {"household_id": 2, "relation": "spouse"}],
    )
    proxy = population_from_tables(households, persons, lone_persons_unsupported=True)
    default = population_from_tables(households, persons)
    assert proxy.persons["supporters_unable"].tolist() == [True, False, False]
    assert "supporters_unable" not in default.persons


def test_it_refuses_amounts_the_engine_cannot_hold():
    # given: OpenFisca keeps fen as int32; 20,000,000 yuan is the platform's limit
    households, persons = snapshot_tables(
        [{"household_id": 1, "county_code": "350112", "financial_assets_fen": 2_000_000_001}],
        [{"household_id": 1, "other_income_monthly_fen": -1}],
    )

    # when
    with pytest.raises(PopulationError) as error:
        population_from_tables(households, persons)

    # then
    assert error.value.problems == [
        "income_other 有负数或超过 20,000,000 元（2,000,000,000 分）的取值",
        "financial_assets 有负数或超过 20,000,000 元（2,000,000,000 分）的取值",
    ]
