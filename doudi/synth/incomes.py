"""Incomes of one block's persons (yuan per month, stored in fen): wages, business and farm
income, pensions and other income; then the household income rules that keep hardship
households below the line and others above it or asset-rich. `persons.generate_block` calls
them in their place in the block's random stream."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from doudi.synth.distributions import (
    EMPLOYEE_PENSION_RURAL,
    EMPLOYEE_PENSION_URBAN,
    HARDSHIP_INCOME_CAP_RANGE,
    MIN_STABLE_WAGE,
    NON_HARDSHIP_FLOOR,
    RESIDENT_PENSION_RANGE,
    WAGE_BASE_RURAL,
    WAGE_BASE_URBAN,
    WAGE_SIGMA,
    _Draw,
    _fen,
)
from doudi.synth.schema import S_NONE


class Incomes(NamedTuple):
    """Per person: employment, self-employment (个体户), urban hukou, and the four incomes in fen."""

    employed: np.ndarray
    unstable: np.ndarray
    getihu: np.ndarray
    hukou_urban: np.ndarray
    wage_f: np.ndarray
    bus_f: np.ndarray
    pen_f: np.ndarray
    oth_f: np.ndarray


def person_incomes(
    rnd: _Draw,
    *,
    age: np.ndarray,
    male: np.ndarray,
    labour: np.ndarray,
    school: np.ndarray,
    counted: np.ndarray,
    urban: np.ndarray,
    urban_p: np.ndarray,
    hard_p: np.ndarray,
    hh_of: np.ndarray,
    n_hh: int,
) -> Incomes:
    """Each person's incomes, drawn from their age, sex, labour capacity, schooling, area and
    household hardship."""
    n_p = age.shape[0]
    works_age = (age >= 16) & (age <= 64) & labour & (school == S_NONE) & counted
    p_emp = np.select(
        [age < 20, age < 25, age < 50, age < 60],
        [0.35, 0.65, np.where(male, 0.92, 0.80), np.where(male, 0.80, 0.55)],
        default=0.35,
    )
    p_emp = p_emp * np.where(urban_p, 1.0, 0.85) * np.where(hard_p, 0.45, 1.0)
    employed = works_age & (rnd.u(n_p) < p_emp)
    unstable = employed & (rnd.u(n_p) < np.where(hard_p, 0.8, 0.2))
    age_f = np.select([age < 25, age < 35, age < 50], [0.72, 1.0, 1.12], default=0.92)
    wage = (
        rnd.lognormal(np.where(urban_p, WAGE_BASE_URBAN, WAGE_BASE_RURAL), WAGE_SIGMA, n_p)
        * age_f
        * np.where(male, 1.0, 0.88)
        * np.where(unstable, 0.7, 1.0)
        * np.where(hard_p, 0.55, 1.0)
    )
    wage = np.where(unstable, wage, np.maximum(wage, MIN_STABLE_WAGE)) * employed
    getihu = works_age & (age >= 20) & ~hard_p & (rnd.u(n_p) < np.where(urban_p, 0.10, 0.07))
    farm = works_age & ~urban_p & ~employed & ~getihu & (age >= 30) & (rnd.u(n_p) < 0.55)
    business = getihu * rnd.lognormal(4000.0, 0.8, n_p) + farm * rnd.lognormal(900.0, 0.6, n_p)
    hukou_urban_h = np.where(rnd.u(n_hh) < np.where(urban, 0.10, 0.04), ~urban, urban)
    hukou_urban = hukou_urban_h[hh_of]
    pension_age = (age >= 60) | (~male & (age >= 55) & hukou_urban)
    employee_pension = pension_age & ~hard_p & (rnd.u(n_p) < np.where(hukou_urban, 0.80, 0.15))
    pension = (
        np.where(
            employee_pension,
            rnd.lognormal(
                np.where(hukou_urban, EMPLOYEE_PENSION_URBAN, EMPLOYEE_PENSION_RURAL), 0.35, n_p
            ),
            (age >= 60) * rnd.rng.uniform(*RESIDENT_PENSION_RANGE, n_p),
        )
        * counted
    )
    other = (rnd.u(n_p) < 0.05) * counted * rnd.lognormal(800.0, 0.7, n_p)
    return Incomes(
        employed,
        unstable,
        getihu,
        hukou_urban,
        _fen(wage),
        _fen(business),
        _fen(pension),
        _fen(other),
    )


def household_income_rules(
    rnd: _Draw,
    incomes: Incomes,
    *,
    hardship: np.ndarray,
    counted: np.ndarray,
    hh_of: np.ndarray,
    offsets: np.ndarray,
    n_hh: int,
) -> tuple[Incomes, np.ndarray]:
    """(the incomes, the asset-rich households): a hardship household's incomes are scaled down
    under its cap; a non-hardship household below the floor is either asset-rich or gets support
    from relatives living elsewhere, booked on the head."""
    wage_f, bus_f, pen_f, oth_f = incomes.wage_f, incomes.bus_f, incomes.pen_f, incomes.oth_f
    counted_n = np.bincount(hh_of, weights=counted, minlength=n_hh)
    total = np.add.reduceat((wage_f + bus_f + pen_f + oth_f) * counted, offsets)
    per_cap = total / np.maximum(counted_n, 1) / 100.0
    cap_yuan = rnd.rng.uniform(*HARDSHIP_INCOME_CAP_RANGE, n_hh)
    capped = hardship & (per_cap > cap_yuan)
    factor = np.where(capped, cap_yuan / np.maximum(per_cap, 1e-9), 1.0)[hh_of]
    wage_f = np.floor(wage_f * factor).astype(np.int64)
    bus_f = np.floor(bus_f * factor).astype(np.int64)
    pen_f = np.floor(pen_f * factor).astype(np.int64)
    oth_f = np.floor(oth_f * factor).astype(np.int64)
    low = ~hardship & (per_cap < NON_HARDSHIP_FLOOR)
    asset_rich = low & (rnd.u(n_hh) < 0.25)
    target = rnd.rng.uniform(NON_HARDSHIP_FLOOR, 2 * NON_HARDSHIP_FLOOR, n_hh)
    # support from relatives living elsewhere, booked on the head
    oth_f[offsets] += _fen(np.where(low & ~asset_rich, (target - per_cap) * counted_n, 0.0))
    return incomes._replace(wage_f=wage_f, bus_f=bus_f, pen_f=pen_f, oth_f=oth_f), asset_rich
