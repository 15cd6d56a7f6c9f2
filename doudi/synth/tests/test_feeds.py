from __future__ import annotations

import datetime as dt
from io import StringIO
from pathlib import Path
from zoneinfo import ZoneInfo

import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest
import time_machine
from django.core.management import call_command

from doudi.core import idcard
from doudi.exchange.models import FeedSnapshot
from doudi.exchange.schemas import FEEDS
from doudi.exchange.services import feed_file_ingest
from doudi.synth.feeds import write_feeds

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
    import csv

    with open(population / "feeds" / "tax.csv", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))[1:]
    truth = pq.read_table(population / "feeds" / "truth" / "linkage_truth.parquet")
    tax = truth.filter(pc.equal(truth["source"], "tax")).to_pylist()
    invalid = [rows[t["source_row"] - 2][0] for t in tax if t["written_id_status"] == "invalid"]
    assert invalid
    assert not any(idcard.is_valid(n, today=dt.date(2026, 3, 10)) for n in invalid)
