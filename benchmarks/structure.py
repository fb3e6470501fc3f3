"""The package's structure in figures: import cycles, the largest module, the largest class.

    .venv/bin/python benchmarks/structure.py

Import cycles are the strongly connected components of more than one module in the import
graph of ``workbook`` that grimp builds, which counts imports made inside functions and
under ``TYPE_CHECKING``. Line counts are physical lines; a class runs from its ``class``
line (or first decorator) to its last line.
"""

from __future__ import annotations

import ast
from pathlib import Path

import grimp

PACKAGE = Path(__file__).resolve().parent.parent / "workbook"


def import_cycles(package: str = "workbook") -> list[list[str]]:
    """Each group of modules that import one another, directly or through others."""
    graph = grimp.build_graph(package, include_external_packages=False, cache_dir=None)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(module: str) -> None:  # Tarjan's algorithm
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for other in sorted(graph.find_modules_directly_imported_by(module)):
            if other not in index:
                visit(other)
                low[module] = min(low[module], low[other])
            elif other in on_stack:
                low[module] = min(low[module], index[other])
        if low[module] == index[module]:
            group = []
            while True:
                other = stack.pop()
                on_stack.discard(other)
                group.append(other)
                if other == module:
                    break
            groups.append(sorted(group))

    for module in sorted(graph.modules):
        if module not in index:
            visit(module)
    return [group for group in groups if len(group) > 1]


def largest_modules(top: int = 3) -> list[tuple[int, str]]:
    """The modules with the most lines."""
    sizes = [
        (len(p.read_text(encoding="utf-8").splitlines()), str(p.relative_to(PACKAGE.parent)))
        for p in PACKAGE.rglob("*.py")
    ]
    return sorted(sizes, reverse=True)[:top]


def largest_classes(top: int = 3) -> list[tuple[int, str]]:
    """The classes with the most lines."""
    sizes = []
    for path in PACKAGE.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef) and node.end_lineno is not None:
                first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
                where = f"{path.relative_to(PACKAGE.parent)}:{node.name}"
                sizes.append((node.end_lineno - first + 1, where))
    return sorted(sizes, reverse=True)[:top]


def main() -> None:
    cycles = import_cycles()
    print(f"import cycles: {len(cycles)}")
    for group in cycles:
        print("   ", " <-> ".join(group))
    print("largest modules:", ", ".join(f"{path} {n}" for n, path in largest_modules()))
    print("largest classes:", ", ".join(f"{where} {n}" for n, where in largest_classes()))


if __name__ == "__main__":
    main()
