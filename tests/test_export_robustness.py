"""What no well-behaved article shows: characters XML forbids, memory on large TMs,
failures half-way, and byte-for-byte golden outputs."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.errors import OutputError
from pipeline.chars import XML_ILLEGAL as ILLEGAL_XML
from pipeline.export.codes import link_codes, trim_runs, well_nested
from pipeline.export.xml import Cleaner
from pipeline.output import signature_text
from pipeline.extract.inline import parse_segment
from support.builds import EDGE_CORPUS, build_once
from support.grammars import shared_grammars
from support.readback import rebuilt_pairs, toolkit_pairs
from support.synthetic import export, make_store, numbered_docs

FORMATS = ("tmx", "xliff-1.2", "xliff-2", "po")
GOLDEN = Path(__file__).parent / "fixtures" / "export" / "golden"
NASTY = [("bad-1", "Bell\x07 rings **twice\x01**.", "La cloche\x07 sonne **deux fois\x01**."),
         ("bad-2", "Run `a\x02b` now\x1f", "Exécutez `a\x02b` maintenant\x1f"),
         ("bad-3", "Not a char: \ufffe\uffff.", "Pas un caractère : \ufffe\uffff."),
         ("fine", "Tab\tand CR\r kept", "Tab\tet CR\r gardés")]


# -- characters XML 1.0 forbids -----------------------------------------------------------

@pytest.fixture(scope="module")
def nasty(tmp_path_factory: pytest.TempPathFactory):
    base = tmp_path_factory.mktemp("nasty")
    store = make_store(base / "tm.sqlite", [("fr-FR/bad.md", "fr-FR", "HT", NASTY)])
    outputs = {fmt: export(store, base / "out", fmt) for fmt in FORMATS}
    store.close()
    return base / "out", outputs


@pytest.mark.parametrize("fmt", FORMATS)
def test_illegal_characters_are_never_written_raw(nasty, fmt: str, tmp_path_factory) -> None:
    out, outputs = nasty
    output, = outputs[fmt]
    text = (out / output.path).read_text(encoding="utf-8")
    assert not ILLEGAL_XML.search(text)
    # two per side in each of three pairs; XLIFF 2 keeps the shared code `a\x02b` once in originalData
    assert output.extra["illegal_chars"] == (11 if fmt == "xliff-2" else 12)
    read = toolkit_pairs(fmt, out / output.path)
    assert len(read) == len(NASTY)
    rebuilt = rebuilt_pairs(fmt, out / output.path)
    if fmt == "xliff-2":  # lossless: <cp hex="…"></cp>
        assert rebuilt == [(s, t) for _, s, t in NASTY]
        assert '<cp hex="0007">' in text and '<cp hex="FFFE">' in text
    else:  # replaced by U+FFFD
        assert rebuilt == [(ILLEGAL_XML.sub("\ufffd", s), ILLEGAL_XML.sub("\ufffd", t)) for _, s, t in NASTY]
    grammars = shared_grammars(tmp_path_factory)
    if not grammars.missing(fmt):
        verdict = grammars.validate(fmt, out / output.path)
        assert verdict.ok, verdict.output


def test_cleaner_counts_every_kind_of_illegal_character() -> None:
    clean = Cleaner()
    assert clean("a\x00b\x08c\x0bd\x0ce\x1ff\ud800g\udfffh\ufffei\uffffj\t\n\r") == \
        "a\ufffdb\ufffdc\ufffdd\ufffde\ufffdf\ufffdg\ufffdh\ufffdi\ufffdj\t\n\r"
    assert clean.count == 9
    assert clean("\U0001F600 \u200f \u00a0") == "\U0001F600 \u200f \u00a0" and clean.count == 9


# -- the shared helpers --------------------------------------------------------------------

def test_trim_runs_keeps_what_it_takes_off() -> None:
    for raw in ["\n  <strong>Find</strong> it\n  ", "  **x**", "plain", "   ", "", "a `b` ", "\xa0x\xa0"]:
        lead, runs, trail = trim_runs(parse_segment(raw).runs)
        core = "".join(r.raw for r in runs)
        assert lead + core + trail == raw and core == raw.strip() or not raw.strip()


def test_link_codes_prefers_identical_markup_then_type() -> None:
    source = parse_segment("See [a](x.md) and [b](y.md) **now**")
    target = parse_segment("**Maintenant**, voir [b](y.md) puis [a](x.md) `z`")
    src, tgt = link_codes(source.runs, target.runs)
    by_raw = {c.raw: c.pair for c in target.codes if c.kind != "end"}
    assert src == {1: 1, 2: 2, 3: 3}
    assert tgt[by_raw["**"]] == 3 and tgt[by_raw["`z`"]] == 4
    links = [c for c in target.codes if c.kind == "end"]
    assert [tgt[c.pair] for c in links if c.type == "link"] == [2, 1]
    assert well_nested(source.runs) and not well_nested(parse_segment("**a <em>b** c</em>").runs)


# -- memory stays flat ----------------------------------------------------------------------

_PROBE = """
import resource, sys
from pathlib import Path
sys.path.insert(0, sys.argv[4])
from pipeline import extsort
from pipeline.store import open_store
from support.synthetic import export
extsort.SORT_CHUNK = 200
store = open_store(Path(sys.argv[1]), readonly=True)
export(store, Path(sys.argv[2]), sys.argv[3], split_mt=True, multilingual=True)
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024)
"""


def _peak_rss(store: Path, out: Path, fmt: str) -> int:
    done = subprocess.run([sys.executable, "-c", _PROBE, str(store), str(out), fmt, str(Path(__file__).parent)],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return int(done.stdout.split()[-1])


@pytest.fixture(scope="module")
def sized_stores(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    base = tmp_path_factory.mktemp("sizes")
    make_store(base / "small.sqlite", numbered_docs(4, 50, ("fr-FR", "ja-JP"))).close()
    make_store(base / "large.sqlite", numbered_docs(60, 50, ("fr-FR", "ja-JP"))).close()
    return base / "small.sqlite", base / "large.sqlite"


@pytest.mark.parametrize("fmt", FORMATS)
def test_memory_does_not_grow_with_the_number_of_units(fmt: str, sized_stores: tuple[Path, Path],
                                                       tmp_path: Path) -> None:
    """6 000 occurrences need about the memory of 400: far less than the file written, so
    nothing holds the document (a tree or a string of it would cost more than its size)."""
    small, large = sized_stores
    peak_small = _peak_rss(small, tmp_path / "small", fmt)
    peak_large = _peak_rss(large, tmp_path / "large", fmt)
    written = sum(p.stat().st_size for p in (tmp_path / "large").rglob("*") if p.is_file())
    assert written > 1_000_000
    assert peak_large - peak_small < written / 4, (peak_small, peak_large, written)


# -- a failure half-way ----------------------------------------------------------------------

class _Failing:
    """A store whose rows stop with an error after a few."""

    def __init__(self, store) -> None:
        self.store = store

    def __getattr__(self, name):  # what the writers read but rows
        return getattr(self.store, name)

    def _fail(self, rows):
        for n, row in enumerate(rows):
            if n == 3:
                raise OutputError("disk on fire")
            yield row

    def units(self, *args):
        return self._fail(self.store.units(*args))

    def segments(self, *args):
        return self._fail(self.store.segments(*args))

    def article_stamps(self, *args):
        return self._fail(self.store.article_stamps(*args))

    def unit_stamps(self, *args):
        return self._fail(self.store.unit_stamps(*args))

    def _fail_within(self, groups):
        rows = self._fail(row for group in groups for row in group)
        for group in groups:
            yield [next(rows) for _ in group]

    def article_occurrences(self, *args):
        return self._fail_within(list(self.store.article_occurrences(*args)))

    def article_units(self, *args):
        return self._fail_within(list(self.store.article_units(*args)))


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_failure_leaves_the_previous_file_and_no_temporary(fmt: str, tmp_path: Path) -> None:
    store = make_store(tmp_path / "tm.sqlite", numbered_docs(2, 5))
    first, = [o for o in export(store, tmp_path / "out", fmt) if o.target_locale == "fr-FR"]
    before = (tmp_path / "out" / first.path).read_bytes()
    with pytest.raises(OutputError, match="disk on fire"):
        export(_Failing(store), tmp_path / "out", fmt, split_mt=True, multilingual=True)
    store.close()
    assert (tmp_path / "out" / first.path).read_bytes() == before
    assert [p.name for p in (tmp_path / "out").rglob(".*.tmp")] == []


# -- golden files -------------------------------------------------------------------------

GOLDEN_FILES = ["tmx/en-US_fr-FR.tmx", "tmx/mt/en-US_ja-JP.tmx", "tmx/multilingual.tmx",
                "xliff-1.2/en-US_fr-FR.xlf", "xliff-2/en-US_fr-FR.xlf", "po/fr-FR.po"]


def _masked(text: str, manifest: dict, rel: str) -> str:
    """The file without what changes on its own: signature (options, input digest), version."""
    entry = next(o for o in manifest["outputs"] if o["path"] == rel)
    signature = signature_text(entry["signature"])
    text = text.replace(signature, "<SIGNATURE>").replace(signature.replace('"', '\\"'), "<SIGNATURE>")
    text = text.replace(entry["signature"]["input"], "<INPUT>")
    return text.replace(manifest["version"], "<VERSION>")


@pytest.mark.parametrize("rel", GOLDEN_FILES)
def test_outputs_match_the_golden_files(rel: str, tmp_path_factory: pytest.TempPathFactory) -> None:
    built = build_once(tmp_path_factory, EDGE_CORPUS, "--split-mt", "--multilingual")
    actual = _masked((built.out / rel).read_text(encoding="utf-8"), built.manifest, rel)
    golden = GOLDEN / rel
    if os.environ.get("UPDATE_GOLDEN"):
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(actual, encoding="utf-8")
    assert actual == golden.read_text(encoding="utf-8"), f"run with UPDATE_GOLDEN=1 to accept changes to {rel}"
