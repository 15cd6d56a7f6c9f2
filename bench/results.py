"""Record benchmark figures in bench/RESULTS.md: one row per (benchmark, scale), replaced on re-run."""

from __future__ import annotations

import os
import platform
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"
HEADER = """# Benchmark results

Figures recorded by the scripts in `bench/` (each generates its own synthetic data). Re-running a
benchmark replaces its row. Machine: {machine}.

| benchmark | scale | figure | date |
| --- | --- | --- | --- |
"""


def _machine() -> str:
    memory = ""
    try:
        with open("/proc/meminfo") as handle:
            kib = int(handle.readline().split()[1])
            memory = f", {kib / 1024 / 1024:.0f} GiB"
    except OSError:
        pass
    return f"{os.cpu_count()} cores{memory}, Python {platform.python_version()}"


def record(benchmark: str, scale: str, figure: str, *, path: Path = RESULTS) -> None:
    rows: list[str] = []
    if path.exists():
        rows = [
            line
            for line in path.read_text(encoding="utf-8").splitlines()
            if line.startswith("| ")
            and not line.startswith("| benchmark")
            and not line.startswith("| ---")
        ]
    key = f"| {benchmark} | {scale} |"
    rows = [row for row in rows if not row.startswith(key)]
    today = datetime.now(ZoneInfo("Asia/Shanghai")).date().isoformat()
    rows.append(f"{key} {figure} | {today} |")
    rows.sort()
    path.write_text(HEADER.format(machine=_machine()) + "\n".join(rows) + "\n", encoding="utf-8")
