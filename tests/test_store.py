"""The SQLite translation memory: counts, idempotency, incremental updates, migrations."""

from __future__ import annotations

import os
import shutil
import sqlite3
import time
from pathlib import Path

import pytest

from pipeline import extraction
from pipeline.extraction import extract_corpus, extract_source, file_stat
from pipeline.errors import InputError
from pipeline.store import MIGRATIONS, Store, open_store

PAIR = '<span data-ttu-id="{i}">{t}</span><span class="sxs-lookup"><span data-stu-id="{i}">{s}</span></span>\n\n'


def article(locale: str, pairs: list[tuple[str, str, str]], mt: bool = False) -> str:
    head = f"---\ntitle: T\nms.contentlocale: {locale}\nms.translationtype: {'MT' if mt else 'HT'}\n---\n"
    return head + "".join(PAIR.format(i=i, t=t, s=s) for i, t, s in pairs)


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    root = tmp_path / "corpus"
    (root / "fr-FR").mkdir(parents=True)
    (root / "ja-JP").mkdir()
    (root / "fr-FR" / "a.md").write_text(article("fr-FR", [("x-1", "Oui", "Yes"), ("x-2", "Non", "No"),
                                                            ("x-3", "Oui", "Yes")]), encoding="utf-8")
    (root / "fr-FR" / "b.md").write_text(article("fr-FR", [("y-1", "Oui", "Yes")], mt=True), encoding="utf-8")
    (root / "ja-JP" / "a.md").write_text(article("ja-JP", [("x-1", "はい", "Yes")]), encoding="utf-8")
    return root


def dump(db_path: Path) -> list:
    db = sqlite3.connect(db_path)
    try:
        return [
            list(db.execute("SELECT source_locale, target_locale, source_raw, target_raw, repetitions, mt_repetitions"
                            " FROM units ORDER BY 1, 2, 3, 4")),
            list(db.execute("SELECT locale, file, line, id, source_raw, target_raw FROM segments ORDER BY 1, 2, 3")),
            list(db.execute("SELECT u.source_raw, u.target_raw, f.path, o.seq FROM units u"  # first occurrences
                            " JOIN occurrences o ON o.id = u.first JOIN files f ON f.id = o.file_id ORDER BY 1, 2")),
        ]
    finally:
        db.close()


def update(corpus: Path, db_path: Path):
    store = open_store(db_path)
    try:
        stats = extract_corpus([corpus], store)
        store.commit()
        return stats, store.summary()
    finally:
        store.close()


def test_units_are_deduplicated_with_repetition_counts(corpus: Path, tmp_path: Path) -> None:
    _, summary = update(corpus, tmp_path / "tm.sqlite")
    units, segments, firsts = dump(tmp_path / "tm.sqlite")
    assert units == [
        ("en-US", "fr-FR", "No", "Non", 1, 0),
        ("en-US", "fr-FR", "Yes", "Oui", 3, 1),
        ("en-US", "ja-JP", "Yes", "はい", 1, 0),
    ]
    assert len(segments) == 5
    assert firsts == [("No", "Non", "fr-FR/a.md", 1), ("Yes", "Oui", "fr-FR/a.md", 0), ("Yes", "はい", "ja-JP/a.md", 0)]
    assert summary["by_locale"]["fr-FR"] == {"files": 2, "occurrences": 4, "pairs": 4, "anomalies": 0,
                                             "occurrences_in_anomalies": 0, "units": 2, "mt_units": 0}


def test_rerun_is_idempotent_and_skips_unchanged_files(corpus: Path, tmp_path: Path) -> None:
    db = tmp_path / "tm.sqlite"
    first, _ = update(corpus, db)
    before = dump(db)
    second, _ = update(corpus, db)
    assert (first.extracted, second.extracted, second.unchanged) == (3, 0, 3)
    assert dump(db) == before


def test_changed_and_removed_files_update_only_themselves(corpus: Path, tmp_path: Path) -> None:
    db = tmp_path / "tm.sqlite"
    update(corpus, db)
    (corpus / "fr-FR" / "a.md").write_text(article("fr-FR", [("x-1", "Oui !", "Yes!")]), encoding="utf-8")
    (corpus / "ja-JP" / "a.md").unlink()
    stats, summary = update(corpus, db)
    assert (stats.extracted, stats.unchanged, stats.removed) == (1, 1, 1)
    units, _, _ = dump(db)
    assert units == [("en-US", "fr-FR", "Yes", "Oui", 1, 1), ("en-US", "fr-FR", "Yes!", "Oui !", 1, 0)]
    assert "ja-JP" not in summary["by_locale"]
    fresh = tmp_path / "fresh.sqlite"
    update(corpus, fresh)
    assert dump(fresh) == dump(db), "an incremental update equals a build from scratch"


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The articles each run reads; files count as settled as soon as they are written."""
    from pipeline import extraction

    monkeypatch.setattr(extraction, "RACY_NS", 0)
    read: list[str] = []

    def counting(source, *args):  # type: ignore[no-untyped-def]
        read.append(source.rel)
        return extract_source(source, *args)
    monkeypatch.setattr(extraction, "extract_source", counting)
    return read


def test_an_article_whose_file_status_is_unchanged_is_not_read_again(corpus: Path, tmp_path: Path,
                                                                      reads: list[str]) -> None:
    db = tmp_path / "tm.sqlite"
    update(corpus, db)
    assert len(reads) == 3
    reads.clear()
    stats, _ = update(corpus, db)
    assert (reads, stats.seen, stats.unchanged) == ([], 3, 3)
    a = corpus / "fr-FR" / "a.md"
    os.utime(a, ns=(a.stat().st_atime_ns, a.stat().st_mtime_ns - 10**9))  # touched, same content
    stats, _ = update(corpus, db)
    assert (reads, stats.extracted, stats.unchanged) == (["fr-FR/a.md"], 0, 3)
    reads.clear()
    update(corpus, db)
    assert reads == [], "the new status was recorded"
    before = a.stat()  # same size and times, other bytes: the change time still tells
    a.write_bytes(a.read_bytes().replace(b"Non", b"Nah"))
    os.utime(a, ns=(before.st_atime_ns, before.st_mtime_ns))
    stats, _ = update(corpus, db)
    assert (reads, stats.extracted) == (["fr-FR/a.md"], 1)
    units, _, _ = dump(db)
    assert ("en-US", "fr-FR", "No", "Nah", 1, 0) in units


def test_a_file_changed_just_before_it_was_read_is_read_again(corpus: Path, tmp_path: Path) -> None:
    """Within the racy window a later change could keep the same times: such a status is not kept."""
    db = tmp_path / "tm.sqlite"
    update(corpus, db)
    store = open_store(db, readonly=True)
    try:
        assert {stat for _, stat in store.known_files().values()} == {None}
    finally:
        store.close()
    assert file_stat(corpus / "fr-FR" / "a.md") is None
    assert file_stat(corpus / "fr-FR" / "a.md", now_ns=time.time_ns() + 3 * 10**9) is not None
    assert file_stat(corpus / "missing.md", now_ns=time.time_ns() + 3 * 10**9) is None


def test_migrations_are_recorded_and_the_file_is_sound(corpus: Path, tmp_path: Path) -> None:
    db_path = tmp_path / "tm.sqlite"
    update(corpus, db_path)
    update(corpus, db_path)
    db = sqlite3.connect(db_path)
    assert [name for (name,) in db.execute("SELECT name FROM schema_migrations")] == [m[0] for m in MIGRATIONS]
    assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    db.close()


def _indexes(db_path: Path) -> list[tuple[str, str]]:
    db = sqlite3.connect(db_path)
    try:
        return sorted(db.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"))
    finally:
        db.close()


def test_readers_indexes_dropped_for_a_large_write_come_back_built_alike(corpus: Path, tmp_path: Path,
                                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    kept, deferred = tmp_path / "kept.sqlite", tmp_path / "deferred.sqlite"
    update(corpus, kept)
    monkeypatch.setattr(extraction, "DEFER_AFTER", 1)  # dropped after the first article
    dropped = []
    defer = Store.defer_indexes
    monkeypatch.setattr(Store, "defer_indexes", lambda self: (dropped.append(1), defer(self)))
    update(corpus, deferred)
    assert dropped == [1]
    assert _indexes(deferred) == _indexes(kept)
    assert dump(deferred) == dump(kept)
    db = sqlite3.connect(deferred)
    assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    db.close()


def test_a_write_that_stops_after_dropping_the_readers_indexes_leaves_them(corpus: Path, tmp_path: Path,
                                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    db_path = tmp_path / "tm.sqlite"
    open_store(db_path).close()
    before = _indexes(db_path)
    monkeypatch.setattr(extraction, "DEFER_AFTER", 1)
    put_rows = Store.put_rows

    def failing(self: Store, rows: object) -> None:
        if self.db.execute("SELECT COUNT(*) FROM files").fetchone()[0] == 2:
            raise KeyboardInterrupt
        put_rows(self, rows)  # type: ignore[arg-type]

    monkeypatch.setattr(Store, "put_rows", failing)
    store = open_store(db_path)
    with pytest.raises(KeyboardInterrupt):
        extract_corpus([corpus], store)
    store.close()  # not committed: rolled back
    assert _indexes(db_path) == before
    assert {"units_by_first", "units_by_target_text"} <= {name for name, _ in before}


def test_anomalies_and_unpaired_text_are_stored(tmp_path: Path) -> None:
    root = tmp_path / "c"
    root.mkdir()
    text = article("de-DE", [("z-1", "Ja", "Yes")]) + '<span data-ttu-id="z-2">allein</span>\n'
    (root / "x.md").write_text(text, encoding="utf-8")
    _, summary = update(root, tmp_path / "tm.sqlite")
    assert (summary["occurrences"], summary["pairs"], summary["anomalies"]) == (2, 1, 1)
    assert summary["anomalies_by_kind"] == {"orphan-target": 1}
    db = sqlite3.connect(tmp_path / "tm.sqlite")
    assert list(db.execute("SELECT field, text FROM unpaired")) == [("title", "T")]
    db.close()


def test_readonly_open_of_a_missing_tm_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such translation memory"):
        open_store(tmp_path / "none.sqlite", readonly=True)


def _tm_before(path: Path, migration: str, rows: list[tuple[str, str, str]]) -> None:
    """A TM as a release that knew the migrations before ``migration`` wrote it (codes without a place)."""
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE schema_migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)")
    for name, script in MIGRATIONS:
        if name == migration:
            break
        db.executescript(f"BEGIN; {script}; INSERT INTO schema_migrations VALUES ('{name}', 'then'); COMMIT;")
    file_id = db.execute("INSERT INTO files (path, locale, source_locale, sha256, size, occurrences, extracted_at)"
                         " VALUES ('fr-FR/a.md', 'fr-FR', 'en-US', 'old', 1, ?, 'then')", (len(rows),)).lastrowid
    for seq, (seg_id, target, source) in enumerate(rows):
        unit = db.execute("INSERT INTO units (key, source_locale, target_locale, source_raw, target_raw, source_text,"
                          " target_text, source_codes, target_codes, repetitions) VALUES (?, 'en-US', 'fr-FR', ?, ?,"
                          " ?, ?, '[[\"begin\", \"bold\", \"**\", 1]]', '[]', 1)",
                          (seg_id.encode(), source, target, source, target)).lastrowid
        db.execute("INSERT INTO occurrences (file_id, unit_id, seq, seg_id, line, end_line) VALUES (?, ?, ?, ?, 1, 1)",
                   (file_id, unit, seq, seg_id))
    db.commit()
    db.close()


def test_a_tm_of_an_older_schema_is_read_again_by_a_build_and_refused_by_readers(corpus: Path, tmp_path: Path) -> None:
    tm = tmp_path / "tm.sqlite"
    _tm_before(tm, "0011_located_codes", [("x-1", "**Oui**", "**Yes**")])
    with pytest.raises(InputError, match="written by an older tmpipe .*0011_located_codes.*tmpipe build"):
        open_store(tm, readonly=True)
    stats, summary = update(corpus, tm)
    assert stats.extracted == 3 and stats.removed == 0, "every article is read again"
    fresh = tmp_path / "fresh.sqlite"
    update(corpus, fresh)
    assert dump(tm) == dump(fresh)
    store = open_store(tm, readonly=True)
    try:
        assert [unit.source for unit in store.units("en-US", "fr-FR")] == \
            [unit.source for unit in open_store(fresh, readonly=True).units("en-US", "fr-FR")]
    finally:
        store.close()


def test_copying_the_corpus_elsewhere_keeps_relative_paths(corpus: Path, tmp_path: Path) -> None:
    moved = tmp_path / "moved"
    shutil.copytree(corpus, moved)
    update(corpus, tmp_path / "a.sqlite")
    update(moved, tmp_path / "b.sqlite")
    assert dump(tmp_path / "a.sqlite") == dump(tmp_path / "b.sqlite")
