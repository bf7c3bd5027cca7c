"""Real ``tmpipe build`` subprocess runs, each done once per test process and shared."""

from __future__ import annotations

import json
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from conftest import CORPUS, ROOT, TMPIPE
from pipeline.store import Store, open_store

__all__ = ["EDGE_CORPUS", "Built", "build_once", "tmpipe"]

#: Hand-written articles with every export edge case (MT and HT, crossing markup,
#: outer whitespace, repeated ids, entities, lower-case locale folders…).
EDGE_CORPUS = ROOT / "tests" / "fixtures" / "export" / "corpus"
#: A fixed creation date, so outputs are byte-for-byte reproducible.
EPOCH = "1718000000"

_BUILDS: dict[tuple[str, tuple[str, ...]], "Built"] = {}


@dataclass
class Built:
    """One build directory and what it says about itself."""

    out: Path
    manifest: dict[str, Any]

    def store(self) -> Store:
        return open_store(self.out / "tm.sqlite", readonly=True)

    def outputs(self, fmt: str) -> list[dict[str, Any]]:
        """Manifest entries of one format."""
        return [o for o in self.manifest["outputs"] if o["format"] == fmt]


def tmpipe(*args: object, env: dict[str, str] | None = None, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    """Run the installed ``tmpipe`` script; fail the test with its output when it fails."""
    result = subprocess.run([str(TMPIPE), *map(str, args)], capture_output=True, text=True, timeout=timeout,
                            env={**os.environ, "PYTHONWARNINGS": "ignore", **(env or {})})
    if result.returncode != 0:
        pytest.fail(f"tmpipe {' '.join(map(str, args))} exited {result.returncode}\n{result.stderr}")
    return result


def build_once(factory: pytest.TempPathFactory, corpus: Path = CORPUS, *options: str) -> Built:
    """``tmpipe build corpus -o OUT options…`` with all default formats, once per process."""
    key = (str(corpus), options)
    if key not in _BUILDS:
        out = factory.mktemp("export-build") / "out"
        tmpipe("build", corpus, "-o", out, "-q", *options, env={"SOURCE_DATE_EPOCH": EPOCH})
        _BUILDS[key] = Built(out, json.loads((out / "manifest.json").read_text(encoding="utf-8")))
    return _BUILDS[key]
