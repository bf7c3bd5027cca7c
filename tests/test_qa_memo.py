"""The memo of QA's segment findings (``OUT/.tmpipe-cache/qa-memo.sqlite``): a rebuild checks only
the articles that changed, and its reports are byte for byte those of a build without it."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from pipeline.outputs import run_qa
from pipeline.outputs.memo import decode, encode
from pipeline.outputs.qa import MEMO
from pipeline.qa import QaConfig, load_config
from pipeline.qa import runner
from pipeline.qa.findings import Finding
from pipeline.rows import ArticleKey
from pipeline.store import open_store
from support.builds import tmpipe
from test_qa_support import QA_CONFIG, QA_CORPUS, QA_ENGLISH

CACHE = Path(MEMO)
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


def _cached(path: Path) -> dict[tuple[str, str], str]:
    """The articles the memo holds: (locale, path) → the content hash it was kept for."""
    with sqlite3.connect(path) as db:
        return {tuple(key.decode().split("\0")): json.loads(value)["sha256"]  # type: ignore[misc]
                for key, value in db.execute("SELECT key, value FROM memo")}


def _tm_articles(tm: Path) -> dict[tuple[str, str], str]:
    """The articles with pairs the TM holds, as :func:`_cached` gives them."""
    with sqlite3.connect(tm) as db:
        return {(locale, path): sha for locale, path, sha in db.execute(
            "SELECT locale, path, sha256 FROM files f WHERE EXISTS (SELECT 1 FROM occurrences o WHERE o.file_id = f.id)")}


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
    # the memo holds the articles of the TM as they are now
    assert _cached(out / CACHE) == _tm_articles(out / "tm.sqlite")
    assert not list((out / CACHE).parent.glob(".*.tmp"))


class _Counts:
    """How many units the segment checks saw and how many language detectors were built."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        import lingua

        self.units = 0
        self.models: list[Any] = []
        segment, build = runner.QaSegment, lingua.LanguageDetectorBuilder.build

        def counted_segment(row: Any) -> Any:
            self.units += 1
            return segment(row)

        def counted_build(builder: Any) -> Any:
            self.models.append(builder)
            return build(builder)

        monkeypatch.setattr(runner, "QaSegment", counted_segment)
        monkeypatch.setattr(lingua.LanguageDetectorBuilder, "build", counted_build)

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
        run_qa(store, out, config, english=QA_ENGLISH, corpus_root=str(QA_CORPUS), memo=cache)
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
    """Keep the file valid but claim that no article has a finding."""
    with sqlite3.connect(path) as db:
        db.execute("UPDATE memo SET value = json_set(value, '$.findings', json('[]'))")


def _scope(path: Path) -> None:
    _wrong_findings(path)
    with sqlite3.connect(path) as db:
        db.execute("UPDATE meta SET value = 'another' WHERE name = 'scope'")


def _schema(path: Path) -> None:
    _wrong_findings(path)
    with sqlite3.connect(path) as db:
        db.execute("UPDATE meta SET value = value + 1 WHERE name = 'schema'")


def _garbage(path: Path) -> None:
    path.write_bytes(b"SQLite format 3\x00" + b"\xff" * 5000)


def _truncated(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[:len(data) // 2])


def _foreign(path: Path) -> None:
    path.unlink()
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE memo (key BLOB, findings TEXT)")


def _bad_entries(path: Path) -> None:
    """Right scope, entries that encode() never writes: those articles are checked again."""
    with sqlite3.connect(path) as db:
        db.execute("UPDATE memo SET value = '[1, 2]' WHERE key LIKE 'fr%'")
        db.execute("UPDATE memo SET value = '{' WHERE key LIKE 'de%'")
        db.execute("UPDATE memo SET value = '{\"sha256\": 1}' WHERE key NOT LIKE 'fr%' AND key NOT LIKE 'de%'")


def _other_content(path: Path) -> None:
    """Entries kept for another content of each article, claiming no findings."""
    _wrong_findings(path)
    with sqlite3.connect(path) as db:
        db.execute("UPDATE memo SET value = json_set(value, '$.sha256', 'f' || json_extract(value, '$.sha256'))")


@pytest.mark.parametrize("spoil", [_scope, _schema, _garbage, _truncated, _foreign, _bad_entries, _other_content,
                                   Path.unlink])
def test_a_spoilt_or_foreign_memo_is_ignored(tm: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
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


@pytest.mark.parametrize("setting", [
    '[qa.checks.untranslated]\nseverity = "warning"\n',
    '[qa.checks.wrong-language]\nconfidence = 0.5\n',
    '[qa.checks.number-mismatch]\nenabled = false\n',
    '[qa]\ndo_not_translate = ["Contoso Ledger", "Select the customer."]\n',
])
def test_a_config_change_invalidates_the_memo(tm: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
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


@pytest.mark.parametrize("where", ["checking", "counting"])
def test_an_interrupted_run_leaves_the_memo_it_found(tm: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                     where: str) -> None:
    config, cache = load_config(QA_CONFIG), tmp_path / CACHE
    _qa(tm, tmp_path / "first", config, cache)
    before = cache.read_bytes()
    if where == "checking":  # a Ctrl-C while checking the units of the second locale
        segment, seen = runner.QaSegment, []

        def interrupted(row: Any) -> Any:
            seen.append(row.locale)
            if len(set(seen)) == 2:
                raise KeyboardInterrupt
            return segment(row)
        monkeypatch.setattr(runner, "QaSegment", interrupted)
    else:  # a Ctrl-C once every unit was checked, while the findings are counted
        def interrupted_count(self: Any, finding: Any) -> None:
            raise KeyboardInterrupt
        monkeypatch.setattr(runner.Tally, "add", interrupted_count)
    store = open_store(tm, readonly=True)
    try:
        with pytest.raises(KeyboardInterrupt) as stopped:  # another config: would write other entries
            run_qa(store, tmp_path / "second", QaConfig(), memo=cache)
        assert stopped.traceback
        assert cache.read_bytes() == before
        assert not list(cache.parent.glob(".*.tmp"))
    finally:
        store.close()


def test_entries_no_run_asks_for_are_pruned(tm: Path, tmp_path: Path) -> None:
    """Articles the TM lost leave entries behind; once they outnumber a quarter of the memo, they go."""
    config, cache = load_config(QA_CONFIG), tmp_path / CACHE
    _qa(tm, tmp_path / "first", config, cache)
    live = _cached(cache)
    with sqlite3.connect(cache) as db:
        db.executemany("INSERT INTO memo SELECT ?, value FROM memo LIMIT 1",
                       [(f"fr-FR\0gone/{n}.md".encode(),) for n in range(500)])
    _qa(tm, tmp_path / "second", config, cache)
    assert _cached(cache) == live


def test_findings_that_json_cannot_keep_are_not_cached() -> None:
    article = ArticleKey("fr-FR/a.md", "ab" * 32)

    def finding(extra: dict[str, Any]) -> Finding:
        return Finding("x", "info", "fr-FR", article.path, 7, "aa001-101", "S", "T", "m", extra, "k")
    kept = finding({"n": 1, "f": 1.0, "b": True, "l": [1]})
    text = encode(article, [("Contoso", "100")], [kept])
    assert text is not None
    recalled = decode(text, "fr-FR", article)
    assert recalled is not None and recalled.findings == [kept] and recalled.facts == [("Contoso", "100")]
    assert recalled.findings[0].extra == kept.extra
    assert decode(text, "fr-FR", ArticleKey(article.path, "cd" * 32)) is None  # kept for other content
    assert encode(article, [], [finding({"t": (1, 2)})]) is None
    assert encode(article, [], [finding({"nan": float("nan")})]) is None
    assert encode(article, [], [finding({1: "int key"})]) is None
