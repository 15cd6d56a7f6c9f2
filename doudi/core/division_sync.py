"""Load the vendored division table into the database, and add synthetic villages."""

from __future__ import annotations

from typing import Any

from doudi.core import divisions

LEVEL_ORDER = {"province": 0, "city": 1, "county": 2, "township": 3, "village": 4}


def division_table_load(division_model: Any) -> int:
    """Insert every current division not yet in the table (idempotent). Returns rows inserted.

    `division_model` is passed in so that a data migration can use its historical model.
    """
    existing = set(division_model.objects.values_list("code", flat=True))
    records = sorted(
        (
            record
            for record in divisions.all_divisions()
            if record.is_current and record.code not in existing
        ),
        key=lambda record: (LEVEL_ORDER[record.level], record.code),
    )
    rows = [
        division_model(
            code=record.code,
            name=record.name,
            level=record.level,
            parent_id=record.parent_code or None,
            province_code=record.province_code,
            city_code=record.city_code,
            county_code=record.county_code,
            township_code=record.township_code,
            is_management_region=record.is_management_region,
        )
        for record in records
    ]
    division_model.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


def villages_ensure(division_model: Any, villages: list[tuple[str, str]]) -> int:
    """Create synthetic villages (12-digit code, name) under their townships if missing."""
    wanted = dict(villages)
    existing = set(
        division_model.objects.filter(code__in=list(wanted)).values_list("code", flat=True)
    )
    townships = {
        division.code: division
        for division in division_model.objects.filter(code__in={code[:9] for code in wanted})
    }
    rows = []
    for code, name in sorted(wanted.items()):
        if code in existing:
            continue
        township = townships.get(code[:9])
        if township is None:
            raise ValueError(f"村（社区）{name}（{code}）所属乡镇 {code[:9]} 不存在")
        rows.append(
            division_model(
                code=code,
                name=name,
                level="village",
                parent_id=township.code,
                province_code=township.province_code,
                city_code=township.city_code,
                county_code=township.county_code,
                township_code=township.code,
                is_synthetic=True,
            )
        )
    division_model.objects.bulk_create(rows, batch_size=1000)
    return len(rows)
