"""The import rules of docs/architecture.md, checked on the source: imports point inward.

Each module's imports of tmpipe modules are read from its syntax tree (nothing is imported).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "pipeline"

#: (importer prefix, imported prefix): an arrow no module may draw.
FORBIDDEN = [
    ("pipeline.report", "pipeline.export"),  # reports never import exporters
    ("pipeline.export", "pipeline.store"),  # renderers take rows, not a database
    ("pipeline.export", "pipeline.extract"),  # renderers never re-parse markup
    ("pipeline.export", "pipeline.outputs"),
    ("pipeline.report", "pipeline.outputs"),
    ("pipeline.qa", "pipeline.report"),  # checks never import reports
    ("pipeline.qa", "pipeline.outputs"),
    ("pipeline.extract", "pipeline.store"),  # extraction never imports the store or exporters
    ("pipeline.extract", "pipeline.export"),
    ("pipeline.extract", "pipeline.qa"),
    ("pipeline.store", "pipeline.export"),
    ("pipeline.store", "pipeline.qa"),
    ("pipeline.model", "pipeline"),  # the model imports nothing of tmpipe
    ("pipeline.rows", "pipeline.store"),
]


def _name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _resolve(module: str, is_package: bool, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    base = module.split(".")
    base = base if is_package else base[:-1]
    base = base[:len(base) - node.level + 1]
    return ".".join(base + ([node.module] if node.module else []))


def _imports(path: Path) -> list[tuple[str, str, bool]]:
    """``(imported module, name, at top level)`` for each tmpipe import of the file."""
    module, tree = _name(path), ast.parse(path.read_text(encoding="utf-8"))
    top = {id(node) for node in tree.body}
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            target = _resolve(module, path.name == "__init__.py", node)
            if target.split(".")[0] == "pipeline":
                found += [(target, alias.name, id(node) in top) for alias in node.names]
        elif isinstance(node, ast.Import):
            found += [(alias.name, "", id(node) in top) for alias in node.names if alias.name.split(".")[0] == "pipeline"]
    return found


MODULES = {_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def _is(module: str, prefix: str) -> bool:
    return module == prefix or module.startswith(prefix + ".")


@pytest.mark.parametrize("module", sorted(MODULES))
def test_no_forbidden_arrow_no_lazy_import_no_private_name(module: str) -> None:
    for target, name, top in _imports(MODULES[module]):
        whole = f"{target}.{name}" if f"{target}.{name}" in MODULES else target
        for importer, imported in FORBIDDEN:
            assert not (_is(module, importer) and _is(whole, imported)), f"{module} imports {whole}"
        # the entry point imports the CLI once it can turn a Ctrl-C during that import into exit 130
        assert top or module == "pipeline.__main__", f"{module} imports {whole} inside a function"
        package = module.rsplit(".", 1)[0] if MODULES[module].name != "__init__.py" else module
        if name.startswith("_") and not name.startswith("__") and not _is(target, package):
            raise AssertionError(f"{module} imports the private {name} of {target}")


def test_there_is_no_import_cycle() -> None:
    graph: dict[str, set[str]] = {}
    for module, path in MODULES.items():
        targets = set()
        for target, name, _ in _imports(path):
            whole = f"{target}.{name}"
            targets.add(whole if whole in MODULES else target)
        graph[module] = {t for t in targets if t in MODULES and t != module}
    state: dict[str, int] = {}

    def visit(node: str, trail: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph[node]):
            # a package's __init__ importing its own modules is how a package is assembled, not a cycle
            if _is(nxt, node) and MODULES[node].name == "__init__.py":
                continue
            if state.get(nxt) == 1:
                raise AssertionError("import cycle: " + " → ".join(trail + [node, nxt]))
            if not state.get(nxt):
                visit(nxt, trail + [node])
        state[node] = 2

    for module in sorted(graph):
        if not state.get(module):
            visit(module, [])
