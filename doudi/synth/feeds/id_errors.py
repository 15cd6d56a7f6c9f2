"""ID numbers written as departments other than 公安 are known to write them: some missing,
some with one digit changed (numpy + pyarrow, no Django)."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

MISSING_SHARE = 0.005
MISTYPED_SHARE = 0.01


def mistype(number: str, rng: np.random.Generator) -> str:
    """Change one of the first 17 digits: the MOD 11-2 check character then never matches."""
    position = int(rng.integers(0, 17))
    digit = (int(number[position]) + int(rng.integers(1, 10))) % 10
    return number[:position] + str(digit) + number[position + 1 :]


def corrupt_id_numbers(
    ids: pa.Array, rng: np.random.Generator, missing_share: float, mistyped_share: float
) -> tuple[pa.Array, np.ndarray]:
    """(the numbers with `missing_share` left out and `mistyped_share` mistyped, each one's
    written status: valid / missing / invalid)."""
    draw = rng.random(len(ids))
    status = np.full(len(ids), "valid", dtype=object)
    missing = draw < missing_share
    mistyped = (draw >= missing_share) & (draw < missing_share + mistyped_share)
    status[missing] = "missing"
    status[mistyped] = "invalid"
    values = ids.to_numpy(zero_copy_only=False).astype(object)
    for i in np.flatnonzero(mistyped):
        values[i] = mistype(values[i], rng)
    values[missing] = None
    return pa.array(values, pa.string()), status
