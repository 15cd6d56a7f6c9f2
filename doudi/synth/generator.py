"""Deterministic synthetic population for Fujian counties (numpy + pyarrow only, no Django).

This module is the public facade: it re-exports the API of the modules that implement the generator,
so `from doudi.synth.generator import SynthConfig, write_parquet` keeps working.

* `config`: `SynthConfig`, `SynthError`, run-wide constants, the split of persons across counties.
* `schema`: Arrow schemas, category vocabularies, numpy → Arrow helpers, `Block`.
* `distributions`: household templates, age pyramid, probability parameters and their lookup tables.
* `identity`: civil dates, ID numbers (`IdAllocator`), phone and bank-card numbers.
* `households`: county model, block planning, household assets, addresses, the households table.
* `persons`: the persons of a block (members, IDs, names, health, incomes …) and the persons table.
* `run`: block scheduling in threads, `iter_blocks`, `generate_tables`.
* `writer`: `write_parquet` (row groups, writer threads, atomic rename).

Design (docs/synth.md documents the columns and the distributions):

* Persons are split across the requested counties in proportion to a rough population weight
  (`County.population_weight`). Each county is generated in *blocks* of households, and every block
  has its own random stream seeded by (seed, county code, block number). So the data do not depend
  on `chunk_households`, which only decides how many blocks go into one Parquet row group.
* Everything on the hot path is vectorised. Households are drawn from 11 household templates.
  Members are placed role by role (a loop over at most 20 (role, k) pairs, never over persons).
  Categorical draws use 65,536-entry lookup tables instead of `searchsorted`, and normal deviates
  use a table of normal quantiles. Dates use integer civil-calendar arithmetic, not datetime64
  conversions. Strings are assembled as byte matrices (ID numbers, names, phones, bank cards) or
  as dictionary arrays over small per-county tables (codes, relation, schooling, ...).
* ID numbers are unique by construction. A counter per (address code, birth date, sex) hands out
  the sequence codes through a per-slot bijection, so no set of issued numbers is kept and memory
  stays constant (180 kB of counters per address code) whatever the scale.
* The run stops at exactly `persons` rows: the household that crosses the target is cut short.
* Blocks are planned (household counts, ids) in order, then their persons are generated in a thread
  pool; each block waits for its turn only for the ID allocation. One writer thread per file
  encodes the row groups. The output does not depend on the number of threads.
"""

from __future__ import annotations

from doudi.synth.config import (
    DEFAULT_CHUNK_HOUSEHOLDS,
    GENERATOR_VERSION,
    MAX_AGE,
    MAX_SEED,
    REFERENCE_DATE,
    SynthConfig,
    SynthError,
    split_persons,
    validate_counties,
)
from doudi.synth.distributions import (
    AGE_CDF,
    AGE_GROUP_SHARES,
    DISABILITY_BY_AGE,
    DISABILITY_BY_AGE_POINTS,
    DISABILITY_GRADE_P,
    DISABILITY_TYPE_P_ADULT,
    DISABILITY_TYPE_P_CHILD,
    EMPLOYEE_PENSION_RURAL,
    EMPLOYEE_PENSION_URBAN,
    HARDSHIP_INCOME_CAP_RANGE,
    HARDSHIP_SHARE,
    HOUSEHOLD_TYPES,
    LUT2_SHIFT,
    LUT_SIZE,
    MIN_STABLE_WAGE,
    NON_HARDSHIP_FLOOR,
    NORMAL_LUT,
    RESIDENT_PENSION_RANGE,
    ROLE_COUNT_P,
    SCHOOLING_LUT,
    SERIOUS_ILLNESS_BY_AGE,
    SERIOUS_ILLNESS_BY_AGE_POINTS,
    T_EXTENDED,
    T_SKIPPED,
    T_STEM,
    WAGE_BASE_RURAL,
    WAGE_BASE_URBAN,
    WAGE_SIGMA,
    sample_age,
)
from doudi.synth.households import (
    MAX_BLOCK_HOUSEHOLDS,
    MIN_BLOCK_HOUSEHOLDS,
    PREDECESSOR_SHARE,
    RETIRED_PREDECESSORS,
    block_households,
)
from doudi.synth.identity import (
    BANK_PREFIX,
    FEISTEL_HALF,
    PHONE_PREFIX,
    IdAllocator,
    civil_from_days,
    days_from_civil,
)
from doudi.synth.run import _Run as _Run  # tests patch `generator._Run` (the same class object)
from doudi.synth.run import generate_tables, iter_blocks, to_public
from doudi.synth.schema import (
    AREA_TYPES,
    DISABILITY_TYPES,
    EXCLUSION_REASONS,
    HOUSEHOLD_SCHEMA,
    PERSON_SCHEMA,
    R_CHILD,
    R_CHILD_IN_LAW,
    R_GRANDCHILD,
    R_GRANDPARENT,
    R_HEAD,
    R_OTHER,
    R_PARENT,
    R_SIBLING,
    R_SPOUSE,
    RELATIONS,
    S_NONE,
    SCHOOLING,
    Block,
)
from doudi.synth.writer import (
    HOUSEHOLDS_FILE,
    PERSONS_FILE,
    SynthResult,
    file_metadata,
    write_parquet,
)

__all__ = [
    # config
    "DEFAULT_CHUNK_HOUSEHOLDS",
    "GENERATOR_VERSION",
    "MAX_AGE",
    "MAX_SEED",
    "REFERENCE_DATE",
    "SynthConfig",
    "SynthError",
    "split_persons",
    "validate_counties",
    # schema
    "AREA_TYPES",
    "DISABILITY_TYPES",
    "EXCLUSION_REASONS",
    "HOUSEHOLD_SCHEMA",
    "PERSON_SCHEMA",
    "R_CHILD",
    "R_CHILD_IN_LAW",
    "R_GRANDCHILD",
    "R_GRANDPARENT",
    "R_HEAD",
    "R_OTHER",
    "R_PARENT",
    "R_SIBLING",
    "R_SPOUSE",
    "RELATIONS",
    "S_NONE",
    "SCHOOLING",
    "Block",
    # distributions
    "AGE_CDF",
    "AGE_GROUP_SHARES",
    "DISABILITY_BY_AGE",
    "DISABILITY_BY_AGE_POINTS",
    "DISABILITY_GRADE_P",
    "DISABILITY_TYPE_P_ADULT",
    "DISABILITY_TYPE_P_CHILD",
    "EMPLOYEE_PENSION_RURAL",
    "EMPLOYEE_PENSION_URBAN",
    "HARDSHIP_INCOME_CAP_RANGE",
    "HARDSHIP_SHARE",
    "HOUSEHOLD_TYPES",
    "LUT2_SHIFT",
    "LUT_SIZE",
    "MIN_STABLE_WAGE",
    "NON_HARDSHIP_FLOOR",
    "NORMAL_LUT",
    "RESIDENT_PENSION_RANGE",
    "ROLE_COUNT_P",
    "SCHOOLING_LUT",
    "SERIOUS_ILLNESS_BY_AGE",
    "SERIOUS_ILLNESS_BY_AGE_POINTS",
    "T_EXTENDED",
    "T_SKIPPED",
    "T_STEM",
    "WAGE_BASE_RURAL",
    "WAGE_BASE_URBAN",
    "WAGE_SIGMA",
    "sample_age",
    # identity
    "BANK_PREFIX",
    "FEISTEL_HALF",
    "PHONE_PREFIX",
    "IdAllocator",
    "civil_from_days",
    "days_from_civil",
    # households
    "MAX_BLOCK_HOUSEHOLDS",
    "MIN_BLOCK_HOUSEHOLDS",
    "PREDECESSOR_SHARE",
    "RETIRED_PREDECESSORS",
    "block_households",
    # run
    "generate_tables",
    "iter_blocks",
    "to_public",
    # writer
    "HOUSEHOLDS_FILE",
    "PERSONS_FILE",
    "SynthResult",
    "file_metadata",
    "write_parquet",
]
