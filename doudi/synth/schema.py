"""What the files contain: the Arrow schemas (public and `_WIRE`), the category vocabularies of the
categorical columns, and the helpers that build Arrow arrays from numpy (byte matrices → strings,
indices → dictionary arrays). `Block` is one generation block's pair of wire-schema tables."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

# Category vocabularies: the values of the categorical columns (index = code used in the arrays).
RELATIONS = (
    "head", "spouse", "parent", "grandparent", "child", "child_in_law", "grandchild", "sibling",
    "other_relative",
)  # fmt: skip
R_HEAD, R_SPOUSE, R_PARENT, R_GRANDPARENT, R_CHILD, R_CHILD_IN_LAW, R_GRANDCHILD, R_SIBLING, R_OTHER = range(9)  # fmt: skip

EXCLUSION_REASONS = ("clergy_3y", "prison", "missing", "other")
DISABILITY_TYPES = ("physical", "visual", "hearing", "speech", "intellectual", "mental", "multiple")
SCHOOLING = (
    "none", "preschool", "compulsory", "high_school", "secondary_vocational", "undergraduate", "postgraduate",
)  # fmt: skip
S_NONE = 0
AREA_TYPES = ("rural", "urban")  # index = urban flag


# ---------------------------------------------------------------------------------------------------
# Schemas. The public schemas are what the Parquet files contain (and what `generate_tables`
# returns). Internally the categorical columns are dictionary arrays (`_WIRE` schemas): they cost
# nothing to build and the Parquet writer encodes them without hashing strings. The files are
# written without the Arrow schema blob, so readers see plain `string` columns.
# ---------------------------------------------------------------------------------------------------
def _f(name: str, typ: pa.DataType, nullable: bool = False) -> pa.Field:
    return pa.field(name, typ, nullable=nullable)


_D8 = pa.dictionary(pa.int8(), pa.string())
_D16 = pa.dictionary(pa.int16(), pa.string())

_HOUSEHOLD_COLUMNS = (
    ("household_id", pa.int64(), None, False),
    ("county_code", pa.string(), _D8, False),
    ("township_code", pa.string(), _D16, False),
    ("village_code", pa.string(), _D16, False),
    ("village_name", pa.string(), _D16, False),
    ("address", pa.string(), None, False),
    ("area_type", pa.string(), _D8, False),
    ("size", pa.int16(), None, False),
    ("hardship", pa.bool_(), None, False),
    ("financial_assets_fen", pa.int64(), None, False),
    ("vehicles", pa.int8(), None, False),
    ("vehicle_value_fen", pa.int64(), None, False),
    ("real_estate_count", pa.int8(), None, False),
    ("business_registrations", pa.int8(), None, False),
    # additional columns
    ("village_is_synthetic", pa.bool_(), None, False),
    ("household_type", pa.string(), _D8, False),
)
_PERSON_COLUMNS = (
    ("person_id", pa.int64(), None, False),
    ("household_id", pa.int64(), None, False),
    ("id_number", pa.string(), None, False),
    ("name", pa.string(), None, False),
    ("sex", pa.string(), _D8, False),
    ("birth_date", pa.date32(), None, False),
    ("relation", pa.string(), _D8, False),
    ("counted", pa.bool_(), None, False),
    ("exclusion_reason", pa.string(), _D8, True),
    ("hukou_region_code", pa.string(), _D16, False),
    ("hukou_type", pa.string(), _D8, False),
    ("residence_region_code", pa.string(), _D16, False),
    ("phone", pa.string(), None, True),
    ("disability_type", pa.string(), _D8, True),
    ("disability_grade", pa.int8(), None, True),
    ("labour_capacity", pa.bool_(), None, False),
    ("schooling", pa.string(), _D8, False),
    ("vital_status", pa.string(), _D8, False),
    ("serious_illness", pa.bool_(), None, False),
    ("wage_monthly_fen", pa.int64(), None, False),
    ("wage_stable", pa.bool_(), None, False),
    ("business_monthly_fen", pa.int64(), None, False),
    ("pension_monthly_fen", pa.int64(), None, False),
    ("other_income_monthly_fen", pa.int64(), None, False),
    ("bank_account", pa.string(), None, True),
    # additional columns
    ("date_of_death", pa.date32(), None, True),
)
HOUSEHOLD_SCHEMA = pa.schema([_f(n, t, null) for n, t, _, null in _HOUSEHOLD_COLUMNS])
PERSON_SCHEMA = pa.schema([_f(n, t, null) for n, t, _, null in _PERSON_COLUMNS])
_HOUSEHOLD_WIRE = pa.schema([_f(n, w or t, null) for n, t, w, null in _HOUSEHOLD_COLUMNS])
_PERSON_WIRE = pa.schema([_f(n, w or t, null) for n, t, w, null in _PERSON_COLUMNS])


# ---------------------------------------------------------------------------------------------------
# numpy → Arrow: byte matrices to string arrays, indices to dictionary arrays
# ---------------------------------------------------------------------------------------------------
def _strings_fixed(matrix: np.ndarray, valid: np.ndarray | None = None) -> pa.Array:
    """(n, w) uint8 matrix of UTF-8 bytes → pyarrow string array (null where ~valid)."""
    n, w = matrix.shape
    if valid is None:
        offsets = np.arange(0, (n + 1) * w, w, dtype=np.int32)
        return pa.StringArray.from_buffers(
            n, pa.py_buffer(offsets), pa.py_buffer(np.ascontiguousarray(matrix))
        )
    offsets = np.zeros(n + 1, dtype=np.int32)
    np.cumsum(valid * np.int32(w), out=offsets[1:])
    data = np.ascontiguousarray(matrix[valid])
    bitmap = np.packbits(valid, bitorder="little")
    nulls = int(n - np.count_nonzero(valid))
    return pa.StringArray.from_buffers(
        n, pa.py_buffer(offsets), pa.py_buffer(data), pa.py_buffer(bitmap), nulls
    )


def _strings_var(matrix: np.ndarray, lengths: np.ndarray) -> pa.Array:
    """(n, w) uint8 matrix whose row i holds `lengths[i]` meaningful bytes → string array."""
    n, w = matrix.shape
    offsets = np.zeros(n + 1, dtype=np.int32)
    np.cumsum(lengths, out=offsets[1:])
    data = matrix[np.arange(w) < lengths[:, None]]
    return pa.StringArray.from_buffers(n, pa.py_buffer(offsets), pa.py_buffer(data))


def _dictarr(
    indices: np.ndarray, dictionary: pa.Array, typ: pa.DataType, null: np.ndarray | None = None
) -> pa.Array:
    idx = pa.array(indices.astype(typ.index_type.to_pandas_dtype()), mask=null)
    return pa.DictionaryArray.from_arrays(idx, dictionary, safe=False)


def _dict(values: Iterable[str]) -> pa.Array:
    return pa.array(list(values), type=pa.string())


_RELATION_ARR = _dict(RELATIONS)
_SEX_ARR = _dict(("F", "M"))
_AREA_ARR = _dict(AREA_TYPES)
_EXCL_ARR = _dict(EXCLUSION_REASONS)
_DIS_ARR = _dict(DISABILITY_TYPES)
_SCHOOL_ARR = _dict(SCHOOLING)
_VITAL_ARR = _dict(("alive", "deceased"))


@dataclass
class Block:
    households: pa.Table  # wire schema (dictionary-encoded categorical columns)
    persons: pa.Table
    county_code: str
