"""Which department feeds a verification reads, in the order a report shows them (no Django).

What a feed's rows mean — income or asset, which columns hold the amount and the month or date,
how its codes map to the policy engine's income types (`doudi.policy.codes.INCOME_TYPES`) or to
the asset categories, which rows count — is declared with the feed (`doudi.exchange.schemas`,
`FeedSchema.meaning`). This module picks the feeds, checks their declared income types against
the policy engine's, and gives each source the columns a report reads."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from doudi.exchange.schemas import FEEDS, FeedSchema, Meaning
from doudi.exchange.schemas.meaning import (
    ASSET_LABELS,
    BUSINESS_REGISTRATIONS,
    EXEMPT_VEHICLE,
    FINANCIAL,
    HOUSING_FUND,
    LIMITED_ASSETS,
    NON_RESIDENTIAL,
    REAL_ESTATE,
    VALUED_ASSETS,
    VEHICLES,
    AssetMeaning,
    IncomeMeaning,
)
from doudi.policy.codes import INCOME_TYPES

__all__ = [
    "ASSET_LABELS",
    "ASSET_SOURCES",
    "BUSINESS_REGISTRATIONS",
    "EXEMPT_VEHICLE",
    "FINANCIAL",
    "HOUSING_FUND",
    "INCOME_TYPE_SOURCES",
    "LIMITED_ASSETS",
    "NON_RESIDENTIAL",
    "REAL_ESTATE",
    "REPORT_SOURCES",
    "SOURCES",
    "SOURCE_BY_NAME",
    "VALUED_ASSETS",
    "VEHICLES",
    "SourceSpec",
]

# The feeds a report reads (each must declare a meaning), in the order the report lists them.
REPORT_SOURCES = (
    "tax",
    "pensions",
    "unemployment_benefits",
    "social_insurance_contributions",
    "bank_deposits",
    "securities",
    "commercial_insurance",
    "vehicles",
    "real_estate",
    "business_registration",
    "housing_fund",
)


@dataclass(frozen=True)
class SourceSpec:
    schema: FeedSchema
    meaning: Meaning
    columns: tuple[str, ...]  # feed columns read besides person_key and source_row

    @property
    def source(self) -> str:
        return self.schema.source

    @property
    def label(self) -> str:
        return self.schema.label

    @property
    def kind(self) -> str:  # "income" or "asset"
        return self.meaning.kind


def source_spec(source: str) -> SourceSpec:
    """The spec of a feed verification reads; ValueError when its declaration has no meaning or
    names an income type the policy engine does not know."""
    schema = FEEDS[source]
    meaning = schema.meaning
    if meaning is None:
        raise ValueError(f"{source}: verification reads this feed, but it declares no meaning")
    if isinstance(meaning, IncomeMeaning):
        unknown = [kind for kind in meaning.income_types if kind not in INCOME_TYPES]
        if unknown:
            raise ValueError(f"{source}: income types unknown to the policy engine {unknown}")
        if meaning.counted_unless_in and meaning.counted_unless_in not in REPORT_SOURCES:
            raise ValueError(f"{source}: counted unless in {meaning.counted_unless_in!r}, unread")
    columns = tuple(column.name for column in schema.columns if column.name in meaning.columns)
    return SourceSpec(schema, meaning, columns)


SOURCES: tuple[SourceSpec, ...] = tuple(source_spec(source) for source in REPORT_SOURCES)
SOURCE_BY_NAME = {spec.source: spec for spec in SOURCES}


def _sources_showing(kinds: Mapping[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
    """Source → what it can show, turned into: what can be shown → the sources showing it."""
    shown: dict[str, tuple[str, ...]] = {}
    for source, values in kinds.items():
        for value in values:
            shown[value] = (*shown.get(value, ()), source)
    return shown


# Which sources could show each income type or limited asset category (for declared_not_found).
INCOME_TYPE_SOURCES = _sources_showing(
    {s.source: s.meaning.income_types for s in SOURCES if isinstance(s.meaning, IncomeMeaning)}
)
ASSET_SOURCES = {
    category: sources
    for category, sources in _sources_showing(
        {s.source: s.meaning.categories for s in SOURCES if isinstance(s.meaning, AssetMeaning)}
    ).items()
    if category in LIMITED_ASSETS
}
