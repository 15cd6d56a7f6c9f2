"""The declaration of every department feed, as data (no Django imports; docs/exchange.md).

Each feed (`FeedSchema`, one module per sending department or group) lists its columns (English
name, Chinese label, type, required, unit, allowed codes), the natural key that detects
duplicate rows, how invalid ID numbers are treated — `strict` feeds (公安, the issuer of the
numbers) reject a file with a bad number; `flag` feeds keep the record with a quality flag for
identity resolution — and, for the feeds verification reads, what a row means (`meaning.py`).
Validation, the verification report's items, batch screening's SQL and the synthetic feeds are
all derived from these declarations.
"""

from __future__ import annotations

from doudi.exchange.schemas import (
    financial,
    hardship,
    housing_fund,
    human_resources,
    market_regulation,
    public_security,
    real_estate,
    tax,
)
from doudi.exchange.schemas.columns import IDENTITY_COLUMNS, Column, ColumnType
from doudi.exchange.schemas.feed import FeedSchema, IdPolicy
from doudi.exchange.schemas.meaning import AssetMeaning, IncomeMeaning, Meaning

__all__ = [
    "FEEDS",
    "IDENTITY_COLUMNS",
    "AssetMeaning",
    "Column",
    "ColumnType",
    "FeedSchema",
    "IdPolicy",
    "IncomeMeaning",
    "Meaning",
    "feed_schema",
]

# In this order on the feed board, in `doudi exchange feeds` and in the synthetic feeds.
FEEDS: dict[str, FeedSchema] = {
    schema.source: schema
    for schema in (
        public_security.HUKOU,
        public_security.DEATHS,
        tax.TAX,
        human_resources.SOCIAL_INSURANCE_CONTRIBUTIONS,
        human_resources.PENSIONS,
        human_resources.UNEMPLOYMENT_BENEFITS,
        housing_fund.HOUSING_FUND,
        real_estate.REAL_ESTATE,
        public_security.VEHICLES,
        market_regulation.BUSINESS_REGISTRATION,
        financial.BANK_DEPOSITS,
        financial.SECURITIES,
        financial.COMMERCIAL_INSURANCE,
        hardship.MEDICAL_COSTS,
        hardship.DISABILITY_CERTIFICATES,
        human_resources.UNEMPLOYMENT_REGISTRATION,
        hardship.EDUCATION,
        hardship.DISASTER_RELIEF,
        hardship.ANTI_POVERTY_MONITORING,
    )
}


def feed_schema(source: str) -> FeedSchema | None:
    return FEEDS.get(source)
