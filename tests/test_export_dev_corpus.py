"""The exports of the shared development corpus (real Microsoft Docs articles in five
locales): every locale in every format, valid, read back whole by translate-toolkit,
and applied by OmegaT.  One test, so that one process builds the corpus (≈30 s).

Skipped when ``../shared/corpus-dev`` is absent.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from support.builds import build_once
from support.grammars import shared_grammars
from support.readback import toolkit_pairs
from tools.omegat import run_omegat, unavailable

FORMATS = ("tmx", "xliff-1.2", "xliff-2", "po")


@pytest.mark.shared
@pytest.mark.tools
def test_dev_corpus_exports_are_complete_valid_read_back_and_applied(
        dev_corpus: Path, tmp_path_factory: pytest.TempPathFactory, tmp_path: Path) -> None:
    built = build_once(tmp_path_factory, dev_corpus, "-j", "2", "--split-mt", "--multilingual")
    store = built.store()
    occurrences = {t: sum(1 for _ in store.segments(t)) for _, t in store.locale_pairs()}
    units = {t: sum(1 for _ in store.units(s, t)) for s, t in store.locale_pairs()}
    store.close()

    for fmt in ("xliff-1.2", "xliff-2", "po"):
        assert {o["target_locale"]: o["units"] for o in built.outputs(fmt)} == occurrences, fmt
    tmx: dict[str, int] = {}
    for output in built.outputs("tmx"):
        if output["target_locale"]:
            tmx[output["target_locale"]] = tmx.get(output["target_locale"], 0) + output["units"]
    assert tmx == units

    grammars = shared_grammars(tmp_path_factory)
    for fmt in FORMATS:
        outputs = built.outputs(fmt)
        if not grammars.missing(fmt):
            verdict = grammars.validate(fmt, *(built.out / o["path"] for o in outputs))
            assert verdict.ok, (fmt, verdict.output[:3000])
        for output in outputs:
            read = toolkit_pairs(fmt, built.out / output["path"])
            assert len(read) == output["units"], output["path"]
            assert all(target for _, target in read), output["path"]
            print(f"{fmt:<10} {output['path']:<34} {output['units']:>6}")

    if unavailable():
        return
    run = run_omegat(built.out / "tmx/en-US_fr-FR.tmx", "en-US", "fr-FR", tmp_path)
    assert not run.rejected
    assert len(run.expected) > 3000 and not run.failures, run.failures[:5]
    assert not run.unmatchable, run.unmatchable[:5]
    print(f"omegat: {len(run.matched)} of {len(run.expected)} fr-FR segments applied")
