"""Several staff saving at once (`concurrent_writes.office_day`): every save is answered, none with
a server error, each form sent twice at once is saved once, and every acknowledged write is
readable afterwards. On SQLite with the platform's own settings (a file in WAL mode, in a fresh
interpreter) and on PostgreSQL inside the suite. Before: SQLite answered 500 "database is locked"
to most saves when a transaction began as a read and then wrote."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from django.db import connection

from doudi.core.tests import concurrent_writes

PROBE = Path(concurrent_writes.__file__)
REPOSITORY = PROBE.parents[3]

# 8 staff: 40 households registered (5 each), 4 forms sent twice at once, 40 applications each
# sent twice at once, 40 cases accepted, all 8 acting on the same case, all 8 uploading one file.
OFFICE_DAY = {
    "statuses": {
        "registrations": {"201": 40},
        "double_registrations": {"201": 4, "409": 4},
        "applications": {"201": 40, "409": 40},
        "different_cases": {"200": 40},
        "same_case": {"200": 1, "409": 7},
        "same_upload": {"200": 7, "201": 1},
    },
    "households": 44,
    "households_readable": 44,
    "applications": 40,
    "households_with_two_applications": 0,
    "accepted": 39,
    "contested": {"status": "verifying", "version": 3, "version_read": 2, "events": 1},
    "snapshots": 1,
    "upload_outcomes": {"accepted": 1, "duplicate": 7},
}


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
def test_an_office_day_on_the_embedded_database_loses_nothing_and_duplicates_nothing(tmp_path):
    assert probe(tmp_path) == OFFICE_DAY


@pytest.mark.slow
def test_without_the_write_lock_at_the_start_concurrent_saves_fail(tmp_path):
    # The probe can fail: with SQLite's default deferred transactions the same load loses saves.
    # Each lost save is answered as the busy database it met (503, try again), never a bare 500,
    # and leaves nothing behind: only the saves answered 201 are there.
    result = probe(tmp_path, DOUDI_SQLITE_TRANSACTION_MODE="DEFERRED")

    registrations = result["statuses"]["registrations"]
    assert set(registrations) == {"201", "503"}
    assert registrations["503"] > 0
    every_status = {code for step in result["statuses"].values() for code in step}
    assert every_status <= {"200", "201", "409", "503"}
    double = result["statuses"]["double_registrations"]
    assert result["households"] == registrations["201"] + double.get("201", 0) < 44
    assert result["households_readable"] == result["households"]
    assert result["households_with_two_applications"] == 0


@pytest.mark.slow
def test_a_save_that_waits_past_the_busy_timeout_answers_503_and_saves_nothing(tmp_path):
    result = probe(tmp_path, PROBE_SCENARIO="held_lock", DOUDI_SQLITE_BUSY_TIMEOUT="0.5")

    request_id = result["header_request_id"]
    assert result == {
        "status": 503,
        "body": {
            "message": "系统繁忙：等待其他人的保存超时，本次操作没有保存任何内容，请稍后重试。",
            "field": None,
            "request_id": request_id,
        },
        "header_request_id": request_id,
        "retry_after": "5",
        "unchanged": True,
        "retry_status": 201,
    }
    assert len(request_id) == 16


postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the embedded database runs the probe above"
)
# Real transactions on real connections; serialized_rollback restores the divisions the
# migrations loaded, which the flush after a transactional test would empty.
transactional = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@postgres_only
@pytest.mark.slow
@transactional
def test_an_office_day_on_postgresql_loses_nothing_and_duplicates_nothing(settings, tmp_path):
    settings.DATA_DIR = tmp_path  # where the uploaded snapshot is kept
    assert concurrent_writes.office_day(threads=8, each=5) == OFFICE_DAY


@postgres_only
@transactional
def test_a_save_that_waits_past_the_lock_timeout_answers_503_and_saves_nothing(
    caseworker_user, household
):
    from django.db import connections
    from django.test import Client

    from doudi.intake.models import Application
    from doudi.intake.tests.test_apis import submit_body
    from doudi.registry.models import Household
    from doudi.testing.clients import api_headers

    client = Client(raise_request_exception=False, **api_headers(caseworker_user))
    holding, release = threading.Event(), threading.Event()

    def another_save() -> None:
        # Another office holds the household (as a submission does) and does not let go.
        other = connections.create_connection("default")
        with other.cursor() as cursor:
            cursor.execute("BEGIN")
            cursor.execute(
                "SELECT id FROM registry_household WHERE id = %s FOR UPDATE", [household.pk]
            )
            holding.set()
            release.wait(10)
            cursor.execute("ROLLBACK")
        other.close()

    holder = threading.Thread(target=another_save)
    holder.start()
    holding.wait(10)
    with connection.cursor() as cursor:
        cursor.execute("SET lock_timeout = '300ms'")
    try:
        waited = client.post(
            "/api/applications",
            data=json.dumps(submit_body(household)),
            content_type="application/json",
        )
    finally:
        release.set()
        holder.join()
        with connection.cursor() as cursor:
            cursor.execute("RESET lock_timeout")

    assert waited.status_code == 503
    assert waited.json() == {
        "message": "系统繁忙：等待其他人的保存超时，本次操作没有保存任何内容，请稍后重试。",
        "field": None,
        "request_id": waited.headers["X-Request-ID"],
    }
    assert waited.headers["Retry-After"] == "5"
    assert Application.objects.count() == 0
    assert Household.objects.filter(pk=household.pk).exists()

    retried = client.post(
        "/api/applications",
        data=json.dumps(submit_body(household)),
        content_type="application/json",
    )
    assert retried.status_code == 201
    assert Application.objects.count() == 1
