"""Staff saving at the same moment, through the API, with many threads.

`office_day` is one day of a township office compressed into seconds: staff register households,
the same registration form arrives twice at once (a double click), every household's application
is submitted twice at once, staff act on their own cases, all of them act on the same case with
the version they read, and the verification centre uploads the same department file at once. It returns the status codes of each step and what the database
holds afterwards. `test_concurrent_writes.py` runs it on PostgreSQL inside the suite, and on
SQLite by running this file as a script in a fresh interpreter (the suite's SQLite database is in
memory; the platform's own settings, a file in WAL mode, are what staff meet).

As a script it migrates the database named by the environment and prints the result as JSON;
``PROBE_SCENARIO=held_lock`` instead holds SQLite's write lock on a separate connection for longer
than the busy timeout while one registration is sent, and prints what that request answered."""

from __future__ import annotations

import json
import os
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from datetime import date
from typing import Any

import django

THREADS = int(os.environ.get("PROBE_THREADS", "8"))
EACH = int(os.environ.get("PROBE_EACH", "5"))


def _at_once(jobs: list[Callable[[Any], None]], headers: dict[str, str]) -> None:
    """Run each job on its own thread, with its own API client and database connection, all
    released at the same moment."""
    from django.db import connection
    from django.test import Client

    connection.close()
    start = threading.Barrier(len(jobs))

    def run(job: Callable[[Any], None]) -> None:
        from django.db import connection as own

        client = Client(raise_request_exception=False, **headers)
        start.wait()
        try:
            job(client)
        finally:
            own.close()

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def _post(client: Any, url: str, body: dict[str, Any]) -> Any:
    return client.post(url, data=json.dumps(body), content_type="application/json")


def _registration(village: str, number: str, label: str) -> dict[str, Any]:
    return {
        "village_code": village,
        "address": f"吴航街道兴华社区{label}号",
        "area_type": "urban",
        "reason": "首次登记",
        "members": [
            {
                "relation": "head",
                "person": {
                    "name": f"林{label}",
                    "id_number": number,
                    "hukou_region_code": village,
                    "hukou_type": "urban",
                },
            }
        ],
    }


class _Tally:
    """Status codes per step, and what each acknowledged write answered."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.steps: dict[str, Counter[int]] = {}
        self.bodies: dict[str, list[dict[str, Any]]] = {}

    def record(self, step: str, response: Any) -> None:
        with self.lock:
            self.steps.setdefault(step, Counter())[response.status_code] += 1
            if response.status_code < 300:
                self.bodies.setdefault(step, []).append(response.json())

    def statuses(self) -> dict[str, dict[str, int]]:
        return {
            step: {str(code): count for code, count in sorted(counter.items())}
            for step, counter in self.steps.items()
        }


def office_day(*, threads: int = THREADS, each: int = EACH) -> dict[str, Any]:
    """The day's steps, run against the database Django is connected to (already migrated)."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db.models import Count
    from django.test import Client

    from doudi.accounts.models import Role
    from doudi.accounts.tests.fixtures import WUHANG, WUHANG_VILLAGE, make_staff
    from doudi.core.division_sync import villages_ensure
    from doudi.core.models import Division
    from doudi.exchange.models import FeedSnapshot
    from doudi.exchange.tests.helpers import TAX_HEADER, TAX_ROWS, changle_verifier, csv_bytes
    from doudi.intake.models import Application, CaseEvent
    from doudi.registry.models import Household
    from doudi.registry.tests.factories import make_id_number
    from doudi.testing.clients import api_headers

    assert threads % 2 == 0, "the double submissions pair the threads"
    villages_ensure(Division, [(WUHANG_VILLAGE, "兴华社区")])
    user = make_staff("probe_caseworker", WUHANG, [Role.CASEWORKER], display_name="吴航经办")
    headers = api_headers(user)
    tally = _Tally()
    # Distinct ID numbers: a birth date per thread and household, a sequence code per step.
    numbers = [
        [make_id_number(date(1950 + t, 1 + i % 12, 1 + i % 28)) for i in range(each)]
        for t in range(threads)
    ]
    twins = [make_id_number(date(1940 + p, 6, 15)) for p in range(threads // 2)]

    def registers(t: int) -> Callable[[Any], None]:
        def job(client: Any) -> None:
            for i, number in enumerate(numbers[t]):
                body = _registration(WUHANG_VILLAGE, number, f"{t}-{i}")
                tally.record("registrations", _post(client, "/api/households", body))

        return job

    _at_once([registers(t) for t in range(threads)], headers)

    def registers_twice(t: int) -> Callable[[Any], None]:
        # Threads 2p and 2p+1 send the same form at the same moment.
        body = _registration(WUHANG_VILLAGE, twins[t // 2], f"双-{t // 2}")
        return lambda client: tally.record(
            "double_registrations", _post(client, "/api/households", body)
        )

    _at_once([registers_twice(t) for t in range(threads)], headers)

    registered = tally.bodies.get("registrations", [])

    def submits(t: int) -> Callable[[Any], None]:
        # Every household's application is sent by two threads (2p and 2p+1) at once.
        mine = registered[t // 2 :: threads // 2]

        def job(client: Any) -> None:
            for household in mine:
                head = household["members"][0]["person"]["public_id"]
                body = {
                    "household": household["public_id"],
                    "programmes": ["dibao"],
                    "channel": "village_worker",
                    "consents": [{"person": head}],
                }
                tally.record("applications", _post(client, "/api/applications", body))

        return job

    _at_once([submits(t) for t in range(threads)], headers)

    submitted = tally.bodies.get("applications", [])

    def accepts(t: int) -> Callable[[Any], None]:
        mine = submitted[t::threads]

        def job(client: Any) -> None:
            for application in mine:
                url = f"/api/applications/{application['public_id']}/actions/accept"
                tally.record(
                    "different_cases", _post(client, url, {"version": application["version"]})
                )

        return job

    _at_once([accepts(t) for t in range(threads)], headers)

    accepted = {a["public_id"]: a for a in tally.bodies.get("different_cases", [])}
    contested = min(accepted) if accepted else None

    def contests(client: Any) -> None:
        url = f"/api/applications/{contested}/actions/start_verification"
        tally.record("same_case", _post(client, url, {"version": accepted[contested]["version"]}))

    if contested is not None:
        _at_once([contests for _ in range(threads)], headers)

    # The verification centre's staff upload the same department file at the same moment.
    feed = csv_bytes(TAX_HEADER, TAX_ROWS)

    def uploads(client: Any) -> None:
        tally.record(
            "same_upload",
            client.post(
                "/api/exchange/feeds/tax/snapshots",
                {"file": SimpleUploadedFile("tax.csv", feed)},
            ),
        )

    _at_once([uploads for _ in range(threads)], api_headers(changle_verifier("probe_verifier")))

    reader = Client(raise_request_exception=False, **headers)
    acknowledged = [h["public_id"] for h in registered] + [
        h["public_id"] for h in tally.bodies.get("double_registrations", [])
    ]
    readable = sum(
        reader.get(f"/api/households/{public_id}").status_code == 200 for public_id in acknowledged
    )
    contested_case = Application.objects.filter(public_id=contested).first()
    return {
        "statuses": tally.statuses(),
        "households": Household.objects.count(),
        "households_readable": readable,
        "applications": Application.objects.count(),
        "households_with_two_applications": Application.objects.values("household")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .count(),
        "accepted": Application.objects.filter(status="accepted").count(),
        "snapshots": FeedSnapshot.objects.count(),
        "upload_outcomes": dict(
            sorted(Counter(b["outcome"] for b in tally.bodies.get("same_upload", [])).items())
        ),
        "contested": None
        if contested_case is None
        else {
            "status": contested_case.status,
            "version": contested_case.version,
            "version_read": accepted[contested]["version"],
            "events": CaseEvent.objects.filter(
                application=contested_case, action="start_verification"
            ).count(),
        },
    }


def held_lock() -> dict[str, Any]:
    """One registration sent while another connection holds SQLite's write lock for longer than
    the busy timeout: what it answered, and whether anything was saved."""
    import sqlite3

    from django.db import connection
    from django.test import Client

    from doudi.accounts.models import Role
    from doudi.accounts.tests.fixtures import WUHANG, WUHANG_VILLAGE, make_staff
    from doudi.core.division_sync import villages_ensure
    from doudi.core.models import Division
    from doudi.registry.models import Household, Person
    from doudi.registry.tests.factories import make_id_number
    from doudi.testing.clients import api_headers

    villages_ensure(Division, [(WUHANG_VILLAGE, "兴华社区")])
    user = make_staff("probe_caseworker", WUHANG, [Role.CASEWORKER], display_name="吴航经办")
    client = Client(raise_request_exception=False, **api_headers(user))
    body = _registration(WUHANG_VILLAGE, make_id_number(date(1970, 3, 3)), "锁")
    before = (Household.objects.count(), Person.objects.count())
    holder = sqlite3.connect(connection.settings_dict["NAME"], isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        waited = _post(client, "/api/households", body)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    after = (Household.objects.count(), Person.objects.count())
    retried = _post(client, "/api/households", body)
    return {
        "status": waited.status_code,
        "body": waited.json(),
        "header_request_id": waited.headers.get("X-Request-ID"),
        "retry_after": waited.headers.get("Retry-After"),
        "unchanged": before == after,
        "retry_status": retried.status_code,
    }


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    scenario = os.environ.get("PROBE_SCENARIO", "office_day")
    started = time.perf_counter()
    result = held_lock() if scenario == "held_lock" else office_day()
    if os.environ.get("PROBE_TIMED"):
        # For bench/sqlite_durability.py: the scenario's own time, without start-up and migration.
        result["seconds"] = round(time.perf_counter() - started, 3)
    print(json.dumps(result, ensure_ascii=False))  # noqa: T201  (read by the test)


if __name__ == "__main__":
    sys.exit(main())
