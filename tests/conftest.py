"""Shared test helpers: where things are, and running the CLI as a real subprocess."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
SHARED = ROOT.parent / "shared"
DEV_CORPUS = SHARED / "corpus-dev"
TMPIPE = Path(sys.executable).parent / "tmpipe"


@pytest.fixture(scope="session")
def dev_corpus() -> Path:
    """The shared development corpus; tests using it skip when ../shared is absent."""
    if not DEV_CORPUS.is_dir():
        pytest.skip("../shared/corpus-dev is not available")
    return DEV_CORPUS


def run_tmpipe(*args: object, cwd: Path | None = None, check: bool = False,
               timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """Run the installed ``tmpipe`` console script; returns the completed process."""
    command = [str(TMPIPE) if TMPIPE.exists() else shutil.which("tmpipe") or "tmpipe", *map(str, args)]
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=timeout, env=env)
    if check and result.returncode != 0:
        raise AssertionError(f"{command} exited {result.returncode}\n{result.stdout}\n{result.stderr}")
    return result
