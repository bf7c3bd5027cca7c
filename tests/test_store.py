"""The SQLite translation memory: counts, idempotency, incremental updates, migrations."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from pipeline.build import extract_corpus
from pipeline.store import MIGRATIONS, open_store

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
    units, segments = dump(tmp_path / "tm.sqlite")
    assert units == [
        ("en-US", "fr-FR", "No", "Non", 1, 0),
        ("en-US", "fr-FR", "Yes", "Oui", 3, 1),
        ("en-US", "ja-JP", "Yes", "はい", 1, 0),
    ]
    assert len(segments) == 5
    assert summary["by_locale"]["fr-FR"] == {"files": 2, "occurrences": 4, "pairs": 4, "anomalies": 0, "units": 2}


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
    units, _ = dump(db)
    assert units == [("en-US", "fr-FR", "Yes", "Oui", 1, 1), ("en-US", "fr-FR", "Yes!", "Oui !", 1, 0)]
    assert "ja-JP" not in summary["by_locale"]
    fresh = tmp_path / "fresh.sqlite"
    update(corpus, fresh)
    assert dump(fresh) == dump(db), "an incremental update equals a build from scratch"


def test_migrations_are_recorded_and_the_file_is_sound(corpus: Path, tmp_path: Path) -> None:
    db_path = tmp_path / "tm.sqlite"
    update(corpus, db_path)
    update(corpus, db_path)
    db = sqlite3.connect(db_path)
    assert [name for (name,) in db.execute("SELECT name FROM schema_migrations")] == [m[0] for m in MIGRATIONS]
    assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    db.close()


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
    from pipeline.errors import OutputError
    with pytest.raises(OutputError, match="no such translation memory"):
        open_store(tmp_path / "none.sqlite", readonly=True)


def test_copying_the_corpus_elsewhere_keeps_relative_paths(corpus: Path, tmp_path: Path) -> None:
    moved = tmp_path / "moved"
    shutil.copytree(corpus, moved)
    update(corpus, tmp_path / "a.sqlite")
    update(moved, tmp_path / "b.sqlite")
    assert dump(tmp_path / "a.sqlite") == dump(tmp_path / "b.sqlite")
