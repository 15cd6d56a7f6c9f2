"""Every feed verification reads declares what its rows mean, in the policy engine's terms
(pure: no database)."""

from __future__ import annotations

import pytest

from doudi.exchange.schemas import FEEDS, AssetMeaning, IncomeMeaning
from doudi.policy.codes import INCOME_TYPES
from doudi.verification import batch, sources


@pytest.mark.parametrize("source", sources.REPORT_SOURCES)
def test_every_feed_a_report_reads_declares_a_meaning(source):
    meaning = FEEDS[source].meaning

    assert isinstance(meaning, IncomeMeaning | AssetMeaning), f"{source} declares no meaning"
    if isinstance(meaning, IncomeMeaning):
        assert set(meaning.income_types) <= set(INCOME_TYPES)
    else:
        assert set(meaning.categories) <= set(sources.ASSET_LABELS)


def test_every_declared_meaning_is_read_by_verification():
    declared = {source for source, schema in FEEDS.items() if schema.meaning is not None}
    assert declared == set(sources.REPORT_SOURCES)


def test_a_feed_without_a_meaning_cannot_be_read():
    with pytest.raises(ValueError, match="hukou: verification reads this feed, but it declares"):
        sources.source_spec("hukou")


def test_a_report_reads_the_columns_the_meaning_names_in_declared_order():
    assert sources.SOURCE_BY_NAME["tax"].columns == ("period", "income_type", "income_amount")
    assert sources.SOURCE_BY_NAME["bank_deposits"].columns == ("institution", "balance", "as_of")
    assert sources.SOURCE_BY_NAME["business_registration"].columns == (
        "credit_code",
        "business_name",
        "registered_capital",
        "status",
    )


def test_which_sources_can_show_an_income_type_or_a_limited_asset():
    assert sources.INCOME_TYPE_SOURCES["wage"] == ("tax", "social_insurance_contributions")
    assert sources.INCOME_TYPE_SOURCES["basic_pension"] == ("pensions",)
    assert sources.ASSET_SOURCES == {
        "financial": ("bank_deposits", "securities", "commercial_insurance"),
        "vehicles": ("vehicles",),
        "real_estate": ("real_estate",),
        "business_registrations": ("business_registration",),
    }


def test_the_batch_screen_reads_neither_estimates_nor_unlimited_assets():
    assert batch.SCREENED_SOURCES == (
        "tax",
        "pensions",
        "unemployment_benefits",
        "bank_deposits",
        "securities",
        "commercial_insurance",
        "vehicles",
        "real_estate",
        "business_registration",
    )
