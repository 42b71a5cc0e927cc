"""No import circle inside the package.

Every `import` and `from ... import` statement of every module under src/actionable (at module
level, inside functions, under `if TYPE_CHECKING:` alike) is resolved to the actionable module
it names: relative imports against the importing module's package, and `from pkg import name`
to the submodule `pkg.name` when there is one, else to `pkg`. The graph of these imports must
have no cycle; a failure prints each cycle as `a -> b -> ... -> a`.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = "actionable"
PACKAGE_DIR = Path(__file__).resolve().parents[2] / "src" / PACKAGE

Graph = dict[str, set[str]]


def module_files(package_dir: Path, package: str) -> dict[str, Path]:
    """Dotted module name -> file, for every .py file of the package (packages by __init__)."""
    modules: dict[str, Path] = {}
    for path in sorted(package_dir.rglob("*.py")):
        parts = [package, *path.relative_to(package_dir).with_suffix("").parts]
        if parts[-1] == "__init__":
            parts.pop()
        modules[".".join(parts)] = path
    return modules


def _known(dotted: str, modules: dict[str, Path]) -> str | None:
    """`dotted` if it is a module of ours, else its longest prefix that is, else None."""
    parts = dotted.split(".")
    while parts:
        name = ".".join(parts)
        if name in modules:
            return name
        parts.pop()
    return None


def _absolute(module: str, is_package: bool, level: int, target: str | None) -> str:
    """The absolute name of `from {'.' * level}{target} import ...` written in `module`."""
    base = module.split(".") if is_package else module.split(".")[:-1]
    if level > 1:
        base = base[: len(base) - (level - 1)]
    return ".".join([*base, target] if target else base)


def imports_of(module: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """The package's modules that `module` imports anywhere in its file."""
    is_package = path.name == "__init__.py"
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: set[str | None] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(_known(alias.name, modules) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = _absolute(module, is_package, node.level, node.module)
            for alias in node.names:
                submodule = f"{base}.{alias.name}"
                found.add(submodule if submodule in modules else _known(base, modules))
    return {name for name in found if name is not None and name != module}


def import_graph(package_dir: Path, package: str) -> Graph:
    modules = module_files(package_dir, package)
    return {name: imports_of(name, path, modules) for name, path in modules.items()}


def _components(graph: Graph) -> list[list[str]]:
    """Strongly connected components (Tarjan, iterative), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []
    counter = 0
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                out.append(sorted(component))
    return out


def find_cycles(graph: Graph) -> list[list[str]]:
    """One shortest cycle through the first module of every circle, as a closed path."""
    cycles = []
    for component in _components(graph):
        if len(component) < 2:
            continue
        members = set(component)
        start = component[0]
        previous: dict[str, str] = {}
        frontier = [start]
        while frontier and start not in previous:
            following = []
            for node in frontier:
                for child in sorted(graph.get(node, ())):
                    if child in members and child not in previous:
                        previous[child] = node
                        following.append(child)
            frontier = following
        path = [start]
        node = previous[start]
        while node != start:
            path.append(node)
            node = previous[node]
        path.append(start)
        cycles.append(path[::-1])
    return sorted(cycles)


def test_the_package_has_no_import_cycle() -> None:
    graph = import_graph(PACKAGE_DIR, PACKAGE)
    assert graph.get("actionable.report.build"), "the graph misses known imports"
    cycles = find_cycles(graph)
    assert not cycles, "import cycles:\n" + "\n".join(" -> ".join(c) for c in cycles)


def _write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


SYNTHETIC = {
    "__init__.py": "",
    "a.py": "from pkg.b import thing\n",
    "b.py": "thing = 1\n\n\ndef late():\n    from . import c\n",
    "c.py": "from .sub import d\n",
    "sub/__init__.py": "from .d import value\n",
    "sub/d.py": "value = 2\n\n\ndef late():\n    from ..a import x\n",
    "e.py": "import os\nimport pkg.a\nfrom pkg import sub\n",
}


def test_imports_resolve_to_modules(tmp_path: Path) -> None:
    _write(tmp_path / "pkg", SYNTHETIC)
    graph = import_graph(tmp_path / "pkg", "pkg")
    assert graph == {
        "pkg": set(),
        "pkg.a": {"pkg.b"},  # from pkg.b import name
        "pkg.b": {"pkg.c"},  # function-local `from . import module`
        "pkg.c": {"pkg.sub.d"},  # `from .sub import module`
        "pkg.sub": {"pkg.sub.d"},  # relative import in a package's __init__
        "pkg.sub.d": {"pkg.a"},  # function-local, two levels up
        "pkg.e": {"pkg.a", "pkg.sub"},  # `import pkg.a`, `from pkg import subpackage`
    }


def test_a_cycle_is_found_and_printed(tmp_path: Path) -> None:
    _write(tmp_path / "pkg", SYNTHETIC)
    graph = import_graph(tmp_path / "pkg", "pkg")
    assert find_cycles(graph) == [["pkg.a", "pkg.b", "pkg.c", "pkg.sub.d", "pkg.a"]]
    # without the function-local import that closes it, there is none
    _write(tmp_path / "pkg", {"sub/d.py": "value = 2\n"})
    assert find_cycles(import_graph(tmp_path / "pkg", "pkg")) == []


def test_two_separate_cycles_are_both_reported() -> None:
    graph = {"m.a": {"m.b"}, "m.b": {"m.a"}, "m.c": {"m.d"}, "m.d": {"m.e"}, "m.e": {"m.c"}}
    assert find_cycles(graph) == [["m.a", "m.b", "m.a"], ["m.c", "m.d", "m.e", "m.c"]]
