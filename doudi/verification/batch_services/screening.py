"""The screen itself: the policy engine's limits per county and area type, and the pure DuckDB
screen (`batch.batch_screen`) against the latest snapshot of every source."""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass
from typing import Any

import pyarrow as pa
from django.utils import timezone

from doudi.exchange.selectors import feed_snapshots_latest
from doudi.exchange.store import snapshot_path
from doudi.verification import sources as S
from doudi.verification.batch import batch_screen
from doudi.verification.batch_services.selection import _Household
from doudi.verification.findings import Limits
from doudi.verification.limits import limits_for
from doudi.verification.models import BatchOutcome
from doudi.verification.services import income_months


def _limits(screened: list[_Household], month: str) -> dict[str, Limits]:
    """The policy engine's limits per county and area type of the screened households."""
    limits: dict[str, Limits] = {}
    for household in screened:
        if household.limits_key not in limits:
            county, area_type = household.limits_key.split("/")
            limits[household.limits_key] = limits_for(
                region=county, area_type=area_type, month=month, counted_members=0
            )
    return limits


def _screen(
    screened: list[_Household],
    latest: dict[str, Any],
    limits: dict[str, Limits],
    month: str,
    months: int,
) -> list[dict[str, Any]]:
    """One row per screened household from `batch.batch_screen`, in household order."""
    if not screened:
        return []
    members = pa.table(
        {
            "household_id": pa.array([h.pk for h in screened for _ in h.members], pa.int64()),
            "person_key": pa.array([key for h in screened for _, _, key in h.members], pa.string()),
            "county_code": pa.array(
                [h.limits_key for h in screened for _ in h.members], pa.string()
            ),
        }
    )
    found = batch_screen(
        members=members,
        snapshots={source: snapshot_path(s.path) for source, s in latest.items()},
        limits=limits,
        month=month,
        income_months=months,
    ).to_pydict()
    columns = list(found)
    return [dict(zip(columns, values, strict=True)) for values in zip(*found.values(), strict=True)]


@dataclass
class _Screening:
    """What the screen read and found: the latest snapshots, the sources not sent, the limits,
    one row per screened household, when the data were read and when the screen finished."""

    latest: dict[str, Any]
    not_checked: list[str]
    limits: dict[str, Limits]
    months: int
    rows: list[dict[str, Any]]
    read_at: dt.datetime
    finished_at: dt.datetime
    seconds: float

    @property
    def tally(self) -> dict[str, int]:
        counts: dict[str, int] = dict.fromkeys(BatchOutcome.values, 0)
        for row in self.rows:
            counts[row["conclusion"]] += 1
        return counts


def _screening(screened: list[_Household], month: str) -> _Screening:
    """Screen the households against the latest snapshot of every source."""
    latest = feed_snapshots_latest(sources=[spec.source for spec in S.SOURCES])
    limits = _limits(screened, month)
    months = income_months()
    read_at = timezone.now()
    clock = time.perf_counter()
    rows = _screen(screened, latest, limits, month, months)
    return _Screening(
        latest=latest,
        not_checked=[spec.source for spec in S.SOURCES if spec.source not in latest],
        limits=limits,
        months=months,
        rows=rows,
        read_at=read_at,
        finished_at=timezone.now(),
        seconds=time.perf_counter() - clock,
    )
