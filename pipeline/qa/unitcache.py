"""The segment checks' findings per unit, kept between builds (``OUT/.tmpipe-cache/qa-units.sqlite``).

A segment check's findings depend only on the unit (its locale, source and target) and on
the run's settings (:mod:`pipeline.qa.registry`), so a rebuild needs to check only the units
it has not seen.  Principles:

1. An entry is keyed by the article locale and ``units.key`` (a digest of the locales, source
   and target: stable across rebuilds, unlike row ids) and holds the unit-level part of its
   findings; file, line and segment id always come from the current TM.
2. The whole file belongs to one :func:`settings_digest`: tmpipe's version and source code,
   the versions of the libraries checks read data from, and the enabled segment checks with
   their severities and options.  Another digest, an unreadable file or another schema, and the
   file is ignored (everything is checked again); it never fails a run.
3. A run writes a new file with the entries of the units it saw (the units that left the TM go
   with it) beside the old one and renames it over the old one when done: a crash leaves the
   old file or the new one, never half of either.
4. Findings are stored as JSON; a unit whose findings do not read back equal is not stored
   (it is checked on every run).
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import tempfile
from collections.abc import Iterable, Sequence
from importlib import metadata
from pathlib import Path
from typing import Any

from .. import __version__, code_digest
from .findings import Finding
from .registry import CheckContext

__all__ = ["SCHEMA", "UnitCache", "decode", "encode", "settings_digest"]

#: Bumped when the file's tables or the encoding of findings change.
SCHEMA = 1

_TABLES = """
CREATE TABLE meta (schema INTEGER NOT NULL, digest TEXT NOT NULL);
CREATE TABLE units (locale TEXT NOT NULL, key BLOB NOT NULL, findings TEXT, PRIMARY KEY (locale, key))
    WITHOUT ROWID;
"""
#: Libraries whose data a segment check's result depends on (script properties, language models).
_LIBRARIES = ("regex", "lingua-language-detector")


def _library_version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "absent"


def settings_digest(segmentwise: Sequence[CheckContext]) -> str:
    """The digest of everything besides the unit that a segment finding depends on."""
    checks = [[ctx.info.id, ctx.severity, sorted(ctx.options.items())] for ctx in segmentwise]
    dnt = list(segmentwise[0].do_not_translate) if segmentwise else []
    data = json.dumps([SCHEMA, __version__, code_digest(), [_library_version(n) for n in _LIBRARIES],
                       checks, dnt], sort_keys=True, default=repr)
    return hashlib.sha256(data.encode()).hexdigest()


def encode(findings: Sequence[Finding], source_raw: str, target_raw: str) -> str | None:
    """A unit's findings as JSON (``""`` for none), or None when they do not read back equal.

    The source and target are left out when they are the unit's own (they nearly always are)."""
    if not findings:
        return ""
    rows = [[f.check, f.severity, f.locale, None if f.source == source_raw else f.source,
             None if f.target == target_raw else f.target, f.message, f.extra, f.key] for f in findings]
    try:
        text = json.dumps(rows, ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError):
        return None
    if json.loads(text) != rows:
        return None  # a tuple, a non-string key... (JSON keeps int, float and bool apart)
    return text


def decode(text: str, source_raw: str, target_raw: str) -> tuple[Finding, ...]:
    """The findings :func:`encode` stored (location fields blank, as a segment check leaves them)."""
    if not text:
        return ()
    return tuple(Finding(check, severity, locale, "", 0, "", source_raw if source is None else source,
                         target_raw if target is None else target, message, extra, key)
                 for check, severity, locale, source, target, message, extra, key in json.loads(text))


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class UnitCache:
    """The entries of an earlier run (read one locale at a time) and the file of this run's.

    Every method swallows I/O and SQLite errors: the cache can only make a run faster.  One run
    at a time is expected to use a file (the build holds a lock on ``OUT``); two at once lose
    nothing but their new file.
    """

    def __init__(self, path: Path, digest: str) -> None:
        self.path = Path(path)
        self.digest = digest
        self.hits = 0
        self.misses = 0
        self._old = self._open_old()
        self._new: sqlite3.Connection | None = None
        self._tmp: Path | None = None
        self._start_new()

    def _open_old(self) -> sqlite3.Connection | None:
        if not self.path.is_file():
            return None
        db = None
        try:
            db = sqlite3.connect(f"{self.path.resolve().as_uri()}?mode=ro", uri=True)
            row = db.execute("SELECT schema, digest FROM meta").fetchall()
            if row == [(SCHEMA, self.digest)]:
                return db
        except sqlite3.Error:
            pass
        if db is not None:
            db.close()
        return None

    def _start_new(self) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=".tmp", dir=self.path.parent)
            os.close(fd)
            self._tmp = Path(tmp)
            db = sqlite3.connect(self._tmp, isolation_level=None)
            db.execute("PRAGMA journal_mode = OFF")  # a new file: a failed run deletes it
            db.executescript(_TABLES)
            db.execute("BEGIN")
            db.execute("INSERT INTO meta VALUES (?, ?)", (SCHEMA, self.digest))
            self._new = db
        except BaseException as exc:  # a Ctrl-C too: no temporary file stays behind
            self._drop_new()
            if not isinstance(exc, (OSError, sqlite3.Error)):
                raise

    def entries(self, locale: str) -> dict[bytes, str]:
        """Unit key → stored findings (JSON) of ``locale``'s units in the earlier run's file."""
        if self._old is None:
            return {}
        try:
            return dict(self._old.execute("SELECT key, findings FROM units WHERE locale = ?", (locale,)))
        except sqlite3.Error:
            self._close_old()
            return {}

    def keep(self, locale: str, entries: Iterable[tuple[bytes, str]]) -> None:
        """Write ``(unit key, findings JSON)`` of ``locale``'s units into this run's file."""
        if self._new is None:
            return
        try:
            self._new.executemany("INSERT OR REPLACE INTO units VALUES (?, ?, ?)",
                                  ((locale, key, text) for key, text in entries))
        except sqlite3.Error:
            self._drop_new()

    def save(self) -> None:
        """Commit this run's file and put it in the old one's place; remove what runs that
        were killed left (temporary files of the same name)."""
        self._close_old()
        if self._new is None or self._tmp is None:
            return
        try:
            self._new.execute("COMMIT")
            self._new.close()
            self._new = None
            _fsync(self._tmp)  # its pages on disk before its name is the cache's
            os.chmod(self._tmp, 0o644)
            os.replace(self._tmp, self.path)
            self._tmp = None
            for stale in self.path.parent.glob(f".{self.path.name}.*.tmp"):
                stale.unlink(missing_ok=True)
        except BaseException as exc:
            self._drop_new()
            if not isinstance(exc, (OSError, sqlite3.Error)):
                raise

    def discard(self) -> None:
        """Give up this run's file unless saved (the earlier one stays); close everything."""
        self._close_old()
        self._drop_new()

    def _close_old(self) -> None:
        if self._old is not None:
            self._old.close()
            self._old = None

    def _drop_new(self) -> None:
        if self._new is not None:
            try:
                self._new.close()
            except sqlite3.Error:
                pass
            self._new = None
        if self._tmp is not None:
            self._tmp.unlink(missing_ok=True)
            self._tmp = None
