"""Region-specific parameters: one convention, one lookup.

Convention (docs/policy.md "Parameters"): a parameter whose value depends on the place is a YAML
file whose top node has a `by_region` child. Its children are keyed `r` + a 6-digit GB/T 2260 code
— a county (`r350102` 鼓楼区) or a city (`r350100` 福州市) — plus an optional `default`. Each child
is an ordinary dated parameter. The value for a household is the first of

    r<county>  →  r<city>  →  default  →  the variable's own fallback rule

that has a value in force on the first day of the month. A county entry with no value yet in force
(its first date is later) is skipped, so a city-wide value fills the gap. The file's
`metadata.variable` names the household variable that holds the resolved value, which is where
overrides and a `StandardsProvider` put their values.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray
from openfisca_core.parameters import Parameter, ParameterNode

REGIONAL_CHILD = "by_region"
DEFAULT_KEY = "default"
# Fujian codes are 35xxxx: a dense table of 10,000 slots turns the lookup into one array index.
REGION_BASE = 350_000
REGION_SPAN = 10_000


def region_keys(region_code: int | str) -> tuple[str, str, str]:
    """The keys tried for a county, most specific first: ('r350102', 'r350100', 'default')."""
    code = int(region_code)
    return f"r{code}", f"r{code // 100 * 100}", DEFAULT_KEY


def city_code(region_code: str) -> str:
    """'350102' -> '350100'."""
    return region_code[:4] + "00"


def regional_vector(by_region_at_instant: Any, region: NDArray[np.integer]) -> NDArray[np.float64]:
    """Resolve a `by_region` node (at an instant) for every household; NaN where nothing applies.

    Vectorised by distinct region: only the codes present are resolved in Python (about 84 in
    Fujian), then one fancy index maps them back, so 1M households cost one `bincount`.

    Args:
        by_region_at_instant: the `ParameterNodeAtInstant` of a `by_region` node.
        region: county codes, one per household.

    Returns:
        float64 values in the parameter's own unit (yuan, months, tier), NaN when unresolved.
    """
    offsets = np.asarray(region, dtype=np.int64) - REGION_BASE
    if offsets.size and (offsets.min() < 0 or offsets.max() >= REGION_SPAN):
        raise ValueError("地区代码不是福建省（35xxxx）的行政区划代码")
    children = {key: by_region_at_instant[key] for key in by_region_at_instant}
    table = np.full(REGION_SPAN, np.nan)
    for offset in np.flatnonzero(np.bincount(offsets, minlength=REGION_SPAN)):
        for key in region_keys(REGION_BASE + int(offset)):
            if key in children:
                table[offset] = children[key]
                break
    return table[offsets]


@dataclass(frozen=True, slots=True)
class ValueInForce:
    """A parameter value with its provenance, for reasons and the `parameters` record."""

    value: Any
    since: str
    key: str | None
    label: str
    is_demo: bool
    note: str


def value_in_force(
    parameter: Parameter, instant: str, *, key: str | None = None
) -> ValueInForce | None:
    """The value of a dated parameter on `instant` ('YYYY-MM-DD'), with its date and demo flag."""
    for at_instant in parameter.values_list:  # newest first
        if at_instant.instant_str <= instant:
            if at_instant.value is None:
                return None
            metadata = {**parameter.metadata, **at_instant.metadata}
            return ValueInForce(
                value=at_instant.value,
                since=at_instant.instant_str,
                key=key,
                label=parameter.description or "",
                is_demo=bool(metadata.get("demo_value")),
                note=str(metadata.get("note", "")),
            )
    return None


def resolve(node: ParameterNode, region_code: str, instant: str) -> ValueInForce | None:
    """The value a regional parameter node gives a county on `instant`, or None (use the fallback).

    Same order as `regional_vector`; used by explanations and by the evaluation's checks."""
    by_region = node.children[REGIONAL_CHILD]
    for key in region_keys(region_code):
        child = by_region.children.get(key)
        if isinstance(child, Parameter):
            found = value_in_force(child, instant, key=key)
            if found is not None:
                return found
    return None


def is_regional(node: Any) -> bool:
    """True for a parameter node that follows the `by_region` convention."""
    return isinstance(node, ParameterNode) and REGIONAL_CHILD in node.children
