"""Random rows of the verification sources, drawn from their declarations, for the equivalence
tests of the report rules and the batch screen (synthetic keys only, no ID numbers)."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

from doudi.exchange.schemas import Column, ColumnType
from doudi.verification.sources import SourceSpec

# Few distinct texts, so that institutions repeat and keys (plates, certificates) are shared by
# several persons, as jointly held assets are.
TEXTS = ("甲", "乙", "丙")


def key(number: int) -> str:
    """A synthetic person key (the shape of a keyed hash)."""
    return f"{number:064x}"


def value(column: Column, rng: random.Random) -> Any:
    """A value of `column` as a snapshot holds it (months and dates around 2026)."""
    kind = column.type
    if kind in (ColumnType.YUAN, ColumnType.DECIMAL):
        if not column.required and rng.random() < 0.2:
            return None
        return Decimal(rng.randint(0, 2_000_000)).scaleb(-2)
    if kind is ColumnType.MONTH:
        return dt.date(2026, rng.randint(1, 12), 1)
    if kind is ColumnType.DATE:
        return dt.date(2026, rng.randint(1, 12), rng.randint(1, 28))
    if kind is ColumnType.CODE:
        return rng.choice(column.codes)
    return rng.choice(TEXTS)


def row(spec: SourceSpec, rng: random.Random) -> dict[str, Any]:
    """The values of the columns a report reads from `spec`'s feed."""
    return {name: value(spec.schema.column_by_name[name], rng) for name in spec.columns}
