"""Money in the rules engine: integer fen, and the one rounding rule for computed amounts.

Inputs and YAML amounts are whole fen already (yuan with at most two decimals, converted exactly
by `doudi.core.money.yuan_to_fen`). Only a *computed* amount — a ratio of an amount (1.3 × the
standard, 25 % of a wage) or a share of it (medical expenses ÷ 12) — can fall between two fen,
and every such amount goes through `round_fen`, half up. Sums and differences of fen are exact
integer arithmetic and are never rounded, so a household's benefit is computed on totals and
rounded at most once per computed term (POLICY.md §2.6 "Rounding [GAP]").
"""

from __future__ import annotations

from decimal import Decimal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from doudi.core.money import fen_to_yuan, format_yuan, parse_yuan, yuan_to_fen

__all__ = [
    "FEN_LIMIT",
    "fen_to_decimal",
    "fen_to_yuan",
    "format_fen",
    "parse_yuan",
    "round_fen",
    "yuan_to_fen",
    "yuan_value_to_fen",
]

# Computed amounts are products of integer fen and ratios with a few decimals, so their true
# fractional part is a multiple of 1/10000 or 1/12; float64 noise is far below 1e-6 at these
# magnitudes. The tolerance makes 0.15 × 10 (= 1.4999999999999998 in binary) round up as 1.5 does.
HALF_UP_TOLERANCE = 1e-6

# OpenFisca stores `int` variables as int32: 2^31 - 1 fen is 21,474,836.47 yuan. The situation
# parser refuses amounts above this limit instead of letting them wrap around.
FEN_LIMIT = 2_000_000_000


def round_fen(amount_in_fen: ArrayLike) -> NDArray[np.int64]:
    """Round computed, non-negative amounts of fen to whole fen, half up (the only rounding rule).

    Args:
        amount_in_fen: a float or array of floats, in fen.

    Returns:
        An int64 array of whole fen.

    Examples:
        >>> round_fen([1.3 * 86600, 150000 / 12, 0.15 * 10]).tolist()
        [112580, 12500, 2]
    """
    return np.floor(np.asarray(amount_in_fen, dtype=np.float64) + 0.5 + HALF_UP_TOLERANCE).astype(
        np.int64
    )


def yuan_value_to_fen(value: ArrayLike) -> NDArray[np.int64]:
    """A yuan amount read from a parameter file (a YAML number such as 880 or 84.5) to fen."""
    return round_fen(np.asarray(value, dtype=np.float64) * 100)


def format_fen(fen: int) -> str:
    """Integer fen for a reason: 46667 -> '466.67 元'."""
    return format_yuan(fen_to_yuan(int(fen)))


def fen_to_decimal(fen: int) -> Decimal:
    """Integer fen to Decimal yuan with two decimals (exact)."""
    return fen_to_yuan(int(fen))
