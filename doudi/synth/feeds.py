"""Synthetic department feeds for a synthetic population (`doudi synth ... --feeds DIR`).

One file per feed declared in `doudi.exchange.schemas`, built from `persons.parquet` and
`households.parquet` so that every feed agrees with the population (incomes, assets, disability,
schooling, deaths). `hukou` is written as Parquet with the English column names; every other feed
as UTF-8 CSV with the Chinese column labels, as a department would send it. In the feeds whose ID
numbers departments are known to mistype (`IdPolicy.FLAG`), `missing_share` of the records have no
ID number and `mistyped_share` have one digit changed (which always breaks the check character);
name, birth date and region stay correct. The truth for linkage evaluation is written apart, in
`DIR/truth/linkage_truth.parquet`: (source, source_row, person_id, written_id_status), where
source_row counts as ingestion does (CSV sheet row, header = 1; Parquet record number from 1).

numpy + pyarrow only, no Django. Deterministic for a given population and seed.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from doudi.exchange.schemas import FEEDS, IdPolicy
from doudi.synth.config import REFERENCE_DATE

MISSING_SHARE = 0.005
MISTYPED_SHARE = 0.01
PERIOD = f"{REFERENCE_DATE:%Y-%m}"


@dataclass(frozen=True)
class FeedsResult:
    rows: dict[str, int]  # records per feed
    missing: int  # records written without an ID number
    mistyped: int  # records written with a mistyped ID number
    truth_path: Path


def _yuan(fen: np.ndarray) -> pa.Array:
    """Integer fen to a yuan amount as a department writes it: 123456 -> "1234.56"."""
    fen = np.asarray(fen, dtype=np.int64)
    whole = (fen // 100).astype(str)
    cents = np.char.zfill((fen % 100).astype(str), 2)
    return pa.array(np.char.add(np.char.add(whole, "."), cents).astype(object), pa.string())


class _Population:
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
        take = pa.array(index)
        return {
            "id_number": self.persons.column("id_number").take(take),
            "name": self.persons.column("name").take(take),
            "birth_date": self.persons.column("birth_date").take(take),
            "region_code": self.persons.column("hukou_region_code").take(take),
        }


def _dates_before(rng: np.random.Generator, count: int, earliest: dt.date) -> pa.Array:
    span = (REFERENCE_DATE - earliest).days
    days = np.datetime64(earliest) + rng.integers(0, span + 1, count).astype("timedelta64[D]")
    return pa.array(days.astype("datetime64[D]"), pa.date32())


def _codes(
    rng: np.random.Generator, count: int, codes: list[str], weights: list[float]
) -> pa.Array:
    p = np.asarray(weights, dtype=float)
    return pa.array(np.asarray(codes, dtype=object)[rng.choice(len(codes), count, p=p / p.sum())])


def _hukou(pop: _Population) -> tuple[np.ndarray, dict[str, pa.Array]]:
    index = np.arange(pop.n)
    relation = pop.persons.column("relation")
    return index, {
        **pop.identity(index),
        "sex": pop.persons.column("sex"),
        "hukou_type": pop.persons.column("hukou_type"),
        "household_number": pc.cast(pop.persons.column("household_id"), pa.string()),
        "relation": relation,
    }


def _deaths(pop: _Population) -> tuple[np.ndarray, dict[str, pa.Array]]:
    index = np.flatnonzero(pop.col("vital_status") == "deceased")
    return index, {
        **pop.identity(index),
        "date_of_death": pop.persons.column("date_of_death").take(pa.array(index)),
    }


def _tax(pop: _Population) -> tuple[np.ndarray, dict[str, pa.Array]]:
    wage, business = pop.col("wage_monthly_fen"), pop.col("business_monthly_fen")
    wage_index = np.flatnonzero(wage > 500_000)  # above the 5,000 yuan monthly threshold
    business_index = np.flatnonzero((business > 0) & (pop.hcol("area_type") == "urban"))
    index = np.concatenate([wage_index, business_index])
    income = np.concatenate([wage[wage_index], business[business_index]])
    taxable = np.maximum(income - 500_000, 0)
    tax = taxable * 3 // 100  # the first bracket, 3 %
    kinds = ["wage"] * len(wage_index) + ["business"] * len(business_index)
    return index, {
        **pop.identity(index),
        "period": pa.array([PERIOD] * len(index)),
        "income_type": pa.array(kinds, pa.string()),
        "income_amount": _yuan(income),
        "tax_paid": _yuan(tax),
    }


def _contributions(pop: _Population) -> tuple[np.ndarray, dict[str, pa.Array]]:
    index = np.flatnonzero(pop.col("wage_stable"))
    return index, {
        **pop.identity(index),
        "period": pa.array([PERIOD] * len(index)),
        "scheme": pa.array(["employee_pension"] * len(index)),
        "contribution_base": _yuan(pop.col("wage_monthly_fen")[index]),
        "employer_name": pa.array(["合成用人单位"] * len(index)),
    }


def _pensions(pop: _Population) -> tuple[np.ndarray, dict[str, pa.Array]]:
    pension = pop.col("pension_monthly_fen")
    index = np.flatnonzero(pension > 0)
    kinds = np.where(pension[index] > 30_000, "employee", "resident").astype(object)
    return index, {
        **pop.identity(index),
        "period": pa.array([PERIOD] * len(index)),
        "pension_type": pa.array(kinds, pa.string()),
        "amount": _yuan(pension[index]),
    }


def _unemployed(pop: _Population) -> np.ndarray:
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


def _unemployment_benefits(pop: _Population) -> tuple[np.ndarray, dict[str, pa.Array]]:
    index = _unemployed(pop)
    index = index[: len(index) // 2]  # about half still draw the benefit
    return index, {
        **pop.identity(index),
        "period": pa.array([PERIOD] * len(index)),
        "amount": _yuan(np.full(len(index), 176_400)),  # 90 % of a 1,960 yuan minimum wage
    }


def _unemployment_registration(pop: _Population) -> tuple[np.ndarray, dict[str, pa.Array]]:
    index = _unemployed(pop)
    return index, {
        **pop.identity(index),
        "registered_on": _dates_before(pop.rng, len(index), dt.date(2022, 1, 1)),
        "status": pa.array(["registered"] * len(index)),
    }


def _housing_fund(pop: _Population) -> tuple[np.ndarray, dict[str, pa.Array]]:
    index = np.flatnonzero(pop.col("wage_stable") & (pop.hcol("area_type") == "urban"))
    monthly = pop.col("wage_monthly_fen")[index] * 24 // 100  # 12 % employee + 12 % employer
    months = pop.rng.integers(6, 120, len(index))
    return index, {
        **pop.identity(index),
        "period": pa.array([PERIOD] * len(index)),
        "monthly_contribution": _yuan(monthly),
        "balance": _yuan(monthly * months),
    }


def _heads_repeated(pop: _Population, counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Head rows repeated `counts` times (one row per asset), and each row's ordinal 1..count."""
    heads = np.flatnonzero((pop.col("relation") == "head") & (counts > 0))
    repeat = counts[heads].astype(int)
    index = np.repeat(heads, repeat)
    ordinal = np.arange(len(index)) - np.repeat(np.cumsum(repeat) - repeat, repeat) + 1
    return index, ordinal


def _real_estate(pop: _Population) -> tuple[np.ndarray, dict[str, pa.Array]]:
    index, ordinal = _heads_repeated(pop, pop.hcol("real_estate_count"))
    household = pop.col("household_id")[index]
    area = pop.rng.normal(95, 25, len(index)).clip(25, 300).round(2)
    return index, {
        **pop.identity(index),
        "certificate_number": pa.array(
            [f"闽合成不动产权第{h:010d}{k}号" for h, k in zip(household, ordinal, strict=True)]
        ),
        "location_code": pa.array(pop.col("hukou_region_code")[index]),
        "usage": pa.array(np.where(ordinal == 1, "residential", "commercial").astype(object)),
        "floor_area": _yuan((area * 100).round().astype(np.int64)),
        "registered_on": _dates_before(pop.rng, len(index), dt.date(1995, 1, 1)),
    }


def _vehicles(pop: _Population) -> tuple[np.ndarray, dict[str, pa.Array]]:
    counts = pop.hcol("vehicles")
    index, ordinal = _heads_repeated(pop, counts)
    value = pop.hcol("vehicle_value_fen")[index] // np.maximum(counts[index], 1)
    household = pop.col("household_id")[index]
    return index, {
        **pop.identity(index),
        "plate_number": pa.array(
            [f"闽Z{h:07d}{k}" for h, k in zip(household, ordinal, strict=True)]
        ),
        "vehicle_type": pa.array(["car"] * len(index)),
        "registered_on": _dates_before(pop.rng, len(index), dt.date(2010, 1, 1)),
        "assessed_value": _yuan(value),
    }


def _business(pop: _Population) -> tuple[np.ndarray, dict[str, pa.Array]]:
    urban_business = (pop.col("business_monthly_fen") > 0) & (pop.hcol("area_type") == "urban")
    index = np.flatnonzero(urban_business)
    person = pop.col("person_id")[index]
    return index, {
        **pop.identity(index),
        "credit_code": pa.array([f"92{p:016d}" for p in person]),
        "business_name": pa.array([f"合成个体商户{p}" for p in person]),
        "entity_type": pa.array(["individual"] * len(index)),
        "role": pa.array(["operator"] * len(index)),
        "registered_capital": _yuan(np.full(len(index), 5_000_000)),
        "registered_on": _dates_before(pop.rng, len(index), dt.date(2005, 1, 1)),
        "status": pa.array(["active"] * len(index)),
    }


def _assets(pop: _Population, label: str) -> tuple[np.ndarray, np.ndarray]:
    heads = np.flatnonzero((pop.col("relation") == "head") & (pop.hcol("financial_assets_fen") > 0))
    fen = pop.hcol("financial_assets_fen")[heads]
    securities = np.where(fen > 10_000_000, fen * 2 // 10, 0)  # households above 100,000 yuan
    amounts = securities if label == "securities" else fen - securities
    keep = amounts > 0
    return heads[keep], amounts[keep]


def _bank_deposits(pop: _Population) -> tuple[np.ndarray, dict[str, pa.Array]]:
    index, amounts = _assets(pop, "deposits")
    return index, {
        **pop.identity(index),
        "institution": pa.array(["合成银行"] * len(index)),
        "balance": _yuan(amounts),
        "as_of": pa.array([REFERENCE_DATE] * len(index), pa.date32()),
    }


def _securities(pop: _Population) -> tuple[np.ndarray, dict[str, pa.Array]]:
    index, amounts = _assets(pop, "securities")
    return index, {
        **pop.identity(index),
        "institution": pa.array(["合成证券"] * len(index)),
        "market_value": _yuan(amounts),
        "as_of": pa.array([REFERENCE_DATE] * len(index), pa.date32()),
    }


def _commercial_insurance(pop: _Population) -> tuple[np.ndarray, dict[str, pa.Array]]:
    adult = pop.col("birth_date").astype("datetime64[D]") <= np.datetime64("2006-06-30")
    eligible = np.flatnonzero(adult & ~pop.hcol("hardship"))
    index = eligible[pop.rng.random(len(eligible)) < 0.1]
    premium = (pop.rng.lognormal(np.log(3000), 0.6, len(index)) * 100).astype(np.int64)
    return index, {
        **pop.identity(index),
        "insurer": pa.array(["合成人寿"] * len(index)),
        "policy_number": pa.array([f"SYN{p:012d}" for p in pop.col("person_id")[index]]),
        "product_type": _codes(
            pop.rng, len(index), ["life", "health", "annuity", "accident"], [4, 3, 2, 1]
        ),
        "annual_premium": _yuan(premium),
        "cash_value": _yuan(premium * pop.rng.integers(0, 10, len(index))),
        "start_date": _dates_before(pop.rng, len(index), dt.date(2010, 1, 1)),
    }


def _medical_costs(pop: _Population) -> tuple[np.ndarray, dict[str, pa.Array]]:
    ill = pop.col("serious_illness")
    other = ~ill & (pop.rng.random(pop.n) < 0.03)
    index = np.flatnonzero(ill | other)
    total = np.where(
        ill[index],
        pop.rng.lognormal(np.log(60_000), 0.7, len(index)),
        pop.rng.lognormal(np.log(2_000), 0.8, len(index)),
    )
    total_fen = (total * 100).astype(np.int64)
    oop = total_fen * pop.rng.integers(20, 45, len(index)) // 100
    return index, {
        **pop.identity(index),
        "settlement_number": pa.array([f"JS{p:014d}" for p in pop.col("person_id")[index]]),
        "settled_on": _dates_before(pop.rng, len(index), dt.date(2024, 1, 1)),
        "institution": pa.array(["合成医院"] * len(index)),
        "is_inpatient": pa.array(np.where(ill[index], "是", "否").astype(object)),
        "total_cost": _yuan(total_fen),
        "out_of_pocket": _yuan(oop),
    }


def _disability(pop: _Population) -> tuple[np.ndarray, dict[str, pa.Array]]:
    index = np.flatnonzero(
        pc.is_valid(pop.persons.column("disability_type")).to_numpy(zero_copy_only=False)
    )
    take = pa.array(index)
    ids = pop.col("id_number")[index]
    grade = pop.persons.column("disability_grade").take(take)
    kinds = pop.persons.column("disability_type").take(take)
    digits = {
        "visual": 1,
        "hearing": 2,
        "speech": 3,
        "physical": 4,
        "intellectual": 5,
        "mental": 6,
        "multiple": 7,
    }
    numbers = [
        f"{n}{digits[k]}{g}"
        for n, k, g in zip(ids, kinds.to_pylist(), grade.to_pylist(), strict=True)
    ]
    born = pop.col("birth_date")[index].astype("datetime64[D]")
    issued = np.maximum(born, np.datetime64("2008-01-01")) + pop.rng.integers(
        0, 365, len(index)
    ).astype("timedelta64[D]")
    issued = np.minimum(issued, np.datetime64(REFERENCE_DATE))
    return index, {
        **pop.identity(index),
        "certificate_number": pa.array(numbers),
        "disability_type": kinds,
        "disability_grade": grade,
        "issued_on": pa.array(issued, pa.date32()),
    }


SCHOOL_COSTS = {  # yuan per year: tuition, accommodation and other costs
    "preschool": (3_000, 1_200),
    "compulsory": (0, 800),
    "high_school": (1_600, 1_500),
    "secondary_vocational": (0, 1_500),
    "undergraduate": (5_500, 1_200),
    "postgraduate": (8_000, 1_200),
}


def _education(pop: _Population) -> tuple[np.ndarray, dict[str, pa.Array]]:
    schooling = pop.col("schooling")
    index = np.flatnonzero(schooling != "none")
    stages = schooling[index]
    tuition = np.array([SCHOOL_COSTS[s][0] * 100 for s in stages], dtype=np.int64)
    other = np.array([SCHOOL_COSTS[s][1] * 100 for s in stages], dtype=np.int64)
    return index, {
        **pop.identity(index),
        "school_name": pa.array([f"合成{s}学校" for s in stages]),
        "stage": pa.array(stages.astype(object)),
        "enrolled_on": pa.array([dt.date(REFERENCE_DATE.year - 1, 9, 1)] * len(index), pa.date32()),
        "annual_tuition": _yuan(tuition),
        "annual_other_costs": _yuan(other),
    }


def _disaster_relief(pop: _Population) -> tuple[np.ndarray, dict[str, pa.Array]]:
    heads = np.flatnonzero(pop.col("relation") == "head")
    rural = pop.hcol("area_type")[heads] == "rural"
    index = heads[pop.rng.random(len(heads)) < np.where(rural, 0.006, 0.002)]
    loss = (pop.rng.lognormal(np.log(20_000), 0.9, len(index)) * 100).astype(np.int64)
    return index, {
        **pop.identity(index),
        "disaster_date": _dates_before(pop.rng, len(index), dt.date(2023, 7, 1)),
        "disaster_type": _codes(
            pop.rng, len(index), ["flood", "typhoon", "landslide", "fire"], [4, 4, 1, 1]
        ),
        "loss_amount": _yuan(loss),
        "relief_amount": _yuan(np.minimum(loss // 5, 2_000_000)),
    }


def _anti_poverty(pop: _Population) -> tuple[np.ndarray, dict[str, pa.Array]]:
    heads = pop.col("relation") == "head"
    rural = pop.hcol("area_type") == "rural"
    hardship = pop.hcol("hardship")
    index = np.flatnonzero(heads & rural & (hardship | (pop.rng.random(pop.n) < 0.01)))
    return index, {
        **pop.identity(index),
        "monitoring_type": _codes(
            pop.rng, len(index), ["unstable", "marginal", "sudden_hardship"], [4, 4, 2]
        ),
        "main_risk": _codes(
            pop.rng,
            len(index),
            ["illness", "disability", "education", "disaster", "other"],
            [4, 2, 1, 1, 1],
        ),
        "identified_on": _dates_before(pop.rng, len(index), dt.date(2021, 1, 1)),
        "status": _codes(pop.rng, len(index), ["monitoring", "eliminated"], [7, 3]),
    }


BUILDERS: dict[str, Callable[[_Population], tuple[np.ndarray, dict[str, pa.Array]]]] = {
    "hukou": _hukou,
    "deaths": _deaths,
    "tax": _tax,
    "social_insurance_contributions": _contributions,
    "pensions": _pensions,
    "unemployment_benefits": _unemployment_benefits,
    "housing_fund": _housing_fund,
    "real_estate": _real_estate,
    "vehicles": _vehicles,
    "business_registration": _business,
    "bank_deposits": _bank_deposits,
    "securities": _securities,
    "commercial_insurance": _commercial_insurance,
    "medical_costs": _medical_costs,
    "disability_certificates": _disability,
    "unemployment_registration": _unemployment_registration,
    "education": _education,
    "disaster_relief": _disaster_relief,
    "anti_poverty_monitoring": _anti_poverty,
}


def _mistype(number: str, rng: np.random.Generator) -> str:
    """Change one of the first 17 digits: the MOD 11-2 check character then never matches."""
    position = int(rng.integers(0, 17))
    digit = (int(number[position]) + int(rng.integers(1, 10))) % 10
    return number[:position] + str(digit) + number[position + 1 :]


def _corrupt(
    ids: pa.Array, rng: np.random.Generator, missing_share: float, mistyped_share: float
) -> tuple[pa.Array, np.ndarray]:
    draw = rng.random(len(ids))
    status = np.full(len(ids), "valid", dtype=object)
    missing = draw < missing_share
    mistyped = (draw >= missing_share) & (draw < missing_share + mistyped_share)
    status[missing] = "missing"
    status[mistyped] = "invalid"
    values = ids.to_numpy(zero_copy_only=False).astype(object)
    for i in np.flatnonzero(mistyped):
        values[i] = _mistype(values[i], rng)
    values[missing] = None
    return pa.array(values, pa.string()), status


def _write_atomically(path: Path, write: Callable[[Path], None]) -> None:
    temporary = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        write(temporary)
        os.replace(temporary, path)
    finally:
        if temporary.exists():
            temporary.unlink()


def write_feeds(
    *,
    persons_path: Path,
    households_path: Path,
    out_dir: Path,
    seed: int = 7,
    missing_share: float = MISSING_SHARE,
    mistyped_share: float = MISTYPED_SHARE,
) -> FeedsResult:
    """Write every feed of `doudi.exchange.schemas.FEEDS` for the population in the two files."""
    pop = _Population(pq.read_table(persons_path), pq.read_table(households_path), seed)
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "truth").mkdir(exist_ok=True)
    rows: dict[str, int] = {}
    truth: list[pa.Table] = []
    missing = mistyped = 0
    for source, schema in FEEDS.items():
        index, columns = BUILDERS[source](pop)
        status = np.full(len(index), "valid", dtype=object)
        if schema.id_policy is IdPolicy.FLAG:
            columns["id_number"], status = _corrupt(
                columns["id_number"], pop.rng, missing_share, mistyped_share
            )
        missing += int((status == "missing").sum())
        mistyped += int((status == "invalid").sum())
        names = [c.name for c in schema.columns]
        table = pa.table([columns[name] for name in names], names=names)
        if source == "hukou":
            _write_atomically(
                out_dir / f"{source}.parquet", lambda p, t=table: pq.write_table(t, p)
            )
            first_row = 1
        else:
            labelled = table.rename_columns([schema.column_by_name[n].label for n in names])
            _write_atomically(
                out_dir / f"{source}.csv",
                lambda p, t=labelled: pacsv.write_csv(
                    t, p, pacsv.WriteOptions(quoting_style="needed")
                ),
            )
            first_row = 2
        rows[source] = table.num_rows
        truth.append(
            pa.table(
                {
                    "source": pa.array([source] * len(index), pa.string()),
                    "source_row": pa.array(
                        np.arange(first_row, first_row + len(index)), pa.int64()
                    ),
                    "person_id": pa.array(pop.col("person_id")[index], pa.int64()),
                    "written_id_status": pa.array(status, pa.string()),
                }
            )
        )
    truth_path = out_dir / "truth" / "linkage_truth.parquet"
    _write_atomically(truth_path, lambda p: pq.write_table(pa.concat_tables(truth), p))
    return FeedsResult(rows=rows, missing=missing, mistyped=mistyped, truth_path=truth_path)
