"""The named parameters: what an evaluation records, and what a what-if may override.

Names are the dotted paths of the YAML tree (`dibao.employment_cost_rate`). A regional file is
one name (`dibao.standard`), whose value is the one resolved for the household's county and held
by the household variable named in its `metadata.variable`. `minimum_wage` is the resolved monthly
minimum wage of the county (tier table × tier). The unit in `metadata.unit` decides how a value
is written and parsed:

| unit                         | written as          | override accepts              |
| ---------------------------- | ------------------- | ----------------------------- |
| CNY, CNY/month, CNY/year     | "880.00" (yuan)     | "880.00" or an integer        |
| ratio                        | "0.25"              | "0.25" or an integer          |
| months, years, count, tier   | "24"                | "24" or an integer            |
| boolean                      | "true" / "false"    | true / false / "true"/"false" |

`default_catalogue()` holds the names of the packaged tree; `system_and_catalogue` gives the system
and the names for another tree. This module sits below the parser and the evaluation, which both
read it.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from openfisca_core.parameters import Parameter, ParameterNode
from openfisca_core.taxbenefitsystems import TaxBenefitSystem

from doudi.policy.money import FEN_LIMIT, fen_to_yuan, yuan_to_fen, yuan_value_to_fen
from doudi.policy.regional import is_regional
from doudi.policy.system import tax_benefit_system, with_parameters

ParameterSource = ParameterNode | str | Path | None

YUAN_UNITS = frozenset({"CNY", "CNY/month", "CNY/year"})
INTEGER_UNITS = frozenset({"months", "years", "count", "tier"})
_YUAN = re.compile(r"^\d+(\.\d{1,2})?$")
_RATIO = re.compile(r"^\d+(\.\d+)?$")


@dataclass(frozen=True, slots=True)
class ParameterEntry:
    """One named parameter. `variable` is set for place-dependent values (see module docstring)."""

    name: str
    unit: str
    description: str
    variable: str | None = None

    @property
    def is_yuan(self) -> bool:
        return self.unit in YUAN_UNITS

    def format(self, value: Any) -> str:
        """A parameter-file value (yuan, ratio, count, bool) as the recorded string."""
        if self.unit == "boolean":
            return "true" if value else "false"
        if self.is_yuan:
            return str(fen_to_yuan(int(yuan_value_to_fen(value))))
        if self.unit in INTEGER_UNITS:
            return str(int(value))
        return str(Decimal(repr(float(value))))

    def format_variable(self, value: int) -> str:
        """A resolved household variable (fen for yuan units) as the recorded string."""
        return str(fen_to_yuan(int(value))) if self.is_yuan else str(int(value))

    def parse(self, raw: Any) -> Any:
        """An override value: yuan as Decimal, ratio as float, count as int, bool.

        Raises:
            ValueError: with a Chinese message naming what is expected.
        """
        shown = json.dumps(raw, ensure_ascii=False)
        if self.unit == "boolean":
            if isinstance(raw, bool):
                return raw
            if raw in ("true", "false"):
                return raw == "true"
            raise ValueError(f"应为 true 或 false：{shown}")
        if isinstance(raw, bool) or not isinstance(raw, (str, int)):
            raise ValueError(f"应写成字符串，如 {self.example}：{shown}")
        text = str(raw).strip()
        if self.is_yuan:
            if not _YUAN.match(text) or Decimal(text) * 100 > FEN_LIMIT:
                raise ValueError(
                    f"应为不小于 0 的金额（元，最多两位小数），如 {self.example}：{shown}"
                )
            return Decimal(text).quantize(Decimal("0.01"))
        if self.unit in INTEGER_UNITS:
            if not text.isascii() or not text.isdigit():
                raise ValueError(f"应为不小于 0 的整数，如 {self.example}：{shown}")
            if self.unit == "tier" and not 1 <= int(text) <= 4:
                raise ValueError(f"最低工资档次应为 1 到 4：{shown}")
            return int(text)
        if not _RATIO.match(text):
            raise ValueError(f"应为不小于 0 的小数，如 {self.example}：{shown}")
        try:
            return float(Decimal(text))
        except InvalidOperation as error:  # pragma: no cover - the regex already refused it
            raise ValueError(f"应为不小于 0 的小数：{shown}") from error

    def parse_variable(self, raw: Any) -> int:
        """An override or local value of a place-dependent name as its household variable holds
        it: fen for yuan units, else the integer.

        Raises:
            ValueError: as `parse`.
        """
        value = self.parse(raw)
        return yuan_to_fen(value) if self.is_yuan else int(value)

    @property
    def example(self) -> str:
        if self.is_yuan:
            return '"880.00"'
        if self.unit in INTEGER_UNITS:
            return '"24"'
        return '"0.25"'


MINIMUM_WAGE = ParameterEntry(
    name="minimum_wage",
    unit="CNY/month",
    description="当地月最低工资标准（按县所在档次）",
    variable="minimum_wage",
)


def build_catalogue(parameters: ParameterNode) -> Mapping[str, ParameterEntry]:
    """Every named parameter of a tree, in tree order (regional files as one name each)."""
    found: dict[str, ParameterEntry] = {MINIMUM_WAGE.name: MINIMUM_WAGE}

    def walk(node: Any, name: str, unit: str) -> None:
        unit = node.metadata.get("unit", unit)
        if is_regional(node):
            found[name] = ParameterEntry(
                name, unit, node.description or "", node.metadata["variable"]
            )
        elif isinstance(node, Parameter):
            found[name] = ParameterEntry(name, unit, node.description or "")
        elif isinstance(node, ParameterNode):
            for key in sorted(node.children):
                walk(node.children[key], f"{name}.{key}" if name else key, unit)

    walk(parameters, "", "")
    return found


@functools.cache
def default_catalogue() -> Mapping[str, ParameterEntry]:
    """The names of the packaged parameter tree (what `overrides` may use)."""
    return build_catalogue(tax_benefit_system().parameters)


def system_and_catalogue(
    parameters: ParameterSource,
) -> tuple[TaxBenefitSystem, Mapping[str, ParameterEntry]]:
    """The system reading `parameters` (None: the packaged tree; a `ParameterNode`; or a directory
    of YAML files) and the names of that tree."""
    base = tax_benefit_system()
    if parameters is None:
        return base, default_catalogue()
    tree = (
        parameters
        if isinstance(parameters, ParameterNode)
        else ParameterNode("", directory_path=str(parameters))
    )
    return with_parameters(base, tree), build_catalogue(tree)


def split_overrides(
    catalogue: Mapping[str, ParameterEntry], overrides: Mapping[str, Any]
) -> tuple[dict[str, Any], dict[str, int]]:
    """Named overrides as (scalar parameter values for `with_parameter_values`, household
    variables for the place-dependent names). Each value must parse (`ParameterEntry.parse`)."""
    scalars: dict[str, Any] = {}
    given: dict[str, int] = {}
    for name, raw in overrides.items():
        entry = catalogue[name]
        if entry.variable:
            given[entry.variable] = entry.parse_variable(raw)
        else:
            value = entry.parse(raw)
            scalars[name] = float(value) if isinstance(value, Decimal) else value
    return scalars, given
