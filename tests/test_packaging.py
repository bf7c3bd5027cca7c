"""The project as a user installs and cleans it: the runtime dependencies are what pipeline/ imports,
the package metadata, ``make clean``."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
import tomllib
from pathlib import Path

from conftest import CORPUS, ROOT, run_tmpipe

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


def test_make_clean_removes_every_output(tmp_path: Path) -> None:
    work = tmp_path / "checkout"
    (work / "bench" / "results").mkdir(parents=True)
    (work / "Makefile").write_bytes((ROOT / "Makefile").read_bytes())
    run_tmpipe("build", CORPUS, "-o", work / "exports", "-f", "tmx", "-f", "po", "-q", check=True)
    (work / "exports" / "README.md").write_text("kept\n", encoding="utf-8")
    (work / "bench" / "results" / ".gitkeep").write_text("", encoding="utf-8")
    (work / "bench" / "results" / "run.json").write_text("{}", encoding="utf-8")
    subprocess.run(["make", "clean", f"VENV={work / 'venv'}"], cwd=work, check=True, capture_output=True)
    assert sorted(p.name for p in (work / "exports").iterdir()) == ["README.md"]
    assert sorted(p.name for p in (work / "bench" / "results").iterdir()) == [".gitkeep"]



def test_the_license_is_an_spdx_expression() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert project["project"]["license"] == "MIT"
    assert not any("License ::" in c for c in project["project"].get("classifiers", []))
    (requirement,) = [r for r in project["build-system"]["requires"] if r.startswith("setuptools")]
    assert tuple(map(int, requirement.split(">=")[1].split("."))) >= (77,), "PEP 639 needs setuptools 77"

