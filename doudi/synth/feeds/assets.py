"""Asset feeds of the synthetic population: housing fund, real estate, vehicles, businesses,
bank deposits, securities and commercial insurance (one row per asset, held by the head; money in
fen, see `synth/feeds/__init__.py`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pyarrow as pa

from doudi.exchange.schemas import FEEDS, AssetMeaning
from doudi.exchange.schemas.meaning import NON_RESIDENTIAL, REAL_ESTATE, VEHICLES
from doudi.synth.config import REFERENCE_DATE
from doudi.synth.feeds.population import (
    Population,
    category_code,
    column,
    counted_code,
    dates_before,
    draw,
    repeat,
)

Built = tuple[np.ndarray, dict[str, Any]]

PRODUCT_WEIGHTS = {"life": 4, "health": 3, "annuity": 2, "accident": 1}
REGISTERED_CAPITAL = 5_000_000  # fen: 50,000 yuan
SECURITIES_FROM = 10_000_000  # fen: households above 100,000 yuan hold a fifth in securities


def housing_fund(pop: Population) -> Built:
    index = np.flatnonzero(pop.col("wage_stable") & (pop.hcol("area_type") == "urban"))
    monthly = pop.col("wage_monthly_fen")[index] * 24 // 100  # 12 % employee + 12 % employer
    months = pop.rng.integers(6, 120, len(index))
    return index, {"monthly_contribution": monthly, "balance": monthly * months}


def _heads_repeated(pop: Population, counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Head rows repeated `counts` times (one row per asset), and each row's ordinal 1..count."""
    heads = np.flatnonzero((pop.col("relation") == "head") & (counts > 0))
    times = counts[heads].astype(int)
    index = np.repeat(heads, times)
    ordinal = np.arange(len(index)) - np.repeat(np.cumsum(times) - times, times) + 1
    return index, ordinal


def real_estate(pop: Population) -> Built:
    index, ordinal = _heads_repeated(pop, pop.hcol("real_estate_count"))
    household = pop.col("household_id")[index]
    area = pop.rng.normal(95, 25, len(index)).clip(25, 300).round(2)
    usage = np.where(
        ordinal == 1,
        category_code("real_estate", REAL_ESTATE),  # the first is the home, any other is not
        category_code("real_estate", NON_RESIDENTIAL),
    )
    return index, {
        "certificate_number": np.asarray(
            [f"闽合成不动产权第{h:010d}{k}号" for h, k in zip(household, ordinal, strict=True)],
            dtype=object,
        ),
        "location_code": pa.array(pop.col("hukou_region_code")[index]),
        "usage": usage.astype(object),
        "floor_area": (area * 100).round().astype(np.int64),
        "registered_on": dates_before(pop.rng, len(index), dt.date(1995, 1, 1)),
    }


def vehicles(pop: Population) -> Built:
    counts = pop.hcol("vehicles")
    index, ordinal = _heads_repeated(pop, counts)
    household = pop.col("household_id")[index]
    return index, {
        "plate_number": np.asarray(
            [f"闽Z{h:07d}{k}" for h, k in zip(household, ordinal, strict=True)], dtype=object
        ),
        "vehicle_type": repeat(
            column("vehicles", "vehicle_type"), category_code("vehicles", VEHICLES), len(index)
        ),
        "registered_on": dates_before(pop.rng, len(index), dt.date(2010, 1, 1)),
        "assessed_value": pop.hcol("vehicle_value_fen")[index] // np.maximum(counts[index], 1),
    }


def business(pop: Population) -> Built:
    urban_business = (pop.col("business_monthly_fen") > 0) & (pop.hcol("area_type") == "urban")
    index = np.flatnonzero(urban_business)
    person = pop.col("person_id")[index]
    return index, {
        # 92: the registration-authority code of a 个体工商户
        "credit_code": np.asarray([f"92{p:016d}" for p in person], dtype=object),
        "business_name": np.asarray([f"合成个体商户{p}" for p in person], dtype=object),
        "entity_type": repeat(
            column("business_registration", "entity_type"), "individual", len(index)
        ),
        "role": repeat(column("business_registration", "role"), "operator", len(index)),
        "registered_capital": np.full(len(index), REGISTERED_CAPITAL),
        "registered_on": dates_before(pop.rng, len(index), dt.date(2005, 1, 1)),
        "status": repeat(
            column("business_registration", "status"),
            counted_code("business_registration"),
            len(index),
        ),
    }


def _financial(pop: Population, *, securities: bool) -> tuple[np.ndarray, np.ndarray]:
    heads = np.flatnonzero((pop.col("relation") == "head") & (pop.hcol("financial_assets_fen") > 0))
    fen = pop.hcol("financial_assets_fen")[heads]
    held = np.where(fen > SECURITIES_FROM, fen * 2 // 10, 0)
    amounts = held if securities else fen - held
    keep = amounts > 0
    return heads[keep], amounts[keep]


def _holdings(pop: Population, source: str, institution: str) -> Built:
    """Balances of the financial assets held at one institution each, on the reference date, in
    the columns the feed's meaning names."""
    meaning = FEEDS[source].meaning
    assert isinstance(meaning, AssetMeaning)
    assert meaning.value is not None
    index, amounts = _financial(pop, securities=source == "securities")
    return index, {
        "institution": np.asarray([institution] * len(index), dtype=object),
        meaning.value: amounts,
        "as_of": pa.array([REFERENCE_DATE] * len(index), pa.date32()),
    }


def bank_deposits(pop: Population) -> Built:
    return _holdings(pop, "bank_deposits", "合成银行")


def securities(pop: Population) -> Built:
    return _holdings(pop, "securities", "合成证券")


def commercial_insurance(pop: Population) -> Built:
    adult = pop.col("birth_date").astype("datetime64[D]") <= np.datetime64("2006-06-30")
    eligible = np.flatnonzero(adult & ~pop.hcol("hardship"))
    index = eligible[pop.rng.random(len(eligible)) < 0.1]
    premium = (pop.rng.lognormal(np.log(3000), 0.6, len(index)) * 100).astype(np.int64)
    return index, {
        "insurer": np.asarray(["合成人寿"] * len(index), dtype=object),
        "policy_number": np.asarray(
            [f"SYN{p:012d}" for p in pop.col("person_id")[index]], dtype=object
        ),
        "product_type": draw(
            pop.rng, len(index), column("commercial_insurance", "product_type"), PRODUCT_WEIGHTS
        ),
        "annual_premium": premium,
        "cash_value": premium * pop.rng.integers(0, 10, len(index)),
        "start_date": dates_before(pop.rng, len(index), dt.date(2010, 1, 1)),
    }
