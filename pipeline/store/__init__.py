"""The translation memory: one SQLite file, and the only package that talks SQL.

:class:`Store` writes articles (:mod:`.write`), reads typed rows for exports (:mod:`.read`)
and for QA (:mod:`.qa`); the schema and its migrations are in :mod:`.schema`, how a segment
is kept in :mod:`.codec`.  :class:`~.memo.Memo` is the small key → text file a build keeps
between runs.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from ..errors import InputError, OutputError
from .memo import Memo
from .qa import QaQueries
from .schema import MIGRATIONS, READER_INDEXES
from .write import DocRows, Writer, doc_rows, unit_key

__all__ = ["MIGRATIONS", "READER_INDEXES", "DocRows", "Memo", "Store", "doc_rows", "open_store", "unit_key"]


class Store(QaQueries, Writer):
    """A translation memory in one SQLite file."""

    def __init__(self, connection: sqlite3.Connection, path: Path | None = None) -> None:
        self.db = connection
        """The connection (the store's own: other modules call its methods)."""
        self.path = path
        """The file, when there is one."""
        self._touched = False  # whether temp.touched_units exists and may hold ids

    def close(self) -> None:
        self.db.close()


def _migrate(db: sqlite3.Connection) -> None:
    db.execute("CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)")
    done = {name for (name,) in db.execute("SELECT name FROM schema_migrations")}
    for name, script in MIGRATIONS:
        if name in done:
            continue
        db.executescript(f"BEGIN; {script}; INSERT INTO schema_migrations VALUES ('{name}', "
                         f"strftime('%Y-%m-%dT%H:%M:%SZ', 'now')); COMMIT;")


def _check_schema(db: sqlite3.Connection, path: Path) -> None:
    """A TM opened read-only must hold every migration: an older one is rebuilt by ``tmpipe build``."""
    try:
        done = {name for (name,) in db.execute("SELECT name FROM schema_migrations")}
    except sqlite3.Error:
        raise InputError(f"{path}: not a tmpipe translation memory") from None
    missing = [name for name, _ in MIGRATIONS if name not in done]
    if missing:
        raise InputError(f"{path}: written by an older tmpipe (schema before {missing[0]}); run tmpipe build"
                         " on its corpus again to bring it up to date")


def open_store(path: Path | str, *, readonly: bool = False) -> Store:
    """Open (creating and migrating if needed) the TM at ``path``; ``readonly`` opens an existing
    one for reading (missing: :class:`~pipeline.errors.InputError`)."""
    path = Path(path)
    try:
        if readonly:
            if not path.is_file():
                raise InputError(f"{path}: no such translation memory")
            db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
            _check_schema(db, path)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(path, isolation_level="DEFERRED")
            db.execute("PRAGMA journal_mode = WAL")
            db.execute("PRAGMA synchronous = NORMAL")
            db.execute("PRAGMA cache_size = -16384")  # 16 MB (default 2): keeps the unit-key index cached
            _migrate(db)
        db.execute("PRAGMA foreign_keys = ON")
        return Store(db, path)
    except sqlite3.Error as exc:
        raise (InputError if readonly else OutputError)(f"{path}: cannot open translation memory: {exc}") from exc
