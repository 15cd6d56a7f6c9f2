"""The architecture holds: the import-linter contracts in pyproject.toml are kept, and each of them
breaks on the arrow it exists to forbid (so that a contract cannot pass by matching nothing); no
module reaches into another context's private names; and the pages hold no database queries."""

from __future__ import annotations

import ast
import copy
from pathlib import Path

import grimp
import pytest
from importlinter import configuration
from importlinter.application.use_cases import read_user_options
from importlinter.contracts.acyclic_siblings import AcyclicSiblingsContract
from importlinter.contracts.forbidden import ForbiddenContract
from importlinter.contracts.independence import IndependenceContract
from importlinter.contracts.layers import LayersContract
from importlinter.domain.contract import Contract

ROOT = Path(__file__).resolve().parents[3]
PACKAGE = ROOT / "doudi"
CONTRACT_TYPES: dict[str, type[Contract]] = {
    "layers": LayersContract,
    "acyclic_siblings": AcyclicSiblingsContract,
    "forbidden": ForbiddenContract,
    "independence": IndependenceContract,
}


@pytest.fixture(scope="module")
def contracts() -> dict[str, Contract]:
    configuration.configure()
    options = read_user_options(config_filename=str(ROOT / "pyproject.toml"))
    built = {}
    for contract_options in options.contracts_options:
        contract_class = CONTRACT_TYPES[contract_options["type"]]
        built[contract_options["type"]] = contract_class(
            name=contract_options["name"],
            session_options=options.session_options,
            contract_options=contract_options,
        )
    return built


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    return grimp.build_graph("doudi", include_external_packages=True, cache_dir=None)


def _kept(contract: Contract, graph: grimp.ImportGraph, *arrows: tuple[str, str]) -> bool:
    planted = copy.deepcopy(graph)
    for importer, imported in arrows:
        planted.add_import(importer=importer, imported=imported)
    return contract.check(planted, verbose=False).kept


def test_pyproject_declares_the_four_contracts(contracts: dict[str, Contract]) -> None:
    assert sorted(contracts) == ["acyclic_siblings", "forbidden", "independence", "layers"]


def test_every_contract_is_kept(contracts: dict[str, Contract], graph: grimp.ImportGraph) -> None:
    broken = [contract.name for contract in contracts.values() if not _kept(contract, graph)]
    assert broken == []


@pytest.mark.parametrize(
    ("importer", "imported"),
    [
        ("doudi.core.money", "doudi.accounts.scoping"),  # the kernel reaches up
        ("doudi.registry.models", "doudi.intake.models"),  # the registry reaches a context
        ("doudi.verification.services", "doudi.intake.models"),  # back up into intake
        ("doudi.intake.services.steps", "doudi.reviews.models"),  # intake reaches reviews
        ("doudi.reviews.services.cases", "doudi.relief.models"),  # two siblings
        ("doudi.exchange.services", "doudi.benefits.models"),  # two siblings lower down
        ("doudi.intake.selectors", "doudi.web.paging"),  # a context reaches the staff UI
        ("doudi.web.paging", "doudi.api.core"),  # the two edges lean on each other
        ("doudi.portal.views", "doudi.web.permissions"),  # the applicants' pages lean on staff's
        ("doudi.intake.forms", "doudi.demo.management.commands.demo"),  # a context on the demo
    ],
)
def test_the_layers_contract_breaks_on_an_arrow_up_or_sideways(
    contracts: dict[str, Contract], graph: grimp.ImportGraph, importer: str, imported: str
) -> None:
    assert _kept(contracts["layers"], graph, (importer, imported)) is False


def test_the_layers_contract_allows_an_arrow_down(
    contracts: dict[str, Contract], graph: grimp.ImportGraph
) -> None:
    assert _kept(contracts["layers"], graph, ("doudi.relief.selectors", "doudi.registry.models"))


def test_a_two_way_dependency_inside_a_context_breaks_the_sibling_contract(
    contracts: dict[str, Contract], graph: grimp.ImportGraph
) -> None:
    assert _kept(contracts["acyclic_siblings"], graph) is True
    arrow = ("doudi.intake.models", "doudi.intake.services.steps")
    assert _kept(contracts["acyclic_siblings"], graph, arrow) is False


@pytest.mark.parametrize(
    ("importer", "imported"),
    [
        ("doudi.web.intake.views", "doudi.web.reviews.forms"),
        ("doudi.web.verification.views", "doudi.web.registry.views"),
    ],
)
def test_one_staff_ui_area_leaning_on_another_breaks_the_independence_contract(
    contracts: dict[str, Contract], graph: grimp.ImportGraph, importer: str, imported: str
) -> None:
    assert _kept(contracts["independence"], graph, ("doudi.web.intake.views", "doudi.web.paging"))
    assert _kept(contracts["independence"], graph, (importer, imported)) is False


@pytest.mark.parametrize(
    ("importer", "imported"),
    [
        ("doudi.policy.money", "django.db"),
        ("doudi.programmes", "django.db"),
        ("doudi.policy.evaluate", "doudi.registry.models"),
    ],
)
def test_the_pure_packages_contract_breaks_on_django_or_the_database(
    contracts: dict[str, Contract], graph: grimp.ImportGraph, importer: str, imported: str
) -> None:
    assert _kept(contracts["forbidden"], graph, (importer, imported)) is False


# -- private names ------------------------------------------------------------------------------


def _context(path: Path) -> str:
    relative = path.relative_to(PACKAGE)
    return relative.parts[0] if len(relative.parts) > 1 else relative.stem


def private_imports(source: str, context: str) -> list[str]:
    """``from doudi.<other>… import …`` statements in ``source`` that name a private module
    (a component starting with an underscore) or a private name of another context."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.ImportFrom) or not node.module or node.level:
            continue
        parts = node.module.split(".")
        if parts[0] != "doudi" or len(parts) < 2 or parts[1] == context:
            continue
        names = [alias.name for alias in node.names]
        if any(part.startswith("_") for part in parts[1:]) or any(
            name.startswith("_") for name in names
        ):
            found.append(f"{node.lineno}: from {node.module} import {', '.join(names)}")
    return found


def test_the_private_import_scan_sees_private_modules_and_names() -> None:
    source = (
        "from doudi.intake.services._common import OBJECT_TYPE\n"
        "from doudi.core.id_protection import _hash_key\n"
        "from doudi.registry._common import x\n"
        "from doudi.registry.selectors import household_member_get\n"
    )
    assert private_imports(source, "registry") == [
        "1: from doudi.intake.services._common import OBJECT_TYPE",
        "2: from doudi.core.id_protection import _hash_key",
    ]


def test_no_module_imports_another_contexts_private_names() -> None:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        for line in private_imports(path.read_text(encoding="utf-8"), _context(path)):
            found.append(f"{path.relative_to(ROOT)}:{line}")
    assert found == []


# -- thin pages ---------------------------------------------------------------------------------

# Queryset methods (and the manager) a page would call to query the database itself. Names that
# plain Python objects share (``get``, ``update``, ``save``, ``count``, ``all``, ``extra``) are
# left out: the scan must not flag a dict, a workbook, an error's details or prefetched rows.
QUERY_ATTRIBUTES = frozenset(
    {
        "objects",
        "filter",
        "exclude",
        "annotate",
        "aggregate",
        "select_related",
        "prefetch_related",
        "order_by",
        "values_list",
        "distinct",
        "exists",
        "first",
        "last",
        "only",
        "defer",
        "raw",
        "bulk_create",
        "get_or_create",
        "update_or_create",
        "select_for_update",
    }
)


def database_queries(source: str) -> list[str]:
    """Lines of ``source`` that use the ORM's query API or take a transaction."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Attribute) and node.attr in QUERY_ATTRIBUTES:
            found.append(f"{node.lineno}: .{node.attr}")
        elif isinstance(node, ast.ImportFrom) and node.module == "django.db":
            found.append(f"{node.lineno}: from django.db import …")
    return sorted(set(found), key=lambda line: (int(line.split(":")[0]), line))


def _page_modules() -> list[Path]:
    """Every module of the staff UI, the REST API and the applicants' pages, except tests and
    template tags (whose ``register.filter`` is not a query)."""
    modules = [
        path
        for edge in ("web", "api")
        for path in sorted((PACKAGE / edge).rglob("*.py"))
        if "tests" not in path.parts and "templatetags" not in path.parts
    ]
    return [*modules, PACKAGE / "portal" / "views.py", PACKAGE / "portal" / "urls.py"]


def test_the_query_scan_sees_a_query_in_a_page() -> None:
    source = (
        "from django.db import transaction\n"
        "heads = Membership.objects.filter(household_id__in=ids).values_list('person__name')\n"
        "form.update(programme='dibao')\n"
        "value = request.GET.get('page', '1')\n"
        "visible = household.memberships.exists()\n"
    )
    assert database_queries(source) == [
        "1: from django.db import …",
        "2: .filter",
        "2: .objects",
        "2: .values_list",
        "5: .exists",
    ]


def test_no_page_or_endpoint_queries_the_database_itself() -> None:
    """Views and API endpoints parse the request, call a selector or a service, and render: every
    query lives in a context's selectors or services, where both edges read it."""
    found = [
        f"{path.relative_to(ROOT)}:{line}"
        for path in _page_modules()
        for line in database_queries(path.read_text(encoding="utf-8"))
    ]
    assert found == []
