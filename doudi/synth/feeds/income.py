"""Income feeds of the synthetic population: tax, social insurance, pensions, unemployment (money
in fen, see `synth/feeds/__init__.py`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np

from doudi.synth.config import REFERENCE_DATE
from doudi.synth.feeds.population import (
    Population,
    column,
    counted_code,
    dates_before,
    income_code,
    repeat,
)

Built = tuple[np.ndarray, dict[str, Any]]

WAGE_TAX_THRESHOLD = 500_000  # fen a month: 5,000 yuan
UNEMPLOYMENT_BENEFIT = 176_400  # fen a month: 90 % of a 1,960 yuan minimum wage


def tax(pop: Population) -> Built:
    wage, business = pop.col("wage_monthly_fen"), pop.col("business_monthly_fen")
    wage_index = np.flatnonzero(wage > WAGE_TAX_THRESHOLD)
    business_index = np.flatnonzero((business > 0) & (pop.hcol("area_type") == "urban"))
    index = np.concatenate([wage_index, business_index])
    income = np.concatenate([wage[wage_index], business[business_index]])
    taxable = np.maximum(income - WAGE_TAX_THRESHOLD, 0)
    kinds = [income_code("tax", "wage")] * len(wage_index) + [income_code("tax", "business")] * len(
        business_index
    )
    return index, {
        "income_type": np.asarray(kinds, dtype=object),
        "income_amount": income,
        "tax_paid": taxable * 3 // 100,  # the first bracket, 3 %
    }


def contributions(pop: Population) -> Built:
    index = np.flatnonzero(pop.col("wage_stable"))
    return index, {
        "scheme": repeat(
            column("social_insurance_contributions", "scheme"),
            counted_code("social_insurance_contributions"),
            len(index),
        ),
        "contribution_base": pop.col("wage_monthly_fen")[index],
        "employer_name": np.asarray(["合成用人单位"] * len(index), dtype=object),
    }


def pensions(pop: Population) -> Built:
    pension = pop.col("pension_monthly_fen")
    index = np.flatnonzero(pension > 0)
    kinds = np.where(
        pension[index] > 30_000,
        income_code("pensions", "pension"),
        income_code("pensions", "basic_pension"),
    ).astype(object)
    return index, {"pension_type": kinds, "amount": pension[index]}


def _unemployed(pop: Population) -> np.ndarray:
    """Working-age counted people with labour capacity, no wage and no business: some are
    registered unemployed (the same people in both unemployment feeds)."""
    ages = (np.datetime64(REFERENCE_DATE) - pop.col("birth_date").astype("datetime64[D]")).astype(
        int
    ) // 365
    candidate = (
        pop.col("counted")
        & pop.col("labour_capacity")
        & (pop.col("wage_monthly_fen") == 0)
        & (pop.col("business_monthly_fen") == 0)
        & (ages >= 18)
        & (ages < 60)
        & (pop.col("schooling") == "none")
    )
    index = np.flatnonzero(candidate)
    chosen = np.random.default_rng([int(pop.n), 0xD01E]).random(len(index)) < 0.3
    return index[chosen]


def unemployment_benefits(pop: Population) -> Built:
    index = _unemployed(pop)
    index = index[: len(index) // 2]  # about half still draw the benefit
    return index, {"amount": np.full(len(index), UNEMPLOYMENT_BENEFIT)}


def unemployment_registration(pop: Population) -> Built:
    index = _unemployed(pop)
    return index, {
        "registered_on": dates_before(pop.rng, len(index), dt.date(2022, 1, 1)),
        "status": repeat(column("unemployment_registration", "status"), "registered", len(index)),
    }
