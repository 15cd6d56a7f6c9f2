"""Several staff saving at once on the embedded database, with the platform's own settings: every
save is answered 201 and readable afterwards (issue: SQLite answered 500 "database is locked" to
most of them when a transaction began as a read and then wrote)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

PROBE = Path(__file__).with_name("concurrent_writes.py")
REPOSITORY = PROBE.parents[3]


def probe(tmp_path: Path, **environment: str) -> dict:
    (tmp_path / "static").mkdir(exist_ok=True)
    env = {
        key: value for key, value in os.environ.items() if not key.startswith(("DOUDI_", "DJANGO_"))
    }
    env.update(
        DOUDI_DATA_DIR=str(tmp_path),
        DOUDI_ALLOW_DEMO_SECRETS="True",
        PYTHONPATH=str(REPOSITORY),
        PROBE_THREADS="8",
        PROBE_EACH="5",
        **environment,
    )
    completed = subprocess.run(
        [sys.executable, str(PROBE)], cwd=REPOSITORY, env=env, capture_output=True, text=True
    )
    assert completed.returncode == 0, completed.stderr[-2000:]
    return json.loads(completed.stdout.strip().splitlines()[-1])


@pytest.mark.slow
def test_eight_staff_registering_at_once_all_get_their_households_saved(tmp_path):
    result = probe(tmp_path)

    assert result == {"statuses": {"201": 40}, "households": 40}


@pytest.mark.slow
def test_without_the_write_lock_at_the_start_concurrent_saves_fail(tmp_path):
    # The probe can fail: with SQLite's default deferred transactions the same load loses saves.
    result = probe(tmp_path, DOUDI_SQLITE_TRANSACTION_MODE="DEFERRED")

    assert result["statuses"].get("500", 0) > 0
    assert result["households"] == result["statuses"].get("201", 0) < 40
