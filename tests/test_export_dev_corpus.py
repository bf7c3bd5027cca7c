"""The exports of the shared development corpus (real Microsoft Docs articles in five
locales): valid, read back whole by translate-toolkit, applied by OmegaT.

Skipped when ``../shared/corpus-dev`` is absent.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from support.builds import Built, build_once
from support.grammars import shared_grammars
from support.readback import toolkit_pairs
from tools.omegat import run_omegat, unavailable

pytestmark = pytest.mark.shared
FORMATS = ("tmx", "xliff-1.2", "xliff-2", "po")


@pytest.fixture(scope="module")
def dev_build(dev_corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Built:
    return build_once(tmp_path_factory, dev_corpus, "-j", "2", "--split-mt", "--multilingual")


def test_every_format_covers_every_locale(dev_build: Built) -> None:
    store = dev_build.store()
    pairs = {t: len(list(store.segments(t))) for _, t in store.locale_pairs()}
    units = {t: len(list(store.units(s, t))) for s, t in store.locale_pairs()}
    store.close()
    for fmt in ("xliff-1.2", "xliff-2", "po"):
        assert {o["target_locale"]: o["units"] for o in dev_build.outputs(fmt)} == pairs
    tmx: dict[str, int] = {}
    for output in dev_build.outputs("tmx"):
        if output["target_locale"]:
            tmx[output["target_locale"]] = tmx.get(output["target_locale"], 0) + output["units"]
    assert tmx == units
    for output in dev_build.manifest["outputs"]:
        if output["format"] in FORMATS:
            print(f"{output['format']:<10} {output['path']:<34} {output['units']:>6}")


@pytest.mark.tools
@pytest.mark.parametrize("fmt", FORMATS)
def test_valid_and_read_back(dev_build: Built, fmt: str, tmp_path_factory: pytest.TempPathFactory) -> None:
    grammars = shared_grammars(tmp_path_factory)
    if reason := grammars.missing(fmt):
        pytest.skip(reason)
    files = [dev_build.out / o["path"] for o in dev_build.outputs(fmt)]
    verdict = grammars.validate(fmt, *files)
    assert verdict.ok, verdict.output[:3000]
    for output in dev_build.outputs(fmt):
        read = toolkit_pairs(fmt, dev_build.out / output["path"])
        assert len(read) == output["units"], output["path"]
        assert sum(1 for _, target in read if target) == output["units"], output["path"]


@pytest.mark.tools
def test_omegat_applies_the_french_tmx(dev_build: Built, tmp_path: Path) -> None:
    if reason := unavailable():
        pytest.skip(reason)
    run = run_omegat(dev_build.out / "tmx/en-US_fr-FR.tmx", "en-US", "fr-FR", tmp_path)
    assert not run.rejected
    assert len(run.expected) > 3000 and not run.failures, run.failures[:5]
    print(f"omegat: {len(run.matched)} of {len(run.expected)} fr-FR segments applied;"
          f" {len(run.unmatchable)} sources unmatchable (whitespace next to a dropped code)")
