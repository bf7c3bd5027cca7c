"""Writing the TM: an article's rows replace what was stored for its path.

:func:`doc_rows` turns a :class:`~pipeline.model.Document` into plain rows where it was
extracted (a worker process), so the process that owns the TM only runs SQL.  Units are
deduplicated by their key; their repetition counts and first occurrence are kept by the
store itself, recounted once per run for the units a run touched.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable
from datetime import datetime, timezone
from typing import Any, NamedTuple

from ..core import twin
from ..model import Document
from . import codec
from .codec import unit_key
from .schema import FIRST, READER_INDEXES

__all__ = ["DocRows", "Writer", "doc_rows", "unit_key"]

_KEYS_PER_QUERY = 500

#: Recounts the units whose occurrences changed (ids in the connection's temporary ``touched_units``)
#: and finds their first occurrence again.
_RECOUNT = (
    "UPDATE units SET repetitions = (SELECT COUNT(*) FROM occurrences o WHERE o.unit_id = units.id),"
    " mt_repetitions = (SELECT COUNT(*) FROM occurrences o JOIN files f ON f.id = o.file_id"
    "   WHERE o.unit_id = units.id AND f.translation_type IS 'MT'),"
    f" first = {FIRST}"
    " WHERE id IN (SELECT id FROM temp.touched_units)"
)


pair_rows = twin(codec.pair_rows, "pipeline.store.ccodec")


class DocRows(NamedTuple):
    """A Document as the rows :meth:`Writer.put_rows` writes: plain tuples, cheap to pickle."""

    path: str
    """The article's path (the ``files.path`` key)."""
    file: tuple[Any, ...]
    """``files`` columns from ``path`` to ``lasthandoff``, then ``locale_from``."""
    units: list[tuple[Any, ...]]
    """Per pair, ``units`` columns from ``key`` to ``target_codes``."""
    occurrences: list[tuple[Any, ...]]
    """Per pair (same order), ``(seq, seg_id, line, end_line, origin, score)``."""
    anomalies: list[tuple[Any, ...]]
    """``(line, kind, message, snippet, seg_id, ttu)``."""
    unpaired: list[tuple[Any, ...]]
    """``(field, text, line)``."""
    stat: str | None = None
    """The file's status when it was read (see ``files.stat``), or None when it cannot be trusted."""


def doc_rows(doc: Document) -> DocRows:
    """The rows of ``doc``: unit keys, plain texts and codes computed once, here."""
    meta = doc.meta
    locale = meta.locale
    units, occurrences = pair_rows(doc.pairs, meta.source_locale, locale)
    return DocRows(
        meta.path,
        (meta.path, locale, meta.source_locale, doc.sha256, doc.size, doc.occurrences, meta.translation_type,
         meta.source_commit, meta.openlocfilehash, meta.locfileid, meta.lasthandoff, meta.locale_from),
        units, occurrences,
        [(a.line, a.kind, a.message, a.snippet, a.id, a.ttu) for a in doc.anomalies],
        [(u.field, u.text, u.line) for u in doc.unpaired])


class Writer:
    """The store's writing half (a mixin of :class:`~pipeline.store.Store`, on ``self.db``)."""

    db: sqlite3.Connection
    _touched: bool

    def known_files(self) -> dict[str, tuple[str, str | None]]:
        """``{path: (sha256, stat)}`` of every article in the TM (``stat``: see :meth:`set_stat`)."""
        return {path: (sha, stat) for path, sha, stat in self.db.execute("SELECT path, sha256, stat FROM files")}

    def set_stat(self, path: str, stat: str | None) -> None:
        """Record the file status (size, times, inode) an article had when it was last read and
        found unchanged: while it stays the same, a build trusts the stored hash without reading it."""
        self.db.execute("UPDATE files SET stat = ? WHERE path = ?", (stat, path))

    def put(self, doc: Document) -> None:
        """Replace everything stored for ``doc``'s path with ``doc``."""
        self.put_rows(doc_rows(doc))
        self.refresh_counts()

    def put_rows(self, rows: DocRows) -> None:
        """Replace everything stored for ``rows.path`` with ``rows`` (see :func:`doc_rows`).

        Units are inserted in pair order, so a new unit gets the same id as when pairs are
        inserted one by one; their ids are then read back in batches.  Repetition counts are
        brought up to date by the next :meth:`refresh_counts` (``commit`` calls it)."""
        self._forget(rows.path)
        now = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        db = self.db
        file_id = db.execute(
            "INSERT INTO files (path, locale, source_locale, sha256, size, occurrences, translation_type,"
            " source_commit, openlocfilehash, locfileid, lasthandoff, locale_from, extracted_at, stat)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)", (*rows.file, now, rows.stat)).lastrowid
        if rows.units:
            db.executemany(
                "INSERT INTO units (key, source_locale, target_locale, source_raw, target_raw, source_text,"
                " target_text, source_codes, target_codes) VALUES (?,?,?,?,?,?,?,?,?)"
                " ON CONFLICT (key) DO NOTHING", rows.units)
            keys = list(dict.fromkeys(unit[0] for unit in rows.units))
            ids: dict[bytes, int] = {}
            for at in range(0, len(keys), _KEYS_PER_QUERY):
                chunk = keys[at:at + _KEYS_PER_QUERY]
                ids.update(db.execute(
                    f"SELECT key, id FROM units WHERE key IN ({','.join('?' * len(chunk))})", chunk))
            db.executemany(
                "INSERT INTO occurrences (file_id, unit_id, seq, seg_id, line, end_line, origin, score)"
                " VALUES (?,?,?,?,?,?,?,?)",
                [(file_id, ids[unit[0]], *occurrence) for unit, occurrence in zip(rows.units, rows.occurrences)])
            self._touch().executemany("INSERT OR IGNORE INTO temp.touched_units VALUES (?)",
                                      [(unit_id,) for unit_id in ids.values()])
        if rows.anomalies:
            db.executemany(
                "INSERT INTO anomalies (file_id, line, kind, message, snippet, seg_id, ttu) VALUES (?,?,?,?,?,?,?)",
                [(file_id, *anomaly) for anomaly in rows.anomalies])
        if rows.unpaired:
            db.executemany("INSERT INTO unpaired (file_id, field, text, line) VALUES (?,?,?,?)",
                           [(file_id, *unpaired) for unpaired in rows.unpaired])

    def remove(self, paths: Iterable[str]) -> int:
        """Forget the given articles; returns how many were stored."""
        removed = sum(self._forget(path) for path in paths)
        self.refresh_counts()
        return removed

    def _forget(self, path: str) -> bool:
        """Delete one article's rows, noting the units whose counts change; whether it was stored."""
        row = self.db.execute("SELECT id FROM files WHERE path = ?", (path,)).fetchone()
        if row is None:
            return False
        self._touch().execute(
            "INSERT OR IGNORE INTO temp.touched_units SELECT unit_id FROM occurrences WHERE file_id = ?", row)
        for table in ("occurrences", "anomalies", "unpaired"):
            self.db.execute(f"DELETE FROM {table} WHERE file_id = ?", row)
        self.db.execute("DELETE FROM files WHERE id = ?", row)
        return True

    def _touch(self) -> sqlite3.Connection:
        """The connection, with its temporary table of units whose occurrences changed."""
        if not self._touched:
            self.db.execute("CREATE TEMP TABLE IF NOT EXISTS touched_units (id INTEGER PRIMARY KEY)")
            self._touched = True
        return self.db

    def refresh_counts(self) -> None:
        """Recount ``repetitions`` and ``mt_repetitions`` of the units whose occurrences changed
        since the last refresh: one pass at the end of a run instead of a row rewrite per occurrence."""
        if self._touched:
            self.db.execute(_RECOUNT)
            self.db.execute("DELETE FROM temp.touched_units")

    def defer_indexes(self) -> None:
        """Drop the indexes only readers use, in the current transaction (a write that stops
        brings them back with everything else); :meth:`restore_indexes` must follow."""
        if not self.db.in_transaction:
            self.db.execute("BEGIN")
        for name in READER_INDEXES:
            self.db.execute(f"DROP INDEX IF EXISTS {name}")

    def restore_indexes(self, done: Callable[[str], None] | None = None) -> None:
        """Build the indexes :meth:`defer_indexes` dropped (those that exist are left alone);
        ``done(name)`` after each."""
        for name, sql in READER_INDEXES.items():
            self.db.execute(sql.replace("CREATE INDEX ", "CREATE INDEX IF NOT EXISTS ", 1))
            if done:
                done(name)

    def prune_units(self) -> int:
        """Delete units no occurrence refers to any more."""
        self.refresh_counts()
        return self.db.execute("DELETE FROM units WHERE repetitions <= 0").rowcount

    def set_roots(self, roots: Iterable[tuple[str, str]]) -> None:
        """Record the corpus roots of the last build: ``(prefix of their articles' paths, folder)``."""
        self.db.execute("DELETE FROM roots")
        self.db.executemany("INSERT INTO roots (prefix, path) VALUES (?, ?)", roots)

    def remove_empty_unlocalized(self) -> list[str]:
        """Forget the files that are no article: no locale, no ``data-ttu-id``, no front matter text
        and nothing to report; returns their paths."""
        paths = [path for (path,) in self.db.execute(
            "SELECT path FROM files f WHERE locale = 'und' AND occurrences = 0"
            " AND NOT EXISTS (SELECT 1 FROM anomalies a WHERE a.file_id = f.id)"
            " AND NOT EXISTS (SELECT 1 FROM unpaired u WHERE u.file_id = f.id) ORDER BY path")]
        self.remove(paths)
        return paths

    def commit(self) -> None:
        """Recount what changed and commit the transaction."""
        self.refresh_counts()
        self.db.commit()
