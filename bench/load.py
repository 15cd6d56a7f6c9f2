"""Staff at work through the REST API under concurrent load, on SQLite or PostgreSQL.

Prepares a fresh database with the synthetic demo county (`doudi demo --no-serve
--generated-passwords`: on SQLite a throwaway file under bench/out, on PostgreSQL a throwaway
database), serves it as the README does (`doudi runserver --noreload`, or `--server gunicorn`),
issues API tokens for the two demo caseworkers (`doudi token create`) and drives what caseworkers
do, each client with its caseworker's token: household search by name and by village, household
detail, household registration (synthetic persons with valid check characters), application
submission for a registered household and workflow actions on the submitted cases (accept,
start verification, home visit, initial opinion, public notice), several clients acting on the
same recent cases. Each level of clients in flight runs for a set number of seconds and reports
requests per second, p50/p95 latency, errors (any 5xx, connection error or unexpected status)
and conflicts (two clients acting on one case: the loser's answer is expected, not an error).
At the end every write that answered 2xx is read back. Figures go to bench/RESULTS.md.

ID numbers never appear in a URL: the API searches by ID number only through a query parameter,
so this workload searches by name and region and registers numbers in request bodies only.

    .venv/bin/python bench/load.py --database sqlite           # demo scale, 10,000 persons
    .venv/bin/python bench/load.py --database postgres         # goal: p95 < 300 ms at 20 in flight
    .venv/bin/python bench/load.py --persons 300 --clients 2,4 --seconds 2 --no-record  # a quick run
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PYTHON = sys.executable
DOUDI = [PYTHON, "-m", "doudi.cli"]
COUNTY = "350112"
SEED = 7
CASEWORKERS = ("caseworker1", "caseworker2")
# What a caseworker does, by weight. "act" reads the case and then takes its next step.
MIX = (
    ("search_name", 25),
    ("search_village", 10),
    ("household_detail", 25),
    ("household_register", 15),
    ("application_submit", 10),
    ("application_act", 15),
)
# The next step of a submitted case, up to the public notice (which runs 7 days).
NEXT_ACTION = {
    "submitted": ("accept", {}),
    "accepted": ("start_verification", {}),
    "verifying": (
        "record_home_visit",
        {"investigators": ["林晓东", "陈雅琴"], "record_signed": True, "photos": 2},
    ),
    "home_visit": ("give_initial_opinion", {"favourable": True, "opinion": "经调查，同意纳入低保"}),
    "initial_opinion": ("publish_notice", {}),
}
# Clients act on the few most recent open cases of their caseworker, so that two of them often
# take the same step at once.
HOT_CASES = 6
SURNAMES = "林陈黄张吴王郑李刘杨何许蔡郭洪邱曾游"
GIVEN = "建华明玉秀英志强丽娟海燕国平金水春梅晓东雅琴俊杰美玲"
EXPECTED_CONFLICT_MESSAGES = ("当前状态为",)  # the case moved on since it was read


def _data_dir(args: argparse.Namespace) -> Path:
    return ROOT / "bench" / "out" / f"load-{args.database}-{args.persons}"


def _env(args: argparse.Namespace) -> dict[str, str]:
    data_dir = _data_dir(args)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DOUDI_DEBUG": "False",
        # A throwaway database: the public demo secrets are allowed, the demo passwords are not.
        "DOUDI_ALLOW_DEMO_SECRETS": "True",
        "DOUDI_DATA_DIR": str(data_dir),
        "DOUDI_MEDIA_ROOT": str(data_dir / "media"),
        "DOUDI_LOG_LEVEL": "WARNING",
        "DOUDI_DB": args.database,
    }
    if args.database == "sqlite":
        env["DOUDI_SQLITE_PATH"] = str(data_dir / "doudi.sqlite3")
    else:
        env["DOUDI_DB_NAME"] = args.database_name
    return env


def _run(args: argparse.Namespace, command: list[str]) -> str:
    result = subprocess.run(
        [*DOUDI, *command], env=_env(args), cwd=ROOT, capture_output=True, text=True
    )
    if result.returncode != 0:
        raise RuntimeError(f"doudi {command[0]} failed:\n{result.stderr[-3000:]}")
    return result.stdout


def _recreate_postgres_database(name: str) -> None:
    import psycopg

    with psycopg.connect(
        "host=127.0.0.1 user=postgres dbname=postgres", autocommit=True
    ) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def prepare(args: argparse.Namespace) -> tuple[dict[str, str], float]:
    """A fresh database with the demo county; returns an API token per caseworker. The demo's
    output (generated passwords, the applicant's synthetic ID number) is not kept or shown."""
    started = time.perf_counter()
    shutil.rmtree(_data_dir(args), ignore_errors=True)
    _data_dir(args).mkdir(parents=True)
    if args.database == "postgres":
        _recreate_postgres_database(args.database_name)
    _run(args, ["collectstatic", "--noinput", "--verbosity", "0"])
    output = _run(
        args,
        [
            "demo",
            "--no-serve",
            "--generated-passwords",
            "--county",
            COUNTY,
            "--persons",
            str(args.persons),
            "--seed",
            str(SEED),
        ],
    )
    match = re.search(r"caseworker1 的 API 令牌：(\S+)", output)
    if match is None:
        raise RuntimeError("doudi demo printed no API token for caseworker1")
    tokens = {"caseworker1": match[1]}
    for username in CASEWORKERS[1:]:
        tokens[username] = _run(args, ["token", "create", username, "--name", "负载测试"]).split()[
            -1
        ]
    if args.database == "postgres":
        _run(
            args,
            [
                "shell",
                "--no-imports",
                "-c",
                "from django.db import connection; connection.cursor().execute('ANALYZE')",
            ],
        )
    return tokens, time.perf_counter() - started


def _server(args: argparse.Namespace, log: Path) -> subprocess.Popen[bytes]:
    if args.server == "serve":  # what `make serve` and `doudi demo` run (gunicorn)
        command = [*DOUDI, "serve", f"127.0.0.1:{args.port}"]
        if args.workers:
            command += ["--workers", str(args.workers)]
    else:  # Django's development server, for comparison
        command = [*DOUDI, "runserver", f"127.0.0.1:{args.port}", "--noreload"]
    handle = log.open("wb")
    return subprocess.Popen(
        command, env=_env(args), cwd=ROOT, stdout=handle, stderr=subprocess.STDOUT
    )


def _wait_for(port: int, server: subprocess.Popen[bytes], log: Path) -> None:
    for _ in range(300):
        if server.poll() is not None:
            raise RuntimeError(f"the server stopped:\n{log.read_text(errors='replace')[-3000:]}")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"the server did not answer on port {port}")


class IdNumbers:
    """Synthetic 18-digit numbers with valid check characters, unique in this run and never one
    of the demo population's (those would be refused as already registered)."""

    def __init__(self, taken: set[str], rng: random.Random) -> None:
        from doudi.core.idcard import check_character

        self._check = check_character
        self._taken = taken
        self._rng = rng
        self._lock = threading.Lock()

    def issue(self, birth: date, sex: str) -> str:
        with self._lock:
            while True:
                seq = self._rng.randrange(1, 1000)
                if (seq % 2 == 1) != (sex == "M"):
                    continue
                first17 = f"{COUNTY}{birth:%Y%m%d}{seq:03d}"
                number = first17 + self._check(first17)
                if number not in self._taken:
                    self._taken.add(number)
                    return number


@dataclass
class Desk:
    """One caseworker's working set, shared by that caseworker's clients."""

    token: str
    township: str = ""
    villages: list[str] = field(default_factory=list)
    names: list[str] = field(default_factory=list)
    households: list[str] = field(default_factory=list)
    unsubmitted: list[dict[str, Any]] = field(default_factory=list)
    open_cases: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


@dataclass
class Ledger:
    """What answered 2xx, to be read back at the end."""

    households: dict[str, tuple[str, int]] = field(default_factory=dict)  # id → (desk, members)
    applications: dict[str, str] = field(default_factory=dict)  # id → desk
    actions: dict[str, Counter[str]] = field(default_factory=dict)  # application → actions
    lock: threading.Lock = field(default_factory=threading.Lock)


@dataclass
class Outcome:
    operation: str
    milliseconds: float
    status: int  # 0: connection error
    kind: str  # ok | conflict | refused | error
    detail: str = ""


class Client:
    """One member of staff's connection: keep-alive http.client, JSON in and out."""

    def __init__(self, port: int, token: str) -> None:
        self.port = port
        self.headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        self.sent = 0  # requests sent on the current connection

    def call(self, method: str, path: str, body: Any = None) -> tuple[int, Any, float]:
        payload = json.dumps(body, ensure_ascii=False).encode() if body is not None else None
        started = time.perf_counter()
        self.sent += 1
        try:
            self.connection.request(method, path, body=payload, headers=self.headers)
            response = self.connection.getresponse()
            raw = response.read()
        except (OSError, http.client.HTTPException) as error:
            # Whether it was the connection's first request tells a refused connection (a full
            # listen queue) from one the server dropped later.
            where = "first request" if self.sent == 1 else "later request"
            self.connection.close()
            self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
            self.sent = 0
            return (
                0,
                f"{type(error).__name__}: {error} ({where} of a connection)",
                (time.perf_counter() - started) * 1000,
            )
        elapsed = (time.perf_counter() - started) * 1000
        try:
            data = json.loads(raw) if raw else None
        except ValueError:
            data = raw[:200].decode(errors="replace")
        return response.status, data, elapsed


def _message(data: Any) -> str:
    if isinstance(data, dict):
        return str(data.get("message", data))[:160]
    title = re.search(r"<title>(.*?)</title>", str(data), re.S)  # Django's HTML error page
    return (title[1] if title else str(data)).strip()[:160]


def _judge(operation: str, status: int, data: Any, ms: float, expected: tuple[int, ...]) -> Outcome:
    if status in expected:
        return Outcome(operation, ms, status, "ok")
    if status == 409:
        return Outcome(operation, ms, status, "conflict", _message(data))
    if (
        operation == "application_act"
        and status == 400
        and isinstance(data, dict)
        and (
            data.get("field") == "version"
            or str(data.get("message", "")).startswith(EXPECTED_CONFLICT_MESSAGES)
        )
    ):
        return Outcome(operation, ms, status, "conflict", _message(data))
    if (
        operation == "application_act"
        and status == 400
        and isinstance(data, dict)
        and data.get("field") == "action"
    ):
        # The workflow's own refusal of a step the case is not ready for (a client asking for the
        # initial opinion seconds after verification began, before the report is there): a
        # Chinese answer a caseworker acts on, counted apart, not an error.
        return Outcome(operation, ms, status, "refused", _message(data))
    return Outcome(operation, ms, status, "error", _message(data))


class Workload:
    def __init__(
        self, port: int, desks: dict[str, Desk], ids: IdNumbers, ledger: Ledger, seed: int
    ) -> None:
        self.port = port
        self.desks = desks
        self.ids = ids
        self.ledger = ledger
        self.seed = seed
        self.counter = 0
        self.counter_lock = threading.Lock()

    def _person(self, rng: random.Random, village: str, *, sex: str, age: int) -> dict[str, Any]:
        birth = date(2026, 6, 30) - timedelta(days=365 * age + rng.randrange(365))
        name = rng.choice(SURNAMES) + "".join(rng.sample(GIVEN, 2))
        return {
            "name": name,
            "id_number": self.ids.issue(birth, sex),
            "hukou_region_code": village,
            "hukou_type": "rural",
        }

    def register(self, client: Client, desk_name: str, rng: random.Random) -> list[Outcome]:
        desk = self.desks[desk_name]
        village = rng.choice(desk.villages)
        with self.counter_lock:
            self.counter += 1
            number = self.counter
        head_sex = rng.choice("MF")
        members = [{"relation": "head", "person": self._person(rng, village, sex=head_sex, age=45)}]
        if rng.random() < 0.6:
            spouse_sex = "F" if head_sex == "M" else "M"
            members.append(
                {"relation": "spouse", "person": self._person(rng, village, sex=spouse_sex, age=43)}
            )
        body = {
            "village_code": village,
            "address": f"合成测试路{number}号",
            "area_type": "rural",
            "reason": "负载测试：首次登记",
            "members": members,
        }
        status, data, ms = client.call("POST", "/api/households", body)
        outcome = _judge("household_register", status, data, ms, (201,))
        if outcome.kind == "ok":
            household = {
                "id": data["public_id"],
                "persons": [m["person"]["public_id"] for m in data["members"]],
            }
            with self.ledger.lock:
                self.ledger.households[household["id"]] = (desk_name, len(members))
            with desk.lock:
                desk.households.append(household["id"])
                desk.unsubmitted.append(household)
        return [outcome]

    def submit(self, client: Client, desk_name: str, rng: random.Random) -> list[Outcome]:
        desk = self.desks[desk_name]
        with desk.lock:
            household = desk.unsubmitted.pop() if desk.unsubmitted else None
        if household is None:
            return self.register(client, desk_name, rng)
        body = {
            "household": household["id"],
            "programmes": ["dibao"],
            "channel": "window",
            "consents": [{"person": person} for person in household["persons"]],
            "incomes": [{"person": household["persons"][0], "type": "wage", "monthly": "900.00"}],
        }
        status, data, ms = client.call("POST", "/api/applications", body)
        outcome = _judge("application_submit", status, data, ms, (201, 202))
        if outcome.kind == "ok" and status == 201:
            with self.ledger.lock:
                self.ledger.applications[data["public_id"]] = desk_name
                self.ledger.actions[data["public_id"]] = Counter()
            with desk.lock:
                desk.open_cases.append(data["public_id"])
        return [outcome]

    def act(self, client: Client, desk_name: str, rng: random.Random) -> list[Outcome]:
        desk = self.desks[desk_name]
        with desk.lock:
            case = rng.choice(desk.open_cases[-HOT_CASES:]) if desk.open_cases else None
        if case is None:
            return self.submit(client, desk_name, rng)
        status, data, ms = client.call("GET", f"/api/applications/{case}")
        read = _judge("application_read", status, data, ms, (200,))
        if read.kind != "ok":
            return [read]
        step = NEXT_ACTION.get(data["status"])
        if step is None:  # the notice is published: nothing more to do today
            with desk.lock:
                if case in desk.open_cases:
                    desk.open_cases.remove(case)
            return [read]
        action, fields = step
        status, answer, ms = client.call(
            "POST",
            f"/api/applications/{case}/actions/{action}",
            {"version": data["version"], **fields},
        )
        outcome = _judge("application_act", status, answer, ms, (200,))
        if outcome.kind == "ok":
            with self.ledger.lock:
                self.ledger.actions[case][action] += 1
        return [read, outcome]

    def search_name(self, client: Client, desk_name: str, rng: random.Random) -> list[Outcome]:
        name = rng.choice(self.desks[desk_name].names)
        status, data, ms = client.call("GET", f"/api/households?name={quote(name)}")
        return [_judge("search_name", status, data, ms, (200,))]

    def search_village(self, client: Client, desk_name: str, rng: random.Random) -> list[Outcome]:
        village = rng.choice(self.desks[desk_name].villages)
        status, data, ms = client.call("GET", f"/api/households?region_code={village}&limit=50")
        return [_judge("search_village", status, data, ms, (200,))]

    def detail(self, client: Client, desk_name: str, rng: random.Random) -> list[Outcome]:
        desk = self.desks[desk_name]
        with desk.lock:
            household = rng.choice(desk.households)
        status, data, ms = client.call("GET", f"/api/households/{household}")
        return [_judge("household_detail", status, data, ms, (200,))]

    def run_level(self, clients: int, seconds: float) -> dict[str, Any]:
        operations = {
            "search_name": self.search_name,
            "search_village": self.search_village,
            "household_detail": self.detail,
            "household_register": self.register,
            "application_submit": self.submit,
            "application_act": self.act,
        }
        names = [name for name, _ in MIX]
        weights = [weight for _, weight in MIX]
        outcomes: list[Outcome] = []
        outcomes_lock = threading.Lock()
        deadline = time.perf_counter() + seconds

        def client_loop(index: int) -> None:
            rng = random.Random(self.seed * 1000 + clients * 100 + index)
            desk_name = CASEWORKERS[index % len(CASEWORKERS)]
            client = Client(self.port, self.desks[desk_name].token)
            mine: list[Outcome] = []
            while time.perf_counter() < deadline:
                operation = rng.choices(names, weights)[0]
                mine.extend(operations[operation](client, desk_name, rng))
            client.connection.close()
            with outcomes_lock:
                outcomes.extend(mine)

        started = time.perf_counter()
        threads = [threading.Thread(target=client_loop, args=(i,)) for i in range(clients)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - started
        return _figures(clients, elapsed, outcomes)


def _quantiles(latencies: list[float]) -> tuple[float, float]:
    if len(latencies) < 2:
        value = latencies[0] if latencies else 0.0
        return value, value
    cuts = statistics.quantiles(latencies, n=100, method="inclusive")
    return cuts[49], cuts[94]


def _figures(clients: int, elapsed: float, outcomes: list[Outcome]) -> dict[str, Any]:
    p50, p95 = _quantiles([o.milliseconds for o in outcomes])
    per_operation = {}
    for name in sorted({o.operation for o in outcomes}):
        mine = [o for o in outcomes if o.operation == name]
        op50, op95 = _quantiles([o.milliseconds for o in mine])
        per_operation[name] = {
            "requests": len(mine),
            "p50_ms": round(op50, 1),
            "p95_ms": round(op95, 1),
            "errors": sum(o.kind == "error" for o in mine),
            "conflicts": sum(o.kind == "conflict" for o in mine),
            "refused": sum(o.kind == "refused" for o in mine),
        }
    errors = Counter(
        f"{o.operation} {o.status or 'connection'}: {o.detail}"
        for o in outcomes
        if o.kind == "error"
    )
    conflicts = Counter(
        f"{o.operation} {o.status}: {o.detail}" for o in outcomes if o.kind == "conflict"
    )
    refused = Counter(
        f"{o.operation} {o.status}: {o.detail}" for o in outcomes if o.kind == "refused"
    )
    return {
        "clients": clients,
        "seconds": round(elapsed, 1),
        "requests": len(outcomes),
        "throughput_rps": round(len(outcomes) / elapsed, 1) if elapsed else 0.0,
        "p50_ms": round(p50, 1),
        "p95_ms": round(p95, 1),
        "errors": sum(errors.values()),
        "conflicts": sum(conflicts.values()),
        "error_kinds": dict(errors.most_common(10)),
        "conflict_kinds": dict(conflicts.most_common(5)),
        "refused": sum(refused.values()),
        "refused_kinds": dict(refused.most_common(5)),
        "operations": per_operation,
    }


def _discover(port: int, desks: dict[str, Desk], data_dir: Path, persons: int) -> set[str]:
    """Each caseworker's township, villages, names and households: the township from the API,
    villages and names from the synthetic population the demo loaded, household ids by a
    search of the first villages. Returns the population's ID numbers (never to be reused)."""
    import pyarrow.parquet as pq

    out = data_dir / f"demo-{COUNTY}-{persons}-{SEED}"
    people = pq.read_table(out / "persons.parquet", columns=["household_id", "id_number", "name"])
    homes = pq.read_table(out / "households.parquet", columns=["household_id", "village_code"])
    village_of = dict(
        zip(
            homes.column("household_id").to_pylist(),
            homes.column("village_code").to_pylist(),
            strict=True,
        )
    )
    for username, desk in desks.items():
        client = Client(port, desk.token)
        status, data, _ = client.call("GET", f"/api/households?region_code={COUNTY}&limit=1")
        if status != 200 or not data:
            raise RuntimeError(f"{username} finds no household: {status} {data}")
        desk.township = data[0]["township_code"]
        desk.villages = sorted(
            {code for code in village_of.values() if code.startswith(desk.township)}
        )
        desk.names = sorted(
            {
                name
                for household, name in zip(
                    people.column("household_id").to_pylist(),
                    people.column("name").to_pylist(),
                    strict=True,
                )
                if village_of[household].startswith(desk.township)
            }
        )
        for village in desk.villages[:10]:
            status, data, _ = client.call("GET", f"/api/households?region_code={village}&limit=100")
            if status != 200:
                raise RuntimeError(f"{username} cannot search {village}: {status} {data}")
            desk.households.extend(item["public_id"] for item in data)
        client.connection.close()
        if not (desk.villages and desk.names and desk.households):
            raise RuntimeError(f"{username} has nothing to work on in {desk.township}")
    return set(people.column("id_number").to_pylist())


def _read_back(port: int, desks: dict[str, Desk], ledger: Ledger) -> dict[str, Any]:
    """Every household and application that answered 201 is found, with its members, and every
    workflow step that answered 200 is in the case's events."""
    clients = {name: Client(port, desk.token) for name, desk in desks.items()}
    missing: list[str] = []
    for household, (desk, members) in ledger.households.items():
        status, data, _ = clients[desk].call("GET", f"/api/households/{household}")
        if status != 200 or len(data["members"]) != members:
            missing.append(f"household {household}: {status}")
    steps = 0
    for application, desk in ledger.applications.items():
        status, data, _ = clients[desk].call("GET", f"/api/applications/{application}")
        answered = ledger.actions[application]
        steps += sum(answered.values())
        if status != 200:
            missing.append(f"application {application}: {status}")
            continue
        recorded = Counter(event["action"] for event in data["events"])
        if any(recorded[action] < count for action, count in answered.items()):
            missing.append(
                f"application {application}: steps {dict(answered)}, events {dict(recorded)}"
            )
    for client in clients.values():
        client.connection.close()
    return {
        "households": len(ledger.households),
        "applications": len(ledger.applications),
        "workflow_steps": steps,
        "missing": missing,
    }


def _server_problems(log: Path) -> dict[str, int]:
    """The server's lines that explain errors: 5xx request lines, exceptions, lock waits."""
    pattern = re.compile(
        r'" 5\d\d |Error|Exception|locked|Traceback|Internal Server Error|CRITICAL|Timeout'
    )
    lines = Counter(
        re.sub(r"[0-9a-f]{8}-[0-9a-f-]{27}", "<id>", re.sub(r"^\[[^\]]*\] ", "", line.strip()))
        for line in log.read_text(encoding="utf-8", errors="replace").splitlines()
        if pattern.search(line)
    )
    return dict(lines.most_common(20))


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument(
        "--database-name", default="doudi_bench_load", help="the throwaway PostgreSQL database"
    )
    parser.add_argument("--persons", type=int, default=10_000)
    parser.add_argument("--clients", default="2,8,20,50", help="levels of clients in flight")
    parser.add_argument("--seconds", type=float, default=30, help="duration of each level")
    parser.add_argument("--port", type=int, default=8766)
    parser.add_argument(
        "--server",
        choices=["serve", "runserver"],
        default="serve",
        help="serve: `doudi serve` (gunicorn), as the README starts it; runserver: for comparison",
    )
    parser.add_argument(
        "--workers", type=int, default=None, help="processes of `doudi serve` (default: its own)"
    )
    parser.add_argument("--seed", type=int, default=11, help="seed of the workload")
    parser.add_argument("--record", action=argparse.BooleanOptionalAction, default=True)
    args = parser.parse_args(argv)
    levels = [int(level) for level in args.clients.split(",") if level.strip()]

    tokens, prepare_seconds = prepare(args)
    log = _data_dir(args) / "server.log"
    server = _server(args, log)
    try:
        _wait_for(args.port, server, log)
        desks = {name: Desk(token=token) for name, token in tokens.items()}
        taken = _discover(args.port, desks, _data_dir(args), args.persons)
        ledger = Ledger()
        workload = Workload(
            args.port, desks, IdNumbers(taken, random.Random(args.seed)), ledger, args.seed
        )
        results = [workload.run_level(clients, args.seconds) for clients in levels]
        writes = _read_back(args.port, desks, ledger)
    finally:
        server.terminate()
        server.wait(timeout=30)
    result = {
        "database": args.database,
        "server": args.server
        if args.server == "runserver"
        else "doudi serve" + (f" --workers {args.workers}" if args.workers else ""),
        "persons": args.persons,
        "prepare_seconds": round(prepare_seconds, 1),
        "levels": results,
        "writes": writes,
        "server_log": str(log.relative_to(ROOT)),
        "server_problems": _server_problems(log),
    }
    print(json.dumps(result, ensure_ascii=False, indent=2))
    if args.record:
        from bench.results import record

        engine = {"sqlite": "SQLite", "postgres": "PostgreSQL"}[args.database]
        for level in results:
            record(
                f"load, {engine}",
                f"{args.persons:,} persons, {level['clients']:>2} clients in flight, "
                f"{args.seconds:g} s, {result['server']}",
                f"{level['throughput_rps']} req/s, p50 {level['p50_ms']} ms, "
                f"p95 {level['p95_ms']} ms, {level['errors']} errors, "
                f"{level['conflicts']} conflicts, {level['refused']} refused by the workflow "
                f"({level['requests']} requests)",
            )
        record(
            f"load, {engine}",
            f"{args.persons:,} persons, read back after every level, {result['server']}",
            f"{writes['households']} households, {writes['applications']} applications, "
            f"{writes['workflow_steps']} workflow steps answered 2xx; "
            f"{len(writes['missing'])} not found",
        )
    return result


if __name__ == "__main__":
    main()
