"""The package's imports follow its layers: one direction, no cycles, no dodges.

The layers, lowest first (``docs/design.md`` draws them):

    errors            nothing of periodkit
    time              errors
    kernels           numpy only
    periods           errors, time, kernels
    documents         the layers above
    query             the layers above; knows no entities, actions or records
    graph, actions, out_of_office
                      the layers above, and their own package; not each other
    service           every layer above
    asgi, cli, demo   service and below; nothing imports them
    strategies        the domain, for users' property tests; nothing imports it
    dask              actions and query on Dask (the dask extra); nothing imports it
    _hypothesis       hypothesis' entry point: periods, and the strategies when used

A function-local import may only bring in an optional dependency, and an
import under ``if TYPE_CHECKING:`` counts like any other: neither may dodge a
cycle or a rule.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

PACKAGE_ROOT = Path(__file__).resolve().parents[1] / "src" / "periodkit"

LOWER: dict[str, frozenset[str]] = {}
_ORDER = [
    ("errors", set()),
    ("kernels", set()),
    ("time", {"errors"}),
    ("periods", {"errors", "time", "kernels"}),
    ("documents", {"errors", "time", "kernels", "periods"}),
    ("query", {"errors", "time", "kernels", "periods", "documents", "query"}),
]
for _name, _below in _ORDER:
    LOWER[_name] = frozenset(_below)
_DOMAIN_BASE = LOWER["query"]
for _name in ("graph", "actions", "out_of_office"):
    LOWER[_name] = _DOMAIN_BASE | {_name}
LOWER["service"] = _DOMAIN_BASE | {"graph", "actions", "out_of_office", "service"}
# The applications may read the package's own version from its root.
LOWER["app"] = LOWER["service"] | {"app", "root"}
LOWER["strategies"] = _DOMAIN_BASE | {"graph", "actions", "out_of_office"}
# The domain on Dask: the kernels and the evaluator per partition, for actions and queries.
LOWER["dask"] = _DOMAIN_BASE | {"actions"}
LOWER["_hypothesis"] = LOWER["strategies"] | {"strategies"}
# The package root re-exports the public names; it may load anything but the
# applications and the strategies, which would make `import periodkit` heavy.
LOWER["root"] = LOWER["service"]

# Third-party packages each layer may import at module level; stdlib is free.
THIRD_PARTY = {
    "errors": frozenset(),
    "kernels": frozenset({"numpy"}),
    "time": frozenset({"numpy", "portion"}),
    "periods": frozenset({"numpy", "portion"}),
    "documents": frozenset({"numpy", "portion"}),
    "root": frozenset(),
}
# Loaded inside a function only, when a user asks for what needs them.
OPTIONAL = frozenset(
    {"hypothesis", "uvicorn", "httpx", "pyarrow", "polars", "dask", "distributed", "duckdb"}
)
REQUIRED = frozenset({"numpy", "pandas", "portion"})
# A module whose whole purpose is an optional dependency loads it at import:
# importing it is how a user says they have the extra.
OWN_OPTIONAL = {
    "periodkit.strategies": frozenset({"hypothesis"}),
    "periodkit.dask": frozenset({"dask"}),
    "periodkit._hypothesis": frozenset({"hypothesis"}),
}
# Hypothesis runs its entry point at every `import hypothesis` where periodkit
# is installed: the hook loads the strategies, and pandas with them, only when
# a test first asks for a periodkit type.
DEFERRED = frozenset({("periodkit._hypothesis", "periodkit.strategies")})


def layer_of(module: str) -> str:
    """The layer a module of the package belongs to, from its dotted name."""
    parts = module.split(".")
    if len(parts) == 1:
        return "root"
    head = parts[1]
    if head in {"asgi", "cli", "demo", "__main__"}:
        return "app"
    return head


@dataclass(frozen=True)
class Import:
    """One import statement: what it names, where it stands, and how it is guarded."""

    target: str
    line: int
    local: bool
    type_only: bool


def _module_name(path: Path, root: Path = PACKAGE_ROOT) -> str:
    relative = path.relative_to(root.parent).with_suffix("")
    parts = list(relative.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(tree: ast.Module, known: set[str]) -> list[Import]:
    found: list[Import] = []

    def visit(node: ast.AST, local: bool, type_only: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.Import):
                for alias in child.names:
                    found.append(Import(alias.name, child.lineno, local, type_only))
            elif isinstance(child, ast.ImportFrom) and child.module:
                # `from periodkit import kernels` imports the module kernels.
                for alias in child.names:
                    candidate = f"{child.module}.{alias.name}"
                    target = candidate if candidate in known else child.module
                    found.append(Import(target, child.lineno, local, type_only))
            elif isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
                visit(child, True, type_only)
            elif isinstance(child, ast.If) and _is_type_checking(child.test):
                for statement in child.body:
                    visit(ast.Module(body=[statement], type_ignores=[]), local, True)
                for statement in child.orelse:
                    visit(ast.Module(body=[statement], type_ignores=[]), local, type_only)
            else:
                visit(child, local, type_only)

    visit(tree, False, False)
    return found


def package_imports(root: Path = PACKAGE_ROOT) -> dict[str, list[Import]]:
    """Every module of the package with the imports written in it."""
    paths = sorted(root.rglob("*.py"))
    known = {_module_name(path) for path in paths}
    return {
        _module_name(path): _imports(ast.parse(path.read_text(), str(path)), known)
        for path in paths
    }


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle of ``graph`` as the modules around it, or None.

    Iterative depth-first search, so that a long chain cannot exhaust the stack.
    """
    done: set[str] = set()
    for root in sorted(graph):
        if root in done:
            continue
        path: list[str] = [root]
        on_path = {root}
        stack = [iter(sorted(graph.get(root, ())))]
        while stack:
            step = next(stack[-1], None)
            if step is None:
                stack.pop()
                done.add(on_path_remove := path.pop())
                on_path.discard(on_path_remove)
                continue
            if step in on_path:
                return [*path[path.index(step) :], step]
            if step in done:
                continue
            path.append(step)
            on_path.add(step)
            stack.append(iter(sorted(graph.get(step, ()))))
    return None


def internal_graph(imports: dict[str, list[Import]]) -> dict[str, set[str]]:
    """The module-to-module edges inside the package, type-only imports included."""
    return {
        module: {i.target for i in found if i.target in imports and i.target != module}
        for module, found in imports.items()
    }


def rule_breaks(imports: dict[str, list[Import]]) -> list[str]:
    """Every import that breaks a rule of the layers, as a readable line."""
    breaks = []
    for module, found in imports.items():
        layer = layer_of(module)
        for imp in found:
            top = imp.target.split(".")[0]
            where = f"{module}:{imp.line} imports {imp.target}"
            if top == "periodkit":
                target_layer = layer_of(imp.target)
                if imp.local and (module, imp.target) not in DEFERRED:
                    breaks.append(f"{where} inside a function (only optional dependencies may)")
                if target_layer not in LOWER[layer] and not (
                    layer == "root" and imp.target in imports and target_layer in LOWER["root"]
                ):
                    breaks.append(f"{where}: layer {layer} may not import layer {target_layer}")
            elif top in REQUIRED and imp.local:
                breaks.append(f"{where} inside a function (only optional dependencies may)")
            elif (
                not imp.local
                and not imp.type_only
                and top in OPTIONAL
                and top not in OWN_OPTIONAL.get(module, ())
            ):
                breaks.append(f"{where} at module level (an optional dependency)")
            elif (
                layer in THIRD_PARTY
                and not imp.local
                and not imp.type_only
                and top not in sys.stdlib_module_names
                and top != "periodkit"
                and top not in THIRD_PARTY[layer]
            ):
                breaks.append(f"{where}: layer {layer} may not load {top} at import")
    return breaks


def test_the_package_has_no_import_cycle() -> None:
    assert find_cycle(internal_graph(package_imports())) is None


def test_every_import_keeps_the_rules_of_the_layers() -> None:
    assert rule_breaks(package_imports()) == []


def test_every_module_of_the_package_has_a_layer() -> None:
    assert {layer_of(module) for module in package_imports()} <= set(LOWER)


def test_a_cycle_between_time_and_periods_is_found() -> None:
    graph = {"periodkit.time": {"periodkit.periods"}, "periodkit.periods": {"periodkit.time"}}
    assert find_cycle(graph) == ["periodkit.periods", "periodkit.time", "periodkit.periods"]


def test_a_cycle_of_three_query_modules_is_found() -> None:
    graph = {
        "periodkit.query.ir": {"periodkit.query.evaluate"},
        "periodkit.query.evaluate": {"periodkit.query.schema"},
        "periodkit.query.schema": {"periodkit.query.ir"},
        "periodkit.query.fourme": {"periodkit.query.ir"},
    }
    cycle = find_cycle(graph)
    assert cycle is not None and cycle[0] == cycle[-1] and len(cycle) == 4
    assert set(cycle) == set(graph) - {"periodkit.query.fourme"}


def test_a_long_chain_is_walked_without_recursion() -> None:
    chain = {f"m{i}": {f"m{i + 1}"} for i in range(50_000)}
    assert find_cycle(chain) is None
    chain["m50000"] = {"m0"}
    cycle = find_cycle(chain)
    assert cycle is not None and len(cycle) == 50_002


def _imports_of(source: str, module: str) -> dict[str, list[Import]]:
    known = {"periodkit.periods", "periodkit.time", "periodkit.kernels", module}
    return {module: _imports(ast.parse(source), known)}


def test_a_cycle_dodged_by_a_local_import_breaks_a_rule() -> None:
    source = "def span(text):\n    from periodkit.periods import Period\n    return Period(text)\n"
    assert rule_breaks(_imports_of(source, "periodkit.time")) == [
        "periodkit.time:2 imports periodkit.periods inside a function"
        " (only optional dependencies may)",
        "periodkit.time:2 imports periodkit.periods: layer time may not import layer periods",
    ]


def test_a_cycle_dodged_under_type_checking_still_counts() -> None:
    source = (
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n"
        "    from periodkit.periods import Period\n"
    )
    imports = _imports_of(source, "periodkit.time")
    assert imports["periodkit.time"][-1] == Import("periodkit.periods", 3, False, True)
    assert rule_breaks(imports) == [
        "periodkit.time:3 imports periodkit.periods: layer time may not import layer periods"
    ]


def test_kernels_may_not_load_pandas_or_periodkit() -> None:
    source = "import numpy as np\nimport pandas as pd\nfrom periodkit import time\n"
    assert rule_breaks(_imports_of(source, "periodkit.kernels")) == [
        "periodkit.kernels:2 imports pandas: layer kernels may not load pandas at import",
        "periodkit.kernels:3 imports periodkit.time: layer kernels may not import layer time",
    ]


@pytest.mark.parametrize(
    ("importer", "imported"),
    [
        ("periodkit.query.evaluate", "periodkit.graph.entity_graph"),
        ("periodkit.graph.entity_graph", "periodkit.service.app"),
        ("periodkit.service.app", "periodkit.cli"),
        ("periodkit.actions.table", "periodkit.graph.records"),
    ],
)
def test_an_import_up_or_across_the_layers_breaks_a_rule(importer: str, imported: str) -> None:
    imports = {importer: [Import(imported, 1, False, False)], imported: []}
    assert rule_breaks(imports) == [
        f"{importer}:1 imports {imported}: layer {layer_of(importer)} may not import"
        f" layer {layer_of(imported)}"
    ]


def test_import_periodkit_leaves_pandas_unloaded() -> None:
    probe = "import sys, periodkit; print('pandas' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"


# --- the wire -------------------------------------------------------------------

#: Layers that speak HTTP: the service and the applications around it.
WIRE_LAYERS = frozenset({"service", "app"})
#: Standard-library packages of the web: URLs and HTTP.
WIRE_PACKAGES = frozenset({"urllib", "http"})


def wire_breaks(root: Path = PACKAGE_ROOT) -> list[str]:
    """Every use of the wire below the service: a URL or HTTP import, or a status code.

    A status code is an integer literal from 400 to 599 that is not an operand of
    arithmetic (``year % 400`` is a calendar rule, not a status).
    """
    breaks = []
    for path in sorted(root.rglob("*.py")):
        module = _module_name(path, root)
        if layer_of(module) in WIRE_LAYERS:
            continue
        tree = ast.parse(path.read_text(), str(path))
        known = {module}
        for imp in _imports(tree, known):
            top = imp.target.split(".")[0]
            if top in WIRE_PACKAGES:
                breaks.append(f"{module}:{imp.line} imports {imp.target}")
        breaks.extend(_status_codes(tree, module))
    return breaks


def _status_codes(tree: ast.AST, module: str) -> list[str]:
    operands = {
        id(side)
        for node in ast.walk(tree)
        if isinstance(node, ast.BinOp)
        for side in (node.left, node.right)
    }
    return [
        f"{module}:{node.lineno} uses the status code {node.value}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and type(node.value) is int
        and 400 <= node.value <= 599
        and id(node) not in operands
    ]


def test_the_wire_lives_in_the_service() -> None:
    assert wire_breaks() == []


def test_a_url_import_or_a_status_below_the_service_breaks_the_rule(tmp_path: Path) -> None:
    package = tmp_path / "periodkit"
    (package / "actions").mkdir(parents=True)
    (package / "actions" / "forms.py").write_text(
        "from urllib.parse import unquote\nimport http\nSTATUS = 404\nLEAP = 2000 % 400\n"
    )
    (package / "service").mkdir()
    (package / "service" / "errors.py").write_text("from http import HTTPStatus\nNOT_FOUND = 404\n")
    assert wire_breaks(package) == [
        "periodkit.actions.forms:1 imports urllib.parse",
        "periodkit.actions.forms:2 imports http",
        "periodkit.actions.forms:3 uses the status code 404",
    ]
