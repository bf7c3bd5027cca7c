"""The runtime dependencies are what pipeline/ imports: no more, no fewer."""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

#: Distribution name → the module it installs, where they differ.
MODULE_OF = {"PyYAML": "yaml", "dask[distributed]": "distributed", "lingua-language-detector": "lingua",
             "beautifulsoup4": "bs4", "translate-toolkit": "translate"}


def _imported() -> set[str]:
    found = set()
    for path in (ROOT / "pipeline").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
                found.add(node.module.split(".")[0])
    return {name for name in found if name not in sys.stdlib_module_names and name != "pipeline"}


def test_every_runtime_dependency_is_imported_and_every_import_declared() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    declared = {re.split(r"[<>=!~ ]", spec)[0] for spec in project["dependencies"]}
    modules = {MODULE_OF.get(name, name.lower()) for name in declared}
    imported = _imported()
    assert modules == imported, f"declared but not imported: {sorted(modules - imported)};" \
                                f" imported but not declared: {sorted(imported - modules)}"
