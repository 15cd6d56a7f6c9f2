"""Register and hardship feeds of the synthetic population: the household register, deaths,
medical costs, disability certificates, schooling, disaster relief and anti-poverty monitoring
(money in fen, see `synth/feeds/__init__.py`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from doudi.exchange.schemas.codes import DISABILITY_TYPE_DIGITS
from doudi.synth.config import REFERENCE_DATE
from doudi.synth.feeds.population import Population, column, dates_before, declared, draw

Built = tuple[np.ndarray, dict[str, Any]]

SCHOOL_COSTS = {  # yuan per year: tuition, accommodation and other costs
    "preschool": (3_000, 1_200),
    "compulsory": (0, 800),
    "high_school": (1_600, 1_500),
    "secondary_vocational": (0, 1_500),
    "undergraduate": (5_500, 1_200),
    "postgraduate": (8_000, 1_200),
}
declared(column("education", "stage"), SCHOOL_COSTS)
DISASTER_WEIGHTS = {"flood": 4, "typhoon": 4, "landslide": 1, "fire": 1}
MONITORING_WEIGHTS = {"unstable": 4, "marginal": 4, "sudden_hardship": 2}
RISK_WEIGHTS = {"illness": 4, "disability": 2, "education": 1, "disaster": 1, "other": 1}
RISK_STATUS_WEIGHTS = {"monitoring": 7, "eliminated": 3}


def hukou(pop: Population) -> Built:
    index = np.arange(pop.n)
    return index, {
        "sex": pop.persons.column("sex"),
        "hukou_type": pop.persons.column("hukou_type"),
        "household_number": pc.cast(pop.persons.column("household_id"), pa.string()),
        "relation": pop.persons.column("relation"),
    }


def deaths(pop: Population) -> Built:
    index = np.flatnonzero(pop.col("vital_status") == "deceased")
    return index, {"date_of_death": pop.persons.column("date_of_death").take(pa.array(index))}


def medical_costs(pop: Population) -> Built:
    ill = pop.col("serious_illness")
    other = ~ill & (pop.rng.random(pop.n) < 0.03)
    index = np.flatnonzero(ill | other)
    total = np.where(
        ill[index],
        pop.rng.lognormal(np.log(60_000), 0.7, len(index)),
        pop.rng.lognormal(np.log(2_000), 0.8, len(index)),
    )
    total_fen = (total * 100).astype(np.int64)
    out_of_pocket = total_fen * pop.rng.integers(20, 45, len(index)) // 100
    return index, {
        "settlement_number": np.asarray(
            [f"JS{p:014d}" for p in pop.col("person_id")[index]], dtype=object
        ),
        "settled_on": dates_before(pop.rng, len(index), dt.date(2024, 1, 1)),
        "institution": np.asarray(["合成医院"] * len(index), dtype=object),
        "is_inpatient": np.where(ill[index], "是", "否").astype(object),
        "total_cost": total_fen,
        "out_of_pocket": out_of_pocket,
    }


def disability_certificates(pop: Population) -> Built:
    index = np.flatnonzero(
        pc.is_valid(pop.persons.column("disability_type")).to_numpy(zero_copy_only=False)
    )
    take = pa.array(index)
    ids = pop.col("id_number")[index]
    grade = pop.persons.column("disability_grade").take(take)
    kinds = pop.persons.column("disability_type").take(take)
    # the holder's number, then one digit for the type and one for the grade
    numbers = [
        f"{n}{DISABILITY_TYPE_DIGITS[k]}{g}"
        for n, k, g in zip(ids, kinds.to_pylist(), grade.to_pylist(), strict=True)
    ]
    born = pop.col("birth_date")[index].astype("datetime64[D]")
    issued = np.maximum(born, np.datetime64("2008-01-01")) + pop.rng.integers(
        0, 365, len(index)
    ).astype("timedelta64[D]")
    issued = np.minimum(issued, np.datetime64(REFERENCE_DATE))
    return index, {
        "certificate_number": pa.array(numbers),
        "disability_type": kinds,
        "disability_grade": grade,
        "issued_on": pa.array(issued, pa.date32()),
    }


def education(pop: Population) -> Built:
    schooling = pop.col("schooling")
    index = np.flatnonzero(schooling != "none")
    stages = schooling[index]
    return index, {
        "school_name": np.asarray([f"合成{s}学校" for s in stages], dtype=object),
        "stage": stages.astype(object),
        "enrolled_on": pa.array([dt.date(REFERENCE_DATE.year - 1, 9, 1)] * len(index), pa.date32()),
        "annual_tuition": np.array([SCHOOL_COSTS[s][0] * 100 for s in stages], dtype=np.int64),
        "annual_other_costs": np.array([SCHOOL_COSTS[s][1] * 100 for s in stages], dtype=np.int64),
    }


def disaster_relief(pop: Population) -> Built:
    heads = np.flatnonzero(pop.col("relation") == "head")
    rural = pop.hcol("area_type")[heads] == "rural"
    index = heads[pop.rng.random(len(heads)) < np.where(rural, 0.006, 0.002)]
    loss = (pop.rng.lognormal(np.log(20_000), 0.9, len(index)) * 100).astype(np.int64)
    return index, {
        "disaster_date": dates_before(pop.rng, len(index), dt.date(2023, 7, 1)),
        "disaster_type": draw(
            pop.rng, len(index), column("disaster_relief", "disaster_type"), DISASTER_WEIGHTS
        ),
        "loss_amount": loss,
        "relief_amount": np.minimum(loss // 5, 2_000_000),
    }


def anti_poverty_monitoring(pop: Population) -> Built:
    heads = pop.col("relation") == "head"
    rural = pop.hcol("area_type") == "rural"
    hardship = pop.hcol("hardship")
    index = np.flatnonzero(heads & rural & (hardship | (pop.rng.random(pop.n) < 0.01)))

    def weighted(name: str, weights: dict[str, float]) -> pa.Array:
        return draw(pop.rng, len(index), column("anti_poverty_monitoring", name), weights)

    return index, {
        "monitoring_type": weighted("monitoring_type", MONITORING_WEIGHTS),
        "main_risk": weighted("main_risk", RISK_WEIGHTS),
        "identified_on": dates_before(pop.rng, len(index), dt.date(2021, 1, 1)),
        "status": weighted("status", RISK_STATUS_WEIGHTS),
    }
