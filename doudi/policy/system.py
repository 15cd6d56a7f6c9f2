"""The OpenFisca tax-benefit system of Doudi, built once per process, and its rule version."""

from __future__ import annotations

import copy
import functools
import hashlib
from collections.abc import Mapping
from importlib import metadata
from pathlib import Path
from typing import Any

from openfisca_core import periods
from openfisca_core.parameters import Parameter, ParameterNode
from openfisca_core.taxbenefitsystems import TaxBenefitSystem

from doudi.policy.entities import entities
from doudi.policy.variables import ALL_VARIABLES

PACKAGE_DIR = Path(__file__).resolve().parent
PARAMETERS_DIR = PACKAGE_DIR / "parameters"
VARIABLES_DIR = PACKAGE_DIR / "variables"


class DoudiSystem(TaxBenefitSystem):
    """Entities, the YAML parameter tree and every variable of `doudi.policy.variables`."""

    def __init__(self) -> None:
        super().__init__(entities)
        self.load_parameters(str(PARAMETERS_DIR))
        self.add_variables(*ALL_VARIABLES)


@functools.cache
def tax_benefit_system() -> DoudiSystem:
    """The shared system (about 0.1 s to build; read-only afterwards)."""
    return DoudiSystem()


def with_parameters(system: TaxBenefitSystem, parameters: ParameterNode) -> TaxBenefitSystem:
    """A copy of `system` that reads `parameters` (variables and entities are shared).

    The copy gets its own parameters-at-instant cache; the shared system is never touched.
    """
    copied = copy.copy(system)
    copied.parameters = parameters
    copied.get_parameters_at_instant = functools.cache(parameters.get_at_instant)  # type: ignore[method-assign]
    return copied


def with_parameter_values(
    system: TaxBenefitSystem, values: Mapping[str, Any], month: str
) -> TaxBenefitSystem:
    """A what-if copy of `system` whose named scalar parameters take `values` for `month` only.

    Only the nodes on the path to each changed parameter are copied (a full clone of the tree
    would cost more than the evaluation itself); the shared tree is never modified.
    """
    parameters = _copy_node(system.parameters)
    period = periods.period(month)
    for name in values:
        parent = parameters
        parts = name.split(".")
        for part in parts[:-1]:
            child = _copy_node(parent.children[part])
            parent.children[part] = child
            setattr(parent, part, child)
            parent = child
        leaf = parent.children[parts[-1]]
        if not isinstance(leaf, Parameter):
            raise KeyError(name)
        leaf = leaf.clone()
        leaf.update(period=period, value=values[name])
        parent.children[parts[-1]] = leaf
        setattr(parent, parts[-1], leaf)
    return with_parameters(system, parameters)


def _copy_node(node: ParameterNode) -> ParameterNode:
    copied = copy.copy(node)
    copied.children = dict(node.children)
    return copied


def find_parameter(system: TaxBenefitSystem, name: str) -> Parameter | ParameterNode | None:
    """The parameter or node at a dotted path, or None."""
    node: Any = system.parameters
    for part in name.split("."):
        if not isinstance(node, ParameterNode) or part not in node.children:
            return None
        node = node.children[part]
    return node


def _digest(paths: list[Path], root: Path) -> str:
    sha = hashlib.sha256()
    for path in sorted(paths):
        sha.update(str(path.relative_to(root)).encode())
        sha.update(b"\0")
        sha.update(path.read_bytes())
    return sha.hexdigest()[:12]


@functools.cache
def rule_version() -> str:
    """'<package version>+p.<params hash>.r.<rules hash>': changes with any parameter or rule file.

    Recorded on every decision (STYLE.md P5) so that a recomputation can tell whether the rules
    it runs are the ones that decided.
    """
    try:
        version = metadata.version("doudi")
    except metadata.PackageNotFoundError:  # pragma: no cover - source checkout without install
        version = "0"
    params = _digest(list(PARAMETERS_DIR.rglob("*.yaml")), PARAMETERS_DIR)
    rules = _digest(list(VARIABLES_DIR.glob("*.py")), VARIABLES_DIR)
    return f"{version}+p.{params}.r.{rules}"
