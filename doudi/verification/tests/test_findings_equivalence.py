"""A report's items, comparison, flags and conclusion, derived from each feed's declared
meaning, are those of the former per-source rules (`oracle_findings.py`, verbatim) on random
records of every source: incomes in and out of the reference months, every code, linked rows,
several rows per institution, jointly held items, declarations above and below what is found,
sources not sent (pure: no database)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
from decimal import Decimal

import pytest

from doudi.policy.codes import COUNTED_INCOME_TYPES
from doudi.verification import findings
from doudi.verification.snapshots import DIRECT_METHOD, Record
from doudi.verification.sources import LIMITED_ASSETS, SOURCES
from doudi.verification.tests import oracle_findings
from doudi.verification.tests.random_feeds import key, row

NAMES = ("林建国", "陈秀英", "林小雨")


def _reads(rng: random.Random, members: list[findings.Member]) -> list[findings.SourceRead]:
    reads = []
    for number, spec in enumerate(SOURCES):
        if rng.random() < 0.1:
            reads.append(findings.SourceRead(spec.source, None, None))
            continue
        records = []
        for source_row in range(rng.randint(0, 12)):
            method = (
                DIRECT_METHOD if rng.random() < 0.7 else rng.choice(["probabilistic", "reviewed"])
            )
            records.append(
                Record(
                    rng.choice(members).person_key,
                    source_row + 2,
                    method,
                    None if method == DIRECT_METHOD else round(rng.uniform(0.8, 1), 4),
                    row(spec, rng),
                )
            )
        reads.append(findings.SourceRead(spec.source, number + 1, dt.date(2026, 11, 5), records))
    return reads


def _declaration(rng: random.Random, members: list[findings.Member]) -> findings.Declaration | None:
    if rng.random() < 0.3:
        return None
    incomes = {
        member.public_id: {
            kind: Decimal(rng.randint(0, 400_000)).scaleb(-2)
            for kind in rng.sample(sorted(COUNTED_INCOME_TYPES), 2)
        }
        for member in members
    }
    assets = {category: Decimal(rng.randint(0, 3)) for category in LIMITED_ASSETS}
    assets["financial"] = Decimal(rng.randint(0, 5_000_000)).scaleb(-2)
    return findings.Declaration(incomes=incomes, assets=assets)


@pytest.mark.parametrize("seed", range(25))
def test_the_declared_meanings_give_the_former_report(seed):
    rng = random.Random(seed)
    for _ in range(20):
        # given
        members = [
            findings.Member(10 + i, f"p{i}", NAMES[i], key(i + 1)) for i in range(rng.randint(1, 3))
        ]
        reads = _reads(rng, members)
        limits = findings.Limits(
            Decimal(rng.choice(["970.00", "90000.00"])),
            24,
            rng.randint(0, 8),
            rng.randint(0, 10),
            rng.randint(0, 8),
            len(members),
        )
        declaration = _declaration(rng, members)
        arguments = {
            "month": "2026-11",
            "members": members,
            "reads": reads,
            "limits": limits,
            "declaration": declaration,
            "income_months": 6,
            "tolerance": Decimal("0.10"),
        }
        # when
        new = findings.assemble(**arguments)
        old = oracle_findings.assemble(**arguments)
        # then
        assert [dataclasses.asdict(i) for i in new.items] == [
            dataclasses.asdict(i) for i in old.items
        ]
        assert [i.as_json() for i in new.items] == [i.as_json() for i in old.items]
        assert (new.comparison, new.flags) == (old.comparison, old.flags)
        assert (new.conclusion, new.rule, new.reason) == (old.conclusion, old.rule, old.reason)
