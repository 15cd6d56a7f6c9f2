from __future__ import annotations

import importlib.util
import threading
from collections import Counter
from datetime import date
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest
from stdnum import luhn
from stdnum.cn import ric

from doudi.synth.generator import (
    HOUSEHOLD_SCHEMA,
    PERSON_SCHEMA,
    REFERENCE_DATE,
    RETIRED_PREDECESSORS,
    IdAllocator,
    SynthConfig,
    SynthError,
    days_from_civil,
    generate_tables,
    split_persons,
    write_parquet,
)
from doudi.synth.villages import fujian_counties

COUNTIES = ("350112", "350102", "350404")
ROOT = Path(__file__).resolve().parents[3]
ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]


@pytest.fixture(scope="module")
def tables() -> tuple[pa.Table, pa.Table]:
    return generate_tables(SynthConfig(counties=COUNTIES, persons=4000, seed=7))


@pytest.fixture(scope="module")
def persons(tables: tuple[pa.Table, pa.Table]) -> list[dict]:
    return tables[1].to_pylist()


@pytest.fixture(scope="module")
def households(tables: tuple[pa.Table, pa.Table]) -> list[dict]:
    return tables[0].to_pylist()


def _check_char(number: str) -> str:
    total = sum(int(d) * w for d, w in zip(number[:17], ID_WEIGHTS, strict=True))
    return "10X98765432"[total % 11]


def _age(birth: date) -> int:
    ref = REFERENCE_DATE
    return ref.year - birth.year - ((birth.month, birth.day) > (ref.month, ref.day))


def test_it_writes_exactly_the_requested_number_of_persons(
    tables: tuple[pa.Table, pa.Table],
) -> None:
    households, persons = tables
    assert persons.num_rows == 4000
    assert pc.sum(households["size"]).as_py() == 4000
    assert persons.schema == PERSON_SCHEMA
    assert households.schema == HOUSEHOLD_SCHEMA


def test_it_splits_persons_across_counties_by_population_weight() -> None:
    split = split_persons(("350582", "350429"), 10_000)  # 晋江市 (≈2M residents) and 泰宁县 (≈0.1M)
    assert sum(split) == 10_000
    assert split[0] > 4 * split[1]
    assert split_persons(("350112",), 7) == [7]


def test_it_gives_every_id_number_a_valid_check_character(persons: list[dict]) -> None:
    numbers = [p["id_number"] for p in persons]
    assert all(len(n) == 18 and n[:17].isdigit() for n in numbers)
    assert [n[17] for n in numbers] == [_check_char(n) for n in numbers]
    for n in numbers[::97]:
        assert ric.calc_check_digit(n) == n[17]
    assert ric.calc_check_digit("11010519491231002X") == _check_char("11010519491231002X") == "X"


def test_it_matches_birth_date_and_sex_to_the_id_number(persons: list[dict]) -> None:
    for p in persons:
        number = p["id_number"]
        assert number[6:14] == p["birth_date"].strftime("%Y%m%d")
        assert p["sex"] == ("M" if int(number[16]) % 2 == 1 else "F")
        assert number[14:17] != "000"
        assert date(1900, 1, 1) <= p["birth_date"] <= REFERENCE_DATE


def test_it_uses_the_hukou_county_or_its_retired_predecessor_as_address_code(
    persons: list[dict],
) -> None:
    seen: Counter[str] = Counter()
    for p in persons:
        county = p["hukou_region_code"][:6]
        code = p["id_number"][:6]
        predecessors, until = RETIRED_PREDECESSORS.get(county, ((), 0))
        assert code == county or (code in predecessors and p["birth_date"].year < until)
        seen[code] += 1
    assert {"350402", "350403", "350182"} <= set(seen)  # realistic old numbers occur
    old_share = (seen["350402"] + seen["350403"]) / (
        seen["350402"] + seen["350403"] + seen["350404"]
    )
    assert 0.45 < old_share < 0.70


def test_it_makes_id_numbers_person_ids_phones_and_cards_unique(
    tables: tuple[pa.Table, pa.Table],
) -> None:
    households, persons = tables
    n = persons.num_rows
    assert pc.count_distinct(persons["id_number"]).as_py() == n
    assert persons["person_id"].to_pylist() == list(range(1, n + 1))
    assert households["household_id"].to_pylist() == list(range(1, households.num_rows + 1))
    phones = persons["phone"].drop_null()
    cards = persons["bank_account"].drop_null()
    assert pc.count_distinct(phones).as_py() == len(phones)
    assert pc.count_distinct(cards).as_py() == len(cards)


def test_it_keeps_id_numbers_unique_when_a_birth_date_slot_overflows() -> None:
    allocator = IdAllocator(seed=7)
    day = days_from_civil(1990, 5, 17)
    days = np.full(1200, day, dtype=np.int64)
    male = np.ones(1200, dtype=bool)
    seq = allocator.allocate(350112, days, male)
    keys = days * 1000 + seq  # the vectorised uniqueness check also used for 40M rows
    assert np.unique(keys).size == 1200
    assert np.all(seq % 2 == 1)
    assert np.all((seq >= 1) & (seq <= 999))
    assert Counter(days.tolist()) == {day: 500, day - 1: 500, day - 2: 200}
    assert allocator.shifted == 700 + 200
    more = np.full(10, day - 2, dtype=np.int64)
    seq2 = allocator.allocate(
        350112, more, np.ones(10, dtype=bool)
    )  # a later block continues the count
    assert np.intersect1d(seq2, seq[days == day - 2]).size == 0
    women = np.full(499, day, dtype=np.int64)
    seq_f = allocator.allocate(350112, women, np.zeros(499, dtype=bool))
    assert sorted(seq_f.tolist()) == list(range(2, 1000, 2))  # 499 even codes, 000 never used


def test_it_gives_every_household_exactly_one_head_and_the_right_size(
    households: list[dict], persons: list[dict]
) -> None:
    heads = Counter(p["household_id"] for p in persons if p["relation"] == "head")
    members = Counter(p["household_id"] for p in persons)
    assert all(heads[h["household_id"]] == 1 for h in households)
    assert all(members[h["household_id"]] == h["size"] for h in households)
    firsts = {}
    for p in persons:
        firsts.setdefault(p["household_id"], p["relation"])
    assert set(firsts.values()) == {"head"}  # the head is the household's first row


def test_it_keeps_relations_consistent_with_ages(persons: list[dict]) -> None:
    head_age = {
        p["household_id"]: _age(p["birth_date"]) for p in persons if p["relation"] == "head"
    }
    for p in persons:
        gap = head_age[p["household_id"]] - _age(p["birth_date"])
        match p["relation"]:
            case "child":
                assert gap >= 20
            case "grandchild":
                assert gap >= 40
            case "parent":
                assert gap <= -18
            case "grandparent":
                assert gap <= -38
            case "spouse" | "child_in_law":
                assert _age(p["birth_date"]) >= 20


def test_it_places_households_in_real_townships_of_the_requested_counties(
    households: list[dict],
) -> None:
    counties = fujian_counties()
    for h in households:
        county = counties[h["county_code"]]
        township = next(t for t in county.townships if t.code == h["township_code"])
        village = next(v for v in township.villages if v.code == h["village_code"])
        assert h["county_code"] in COUNTIES
        assert len(h["village_code"]) == 12
        assert h["village_code"].startswith(h["township_code"])
        assert h["village_name"] == village.name
        assert h["village_name"].endswith("社区" if village.urban else "村")
        assert h["area_type"] == ("urban" if village.urban else "rural")
        assert h["address"].startswith(county.name + township.name + village.name)
        assert h["address"].endswith("号")
        assert h["village_is_synthetic"] is True


def test_it_creates_8_to_25_villages_for_ordinary_townships() -> None:
    for county in fujian_counties().values():
        for township in county.townships:
            codes = [v.code for v in township.villages]
            assert len(set(codes)) == len(codes)
            assert len({v.name for v in township.villages}) == len(codes)
            if township.kind != "other":
                assert 8 <= len(codes) <= 25


def test_it_fills_person_columns_with_allowed_values(persons: list[dict]) -> None:
    for p in persons:
        age = _age(p["birth_date"])
        assert (p["exclusion_reason"] is None) == p["counted"]
        assert p["hukou_region_code"][:6] in COUNTIES
        assert len(p["residence_region_code"]) == 12
        assert p["phone"] is None or (len(p["phone"]) == 11 and p["phone"].startswith("100"))
        card = p["bank_account"]
        assert card is None or (
            len(card) == 19 and card.startswith("999999") and luhn.is_valid(card)
        )
        assert (p["disability_type"] is None) == (p["disability_grade"] is None)
        assert p["disability_grade"] is None or 1 <= p["disability_grade"] <= 4
        assert 2 <= len(p["name"]) <= 3
        if age < 16:
            assert p["labour_capacity"] is False
            assert p["wage_monthly_fen"] == 0
        if 6 <= age <= 14:
            assert p["schooling"] == "compulsory"
        if p["schooling"] == "compulsory":
            assert 6 <= age <= 15
        if p["schooling"] in ("high_school", "secondary_vocational"):
            assert 15 <= age <= 18
        assert (p["vital_status"] == "deceased") == (p["date_of_death"] is not None)
        assert p["wage_stable"] is False or p["wage_monthly_fen"] > 0


def test_it_marks_about_four_percent_of_households_as_hardship_with_low_income() -> None:
    households, persons = generate_tables(
        SynthConfig(counties=("350112", "350623"), persons=30_000)
    )
    hardship = households["hardship"].to_numpy(zero_copy_only=False)
    assert 0.03 < hardship.mean() < 0.05
    hid = persons["household_id"].to_numpy() - 1
    counted = persons["counted"].to_numpy(zero_copy_only=False)
    income = sum(
        persons[c].to_numpy()
        for c in (
            "wage_monthly_fen",
            "business_monthly_fen",
            "pension_monthly_fen",
            "other_income_monthly_fen",
        )
    )
    per_capita = np.bincount(hid, weights=income * counted) / np.bincount(hid, weights=counted)
    assert per_capita[hardship].max() < 90_000  # below 900 yuan a month
    assert np.median(per_capita[~hardship]) > 150_000
    assert households["vehicles"].to_numpy()[hardship].mean() < 0.1


def test_it_is_deterministic_for_a_seed(tables: tuple[pa.Table, pa.Table]) -> None:
    again = generate_tables(SynthConfig(counties=COUNTIES, persons=4000, seed=7))
    other = generate_tables(SynthConfig(counties=COUNTIES, persons=4000, seed=8))
    assert again[0].equals(tables[0])
    assert again[1].equals(tables[1])
    assert not other[1].equals(tables[1])
    assert other[1]["id_number"].to_pylist() != tables[1]["id_number"].to_pylist()


def test_it_writes_the_same_rows_whatever_the_chunk_size(
    tmp_path: Path, tables: tuple[pa.Table, pa.Table]
) -> None:
    small = write_parquet(
        SynthConfig(counties=COUNTIES, persons=4000, seed=7, chunk_households=1), tmp_path / "a"
    )
    large = write_parquet(
        SynthConfig(counties=COUNTIES, persons=4000, seed=7), tmp_path / "b", workers=3
    )
    assert (small.persons, small.households) == (4000, tables[0].num_rows)
    for result in (small, large):
        assert pq.read_table(result.persons_path).equals(tables[1])
        assert pq.read_table(result.households_path).equals(tables[0])
    again = write_parquet(
        SynthConfig(counties=COUNTIES, persons=4000, seed=7), tmp_path / "c", workers=1
    )
    assert again.persons_path.read_bytes() == large.persons_path.read_bytes()
    assert again.households_path.read_bytes() == large.households_path.read_bytes()
    metadata = pq.read_metadata(large.persons_path).metadata
    assert metadata[b"doudi.synth.seed"] == b"7"
    assert metadata[b"doudi.synth.counties"] == b"350112,350102,350404"
    persons_file, households_file = (
        pq.ParquetFile(small.persons_path),
        pq.ParquetFile(small.households_path),
    )
    assert (
        persons_file.num_row_groups == households_file.num_row_groups == 3
    )  # one block per county
    for i in range(3):  # row group i of both files covers the same households
        ids = persons_file.read_row_group(i, columns=["household_id"])["household_id"]
        hids = households_file.read_row_group(i, columns=["household_id"])["household_id"]
        assert pc.unique(ids).to_pylist() == hids.to_pylist()
    assert sorted(p.name for p in (tmp_path / "a").iterdir()) == [
        "households.parquet",
        "persons.parquet",
    ]


def test_it_rejects_unknown_non_fujian_and_bad_arguments() -> None:
    with pytest.raises(SynthError, match="未知的县级区划代码：350199"):
        SynthConfig(counties=("350112", "350199"), persons=10)
    with pytest.raises(SynthError, match="110101（东城区）不是福建省"):
        SynthConfig(counties=("110101",), persons=10)
    with pytest.raises(SynthError, match="金门县"):
        SynthConfig(counties=("350527",), persons=10)
    with pytest.raises(SynthError, match="人数必须至少为 1"):
        SynthConfig(counties=("350112",), persons=0)
    assert SynthConfig(counties=("350112", "350112"), persons=1).counties == ("350112",)


def test_it_runs_the_benchmark_script_at_tiny_scale(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = importlib.util.spec_from_file_location("bench_synth", ROOT / "bench" / "synth.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    results = tmp_path / "RESULTS.md"
    figures = module.main(["--persons", "3000", "--counties", "350112", "--results", str(results)])
    out = capsys.readouterr().out
    assert figures["persons"] == 3000
    assert figures["persons_per_second"] > 0
    assert "persons/s" in out
    assert "MB written" in out
    assert "| synth (Parquet, zstd) | 3,000 persons, 1 counties |" in results.read_text(
        encoding="utf-8"
    )


def test_it_writes_identical_files_with_one_or_several_generator_threads(tmp_path: Path) -> None:
    config = SynthConfig(counties=("350102",), persons=100_000, seed=11)  # 3 blocks of households
    one = write_parquet(config, tmp_path / "one", workers=1)
    three = write_parquet(config, tmp_path / "three", workers=3)
    assert one.households > 2 * 16_384
    assert one.persons_path.read_bytes() == three.persons_path.read_bytes()
    assert one.households_path.read_bytes() == three.households_path.read_bytes()


def test_it_handles_fewer_persons_than_counties() -> None:
    households, persons = generate_tables(
        SynthConfig(counties=("350112", "350102", "350404"), persons=2)
    )
    assert persons.num_rows == 2
    assert persons["relation"].to_pylist().count("head") == households.num_rows
    households, persons = generate_tables(SynthConfig(counties=("350429",), persons=1))
    assert (households.num_rows, persons.num_rows) == (1, 1)
    assert households["size"].to_pylist() == [1]


def test_a_failing_block_raises_its_own_error_not_that_an_earlier_block_gave_up(monkeypatch):
    # given: block 1 reaches its turn to allocate ID numbers only after block 2 has failed
    from doudi.synth import run

    failed = threading.Event()
    real_block = run._Run._persons_unguarded

    def block(self, plan):  # type: ignore[no-untyped-def]
        if plan.seq_no == 2:
            failed.set()
            raise RuntimeError("disk on fire")
        if plan.seq_no == 1:
            failed.wait(5)
        return real_block(self, plan)

    monkeypatch.setattr(run._Run, "_persons_unguarded", block)
    config = SynthConfig(counties=("350112", "350102", "350404"), persons=3000, seed=7)
    # when / then: the cause is raised, not the internal 'gave up' of block 1
    with pytest.raises(RuntimeError, match="disk on fire"):
        list(run.iter_blocks(config, workers=2))
