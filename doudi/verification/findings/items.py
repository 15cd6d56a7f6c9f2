"""A source's records turned into report items, as the feed's declared meaning says
(`doudi.exchange.schemas.meaning`; no Django imports).

Income: the records of the reference months that count (`rows`), summed per person, income type
(fixed, or chosen by a code) and link method, divided by the months. Assets: the records that
count, only each person's latest where the feed says so (`latest`), one item each, with its
category (fixed, or chosen by a code), value, key and detail columns."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from doudi.core.money import quantize_yuan
from doudi.exchange.schemas import AssetMeaning, ColumnType, IncomeMeaning
from doudi.exchange.schemas.meaning import VALUED_ASSETS, ByCode, Latest, Rows
from doudi.verification import sources as S
from doudi.verification.findings.model import ZERO, Item, Member, SourceRead, money
from doudi.verification.snapshots import DIRECT_METHOD, Record


def source_items(
    read: SourceRead,
    members: Mapping[str, Member],
    window: tuple[dt.date, dt.date],
    months: int,
) -> list[Item]:
    """The items of one source with a snapshot; `members` by person key."""
    spec = S.SOURCE_BY_NAME[read.source]
    if isinstance(spec.meaning, IncomeMeaning):
        return _income_items(read, spec.meaning, members, window, months)
    return _asset_items(read, spec, members)


def _chosen(choice: str | ByCode, values: Mapping[str, Any]) -> str:
    return choice.value(values[choice.column]) if isinstance(choice, ByCode) else choice


def _counts(rows: Rows | None, values: Mapping[str, Any]) -> bool:
    return rows is None or values[rows.column] in rows.codes


def _income_items(
    read: SourceRead,
    meaning: IncomeMeaning,
    members: Mapping[str, Member],
    window: tuple[dt.date, dt.date],
    months: int,
) -> list[Item]:
    first, end = window
    sums: dict[tuple[str, str, str], Decimal] = defaultdict(lambda: ZERO)
    periods: dict[tuple[str, str, str], set[str]] = defaultdict(set)
    probability: dict[tuple[str, str, str], Any] = {}
    for record in read.records:
        values = record.values
        period = values.get(meaning.period)
        if period is None or not (first <= period < end) or not _counts(meaning.rows, values):
            continue
        key = (record.person_key, _chosen(meaning.income_type, values), record.link_method)
        sums[key] += money(values[meaning.amount])
        periods[key].add(period.strftime("%Y-%m"))
        probability[key] = record.match_probability
    items = []
    for (person_key, income_type, method), total in sorted(sums.items()):
        key = (person_key, income_type, method)
        detail: dict[str, Any] = {
            "total": str(total),
            "months": months,
            "periods": sorted(periods[key]),
        }
        if meaning.basis:
            detail["basis"] = meaning.basis
        if method != DIRECT_METHOD:
            detail["match_probability"] = probability[key]
        items.append(
            Item(
                members[person_key].person_id,
                read.source,
                "income",
                income_type,
                quantize_yuan(total / months),
                None,
                read.snapshot_id,
                read.snapshot_date,
                method,
                detail,
            )
        )
    return items


def _latest(records: Sequence[Record], latest: Latest) -> list[Record]:
    """Per person (and `latest.per` values) the record with the greatest `latest.by`; among
    equal ones the first read."""
    best: dict[tuple[Any, ...], Record] = {}
    for record in records:
        key = (record.person_key, *(record.values[column] for column in latest.per))
        current = best.get(key)
        if current is None or record.values[latest.by] > current.values[latest.by]:
            best[key] = record
    return sorted(best.values(), key=lambda r: (r.person_key, r.source_row))


def _shown(kind: ColumnType, value: Any) -> Any:
    """A detail value as the report's JSON shows it."""
    if value is None:
        return None
    if kind is ColumnType.MONTH:
        return value.strftime("%Y-%m")
    if kind is ColumnType.DATE:
        return value.isoformat()
    if kind in (ColumnType.YUAN, ColumnType.DECIMAL):
        return str(value)
    return value


def _asset_items(read: SourceRead, spec: S.SourceSpec, members: Mapping[str, Member]) -> list[Item]:
    meaning = spec.meaning
    assert isinstance(meaning, AssetMeaning)
    types = {name: column.type for name, column in spec.schema.column_by_name.items()}
    records = [record for record in read.records if _counts(meaning.rows, record.values)]
    if meaning.latest is not None:
        records = _latest(records, meaning.latest)
    items = []
    for record in records:
        values = record.values
        category = _chosen(meaning.category, values)
        amount = None if meaning.value is None else values[meaning.value]
        detail: dict[str, Any] = {} if meaning.key is None else {"key": values[meaning.key]}
        detail.update({name: _shown(types[name], values[name]) for name in meaning.detail})
        if record.link_method != DIRECT_METHOD:
            detail["match_probability"] = record.match_probability
        items.append(
            Item(
                members[record.person_key].person_id,
                read.source,
                "asset",
                category,
                None if amount is None else money(amount),
                None if category in VALUED_ASSETS else 1,
                read.snapshot_id,
                read.snapshot_date,
                record.link_method,
                detail,
            )
        )
    return items
