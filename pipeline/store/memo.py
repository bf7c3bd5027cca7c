"""A memo file: key → text in a small SQLite file of its own, for what a build keeps between runs.

The memo holds entries of one *scope* (a digest of everything the entries depend on besides
their keys): opened with another scope, it starts empty.  Principles:

1. A memo can only make a run faster: an unreadable, foreign or damaged file is replaced,
   and a write that fails leaves the memo as it was; neither ever fails a run.
2. A run's writes are one transaction, committed by :meth:`Memo.commit`: a run that stops
   leaves the memo it found.
3. Entries no run asked for pile up as the corpus changes: once they are more than a quarter
   of the file, :meth:`Memo.commit` drops every entry the run did not ask for.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from pathlib import Path

__all__ = ["Memo"]

_KEYS_PER_QUERY = 500
_SCHEMA = 1


class Memo:
    """Entries of one scope in the SQLite file at ``path`` (created when missing)."""

    def __init__(self, path: Path, scope: str) -> None:
        self.path = Path(path)
        self.scope = scope
        self._db: sqlite3.Connection | None = None
        self._open()

    def _open(self) -> None:
        for attempt in range(2):
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                db = sqlite3.connect(self.path, isolation_level="DEFERRED")
                db.execute("PRAGMA journal_mode = WAL")
                db.execute("CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL)")
                db.execute("CREATE TABLE IF NOT EXISTS memo (key BLOB PRIMARY KEY, value TEXT NOT NULL)")
                db.execute("SELECT key, value FROM memo LIMIT 1")  # a table of another layout fails here
                stored = dict(db.execute("SELECT name, value FROM meta"))
                if stored != {"schema": str(_SCHEMA), "scope": self.scope}:
                    db.execute("DELETE FROM memo")
                    db.execute("DELETE FROM meta")
                    db.executemany("INSERT INTO meta VALUES (?, ?)", [("schema", str(_SCHEMA)), ("scope", self.scope)])
                db.execute("CREATE TEMP TABLE asked (key BLOB PRIMARY KEY)")
                self._db = db
                return
            except (sqlite3.Error, OSError):
                if attempt:
                    self._db = None  # no memo this run
                    return
                if "db" in locals():
                    db.close()
                self.path.unlink(missing_ok=True)  # unreadable or foreign: start afresh

    def get(self, keys: Iterable[bytes]) -> dict[bytes, str]:
        """The stored value of each of ``keys`` that has one."""
        found: dict[bytes, str] = {}
        if self._db is None:
            return found
        wanted = list(keys)
        try:
            self._db.executemany("INSERT OR IGNORE INTO temp.asked VALUES (?)", [(key,) for key in wanted])
            for at in range(0, len(wanted), _KEYS_PER_QUERY):
                chunk = wanted[at:at + _KEYS_PER_QUERY]
                found.update(self._db.execute(
                    f"SELECT key, value FROM memo WHERE key IN ({','.join('?' * len(chunk))})", chunk))
        except sqlite3.Error:
            self._fail()
        return found

    def put(self, items: Iterable[tuple[bytes, str]]) -> None:
        """Store values (replacing any stored under the same key)."""
        if self._db is None:
            return
        rows = list(items)
        try:
            self._db.executemany("INSERT OR REPLACE INTO memo VALUES (?, ?)", rows)
            self._db.executemany("INSERT OR IGNORE INTO temp.asked VALUES (?)", [(key,) for key, _ in rows])
        except sqlite3.Error:
            self._fail()

    def commit(self) -> None:
        """Keep this run's writes (dropping entries it did not ask for when they are many)."""
        if self._db is None:
            return
        try:
            (stored,) = self._db.execute("SELECT COUNT(*) FROM memo").fetchone()
            (asked,) = self._db.execute("SELECT COUNT(*) FROM temp.asked").fetchone()
            if stored > asked * 4 // 3 + 100:
                self._db.execute("DELETE FROM memo WHERE key NOT IN (SELECT key FROM temp.asked)")
            self._db.commit()
        except sqlite3.Error:
            self._fail()

    def _fail(self) -> None:
        """A write or read failed: forget this run's changes and use no memo for the rest of it."""
        if self._db is not None:
            try:
                self._db.rollback()
                self._db.close()
            except sqlite3.Error:
                pass
        self._db = None

    def close(self) -> None:
        """Close the file; changes not committed are dropped."""
        if self._db is not None:
            self._db.close()
            self._db = None
