from __future__ import annotations

import csv
import datetime as dt
from io import StringIO
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest
import time_machine
from django.core.management import call_command

from doudi.core import idcard
from doudi.core.tests.purity import django_modules_loaded_by
from doudi.exchange.models import FeedSnapshot
from doudi.exchange.schemas import FEEDS, IDENTITY_COLUMNS
from doudi.exchange.services import feed_file_ingest
from doudi.synth.feeds import BUILDERS, PERIOD, feed_table, write_feeds
from doudi.synth.feeds.population import draw

NOW = dt.datetime(2026, 3, 10, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture(scope="module")
def population(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("synth")
    stdout = StringIO()
    call_command(
        "synth",
        "--counties",
        "350112",
        "--persons",
        "4000",
        "--seed",
        "7",
        "--out",
        str(out),
        "--feeds",
        str(out / "feeds"),
        stdout=stdout,
        stderr=StringIO(),
    )
    (out / "stdout.txt").write_text(stdout.getvalue(), encoding="utf-8")
    return out


def test_it_writes_one_file_per_feed_and_the_truth(population):
    summary = (population / "stdout.txt").read_text(encoding="utf-8").splitlines()
    assert len(summary) == 2
    assert summary[1].startswith("已写出 19 个部门数据文件，共 ")
    names = sorted(p.name for p in (population / "feeds").iterdir() if p.is_file())
    assert names == sorted(
        f"{source}.{'parquet' if source == 'hukou' else 'csv'}" for source in FEEDS
    )
    truth = pq.read_table(population / "feeds" / "truth" / "linkage_truth.parquet")
    persons = pq.read_table(population / "persons.parquet")
    hukou = truth.filter(pc.equal(truth["source"], "hukou"))
    assert hukou.num_rows == persons.num_rows == 4000
    flagged = truth.filter(pc.not_equal(truth["written_id_status"], "valid"))
    share = flagged.num_rows / truth.filter(pc.not_equal(truth["source"], "hukou")).num_rows
    assert 0.008 < share < 0.025
    assert set(flagged["source"].to_pylist()).isdisjoint({"hukou", "deaths"})


def test_the_same_population_and_seed_give_identical_feeds(population, tmp_path):
    write_feeds(
        persons_path=population / "persons.parquet",
        households_path=population / "households.parquet",
        out_dir=tmp_path,
        seed=7,
    )
    for path in (population / "feeds").glob("*.*"):
        assert (tmp_path / path.name).read_bytes() == path.read_bytes(), path.name


@pytest.mark.django_db
def test_every_synthetic_feed_ingests_cleanly_and_matches_the_truth(population, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    truth = pq.read_table(population / "feeds" / "truth" / "linkage_truth.parquet")
    with time_machine.travel(NOW, tick=False):
        for path in sorted((population / "feeds").glob("*.*")):
            outcome = feed_file_ingest(
                actor=None, source=path.stem, data=path.read_bytes(), filename=path.name
            )
            assert outcome.outcome == "accepted", [str(p) for p in outcome.problems[:5]]
    for snapshot in FeedSnapshot.objects.all():
        rows = truth.filter(pc.equal(truth["source"], snapshot.source))
        statuses = rows["written_id_status"].to_pylist()
        assert snapshot.row_count == rows.num_rows
        assert snapshot.id_missing_count == statuses.count("missing")
        assert snapshot.id_invalid_count == statuses.count("invalid")
        table = pq.read_table(tmp_path / snapshot.path)
        assert sorted(table["source_row"].to_pylist()) == sorted(rows["source_row"].to_pylist())


def test_a_mistyped_number_always_fails_its_check_character(population):
    with open(population / "feeds" / "tax.csv", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))[1:]
    truth = pq.read_table(population / "feeds" / "truth" / "linkage_truth.parquet")
    tax = truth.filter(pc.equal(truth["source"], "tax")).to_pylist()
    invalid = [rows[t["source_row"] - 2][0] for t in tax if t["written_id_status"] == "invalid"]
    assert invalid
    assert not any(idcard.is_valid(n, today=dt.date(2026, 3, 10)) for n in invalid)


def test_every_feed_is_written_with_exactly_its_declared_columns(population):
    # given: the files of the population's feeds
    feeds = population / "feeds"
    assert set(BUILDERS) == set(FEEDS)
    for source, schema in FEEDS.items():
        # when
        if source == "hukou":
            written = pq.read_schema(feeds / "hukou.parquet").names
            declared = [column.name for column in schema.columns]
        else:
            with open(feeds / f"{source}.csv", encoding="utf-8") as handle:
                written = next(csv.reader(handle))
            declared = [column.label for column in schema.columns]
        # then
        assert written == declared, source


def _identity(rows: int) -> dict[str, pa.Array]:
    return {name: pa.array(["x"] * rows) for name in IDENTITY_COLUMNS}


def test_a_feed_table_refuses_values_for_undeclared_columns():
    with pytest.raises(ValueError, match=r"unemployment_benefits: values for undeclared .*'bonus'"):
        feed_table(
            FEEDS["unemployment_benefits"],
            _identity(1),
            {"amount": np.array([100]), "bonus": np.array([1])},
        )


def test_a_feed_table_refuses_a_declared_column_without_values():
    with pytest.raises(ValueError, match="tax: no values for the column 'income_type'"):
        feed_table(FEEDS["tax"], _identity(1), {"income_amount": [1], "tax_paid": [0]})


def test_a_feed_table_refuses_codes_the_column_does_not_declare():
    values = {"pension_type": np.array(["retired"], dtype=object), "amount": np.array([100])}
    with pytest.raises(ValueError, match=r"pensions.pension_type: undeclared codes \{'retired'\}"):
        feed_table(FEEDS["pensions"], _identity(1), values)


def test_a_feed_table_fills_the_month_and_writes_money_as_yuan():
    table = feed_table(
        FEEDS["unemployment_benefits"], _identity(2), {"amount": np.array([176_400, 5])}
    )
    assert table.column_names == [c.name for c in FEEDS["unemployment_benefits"].columns]
    assert table.column("period").to_pylist() == [PERIOD, PERIOD]
    assert table.column("amount").to_pylist() == ["1764.00", "0.05"]


def test_a_distribution_may_only_draw_declared_codes():
    with pytest.raises(ValueError, match=r"product_type: codes not declared \['pet'\]"):
        draw(
            np.random.default_rng(1),
            3,
            FEEDS["commercial_insurance"].column_by_name["product_type"],
            {"pet": 1},
        )


def test_the_feeds_import_without_django():
    assert django_modules_loaded_by("import doudi.synth.feeds") == []
