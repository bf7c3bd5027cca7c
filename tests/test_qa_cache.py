"""The QA cache (``OUT/.tmpipe-cache/qa.sqlite``): a rebuild checks only the units it
has not seen, and its reports are byte for byte those of a build without a cache."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from pipeline.qa import QaConfig, load_config, run_qa
from pipeline.qa import language, runner
from pipeline.qa.findings import Finding
from pipeline.qa.cache import decode, encode
from pipeline.store import open_store
from support.builds import tmpipe
from test_qa_support import QA_CONFIG, QA_CORPUS, QA_ENGLISH

CACHE = Path(".tmpipe-cache") / "qa.sqlite"
PLANTED = Path("fr-FR") / "articles" / "planted.md"


def _reports(out: Path) -> dict[str, bytes]:
    found = {p.name: p.read_bytes() for p in sorted((out / "qa").iterdir())}
    assert found, f"no reports in {out / 'qa'}"
    return found


def _build(corpus: Path, out: Path, *options: object) -> None:
    tmpipe("build", corpus, "-o", out, "-q", "-f", "csv", "--english", QA_ENGLISH, *options)


def _edit(corpus: Path) -> None:
    """Shift every line of one article, retranslate one pair, drop one, add one in English."""
    path = corpus / PLANTED
    text = path.read_text(encoding="utf-8")
    head, sep, body = text.partition("---\n\n")
    body = body.replace('<span data-stu-id="aa001-107">Project</span>', '<span data-stu-id="aa001-107">Projet</span>')
    assert "aa001-107" in body and 'aa001-108">Select the project and the customer to' in body
    body = "\n".join(line for line in body.split("\n") if "aa001-108" not in line)
    body += ('\n<span data-ttu-id="aa001-999">Open the invoice and select the customer you want to bill.'
             '</span><span class="sxs-lookup"><span data-stu-id="aa001-999">Open the invoice and select'
             ' the customer you want to bill.</span></span>\n')
    path.write_text(head + sep + "\n\n<!-- moved -->\n" + body, encoding="utf-8")


def _cached_keys(path: Path) -> set[tuple[str, bytes]]:
    with sqlite3.connect(path) as db:
        return set(db.execute("SELECT locale, key FROM units"))


def _tm_keys(tm: Path) -> set[tuple[str, bytes]]:
    with sqlite3.connect(tm) as db:
        return set(db.execute("SELECT DISTINCT f.locale, u.key FROM files f JOIN occurrences o ON o.file_id = f.id"
                              " JOIN units u ON u.id = o.unit_id"))


def test_rebuild_after_an_edit_writes_the_reports_of_a_fresh_build(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(QA_CORPUS, corpus)
    out, fresh = tmp_path / "out", tmp_path / "fresh"
    _build(corpus, out, "--config", QA_CONFIG)
    assert (out / CACHE).is_file()
    before = _reports(out)
    _edit(corpus)
    _build(corpus, out, "--config", QA_CONFIG)
    _build(corpus, fresh, "--config", QA_CONFIG)
    after = _reports(out)
    assert after != before  # the edit changed findings (and lines), so the test can see stale ones
    assert after == _reports(fresh)
    # the cache holds the units the TM has now (the dropped pair's unit goes at the next pruning)
    assert _cached_keys(out / CACHE) >= _tm_keys(out / "tm.sqlite")
    assert not list((out / CACHE).parent.glob(".*.tmp"))


class _Counts:
    """How many units the segment checks saw and how many language models were asked for."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.units = 0
        self.models: list[str] = []
        segment, detector = runner.QaSegment, language._detector

        def counted_segment(row: Any) -> Any:
            self.units += 1
            return segment(row)

        def counted_detector(ctx: Any, lang: str) -> Any:
            if f"lingua:{lang}" not in ctx.cache:
                self.models.append(lang)
            return detector(ctx, lang)

        monkeypatch.setattr(runner, "QaSegment", counted_segment)
        monkeypatch.setattr(language, "_detector", counted_detector)

    def reset(self) -> None:
        self.units, self.models = 0, []


@pytest.fixture(scope="module")
def tm(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("qa-cache") / "out"
    tmpipe("build", QA_CORPUS, "-o", out, "-q", "-f", "csv", "--config", QA_CONFIG, "--no-qa")
    return out / "tm.sqlite"


def _qa(tm: Path, out: Path, config: QaConfig, cache: Path | None) -> dict[str, bytes]:
    store = open_store(tm, readonly=True)
    try:
        run_qa(store, out, config, english=QA_ENGLISH, corpus_root=str(QA_CORPUS), cache=cache)
    finally:
        store.close()
    return _reports(out)


def test_a_second_run_checks_no_unit_and_loads_no_language_model(tm: Path, tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    config, cache = load_config(QA_CONFIG), tmp_path / CACHE
    expected = _qa(tm, tmp_path / "plain", config, None)
    counts = _Counts(monkeypatch)
    assert _qa(tm, tmp_path / "first", config, cache) == expected
    assert counts.units > 0 and counts.models  # the fixtures need a model: the next assert means something
    counts.reset()
    assert _qa(tm, tmp_path / "second", config, cache) == expected
    assert (counts.units, counts.models) == (0, [])


def _wrong_findings(path: Path) -> None:
    """Keep the file valid but claim that no unit, article or group has a finding."""
    with sqlite3.connect(path) as db:
        db.execute("UPDATE units SET findings = ''")
        db.execute("UPDATE parts SET findings = '[]', counts = '[]'")


def _digest(path: Path) -> None:
    _wrong_findings(path)
    with sqlite3.connect(path) as db:
        db.execute("UPDATE owners SET digest = 'another'")


def _schema(path: Path) -> None:
    _wrong_findings(path)
    with sqlite3.connect(path) as db:
        db.execute("UPDATE meta SET schema = schema + 1")


def _garbage(path: Path) -> None:
    path.write_bytes(b"SQLite format 3\x00" + b"\xff" * 5000)


def _truncated(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[:len(data) // 2])


def _foreign(path: Path) -> None:
    path.unlink()
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE units (key BLOB, findings TEXT)")


def _bad_entries(path: Path) -> None:
    """Right digest, entries that encode() and encode_part() never write: those are checked again."""
    with sqlite3.connect(path) as db:
        db.execute("UPDATE units SET findings = '[1, 2]' WHERE hex(key) < '8'")
        db.execute("UPDATE units SET findings = '{' WHERE hex(key) >= '8'")
        db.execute("UPDATE parts SET findings = CASE length(part) % 3 WHEN 0 THEN '[1, 2]' WHEN 1 THEN '{'"
                   " ELSE '[[1]]' END")


@pytest.mark.parametrize("spoil", [_digest, _schema, _garbage, _truncated, _foreign, _bad_entries, Path.unlink])
def test_a_spoilt_or_foreign_cache_is_ignored(tm: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                              spoil: Any) -> None:
    config, cache = load_config(QA_CONFIG), tmp_path / CACHE
    expected = _qa(tm, tmp_path / "plain", config, None)
    _qa(tm, tmp_path / "first", config, cache)
    spoil(cache)
    counts = _Counts(monkeypatch)
    assert _qa(tm, tmp_path / "second", config, cache) == expected
    assert counts.units > 0
    counts.reset()  # and the spoilt file was replaced by a good one
    assert _qa(tm, tmp_path / "third", config, cache) == expected
    assert counts.units == 0


def _unreadable_parts(path: Path) -> None:
    """Counts intact (the tally never reads the findings), findings that do not decode."""
    with sqlite3.connect(path) as db:
        db.execute("UPDATE parts SET findings = '{'")


@pytest.mark.parametrize("lost", ["qa.json", "junit.xml", "qa.html"])
def test_a_part_a_report_cannot_read_makes_the_run_count_again(tm: Path, tmp_path: Path, lost: str) -> None:
    """The reports copy unchanged parts from their previous files; a report that lost its file
    must read the stored parts (qa.md reads those of its first rows in any case), and when they
    do not read back the run starts again without the cache, reports included."""
    config, cache, out = load_config(QA_CONFIG), tmp_path / CACHE, tmp_path / "out"
    expected = _qa(tm, tmp_path / "plain", config, None)
    assert _qa(tm, out, config, cache) == expected
    _unreadable_parts(cache)
    (out / "qa" / lost).unlink()
    assert _qa(tm, out, config, cache) == expected
    with sqlite3.connect(cache) as db:  # the spoilt file was replaced by a good one
        assert db.execute("SELECT COUNT(*) FROM parts WHERE findings = '{'").fetchone()[0] == 0
        assert db.execute("SELECT COUNT(*) FROM parts").fetchone()[0] > 0


@pytest.mark.parametrize("setting", [
    '[qa.checks.untranslated]\nseverity = "warning"\n',
    '[qa.checks.wrong-language]\nconfidence = 0.5\n',
    '[qa.checks.number-mismatch]\nenabled = false\n',
    '[qa]\ndo_not_translate = ["Contoso Ledger", "Select the customer."]\n',
])
def test_a_config_change_invalidates_the_cache(tm: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                               setting: str) -> None:
    cache = tmp_path / CACHE
    _qa(tm, tmp_path / "first", load_config(QA_CONFIG), cache)
    changed = tmp_path / "tmpipe.toml"
    changed.write_text(setting, encoding="utf-8")
    config = load_config(changed)
    expected = _qa(tm, tmp_path / "plain", config, None)
    counts = _Counts(monkeypatch)
    assert _qa(tm, tmp_path / "second", config, cache) == expected
    assert counts.units > 0


class _Stop(frozenset[str]):
    """A suppression set whose first look-up is a Ctrl-C: the run stops while reading findings."""

    def __contains__(self, fingerprint: object) -> bool:
        raise KeyboardInterrupt


@pytest.mark.parametrize("where", ["checking", "reading"])
def test_an_interrupted_run_leaves_the_cache_it_found(tm: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                      where: str) -> None:
    config, cache = load_config(QA_CONFIG), tmp_path / CACHE
    _qa(tm, tmp_path / "first", config, cache)
    before = cache.read_bytes()
    unit_findings = runner._unit_findings
    calls = []

    def interrupted(*args: Any) -> Any:
        calls.append(args)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return unit_findings(*args)

    if where == "checking":
        monkeypatch.setattr(runner, "_unit_findings", interrupted)
    suppressed: Any = _Stop(["a fingerprint"]) if where == "reading" else frozenset()
    store = open_store(tm, readonly=True)
    try:
        with pytest.raises(KeyboardInterrupt) as stopped:  # another config: would write another file
            runner.run_checks(store, QaConfig(), suppressed=suppressed, cache=cache)
        # while the traceback (and the run's frames) is alive: nothing waits for a collection
        assert stopped.traceback
        assert cache.read_bytes() == before
        assert not list(cache.parent.glob(".*.tmp"))
    finally:
        store.close()


def test_findings_that_json_cannot_keep_are_not_cached() -> None:
    kept = Finding("x", "info", "fr-FR", "", 0, "", "S", "T", "m", {"n": 1, "f": 1.0, "b": True, "l": [1]}, "k")
    text = encode([kept], "S", "T")
    assert text is not None and decode(text, "S", "T") == (kept,)
    assert decode(text, "S", "T")[0].extra == kept.extra
    assert encode([Finding("x", "info", "fr-FR", "", 0, "", "S", "T", "m", {"t": (1, 2)})], "S", "T") is None
    assert encode([Finding("x", "info", "fr-FR", "", 0, "", "S", "T", "m", {"nan": float("nan")})], "S", "T") is None
    other = Finding("x", "info", "fr-FR", "", 0, "", "S2", "T", "m")
    assert decode(encode([other], "S", "T") or "", "S", "T") == (other,)
