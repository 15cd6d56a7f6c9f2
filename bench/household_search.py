"""Household search on PostgreSQL under concurrent load.

Generates a synthetic population (default 1M persons in 长乐区 and 鼓楼区), loads it into a throwaway
PostgreSQL database, serves the platform with gunicorn on 127.0.0.1, and sends a mixed search
workload (by ID number, by name, by township) from 20 concurrent clients to the REST API and the
staff search page. Prints p50/p95/p99 latency and records them in bench/RESULTS.md.

    .venv/bin/python bench/household_search.py                 # 1M persons (goal: p95 < 150 ms)
    .venv/bin/python bench/household_search.py --persons 5000 --requests 200   # a quick run
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PYTHON = sys.executable
DOUDI = [PYTHON, "-m", "doudi.cli"]
DEMO_TOTP_KEY = b"doudi-demo-totp-2026"


def _env(database: str) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DOUDI_DB": "postgres",
        "DOUDI_DB_NAME": database,
        "DOUDI_ALLOW_DEMO_SECRETS": "True",
        "DOUDI_DATA_DIR": str(ROOT / "bench" / "out"),
    }


def _run(args: list[str], env: dict[str, str]) -> None:
    subprocess.run(args, check=True, env=env, cwd=ROOT)


def _recreate_database(database: str) -> None:
    import psycopg

    with psycopg.connect(
        "host=127.0.0.1 user=postgres dbname=postgres", autocommit=True
    ) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{database}"')


def _loaded_persons(database: str) -> int | None:
    import psycopg

    try:
        with psycopg.connect(f"host=127.0.0.1 user=postgres dbname={database}") as connection:
            return connection.execute("SELECT count(*) FROM registry_person").fetchone()[0]
    except psycopg.Error:
        return None


def prepare(args: argparse.Namespace) -> tuple[Path, float | None]:
    out = ROOT / "bench" / "out" / f"search-{args.persons}-{args.seed}"
    if not (out / "persons.parquet").exists():
        _run(
            [
                *DOUDI,
                "synth",
                "--counties",
                args.counties,
                "--persons",
                str(args.persons),
                "--seed",
                str(args.seed),
                "--out",
                str(out),
            ],
            os.environ.copy(),
        )
    env = _env(args.database)
    # A fresh copy each run: a static directory left half-written by an earlier run (a full disk,
    # a killed job) makes the manifest storage look for hashed files that are not there.
    shutil.rmtree(ROOT / "bench" / "out" / "static", ignore_errors=True)
    try:
        _run([*DOUDI, "collectstatic", "--noinput", "--verbosity", "0"], env)
    except subprocess.CalledProcessError:
        # Seen once on a loaded machine: whitenoise's compressing threads looked for a file the
        # manifest storage had not finished writing. A second run from scratch has always worked.
        shutil.rmtree(ROOT / "bench" / "out" / "static", ignore_errors=True)
        _run([*DOUDI, "collectstatic", "--noinput", "--verbosity", "0"], env)
    if args.reuse and _loaded_persons(args.database) == args.persons:
        return out, None
    _recreate_database(args.database)
    _run([*DOUDI, "migrate", "--verbosity", "0"], env)
    started = time.perf_counter()
    _run([*DOUDI, "registry_import", str(out)], env)
    load_seconds = time.perf_counter() - started
    _run(
        [
            *DOUDI,
            "shell",
            "--no-imports",
            "-c",
            "from django.db import connection; connection.cursor().execute('ANALYZE')",
        ],
        env,
    )
    return out, load_seconds


def _token(database: str) -> str:
    script = (
        "from doudi.accounts.demo_staff import demo_staff_ensure;"
        "from doudi.accounts.services import api_token_create;"
        "from django.contrib.auth import get_user_model;"
        "demo_staff_ensure('350112');"
        "print(api_token_create(user=get_user_model().objects.get(username='county_approver'), name='bench')[0])"
    )
    result = subprocess.run(
        [*DOUDI, "shell", "--no-imports", "-c", script],
        check=True,
        env=_env(database),
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    return result.stdout.strip().splitlines()[-1]


def _session_cookie(port: int) -> str:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("GET", "/login/")
    response = connection.getresponse()
    response.read()
    csrf = next(
        c.split(";")[0].split("=", 1)[1]
        for c in response.headers.get_all("Set-Cookie")
        if c.startswith("csrftoken=")
    )
    body = f"csrfmiddlewaretoken={csrf}&username=county_approver&password=doudi-demo-2026"
    connection.request(
        "POST",
        "/login/",
        body=body,
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"csrftoken={csrf}",
            "Referer": f"http://127.0.0.1:{port}/login/",
        },
    )
    response = connection.getresponse()
    response.read()
    session = next(
        c.split(";")[0]
        for c in response.headers.get_all("Set-Cookie")
        if c.startswith("sessionid=")
    )
    # The second login step: county_approver has the demo TOTP secret, DEMO_TOTP_KEY of
    # doudi/accounts/demo_staff.py (written out here: this process runs without Django's settings).
    from django_otp.oath import totp

    connection.request(
        "POST",
        "/login/verify/",
        body=f"csrfmiddlewaretoken={csrf}&otp_token={totp(DEMO_TOTP_KEY):06d}",
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"{session}; csrftoken={csrf}",
            "Referer": f"http://127.0.0.1:{port}/login/verify/",
        },
    )
    response = connection.getresponse()
    response.read()
    return f"{session}; csrftoken={csrf}"


def _workload(out: Path, count: int, seed: int) -> list[tuple[str, str]]:
    import pyarrow.parquet as pq

    persons = pq.read_table(
        out / "persons.parquet", columns=["id_number", "name", "hukou_region_code"]
    )
    rng = random.Random(seed)
    rows = persons.num_rows
    picks = [rng.randrange(rows) for _ in range(count)]
    ids = persons.column("id_number")
    names = persons.column("name")
    villages = persons.column("hukou_region_code")
    queries = []
    for index, row in enumerate(picks):
        kind = ("id_number", "name", "name", "id_number", "region_code")[index % 5]
        if kind == "id_number":
            queries.append((kind, ids[row].as_py()))
        elif kind == "name":
            queries.append((kind, names[row].as_py()))
        else:
            queries.append((kind, villages[row].as_py()[:9]))
    return queries


def _measure(
    port: int, queries: list[tuple[str, str]], headers: dict[str, str], path: str, concurrency: int
) -> dict[str, float]:
    import threading

    local = threading.local()

    def one(query: tuple[str, str]) -> tuple[float, int]:
        if not hasattr(local, "connection"):
            local.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        kind, value = query
        started = time.perf_counter()
        local.connection.request("GET", f"{path}?{kind}={quote(value)}", headers=headers)
        response = local.connection.getresponse()
        response.read()
        return (time.perf_counter() - started) * 1000, response.status

    started = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        results = list(pool.map(one, queries))
    elapsed = time.perf_counter() - started
    latencies = sorted(ms for ms, _ in results)
    failures = sum(1 for _, status in results if status != 200)
    quantile = statistics.quantiles(latencies, n=100)
    return {
        "requests": len(results),
        "failures": failures,
        "p50_ms": round(quantile[49], 1),
        "p95_ms": round(quantile[94], 1),
        "p99_ms": round(quantile[98], 1),
        "throughput_rps": round(len(results) / elapsed, 1),
    }


def _measure_wrk(
    port: int,
    queries: list[tuple[str, str]],
    header: str,
    path: str,
    concurrency: int,
    seconds: int,
) -> dict[str, float]:
    """Drive the server with wrk (C, so the load generator takes little of the 2 cores)."""
    paths_file = ROOT / "bench" / "out" / f"paths-{path.strip('/').replace('/', '-')}.txt"
    paths_file.write_text(
        "".join(f"{path}?{kind}={quote(value)}\n" for kind, value in queries), encoding="utf-8"
    )
    command = [
        "wrk",
        "-t2",
        f"-c{concurrency}",
        f"-d{seconds}s",
        "-s",
        str(ROOT / "bench" / "lua" / "paths.lua"),
        f"http://127.0.0.1:{port}",
    ]
    env = {**os.environ, "WRK_PATHS": str(paths_file), "WRK_HEADER": header}
    subprocess.run(
        [*command[:3], "-d3s", *command[4:]], env=env, check=True, capture_output=True
    )  # warm-up
    output = subprocess.run(command, env=env, check=True, capture_output=True, text=True).stdout
    figures = json.loads(output.strip().splitlines()[-1])
    figures["failures"] = figures.pop("errors") + figures.pop("non_2xx")
    return figures


def main(argv: list[str] | None = None) -> dict[str, object]:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--counties", default="350112,350102")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--requests", type=int, default=4000, help="distinct queries in the workload"
    )
    parser.add_argument("--seconds", type=int, default=30, help="duration of each wrk run")
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--database", default="doudi_bench_search")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--record", action=argparse.BooleanOptionalAction, default=True)
    parser.add_argument(
        "--reuse", action="store_true", help="keep the database if it already holds this population"
    )
    args = parser.parse_args(argv)

    out, load_seconds = prepare(args)
    token = _token(args.database)
    server = subprocess.Popen(
        [
            str(Path(PYTHON).parent / "gunicorn"),
            "config.wsgi",
            "-b",
            f"127.0.0.1:{args.port}",
            "-w",
            str(args.workers),
            "--log-level",
            "warning",
        ],
        env=_env(args.database),
        cwd=ROOT,
    )
    try:
        for _ in range(100):
            try:
                connection = http.client.HTTPConnection("127.0.0.1", args.port, timeout=2)
                connection.request("GET", "/healthz")
                if connection.getresponse().status == 200:
                    break
            except OSError:
                time.sleep(0.2)
        queries = _workload(out, args.requests, args.seed)
        bearer = f"Authorization: Bearer {token}"
        cookie = f"Cookie: {_session_cookie(args.port)}"
        if shutil.which("wrk"):
            api = _measure_wrk(
                args.port, queries, bearer, "/api/households", args.concurrency, args.seconds
            )
            page = _measure_wrk(
                args.port, queries, cookie, "/households/", args.concurrency, args.seconds
            )
        else:  # a slower Python client: its own CPU use weighs on the figures
            headers = {"Authorization": f"Bearer {token}"}
            _measure(args.port, queries[:200], headers, "/api/households", args.concurrency)
            api = _measure(args.port, queries, headers, "/api/households", args.concurrency)
            page = _measure(
                args.port,
                queries,
                {"Cookie": cookie.split(": ", 1)[1]},
                "/households/",
                args.concurrency,
            )
        api["client"] = page["client"] = "wrk" if shutil.which("wrk") else "python"
    finally:
        server.terminate()
        server.wait(timeout=30)
    result = {
        "persons": args.persons,
        "load_seconds": round(load_seconds, 1) if load_seconds is not None else None,
        "api": api,
        "page": page,
        "concurrency": args.concurrency,
    }
    print(json.dumps(result, ensure_ascii=False, indent=2))
    if args.record:
        from bench.results import record

        for name, figures in (("API /api/households", api), ("page /households/", page)):
            record(
                "household_search",
                f"{args.persons:,} persons, PostgreSQL, {args.concurrency} requests in flight "
                f"({figures['client']}), {name}",
                f"p50 {figures['p50_ms']} ms, p95 {figures['p95_ms']} ms, p99 {figures['p99_ms']} ms, "
                f"{figures['throughput_rps']} req/s, {figures['failures']} failures",
            )
        if load_seconds is not None:
            record(
                "registry_import",
                f"{args.persons:,} persons into PostgreSQL (COPY, with history rows)",
                f"{load_seconds:.0f} s, {args.persons / load_seconds:,.0f} persons/s",
            )
    return result


if __name__ == "__main__":
    main()
