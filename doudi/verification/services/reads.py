"""What a report reads: the latest snapshot of every source for the counted members, and the
situation an application declared (typed: its stored JSON is read by the standards engine)."""

from __future__ import annotations

from dataclasses import dataclass, fields
from decimal import Decimal

from doudi.exchange.models import FeedSnapshot
from doudi.exchange.selectors import feed_snapshots_latest
from doudi.exchange.store import snapshot_path
from doudi.policy import Situation
from doudi.verification import findings, snapshots
from doudi.verification.services._common import read_threads
from doudi.verification.sources import SOURCES


@dataclass(frozen=True)
class _Read:
    snapshot: FeedSnapshot | None
    read: findings.SourceRead


def _read_sources(members: list[findings.Member]) -> list[_Read]:
    keys = [member.person_key for member in members]
    latest = feed_snapshots_latest(sources=[spec.source for spec in SOURCES])
    sent = [spec for spec in SOURCES if spec.source in latest]
    found = snapshots.records_many(
        reads=[(snapshot_path(latest[spec.source].path), spec.columns) for spec in sent],
        person_keys=keys,
        workers=read_threads(),
    )
    records = {spec.source: rows for spec, rows in zip(sent, found, strict=True)}
    reads = []
    for spec in SOURCES:
        snapshot = latest.get(spec.source)
        if snapshot is None:
            reads.append(_Read(None, findings.SourceRead(spec.source, None, None)))
            continue
        reads.append(
            _Read(
                snapshot,
                findings.SourceRead(
                    spec.source, snapshot.pk, snapshot.snapshot_date, records[spec.source]
                ),
            )
        )
    return reads


def _declaration(situation: Situation) -> findings.Declaration:
    """What the application declared, as the findings compare it: each member's monthly incomes
    summed by type, and the household's assets (an asset not declared is declared as none)."""
    incomes: dict[str, dict[str, Decimal]] = {}
    for member in situation.members:
        by_type = incomes.setdefault(member.id, {})
        for income in member.incomes:
            by_type[income.type] = by_type.get(income.type, Decimal("0.00")) + income.monthly
    assets = {
        field.name: Decimal(getattr(situation.assets, field.name))
        for field in fields(situation.assets)
    }
    return findings.Declaration(incomes=incomes, assets=assets)
