"""A real CAT tool: OmegaT 3.6 headless loads the TMX of ``corpus/`` and fills the segments.

Also, when ``../shared`` is there, the shared acceptance harness (``validate.sh``,
``roundtrip-read.sh``, ``omegat-tmx-check.sh``) run over the same exports.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import CORPUS, SHARED
from support.builds import Built, build_once
from tools.omegat import run_omegat, unavailable

HARNESS = SHARED / "harness"


@pytest.fixture(scope="module")
def corpus_build(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return build_once(tmp_path_factory, CORPUS)


def tmx_outputs(built: Built) -> list[dict]:
    return [o for o in built.outputs("tmx") if o["target_locale"] and o["units"]]


@pytest.mark.tools
def test_omegat_applies_every_segment_of_the_corpus_tmx(corpus_build: Built, tmp_path: Path) -> None:
    if reason := unavailable():
        pytest.skip(reason)
    outputs = tmx_outputs(corpus_build)
    assert outputs
    for output in outputs:
        run = run_omegat(corpus_build.out / output["path"], output["source_locale"], output["target_locale"],
                         tmp_path / output["target_locale"])
        assert not run.rejected, run.log[-2000:]
        assert run.expected, output["path"]
        assert not run.failures, (output["path"], run.failures[:5])
        assert not run.unmatchable, "edge whitespace is tucked into codes, so OmegaT can match everything"
        print(f"omegat: {output['path']}: {len(run.matched)} of {len(run.expected)} segments applied"
              f" ({len(run.unmatchable)} unmatchable)")


def _harness(script: str, *args: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["bash", str(HARNESS / script), *map(str, args)], capture_output=True, text=True,
                          timeout=600, env={**os.environ, "HARNESS_PYTHON": sys.executable})


@pytest.mark.shared
@pytest.mark.tools
@pytest.mark.parametrize("fmt", ["tmx", "xliff-1.2", "xliff-2", "po"])
def test_shared_harness_accepts_the_corpus_exports(corpus_build: Built, fmt: str) -> None:
    if not HARNESS.is_dir():
        pytest.skip("../shared/harness is not available")
    for output in corpus_build.outputs(fmt):
        path = corpus_build.out / output["path"]
        validated = _harness("validate.sh", path)
        assert validated.returncode == 0, validated.stdout[-3000:]
        if output["units"]:
            read = _harness("roundtrip-read.sh", path, output["units"])
            assert read.returncode == 0, read.stdout[-3000:]


@pytest.mark.shared
@pytest.mark.tools
def test_shared_omegat_check_agrees(corpus_build: Built) -> None:
    if not HARNESS.is_dir():
        pytest.skip("../shared/harness is not available")
    if reason := unavailable():
        pytest.skip(reason)
    output = tmx_outputs(corpus_build)[0]
    done = _harness("omegat-tmx-check.sh", "--strict", corpus_build.out / output["path"],
                    output["source_locale"], output["target_locale"])
    assert done.returncode == 0, done.stdout[-3000:]
