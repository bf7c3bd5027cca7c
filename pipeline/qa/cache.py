"""What QA keeps between builds (``OUT/.tmpipe-cache/qa.sqlite``): a rebuild checks only what changed.

Findings are kept in *parts*.  Each part belongs to an *owner*: ``segment`` (every segment check
together) or one corpus check that declares how its findings divide
(:attr:`~pipeline.qa.registry.CheckInfo.parts`).  A part is what one article, one locale or one
text group of a locale contributes, and a rebuild recomputes only the parts that an article
added, changed or removed since the cached run can affect; the others are read back.
Principles:

1. The cache describes the articles it saw (path, locale, content hash, and digests of their
   texts): comparing that with the TM's articles gives the articles that changed, whatever
   happened between the two runs.  Digests of the texts the old versions held tell which text
   groups an article that changed or left used to belong to.
2. An owner's parts are kept under the digest of everything besides the TM that its findings
   depend on: tmpipe's version and source code, the versions of the libraries checks read data
   from, and the checks' severities and options.  Another digest, and the owner starts afresh.
3. Segment checks also keep their findings per unit (keyed by ``units.key``, a digest of the
   locales, source and target): the units of a changed article that the TM held before are not
   checked again.  Entries of units the TM lost are pruned once they are a quarter of the file.
4. A run's changes are one SQLite transaction, committed when the run completes: a run that
   stops (an error, a Ctrl-C) leaves the cache it found.  An unreadable or foreign file is
   replaced; no cache problem ever fails a run (the cache can only make it faster).
5. Findings are stored as JSON; a part or unit whose findings JSON cannot hold (a unit's: do
   not read back equal) is stored as "recheck" (NULL) and recomputed on every run.  A part that
   does not read back (a damaged file) makes the run count again without the file.
6. Each part also keeps its counts (check, severity, locale): once a check has as many findings
   as the reports keep, its stored parts are counted, not read.  And a digest of its findings'
   JSON (:func:`findings_sha`): a report copies its rendering of a part from its previous file
   while that digest is unchanged (:mod:`pipeline.qa.kept`), so the part is not read either.
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import json
import operator
import sqlite3
import sys
import zlib
from array import array
from collections.abc import Iterable, Iterator, Sequence
from importlib import metadata
from pathlib import Path
from typing import Any, NoReturn

from .. import __version__, code_digest
from ..errors import OutputError
from ..store import Store
from .findings import Finding
from .registry import CheckContext

__all__ = ["SCHEMA", "QaCache", "Spoilt", "decode", "decode_part", "encode", "encode_part", "findings_sha",
           "part_key", "settings_digest", "text_digest"]

#: Bumped when the file's tables or the encoding of findings change.
SCHEMA = 5

_TABLES = """
CREATE TABLE meta (schema INTEGER NOT NULL, layout TEXT NOT NULL);
CREATE TABLE owners (name TEXT PRIMARY KEY, digest TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE articles (path TEXT PRIMARY KEY, locale TEXT NOT NULL, source_locale TEXT NOT NULL,
    sha256 TEXT NOT NULL, sources BLOB NOT NULL, targets BLOB NOT NULL) WITHOUT ROWID;
CREATE TABLE units (locale TEXT NOT NULL, key BLOB NOT NULL, findings TEXT, PRIMARY KEY (locale, key))
    WITHOUT ROWID;
CREATE TABLE parts (owner TEXT NOT NULL, part TEXT NOT NULL, findings TEXT, counts TEXT, digest INTEGER,
    findings_sha TEXT);
CREATE UNIQUE INDEX parts_by_key ON parts (owner, part);
CREATE INDEX parts_by_digest ON parts (owner, digest) WHERE digest IS NOT NULL;
"""
#: How this machine stores the digests of an article's texts (an array of C unsigned ints).
_LAYOUT = f"{sys.byteorder}:{array('I').itemsize}"
#: Libraries whose data a check's result depends on (script properties, language models).
_LIBRARIES = ("regex", "lingua-language-detector", "wordfreq", "babel")
#: Unit entries are pruned when they outnumber the TM's units by this ratio (the others are
#: entries of units the TM lost: harmless, but the file would grow with every edit).
PRUNE_AT = 1.25
#: The owner of the segment checks' parts (an article each) and unit entries.
SEGMENT = "segment"
#: Parts to recompute: stored as "recheck".
_RECHECK = " AND findings IS NULL"
_KEYS_PER_QUERY = 500


def _library_version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "absent"


def settings_digest(contexts: Sequence[CheckContext]) -> str:
    """The digest of everything besides the TM that the findings of ``contexts`` depend on."""
    checks = [[ctx.info.id, ctx.severity, sorted(ctx.options.items())] for ctx in contexts]
    dnt = list(contexts[0].do_not_translate) if contexts else []
    corpus = contexts[0].corpus.digest if contexts else ""
    data = json.dumps([SCHEMA, __version__, code_digest(), [_library_version(n) for n in _LIBRARIES],
                       checks, dnt, corpus], sort_keys=True, default=repr)
    return hashlib.sha256(data.encode()).hexdigest()


def part_key(*fields: str) -> str:
    """A part's key as stored: its fields joined by NUL, so that SQLite's order of keys is the
    order of the field tuples (no locale holds a NUL, and NUL sorts first)."""
    return "\0".join(fields)


def text_digest(locale: str, text: str) -> int:
    """The digest an article's text is remembered by (:meth:`QaCache.old_texts`): CRC-32 of the
    locale and text.  Two texts with one digest cost a group recomputed for nothing, never a
    wrong finding."""
    return zlib.crc32(text.encode("utf-8", "surrogatepass"), _seed(locale))


@functools.lru_cache(maxsize=256)
def _seed(locale: str) -> int:
    return zlib.crc32(f"{locale}\0".encode())


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
    # JSON keeps int, float and bool apart, but not tuples and lists, nor int and str keys
    return text if json.loads(text) == rows else None


def decode(text: str, source_raw: str, target_raw: str) -> tuple[Finding, ...]:
    """The findings :func:`encode` stored (location fields blank, as a segment check leaves them)."""
    if not text:
        return ()
    return tuple(Finding(check, severity, locale, "", 0, "", source_raw if source is None else source,
                         target_raw if target is None else target, message, extra, key)
                 for check, severity, locale, source, target, message, extra, key in json.loads(text))


def encode_part(findings: Sequence[Finding]) -> str | None:
    """A part's findings as JSON, each with its fingerprint; None when JSON cannot hold them.

    Unlike :func:`encode`, what reads back is the findings' JSON, not always their Python values
    (a tuple in ``extra`` reads back as a list): every report renders both the same, and a part
    can be thousands of findings, too many to decode again to compare."""
    rows = [[f.check, f.severity, f.locale, f.file, f.line, f.id, f.source, f.target, f.message, f.extra, f.key,
             f.fingerprint] for f in findings]
    try:
        return json.dumps(rows, ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError):
        return None


def findings_sha(text: str) -> str:
    """The digest a part's findings JSON (:func:`encode_part`) is known by."""
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


def decode_part(text: str) -> list[Finding]:
    """The findings :func:`encode_part` stored (ValueError, TypeError when ``text`` is not that)."""
    return [Finding(check, severity, locale, file, line, seg_id, source, target, message, extra, key, fingerprint)
            for check, severity, locale, file, line, seg_id, source, target, message, extra, key, fingerprint
            in json.loads(text)]


def temp_keys(db: sqlite3.Connection, name: str, keys: Iterable[Any], kind: str = "TEXT") -> None:
    """Fill the temporary one-column table ``name (k)`` of connection ``db`` with ``keys`` (its
    earlier rows go): the set a query restricts itself to with ``IN (SELECT k FROM temp.name)``."""
    db.execute(f"CREATE TEMP TABLE IF NOT EXISTS {name} (k {kind} PRIMARY KEY)")
    db.execute(f"DELETE FROM temp.{name}")
    db.executemany(f"INSERT OR IGNORE INTO temp.{name} VALUES (?)", ((key,) for key in keys))


def _digests(data: bytes) -> array[int]:
    """The :func:`text_digest` values stored in ``data``."""
    digests = array("I")
    digests.frombytes(data[:len(data) - len(data) % digests.itemsize])
    return digests


class Spoilt(OutputError):
    """A cache file failed while its findings were being read (it was removed): count again."""


class QaCache:
    """An earlier run's parts and unit entries, and this run's changes to them.

    Opening it compares the articles it saw with ``store``'s: :attr:`changed` lists the paths of
    the articles added, changed or removed since (every article when the cache is new), and the
    store's connection gets them as the temporary table ``qa_changed (k)`` for the checks'
    queries (:func:`temp_keys`).  One run at a time is expected to use a file (the build holds a lock on ``OUT``).

    Failures: a file that cannot be opened or read at first is replaced by a new one; one that
    fails a write is given up at the end of the run (its changes rolled back, the file removed);
    one that fails to read findings the run relies on is removed, and the run counts again
    (:meth:`spoilt`).
    """

    def __init__(self, path: Path, store: Store) -> None:
        self.path = Path(path)
        self.store = store
        self._valid: set[str] = set()
        self._owners: set[str] = set()  # the owners of this run: the others' parts are out of date after it
        self._writable = True
        self._old_texts: dict[str, set[int]] | None = None
        known: dict[str, tuple[str, str, str]] = {}
        self._db = None
        for attempt in range(2):
            self._db = self._open()
            if self._db is None:
                break
            try:
                known = {path: (locale, source_locale, sha) for path, locale, source_locale, sha in self._db.execute(
                    "SELECT path, locale, source_locale, sha256 FROM articles")}
                break
            except sqlite3.Error:
                self._drop()
        current = {path: (locale, source_locale, sha) for path, locale, source_locale, sha in store.db.execute(
            "SELECT path, locale, source_locale, sha256 FROM files")}
        self.changed = {path for path in current.keys() | known.keys() if current.get(path) != known.get(path)}
        """The paths of the articles added, changed or removed since the cache last saw them."""
        self.changed_locales = {entry[0] for entries in (current, known) for path in self.changed
                                if (entry := entries.get(path)) is not None}
        """The locales of the changed articles, before and after the change."""
        self._known = {path: known[path] for path in self.changed if path in known}
        temp_keys(store.db, "qa_changed", sorted(self.changed))

    # -- the file ----------------------------------------------------------------

    def _open(self) -> sqlite3.Connection | None:
        """The cache's connection in a transaction, or None when no file can be had.  A file that
        is not a cache of this schema is replaced."""
        for attempt in range(2):
            db = None
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                db = sqlite3.connect(self.path, isolation_level=None)
                tables = {name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
                if not tables:
                    db.executescript(_TABLES)
                    db.execute("INSERT INTO meta VALUES (?, ?)", (SCHEMA, _LAYOUT))
                elif db.execute("SELECT schema, layout FROM meta").fetchall() != [(SCHEMA, _LAYOUT)]:
                    raise sqlite3.DatabaseError("another schema")
                # a crash loses at most the last run's changes, never the file's consistency
                db.execute("PRAGMA journal_mode = WAL")
                db.execute("PRAGMA synchronous = NORMAL")
                if self.store.path is not None:  # to prune unit entries the TM no longer has
                    db.execute("ATTACH DATABASE ? AS tm", (f"{Path(self.store.path).resolve().as_uri()}?mode=ro",))
                db.execute("BEGIN IMMEDIATE")
                return db
            except (OSError, sqlite3.Error):
                if db is not None:
                    db.close()
                if not self._remove():
                    return None
        return None

    def _remove(self) -> bool:
        try:
            self.path.unlink(missing_ok=True)
            return True
        except OSError:
            return False

    def _drop(self) -> None:
        """Stop using the file, rolling back this run's changes; remove it: the next run starts afresh."""
        self._close()
        self._remove()

    def _close(self) -> None:
        if self._db is not None:
            try:
                self._db.rollback()
                self._db.close()
            except sqlite3.Error:
                pass
            self._db = None

    def _failed_write(self) -> None:
        """A write failed: keep reading what the run relies on, give the file up at the end."""
        self._writable = False

    def spoilt(self, why: str) -> NoReturn:
        """Give up a file that failed to read findings the run relies on: other findings were
        counted already, so the run must count again (:class:`Spoilt`).  The file is removed."""
        self._drop()
        raise Spoilt(f"{self.path}: QA cache unreadable ({why})")

    def commit(self) -> None:
        """Record the articles as they are now, drop unit entries the TM no longer has, and
        commit this run's changes."""
        if self._db is None:
            return
        if not self._writable:
            return self._drop()
        try:
            self._remember_articles()
            temporary = {name for (name,) in self._db.execute("SELECT name FROM temp.sqlite_master")}
            if "gone" in temporary:
                self._db.execute("DELETE FROM parts WHERE (owner, part) IN (SELECT owner, part FROM temp.gone)")
            if "pending" in temporary:
                self._db.execute("INSERT OR REPLACE INTO parts SELECT owner, part, findings, counts, digest,"
                                 " findings_sha FROM temp.pending")
            stale = [name for (name,) in self._db.execute("SELECT name FROM owners") if name not in self._owners]
            self._db.executemany("DELETE FROM parts WHERE owner = ?", ((name,) for name in stale))
            self._db.executemany("DELETE FROM owners WHERE name = ?", ((name,) for name in stale))
            if SEGMENT in stale:
                self._db.execute("DELETE FROM units")
            if self.changed and self.store.path is not None:
                self._prune()
            self._db.execute("COMMIT")
        except sqlite3.Error:
            return self._drop()
        self.close()

    def _prune(self) -> None:
        """Drop the unit entries of units the TM no longer has, once they are :data:`PRUNE_AT` of
        the TM's units: a pass over every entry, so not on every run."""
        assert self._db is not None
        (entries,), = self._db.execute("SELECT COUNT(*) FROM units")
        (units,), = self._db.execute("SELECT COUNT(*) FROM tm.units")
        if entries > units * PRUNE_AT:
            self._db.execute("DELETE FROM units WHERE key NOT IN (SELECT key FROM tm.units WHERE repetitions > 0)")

    def close(self) -> None:
        """Close the file, rolling back what was not committed."""
        self._close()
        try:
            self.store.db.execute("DROP TABLE IF EXISTS temp.qa_changed")
        except sqlite3.Error:
            pass

    # -- what changed ------------------------------------------------------------

    def old_texts(self, side: str) -> set[int]:
        """:func:`text_digest` of every ``side`` text (``source`` or ``target``) that the changed
        articles held when the cache last saw them."""
        if self._old_texts is None:
            found: dict[str, set[int]] = {"source": set(), "target": set()}
            paths = sorted(self._known)
            for at in range(0, len(paths), _KEYS_PER_QUERY):
                chunk = paths[at:at + _KEYS_PER_QUERY]
                for sources, targets in self._read(f"SELECT sources, targets FROM articles WHERE path IN"
                                                   f" ({','.join('?' * len(chunk))})", chunk):
                    found["source"].update(_digests(sources))
                    found["target"].update(_digests(targets))
            self._old_texts = found
        return self._old_texts[side]

    def _remember_articles(self) -> None:
        """Write the changed articles' rows as the TM has them now (the removed ones go), one
        article at a time."""
        assert self._db is not None
        self._db.executemany("DELETE FROM articles WHERE path = ?", ((path,) for path in self.changed))
        rows = self.store.db.execute(  # in the order of qa_changed's paths: one article after the other
            "SELECT f.path, f.locale, f.source_locale, f.sha256, u.target_locale, u.source_text, u.target_text"
            " FROM temp.qa_changed c JOIN files f ON f.path = c.k"
            " LEFT JOIN occurrences o ON o.file_id = f.id LEFT JOIN units u ON u.id = o.unit_id ORDER BY c.k")
        for (path, locale, source_locale, sha), texts in itertools.groupby(rows, key=operator.itemgetter(0, 1, 2, 3)):
            sources: set[int] = set()
            targets: set[int] = set()
            for *_, target_locale, source_text, target_text in texts:
                if source_text is not None:  # an article without pairs has one row, of NULLs
                    sources.add(text_digest(target_locale, source_text))
                    targets.add(text_digest(target_locale, target_text))
            self._db.execute("INSERT INTO articles VALUES (?, ?, ?, ?, ?, ?)", (
                path, locale, source_locale, sha, array("I", sorted(sources)).tobytes(),
                array("I", sorted(targets)).tobytes()))

    # -- owners and parts ------------------------------------------------------------

    def _read(self, sql: str, args: Sequence[Any] = ()) -> Iterator[Any]:
        """Rows the run relies on (a valid owner's): a failure stops the run (:meth:`spoilt`)."""
        if self._db is None:
            self.spoilt("closed")
        try:
            yield from self._db.execute(sql, args)
        except sqlite3.Error as exc:
            if self._db is None:  # closed by spoilt() while this was being read: the run already stops
                return
            self.spoilt(str(exc))

    def _write(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        if self._db is not None and self._writable:
            try:
                self._db.executemany(sql, rows)
            except sqlite3.Error:
                self._failed_write()

    def owner(self, name: str, digest: str) -> bool:
        """Whether ``name``'s parts (and, for :data:`SEGMENT`, unit entries) are of ``digest``: the
        run may rely on them.  When not, they are dropped and ``name`` starts afresh under ``digest``."""
        if self._db is None or not self._writable:
            return False
        self._owners.add(name)
        try:
            if self._db.execute("SELECT digest FROM owners WHERE name = ?", (name,)).fetchall() == [(digest,)]:
                self._valid.add(name)
                return True
            self._db.execute("DELETE FROM parts WHERE owner = ?", (name,))
            if name == SEGMENT:
                self._db.execute("DELETE FROM units")
            self._db.execute("INSERT OR REPLACE INTO owners VALUES (?, ?)", (name, digest))
        except sqlite3.Error:
            self._failed_write()
        return False

    def part_keys(self, owner: str, *, recheck: bool = False) -> Iterator[str]:
        """The keys of a valid owner's stored parts (with ``recheck``, only those stored as "recheck")."""
        assert owner in self._valid
        for (part,) in self._read("SELECT part FROM parts WHERE owner = ?" + (_RECHECK if recheck else ""), (owner,)):
            yield part

    def parts(self, owner: str) -> Iterator[tuple[str, str, int, str | None]]:
        """``(part, counts JSON, row, findings_sha)`` of a valid owner's stored parts, in key order
        (the findings themselves are read by :meth:`findings` of the row, when needed).  What
        :meth:`put` writes for a valid owner is only seen after :meth:`commit`."""
        assert owner in self._valid
        return self._read("SELECT part, counts, rowid, findings_sha FROM parts WHERE owner = ? ORDER BY part",
                          (owner,))

    def findings(self, row: int) -> str:
        """The findings JSON of the stored part at ``row`` (:meth:`parts`)."""
        if self._db is None:
            raise OutputError(f"{self.path}: closed: a stored part's findings are read while its run is open")
        try:
            found = self._db.execute("SELECT findings FROM parts WHERE rowid = ?", (row,)).fetchone()
        except sqlite3.Error as exc:
            self.spoilt(str(exc))
        if found is None or not isinstance(found[0], str):
            self.spoilt(f"part {row} has no findings")
        return found[0]  # type: ignore[no-any-return]

    def forget(self, owner: str, parts: Iterable[str]) -> None:
        """Forget ``owner``'s ``parts`` at :meth:`commit` (:meth:`parts` may be reading them now)."""
        if self._db is None or not self._writable:
            return
        try:
            self._db.execute("CREATE TEMP TABLE IF NOT EXISTS gone (owner TEXT, part TEXT)")
        except sqlite3.Error:
            return self._failed_write()
        self._write("INSERT INTO temp.gone VALUES (?, ?)", ((owner, part) for part in parts))

    def put(self, owner: str, part: str, findings: str | None, counts: str, digest: int | None = None,
            sha: str | None = None) -> None:
        """Store ``owner``'s ``part`` with its findings (JSON, or None for "recheck"), their counts
        (JSON), for a text group its text's :func:`text_digest`, and the findings' :func:`findings_sha`:
        at once for an owner that started afresh, else at :meth:`commit` (:meth:`parts` may be reading)."""
        if self._db is None or not self._writable:
            return
        row = [(owner, part, findings, counts, digest, sha)]
        if owner in self._valid:
            try:
                self._db.execute("CREATE TEMP TABLE IF NOT EXISTS pending (owner TEXT, part TEXT, findings TEXT,"
                                 " counts TEXT, digest INTEGER, findings_sha TEXT)")
            except sqlite3.Error:
                return self._failed_write()
            return self._write("INSERT INTO temp.pending VALUES (?, ?, ?, ?, ?, ?)", row)
        self._write("INSERT INTO parts VALUES (?, ?, ?, ?, ?, ?)", row)

    def count_from(self, owner: str, first: str, dirty: Iterable[str]) -> list[list[Any]]:
        """The counts (:func:`~pipeline.qa.runner._counts` rows) of a valid owner's stored parts from
        key ``first`` on, ``dirty`` ones left out, summed by SQLite."""
        assert owner in self._valid and self._db is not None
        try:
            temp_keys(self._db, "qa_dirty", dirty)
            return [list(row) for row in self._db.execute(
                "SELECT json_extract(j.value, '$[0]'), json_extract(j.value, '$[1]'), json_extract(j.value, '$[2]'),"
                "   json_extract(j.value, '$[3]'), SUM(json_extract(j.value, '$[4]'))"
                " FROM parts p, json_each(p.counts) j"
                " WHERE p.owner = ? AND p.part >= ? AND p.part NOT IN (SELECT k FROM temp.qa_dirty)"
                " GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4", (owner, first))]
        except sqlite3.Error as exc:
            self.spoilt(str(exc))

    def parts_of_texts(self, owner: str, digests: Iterable[int]) -> Iterator[str]:
        """The keys of a valid owner's stored text groups whose text's digest is one of ``digests``."""
        assert owner in self._valid and self._db is not None
        try:
            temp_keys(self._db, "qa_digests", digests, "INTEGER")
        except sqlite3.Error as exc:
            self.spoilt(str(exc))
        for (part,) in self._read("SELECT part FROM parts WHERE owner = ? AND digest IN (SELECT k FROM temp.qa_digests)",
                                  (owner,)):
            yield part

    def old_locale(self, path: str) -> str | None:
        """The locale a changed article had when the cache last saw it (None: it is new)."""
        known = self._known.get(path)
        return known[0] if known is not None else None

    # -- units of the segment checks ---------------------------------------------------

    @property
    def holds_units(self) -> bool:
        """Whether unit entries may be looked up (the segment checks' digest is the stored one)."""
        return self._db is not None and SEGMENT in self._valid

    def units(self, locale: str, keys: Sequence[bytes]) -> dict[bytes, str | None]:
        """Unit key → stored findings (JSON) of those of ``keys`` the cache holds for ``locale``."""
        found: dict[bytes, str | None] = {}
        if self._db is None or SEGMENT not in self._valid:  # holds_units, in words mypy follows
            return found
        try:
            for at in range(0, len(keys), _KEYS_PER_QUERY):
                chunk = keys[at:at + _KEYS_PER_QUERY]
                found.update(self._db.execute(f"SELECT key, findings FROM units WHERE locale = ? AND key IN"
                                              f" ({','.join('?' * len(chunk))})", (locale, *chunk)))
        except sqlite3.Error:
            return {}  # the units are checked
        return found

    def keep(self, locale: str, entries: Iterable[tuple[bytes, str | None]]) -> None:
        """Store ``(unit key, findings JSON)`` of ``locale``'s units."""
        self._write("INSERT OR REPLACE INTO units VALUES (?, ?, ?)", ((locale, key, text) for key, text in entries))
