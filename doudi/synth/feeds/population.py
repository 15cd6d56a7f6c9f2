"""The synthetic population as the feed builders see it, and the value helpers they share
(numpy + pyarrow, no Django)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import numpy as np
import pyarrow as pa

from doudi.exchange.schemas import FEEDS, IDENTITY_COLUMNS, AssetMeaning, Column, IncomeMeaning
from doudi.exchange.schemas.meaning import ByCode
from doudi.synth.config import REFERENCE_DATE

# Identity column of a feed → the population column it is copied from.
IDENTITY_SOURCES = {name: name for name in IDENTITY_COLUMNS} | {"region_code": "hukou_region_code"}


class Population:
    """`persons.parquet` with each person's household row alongside, and the feeds' generator."""

    def __init__(self, persons: pa.Table, households: pa.Table, seed: int) -> None:
        self.persons = persons
        self.rng = np.random.default_rng([seed, 0xFEED])
        order = np.searchsorted(
            households.column("household_id").to_numpy(), persons.column("household_id").to_numpy()
        )
        self.household = households.take(pa.array(order))  # one household row per person
        self.n = persons.num_rows

    def col(self, name: str) -> np.ndarray:
        return self.persons.column(name).to_numpy(zero_copy_only=False)

    def hcol(self, name: str) -> np.ndarray:
        return self.household.column(name).to_numpy(zero_copy_only=False)

    def identity(self, index: np.ndarray) -> dict[str, pa.Array]:
        """The identity columns (`IDENTITY_COLUMNS`) of the persons at `index`."""
        take = pa.array(index)
        return {
            name: self.persons.column(source).take(take)
            for name, source in IDENTITY_SOURCES.items()
        }


def yuan(fen: np.ndarray) -> pa.Array:
    """Integer fen to a yuan amount as a department writes it: 123456 -> "1234.56"."""
    fen = np.asarray(fen, dtype=np.int64)
    whole = (fen // 100).astype(str)
    cents = np.char.zfill((fen % 100).astype(str), 2)
    return pa.array(np.char.add(np.char.add(whole, "."), cents).astype(object), pa.string())


def dates_before(rng: np.random.Generator, count: int, earliest: dt.date) -> pa.Array:
    """`count` days drawn uniformly from `earliest` to the reference date."""
    span = (REFERENCE_DATE - earliest).days
    days = np.datetime64(earliest) + rng.integers(0, span + 1, count).astype("timedelta64[D]")
    return pa.array(days.astype("datetime64[D]"), pa.date32())


def declared(column: Column, codes: Mapping[str, object]) -> list[str]:
    """The codes of a per-feed distribution, in declared order; ValueError for a code the
    column does not declare (so a code changed in the declaration cannot be written stale)."""
    unknown = sorted(set(codes) - set(column.codes))
    if unknown:
        raise ValueError(f"{column.name}: codes not declared {unknown}")
    return [code for code in column.codes if code in codes]


def draw(
    rng: np.random.Generator, count: int, column: Column, weights: Mapping[str, float]
) -> pa.Array:
    """`count` codes of `column` drawn with `weights` (code → weight)."""
    codes = declared(column, weights)
    p = np.asarray([weights[code] for code in codes], dtype=float)
    return pa.array(np.asarray(codes, dtype=object)[rng.choice(len(codes), count, p=p / p.sum())])


def repeat(column: Column, code: str, count: int) -> pa.Array:
    """`code` of `column` (checked against the declaration) `count` times."""
    (checked,) = declared(column, {code: 1})
    return pa.array([checked] * count)


def column(source: str, name: str) -> Column:
    """The declared column `name` of feed `source`."""
    return FEEDS[source].column_by_name[name]


def income_code(source: str, income_type: str) -> str:
    """The first code of `source` whose declared meaning is the policy income type."""
    meaning = FEEDS[source].meaning
    assert isinstance(meaning, IncomeMeaning)
    assert isinstance(meaning.income_type, ByCode)
    return meaning.income_type.codes_for(income_type)[0]


def category_code(source: str, category: str) -> str:
    """The first code of `source` whose declared meaning is the asset category."""
    meaning = FEEDS[source].meaning
    assert isinstance(meaning, AssetMeaning)
    assert isinstance(meaning.category, ByCode)
    return meaning.category.codes_for(category)[0]


def counted_code(source: str) -> str:
    """The first code of the rows of `source` that its declared meaning counts."""
    meaning = FEEDS[source].meaning
    assert meaning is not None
    assert meaning.rows is not None
    return meaning.rows.codes[0]
