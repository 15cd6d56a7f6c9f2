from __future__ import annotations

from io import StringIO
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from doudi.synth import generator
from doudi.synth.generator import HOUSEHOLD_SCHEMA, PERSON_SCHEMA, SynthConfig, generate_tables


def _run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("synth", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_it_writes_both_files_and_prints_a_chinese_summary(tmp_path: Path) -> None:
    out_dir = tmp_path / "new" / "dir"
    stdout, _ = _run(
        "--counties", "350112,350102", "--persons", "2000", "--seed", "7", "--out", str(out_dir)
    )
    households = pq.read_table(out_dir / "households.parquet")
    persons = pq.read_table(out_dir / "persons.parquet")
    assert sorted(p.name for p in out_dir.iterdir()) == ["households.parquet", "persons.parquet"]
    assert persons.num_rows == 2000
    assert persons.schema.remove_metadata() == PERSON_SCHEMA
    assert households.schema.remove_metadata() == HOUSEHOLD_SCHEMA
    expected = generate_tables(SynthConfig(counties=("350112", "350102"), persons=2000, seed=7))
    assert households.equals(expected[0])
    assert persons.equals(expected[1])
    assert stdout.count("\n") == 1
    assert stdout.startswith(f"已生成 2,000 人、{households.num_rows:,} 户")
    assert "秒" in stdout
    assert "人/秒" in stdout


def test_it_rejects_a_bad_county_and_writes_nothing(tmp_path: Path) -> None:
    out_dir = tmp_path / "out"
    with pytest.raises(CommandError, match="未知的县级区划代码：350199"):
        _run("--counties", "350112,350199", "--persons", "100", "--out", str(out_dir))
    with pytest.raises(CommandError, match="440305（南山区）不是福建省的县级区划"):
        _run("--counties", "440305", "--persons", "100", "--out", str(out_dir))
    assert not out_dir.exists()


def test_it_rejects_a_non_positive_person_count(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="人数必须至少为 1"):
        _run("--counties", "350112", "--persons", "0", "--out", str(tmp_path / "out"))
    assert not (tmp_path / "out").exists()


def test_it_leaves_no_partial_files_when_generation_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out_dir = tmp_path / "out"
    _run("--counties", "350112", "--persons", "500", "--out", str(out_dir))
    before = {p.name: p.read_bytes() for p in out_dir.iterdir()}
    real_block = generator._Run._persons_unguarded
    calls = []

    def failing_block(self, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
        calls.append(1)
        if len(calls) == 3:
            raise RuntimeError("disk on fire")
        return real_block(self, *args, **kwargs)

    monkeypatch.setattr(generator._Run, "_persons_unguarded", failing_block)
    with pytest.raises(RuntimeError, match="disk on fire"):
        _run(
            "--counties",
            "350112,350102,350404",
            "--persons",
            "3000",
            "--chunk-households",
            "1",
            "--out",
            str(out_dir),
        )
    assert {
        p.name: p.read_bytes() for p in out_dir.iterdir()
    } == before  # old files intact, no temp files
