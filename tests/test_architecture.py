"""The layout is the architecture (ketacalc/docs/ARCHITECTURE.md, "The layers"): every module is
placed in a layer, imports only from its own layer or below, and no import cycle exists. A new
module, or an import that runs up a layer, fails here."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1] / "ketacalc"

LAYERS: dict[str, int] = {
    **dict.fromkeys(["errors", "limits", "places", "currencies", "exact", "stdout", "svglogo"], 0),
    **dict.fromkeys(["units", "formatting", "outputs"], 1),
    "values": 2,
    **dict.fromkeys(["costing", "pump", "gfe", "letterhead"], 3),
    "dosing": 4,
    **dict.fromkeys(["quoting", "charting", "clinic", "bedside"], 5),
    **dict.fromkeys(["planning", "config", "prepsheet"], 6),
    **dict.fromkeys(["documents", "render", "handout", "ics", "goodfaith"], 7),
    **dict.fromkeys(["batch", "schema", "shapes"], 8),
    "cli": 9,
    **dict.fromkeys(["__main__", "__init__"], 10),
}
MAX_MODULE_LINES = 450  # "modules of a few hundred lines at most"


def _modules() -> dict[str, Path]:
    found = {}
    for path in sorted(ROOT.rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        found[".".join(("ketacalc", *parts)).removesuffix(".__init__")] = path
    return found


def _layer(module: str) -> int:
    parts = module.split(".")
    return LAYERS["__init__" if len(parts) == 1 else parts[1]]


def _imports(path: Path, modules: dict[str, Path]) -> set[str]:
    """The ketacalc modules ``path`` imports when it runs (``if TYPE_CHECKING:`` blocks left out)."""
    found: set[str] = set()

    class Visitor(ast.NodeVisitor):
        def visit_If(self, node: ast.If) -> None:
            if isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING":
                for child in node.orelse:
                    self.visit(child)
                return
            self.generic_visit(node)

        def visit_Import(self, node: ast.Import) -> None:
            found.update(alias.name for alias in node.names if alias.name in modules)

        def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
            if node.module and node.module.startswith("ketacalc"):
                for alias in node.names:
                    if node.module == "ketacalc" and alias.name == "__version__":
                        continue  # the version string: set in __init__, which imports nothing itself
                    whole = f"{node.module}.{alias.name}"
                    found.add(whole if whole in modules else node.module)

    Visitor().visit(ast.parse(path.read_text(encoding="utf-8")))
    return found


MODULES = _modules()
GRAPH = {name: _imports(path, MODULES) - {name} for name, path in MODULES.items()}


def test_every_module_has_a_layer() -> None:
    for name in MODULES:
        key = name.split(".")[1] if "." in name else "__init__"
        assert key in LAYERS, f"place {name} in LAYERS"


@pytest.mark.parametrize("name", sorted(MODULES))
def test_no_import_runs_up_a_layer(name: str) -> None:
    for imported in GRAPH[name]:
        if name in ("ketacalc.cli", "ketacalc.batch") and imported.startswith(name + "."):
            continue  # a package's __init__ registers or names its own modules
        assert _layer(imported) <= _layer(name), f"{name} (layer {_layer(name)}) imports {imported}"


def test_there_is_no_import_cycle() -> None:
    state: dict[str, int] = {}
    path: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(GRAPH[node]):
            assert state.get(nxt) != 1, " -> ".join([*path[path.index(nxt) :], nxt])
            if nxt not in state:
                visit(nxt)
        path.pop()
        state[node] = 2

    for node in sorted(GRAPH):
        if node not in state:
            visit(node)


def test_the_check_can_fail() -> None:
    """A core module that imported the command line would be caught."""
    assert _layer("ketacalc.dosing") < _layer("ketacalc.cli.shell")
    assert "ketacalc.dosing" in GRAPH["ketacalc.quoting"]


@pytest.mark.parametrize("name", sorted(MODULES))
def test_modules_are_a_few_hundred_lines(name: str) -> None:
    lines = len(MODULES[name].read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_MODULE_LINES or name in LONG_MODULES, f"{name}: {lines} lines"


# Longer modules, and why they are not split (each is one thing a reader wants whole).
LONG_MODULES = {
    "ketacalc.render": "every table's layout at every width, kept together so widths agree",
    "ketacalc.dosing": "the dose and its weights, parsers and warnings: the clinical core, read as one",
    "ketacalc.planning": "the course: its request, schedule, rates, prices and warnings",
    "ketacalc.shapes": "every JSON document's declaration, in one place by design",
}


MAX_FUNCTION_LINES = 60


def _long_functions() -> list[tuple[str, str, int, bool]]:
    """(module, function, body lines, whether a "# Long because" comment stands above it)."""
    found = []
    for name, path in MODULES.items():
        lines = path.read_text(encoding="utf-8").splitlines()
        for node in ast.walk(ast.parse("\n".join(lines))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                body = node.end_lineno - node.body[0].lineno + 1  # type: ignore[operator]
                first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
                said = lines[first - 2].strip().startswith("# Long because") if first >= 2 else False
                found.append((name, node.name, body, said))
    return found


def test_a_long_function_says_why() -> None:
    """About 60 lines at most (ketacalc/docs/CONTRIBUTING.md, "Style"); a longer one says why in a
    "# Long because ..." comment above it. (Complexity is ruff's C901, at 15, with the same comment.)"""
    for module, function, body, said in _long_functions():
        assert body <= MAX_FUNCTION_LINES or said, f"{module}.{function}: {body} lines and no '# Long because'"
