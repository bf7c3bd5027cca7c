"""The suite every translation export format runs: TMX, XLIFF 1.2, XLIFF 2, PO.

Each format is built by a real ``tmpipe build`` subprocess twice — over the project's
``corpus/`` with default options, and over ``tests/fixtures/export/corpus`` (every edge
case) with ``--split-mt --multilingual`` — then validated against its official
grammar, read back with translate-toolkit, and rebuilt to the TM's raw segments from
its inline codes.
"""

from __future__ import annotations


import pytest

from conftest import CORPUS
from pipeline.export.names import file_stem
from pipeline.output import signature_text
from support.builds import EDGE_CORPUS, Built, build_once
from support.grammars import shared_grammars
from support.readback import expected_pairs, rebuilt_pairs, toolkit_pairs, toolkit_view

FORMATS = ("tmx", "xliff-1.2", "xliff-2", "po")
BUILDS = {"corpus": (CORPUS, ()), "edge": (EDGE_CORPUS, ("--split-mt", "--multilingual"))}


@pytest.fixture(scope="module", params=list(BUILDS))
def built(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Built:
    corpus, options = BUILDS[request.param]
    return build_once(tmp_path_factory, corpus, *options)


def per_locale(built: Built, fmt: str) -> list[dict]:
    """Manifest entries of per-locale-pair files (not the multilingual TMX)."""
    return [o for o in built.outputs(fmt) if o["target_locale"]]


def expected_for(built: Built, fmt: str, output: dict) -> list[tuple[str, str]]:
    store = built.store()
    try:
        split = built.manifest["signature"]["options"]["split_mt"]
        return expected_pairs(store, fmt, output["source_locale"], output["target_locale"],
                              output.get("mt") if split else None)
    finally:
        store.close()


def test_default_build_writes_every_format() -> None:
    from pipeline.build import DEFAULT_FORMATS

    assert DEFAULT_FORMATS == ("tmx", "xliff-1.2", "xliff-2", "po", "csv", "parquet")


@pytest.mark.parametrize("fmt", FORMATS)
def test_one_file_per_locale_named_by_locale(built: Built, fmt: str) -> None:
    store = built.store()
    pairs = store.locale_pairs()
    store.close()
    assert pairs
    listed = {o["path"] for o in per_locale(built, fmt) if not o.get("mt")}
    names = {
        "tmx": "tmx/{s}_{t}.tmx", "xliff-1.2": "xliff-1.2/{s}_{t}.xlf",
        "xliff-2": "xliff-2/{s}_{t}.xlf", "po": "po/{t}.po",
    }
    assert listed == {names[fmt].format(s=file_stem(s), t=file_stem(t)) for s, t in pairs}
    for path in listed:
        assert (built.out / path).is_file()


@pytest.mark.tools
@pytest.mark.parametrize("fmt", FORMATS)
def test_valid_against_the_official_grammar(built: Built, fmt: str,
                                            tmp_path_factory: pytest.TempPathFactory) -> None:
    grammars = shared_grammars(tmp_path_factory)
    if reason := grammars.missing(fmt):
        pytest.skip(reason)
    files = [built.out / o["path"] for o in built.outputs(fmt)]
    verdict = grammars.validate(fmt, *files)
    assert verdict.ok, verdict.output[:3000]


@pytest.mark.parametrize("fmt", FORMATS)
def test_translate_toolkit_reads_the_same_units_and_texts(built: Built, fmt: str) -> None:
    for output in per_locale(built, fmt):
        expected = expected_for(built, fmt, output)
        read = toolkit_pairs(fmt, built.out / output["path"])
        assert len(read) == output["units"] == len(expected), output["path"]
        assert read == [(toolkit_view(fmt, s), toolkit_view(fmt, t)) for s, t in expected], output["path"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_raw_segments_rebuild_from_inline_codes(built: Built, fmt: str) -> None:
    for output in per_locale(built, fmt):
        assert rebuilt_pairs(fmt, built.out / output["path"]) == expected_for(built, fmt, output), output["path"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_file_carries_the_signature(built: Built, fmt: str) -> None:
    """Each file embeds the signature its manifest entry records: its options and the digest of
    the articles it was made from (its locale's for a per-locale file)."""
    for output in built.outputs(fmt):
        signature = signature_text(output["signature"])
        quoted = signature.replace('"', '\\"')  # as a PO header writes it
        text = (built.out / output["path"]).read_text(encoding="utf-8")
        assert signature in text or (fmt == "po" and quoted in text), output["path"]
        assert len(output["signature"]["input"]) == 64 and output["signature"]["input"] in text
        assert output["signature"]["options"]["format"] == fmt


@pytest.mark.parametrize("fmt", FORMATS)
def test_manifest_counts_what_the_files_hold(built: Built, fmt: str) -> None:
    for output in built.outputs(fmt):
        assert output["illegal_chars"] == 0
        assert output["source_locale"] == "en-US"
        read = toolkit_pairs(fmt, built.out / output["path"])
        assert len(read) == output["units"], output["path"]


def test_no_temporary_files_are_left(built: Built) -> None:
    assert not [p for p in built.out.rglob("*") if p.name.startswith(".") and p.name.endswith(".tmp")]


@pytest.mark.parametrize("locale, stem", [
    ("fr-FR", "fr-FR"), ("fr-fr", "fr-FR"), ("sr_latn_rs", "sr-Latn-RS"), ("", "und"),
    ("../../etc/passwd", "etc_passwd"), ("zh-Hans-CN", "zh-Hans-CN"), ("x/y z", "x_y_z"),
])
def test_locales_are_safe_file_names(locale: str, stem: str) -> None:
    assert file_stem(locale) == stem
    assert "/" not in stem and ".." not in stem
