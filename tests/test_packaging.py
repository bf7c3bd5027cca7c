"""The project as a user installs and cleans it: the package metadata, ``make clean``."""

from __future__ import annotations

import subprocess
import tomllib
from pathlib import Path

from conftest import CORPUS, ROOT, run_tmpipe


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

