"""The layout is the architecture (docs/architecture.md): these tests hold the layers to it.

Read from the source with ``ast`` (nothing is imported), so a violation names the module and
the line of the offending import.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"
PKG = SRC / "zorgregels"

#: what each layer may import from the package (besides itself); a layer never imports upward
LAYERS: dict[str, set[str]] = {
    "version": set(),
    "diagnostics": set(),
    "launch": set(),  # the entry point: imports the command line by name, after taking over Ctrl-C
    "__main__": {"launch"},
    "catalogue": {"diagnostics"},
    "core": {"catalogue", "diagnostics", "version"},
    "io": {"catalogue", "core", "diagnostics"},
    "render": {"catalogue", "core", "io", "diagnostics", "version"},
    "jobs": {"catalogue", "core", "io", "render", "diagnostics", "version"},
    "api": {"core", "io", "jobs"},
    "cli": {"api", "catalogue", "core", "io", "jobs", "render", "diagnostics", "version", "launch"},
    "pytest_plugin": {"jobs"},
    "__init__": {"api", "catalogue", "core", "io", "jobs", "render", "diagnostics", "version"},
}
MAX_LINES = 500


def module_name(path: Path) -> str:
    rel = path.relative_to(SRC).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def layer_of(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def _type_checking_only(node: ast.AST, parents: dict[ast.AST, ast.AST]) -> bool:
    while node in parents:
        node = parents[node]
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            return True
    return False


def imports(path: Path) -> list[tuple[str, int, bool]]:
    """(imported zorgregels module, line, inside a function) for every runtime import."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    found: list[tuple[str, int, bool]] = []
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
        elif isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        if isinstance(node, ast.ImportFrom) and node.level:
            pytest.fail(f"{path}:{node.lineno}: relative import; the project imports absolutely")
        names = [n for n in names if n == "zorgregels" or n.startswith("zorgregels.")]
        if not names or _type_checking_only(node, parents):
            continue
        in_function = False
        p = node
        while p in parents:
            p = parents[p]
            if isinstance(p, (ast.FunctionDef, ast.AsyncFunctionDef)):
                in_function = True
        for n in names:
            found.append((n, node.lineno, in_function))
    return found


MODULES = {module_name(p): p for p in sorted(PKG.rglob("*.py"))}


def _known(name: str) -> str | None:
    """The module an imported name refers to (a name imported from a module is that module)."""
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name or None


def test_every_layer_imports_only_the_layers_below_it() -> None:
    wrong = []
    for mod, path in MODULES.items():
        here = layer_of(mod)
        allowed = LAYERS[here] | {here}
        for name, line, _ in imports(path):
            target = _known(name)
            if target is None or target == "zorgregels":
                if name != "zorgregels" and target == "zorgregels":
                    wrong.append(f"{path.relative_to(SRC)}:{line}: imports from the package root")
                continue
            if layer_of(target) not in allowed:
                wrong.append(f"{path.relative_to(SRC)}:{line}: {here} imports {target}")
    assert not wrong, "\n".join(wrong)


def test_the_core_imports_no_feature() -> None:
    for mod, path in MODULES.items():
        if layer_of(mod) in ("catalogue", "core"):
            for name, line, _ in imports(path):
                target = _known(name) or ""
                assert layer_of(target) not in ("jobs", "render", "cli", "api"), \
                    f"{path.relative_to(SRC)}:{line}: the core imports the feature {target}"


def test_no_import_cycle() -> None:
    graph = {mod: {t for n, _, _ in imports(path) if (t := _known(n)) and t != mod}
             for mod, path in MODULES.items()}
    # a package imports its own submodules to re-export them: that is not a cycle
    for mod in graph:
        graph[mod] = {t for t in graph[mod] if not t.startswith(mod + ".")}
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(m: str) -> None:
        state[m] = 1
        stack.append(m)
        for t in sorted(graph.get(m, ())):
            if state.get(t) == 1:
                cycle = stack[stack.index(t):] + [t]
                pytest.fail("import cycle: " + " -> ".join(cycle))
            if t not in state:
                visit(t)
        stack.pop()
        state[m] = 2

    for m in sorted(graph):
        if m not in state:
            visit(m)


def test_no_function_local_imports_of_the_package() -> None:
    local = [f"{p.relative_to(SRC)}:{line}: {n}" for p in MODULES.values()
             for n, line, in_function in imports(p) if in_function]
    assert not local, "imports inside functions (to dodge a cycle?):\n" + "\n".join(local)


def test_no_private_name_crosses_a_module_line() -> None:
    crossing = []
    for path in MODULES.values():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("zorgregels"):
                crossing += [f"{path.relative_to(SRC)}:{node.lineno}: {a.name}" for a in node.names
                             if a.name.startswith("_") and not a.name.startswith("__")]
    assert not crossing, "\n".join(crossing)


@pytest.mark.parametrize("path", sorted(PKG.rglob("*.py")), ids=lambda p: str(p.relative_to(PKG)))
def test_no_source_file_is_longer_than_500_lines(path: Path) -> None:
    n = len(path.read_text(encoding="utf-8").splitlines())
    assert n <= MAX_LINES, f"{path.relative_to(SRC)} has {n} lines"
