"""The translation memory: one SQLite file, the only module that talks SQL.

Tables: ``files`` (one row per article, with its content hash and front matter),
``units`` (deduplicated source/target pairs per locale pair, with repetition
counts the store recounts for the units a run touched), ``occurrences`` (every extracted pair, pointing at its
file and unit), ``anomalies`` and ``unpaired`` (front matter text with no twin).
The ``segments`` view joins them into one row per occurrence.

Schema changes are named migrations in :data:`MIGRATIONS`, applied in order
and recorded in ``schema_migrations``.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from operator import itemgetter
from pathlib import Path
from typing import Any, NamedTuple

from .errors import InputError, OutputError
from .model import Code, Document, Segment, Text

__all__ = ["MIGRATIONS", "READER_INDEXES", "DocRows", "Store", "UnitRow", "SegmentRow", "codes_from_json", "doc_rows", "open_store"]

_INITIAL = """
CREATE TABLE files (
    id INTEGER PRIMARY KEY,
    path TEXT NOT NULL UNIQUE,
    locale TEXT NOT NULL,
    source_locale TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    size INTEGER NOT NULL,
    occurrences INTEGER NOT NULL,
    translation_type TEXT,
    source_commit TEXT,
    openlocfilehash TEXT,
    locfileid TEXT,
    lasthandoff TEXT,
    extracted_at TEXT NOT NULL
);
CREATE TABLE units (
    id INTEGER PRIMARY KEY,
    key BLOB NOT NULL UNIQUE,
    source_locale TEXT NOT NULL,
    target_locale TEXT NOT NULL,
    source_raw TEXT NOT NULL,
    target_raw TEXT NOT NULL,
    source_text TEXT NOT NULL,
    target_text TEXT NOT NULL,
    source_codes TEXT NOT NULL,
    target_codes TEXT NOT NULL,
    repetitions INTEGER NOT NULL DEFAULT 0,
    mt_repetitions INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX units_by_locale ON units (target_locale, source_locale);
CREATE TABLE occurrences (
    id INTEGER PRIMARY KEY,
    file_id INTEGER NOT NULL REFERENCES files (id),
    unit_id INTEGER NOT NULL REFERENCES units (id),
    seq INTEGER NOT NULL,
    seg_id TEXT NOT NULL,
    line INTEGER NOT NULL,
    end_line INTEGER NOT NULL
);
CREATE INDEX occurrences_by_file ON occurrences (file_id, seq);
CREATE INDEX occurrences_by_unit ON occurrences (unit_id);
CREATE TABLE anomalies (
    id INTEGER PRIMARY KEY,
    file_id INTEGER NOT NULL REFERENCES files (id),
    line INTEGER NOT NULL,
    kind TEXT NOT NULL,
    message TEXT NOT NULL,
    snippet TEXT NOT NULL,
    seg_id TEXT,
    ttu INTEGER NOT NULL
);
CREATE INDEX anomalies_by_file ON anomalies (file_id);
CREATE TABLE unpaired (
    id INTEGER PRIMARY KEY,
    file_id INTEGER NOT NULL REFERENCES files (id),
    field TEXT NOT NULL,
    text TEXT NOT NULL,
    line INTEGER NOT NULL
);
CREATE INDEX unpaired_by_file ON unpaired (file_id);
CREATE TRIGGER occurrence_added AFTER INSERT ON occurrences BEGIN
    UPDATE units SET repetitions = repetitions + 1,
        mt_repetitions = mt_repetitions
            + (SELECT translation_type IS 'MT' FROM files WHERE id = NEW.file_id)
    WHERE id = NEW.unit_id;
END;
CREATE TRIGGER occurrence_removed AFTER DELETE ON occurrences BEGIN
    UPDATE units SET repetitions = repetitions - 1,
        mt_repetitions = mt_repetitions
            - (SELECT translation_type IS 'MT' FROM files WHERE id = OLD.file_id)
    WHERE id = OLD.unit_id;
END;
CREATE VIEW segments AS
SELECT f.locale AS locale, f.path AS file, o.line AS line, o.end_line AS end_line,
       o.seg_id AS id, u.source_raw, u.target_raw, u.source_text, u.target_text,
       f.translation_type, f.source_commit, f.locfileid, f.lasthandoff, f.source_locale,
       u.id AS unit_id, o.seq AS seq
FROM occurrences o JOIN files f ON f.id = o.file_id JOIN units u ON u.id = o.unit_id;
"""

#: Units by source text, for the queries that look units up by text (QA's locations of a variant):
#: without it each lookup scans every unit of the locale.
_UNITS_BY_SOURCE_TEXT = "CREATE INDEX units_by_source_text ON units (target_locale, source_text)"

#: Units by target text, for the same lookups from the other side (QA's rebuild of the groups of
#: one translation: ``inconsistent-source``).
_UNITS_BY_TARGET_TEXT = "CREATE INDEX units_by_target_text ON units (target_locale, target_text)"

#: Units by locale and target/source length ratio (with what QA's ``length-ratio`` filters and weighs
#: by, and whether a text holds a NUL, where SQLite's ``length()`` stops): the quartiles of a locale
#: are read in order from the index alone, not sorted from the texts, and its outliers found in it.
#: The expression must stay the one the queries use (``pipeline/qa/length.py``).
_UNITS_BY_LENGTH_RATIO = (
    "CREATE INDEX units_by_length_ratio ON units (target_locale,"
    " CAST(length(target_text) AS REAL) / length(source_text), length(source_text), length(target_text), repetitions,"
    " instr(CAST(source_text AS BLOB), X'00') + instr(CAST(target_text AS BLOB), X'00'))")

#: Units by their first occurrence, with what an export's fragment key is made of: which units an
#: article shows first and their counts are read from the index alone (:meth:`Store.first_unit_keys`),
#: and one article's units are found by their first occurrences (:meth:`Store.first_units`).
_UNITS_BY_FIRST = ("CREATE INDEX units_by_first ON units (source_locale, target_locale, first, key, repetitions,"
                   " mt_repetitions)")

#: ``units.repetitions``/``mt_repetitions`` are kept by :class:`Store` (see
#: :meth:`Store.refresh_counts`): triggers rewrote a unit row for every occurrence
#: inserted or deleted, the largest cost of writing a TM.
_COUNTS_BY_STORE = "DROP TRIGGER occurrence_added; DROP TRIGGER occurrence_removed"

#: A unit's first occurrence in corpus order (path, then position), the one its provenance comes from.
_FIRST = ("(SELECT o.id FROM occurrences o JOIN files f ON f.id = o.file_id"
          " WHERE o.unit_id = units.id ORDER BY f.path, o.seq LIMIT 1)")

#: ``units.first`` kept by :class:`Store` like the counts: exporters read each unit with its
#: first occurrence by a join instead of sorting every unit's occurrences on each export.
_UNITS_FIRST = f"ALTER TABLE units ADD COLUMN first INTEGER; UPDATE units SET first = {_FIRST}"

#: The units no occurrence refers to any more (a partial index, nearly always empty): pruning
#: them after a small write looks them up instead of scanning every unit.
_UNITS_UNUSED = "CREATE INDEX units_unused ON units (id) WHERE repetitions <= 0"

#: Indexes extraction does not read as it writes (QA and the exporters use them, pruning the unused
#: one): :meth:`Store.defer_indexes` drops them while many articles are written,
#: :meth:`Store.restore_indexes` builds them again in one sorted pass, which costs a fraction of
#: keeping them up to date row by row.
READER_INDEXES = {"units_by_source_text": _UNITS_BY_SOURCE_TEXT, "units_by_target_text": _UNITS_BY_TARGET_TEXT,
                   "units_by_length_ratio": _UNITS_BY_LENGTH_RATIO, "units_by_first": _UNITS_BY_FIRST,
                   "units_unused": _UNITS_UNUSED}

#: Named schema migrations, applied in order; append, never edit a released one.
MIGRATIONS: tuple[tuple[str, str], ...] = (
    ("0001_initial", _INITIAL),
    ("0002_units_by_source_text", _UNITS_BY_SOURCE_TEXT),
    ("0003_counts_kept_by_store", _COUNTS_BY_STORE),
    ("0004_files_by_locale_path", "CREATE INDEX files_by_locale_path ON files (locale, path)"),
    ("0005_files_stat", "ALTER TABLE files ADD COLUMN stat TEXT"),
    ("0006_units_first", _UNITS_FIRST),
    ("0007_units_by_target_text", _UNITS_BY_TARGET_TEXT),
    ("0008_units_by_length_ratio", _UNITS_BY_LENGTH_RATIO),
    ("0009_units_by_first", _UNITS_BY_FIRST),
    ("0010_units_unused", _UNITS_UNUSED),
    ("0011_files_locale_from", "ALTER TABLE files ADD COLUMN locale_from TEXT"),
    ("0012_roots", "CREATE TABLE roots (prefix TEXT PRIMARY KEY, path TEXT NOT NULL)"),
)

#: Recounts the units whose occurrences changed (ids in the connection's temporary ``touched_units``)
#: and finds their first occurrence again.
_RECOUNT = (
    "UPDATE units SET repetitions = (SELECT COUNT(*) FROM occurrences o WHERE o.unit_id = units.id),"
    " mt_repetitions = (SELECT COUNT(*) FROM occurrences o JOIN files f ON f.id = o.file_id"
    "   WHERE o.unit_id = units.id AND f.translation_type IS 'MT'),"
    f" first = {_FIRST}"
    " WHERE id IN (SELECT id FROM temp.touched_units)"
)


@dataclass(frozen=True, slots=True)
class UnitRow:
    """A deduplicated translation unit with the provenance of its first occurrence."""

    id: int
    """Stable within one TM file."""
    source_locale: str
    """BCP 47 source language."""
    target_locale: str
    """BCP 47 target language."""
    source_raw: str
    """Source as written in the articles, inline markup included."""
    target_raw: str
    """Target as written in the articles."""
    source_text: str
    """Plain source text."""
    target_text: str
    """Plain target text."""
    repetitions: int
    """How many times the pair occurs in the corpus."""
    mt_repetitions: int
    """How many of those come from machine-translated (MT) articles."""
    file: str
    """Path of the first occurrence."""
    seg_id: str
    """Segment id of the first occurrence."""
    line: int
    """Line of the first occurrence."""
    translation_type: str | None
    """MT/HT of the first occurrence's article."""
    source_commit: str | None
    """``ms.sourcegitcommit`` of the first occurrence's article."""
    locfileid: str | None
    """``ms.locfileid`` of the first occurrence's article."""
    lasthandoff: str | None
    """``ms.lasthandoff`` of the first occurrence's article."""

    @property
    def is_mt(self) -> bool:
        """Every occurrence is machine translation."""
        return self.mt_repetitions == self.repetitions


@dataclass(frozen=True, slots=True)
class SegmentRow:
    """One occurrence of a pair, joined with its file and unit."""

    locale: str
    file: str
    line: int
    end_line: int
    id: str
    source_raw: str
    target_raw: str
    source_text: str
    target_text: str
    translation_type: str | None
    source_commit: str | None
    locfileid: str | None
    lasthandoff: str | None
    source_locale: str
    unit_id: int
    seq: int


_FILE = itemgetter(1)  # SegmentRow.file of a segment tuple
_UNIT_FILE = itemgetter(9)  # UnitRow.file of a unit tuple
_JSON = json.JSONEncoder(ensure_ascii=False)  # what json.dumps(..., ensure_ascii=False) builds per call


def _unit_key(source_locale: str, target_locale: str, source: str, target: str) -> bytes:
    """BLAKE2b-128 of the four parts, each followed by NUL."""
    data = f"{source_locale}\0{target_locale}\0{source}\0{target}\0".encode("utf-8", "surrogatepass")
    return hashlib.blake2b(data, digest_size=16).digest()


def _side(segment: Segment) -> tuple[str, str, str]:
    """``(raw, text, codes JSON)`` of a segment in one pass over its runs."""
    runs = segment.runs
    if len(runs) == 1 and isinstance(runs[0], Text):  # plain text: most segments
        return runs[0].raw, runs[0].text, "[]"
    raws, texts, codes = [], [], []
    for run in runs:
        raws.append(run.raw)
        if isinstance(run, Text):
            texts.append(run.text)
        else:
            codes.append([run.kind, run.type, run.raw, run.pair])
    return "".join(raws), "".join(texts), _JSON.encode(codes) if codes else "[]"


class DocRows(NamedTuple):
    """A Document as the rows :meth:`Store.put_rows` writes: plain tuples, cheap to pickle.

    :func:`doc_rows` makes it where the article was extracted (a worker), so the
    process that owns the TM only runs SQL.
    """

    path: str
    """The article's path (the ``files.path`` key)."""
    file: tuple[Any, ...]
    """``files`` columns from ``path`` to ``lasthandoff``, then ``locale_from``."""
    units: list[tuple[Any, ...]]
    """Per pair, ``units`` columns from ``key`` to ``target_codes``."""
    occurrences: list[tuple[Any, ...]]
    """Per pair (same order), ``(seq, seg_id, line, end_line)``."""
    anomalies: list[tuple[Any, ...]]
    """``(line, kind, message, snippet, seg_id, ttu)``."""
    unpaired: list[tuple[Any, ...]]
    """``(field, text, line)``."""
    stat: str | None = None
    """The file's status when it was read (see ``files.stat``), or None when it cannot be trusted."""


def doc_rows(doc: Document) -> DocRows:
    """The rows of ``doc``: unit keys, plain texts and code lists computed once, here."""
    meta = doc.meta
    source_locale, locale = meta.source_locale, meta.locale
    units = []
    occurrences = []
    for seq, pair in enumerate(doc.pairs):
        source_raw, source_text, source_codes = _side(pair.source)
        target_raw, target_text, target_codes = _side(pair.target)
        units.append((_unit_key(source_locale, locale, source_raw, target_raw), source_locale, locale,
                      source_raw, target_raw, source_text, target_text, source_codes, target_codes))
        occurrences.append((seq, pair.id, pair.line, pair.end_line))
    return DocRows(
        meta.path,
        (meta.path, locale, source_locale, doc.sha256, doc.size, doc.occurrences, meta.translation_type,
         meta.source_commit, meta.openlocfilehash, meta.locfileid, meta.lasthandoff, meta.locale_from),
        units, occurrences,
        [(a.line, a.kind, a.message, a.snippet, a.id, a.ttu) for a in doc.anomalies],
        [(u.field, u.text, u.line) for u in doc.unpaired])


_KEYS_PER_QUERY = 500


class Store:
    """A translation memory in one SQLite file."""

    def __init__(self, connection: sqlite3.Connection, path: Path | None = None) -> None:
        self.db = connection
        self.path = path
        self._touched = False  # whether temp.touched_units exists and may hold ids

    # -- writing ---------------------------------------------------------------

    def known_hashes(self) -> dict[str, str]:
        """``{path: sha256}`` of every article in the TM."""
        return dict(self.db.execute("SELECT path, sha256 FROM files"))

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

        Units are inserted in pair order, so a new unit gets the same id as when
        pairs are inserted one by one; their ids are then read back in batches.
        The units' repetition counts are brought up to date by the next
        :meth:`refresh_counts`, :meth:`remove`, :meth:`prune_units` or :meth:`commit`.
        """
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
                "INSERT INTO occurrences (file_id, unit_id, seq, seg_id, line, end_line) VALUES (?,?,?,?,?,?)",
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

    def _rows(self, sql: str, args: tuple[Any, ...] = ()) -> Iterator[Any]:
        """Stream a query's rows. Unlike ``yield from cursor``, closing the generator
        after the connection was closed (an interrupted build) does not raise."""
        for row in self.db.execute(sql, args):
            yield row

    def commit(self) -> None:
        self.refresh_counts()
        self.db.commit()

    def close(self) -> None:
        self.db.close()

    # -- reading ---------------------------------------------------------------

    def locale_pairs(self) -> list[tuple[str, str]]:
        """``(source_locale, target_locale)`` pairs present in the TM, sorted."""
        return [tuple(row) for row in self.db.execute(  # type: ignore[misc]
            "SELECT DISTINCT source_locale, target_locale FROM units ORDER BY 2, 1")]

    def file_hashes(self) -> Iterator[tuple[str, str, str]]:
        """``(locale, path, sha256)`` of every article, by locale and path."""
        yield from self._rows("SELECT locale, path, sha256 FROM files ORDER BY locale, path")

    def articles(self, target_locale: str, source_locale: str) -> list[tuple[str, str]]:
        """``(path, sha256)`` of each article of a locale pair that has pairs, in path order
        (the order of :meth:`segments`)."""
        return self.db.execute(
            "SELECT path, sha256 FROM files f WHERE locale = ? AND source_locale = ?"
            " AND EXISTS (SELECT 1 FROM occurrences o WHERE o.file_id = f.id) ORDER BY path",
            (target_locale, source_locale)).fetchall()

    def article_segments(self, target_locale: str, paths: list[str]) -> Iterator[tuple[str, list[SegmentRow]]]:
        """``(path, occurrences)`` of each article in ``paths`` (in path order) of one locale."""
        for path, rows in self.article_segment_tuples(target_locale, paths):
            yield path, [SegmentRow(*row) for row in rows]

    def article_segment_tuples(self, target_locale: str, paths: list[str]) -> Iterator[tuple[str, list[tuple[Any, ...]]]]:
        """:meth:`article_segments` as plain tuples in :class:`SegmentRow` field order.

        When many are wanted the locale is read in one pass, skipping the others; when
        few, each article is looked up apart (a rebuild that renders what changed)."""
        wanted = set(paths)
        if len(wanted) * 8 > self.article_count(target_locale):
            for path, rows in itertools.groupby(self.segment_tuples(target_locale), key=_FILE):
                if path in wanted:
                    yield path, list(rows)
            return
        for path in sorted(wanted):
            yield path, self.db.execute("SELECT * FROM segments WHERE file = ? ORDER BY seq", (path,)).fetchall()

    def article_units(self, target_locale: str) -> Iterator[tuple[str, str, str, int]]:
        """``(path, sha256, source_locale, unit id)`` of each occurrence of one locale, in
        :meth:`segments` order: which units each article's rows are made of, without their texts."""
        return self._rows("SELECT f.path, f.sha256, f.source_locale, o.unit_id FROM files f"
                          " JOIN occurrences o ON o.file_id = f.id WHERE f.locale = ? ORDER BY f.path, o.seq",
                          (target_locale,))

    def pairs_by_locale(self) -> dict[str, int]:
        """``{target locale: pairs}`` (occurrences of units)."""
        return dict(self.db.execute(
            "SELECT f.locale, COUNT(*) FROM occurrences o JOIN files f ON f.id = o.file_id GROUP BY 1"))

    #: Columns of :class:`UnitRow`, in order; the first occurrence gives the provenance.
    _UNIT_COLUMNS = (
        "SELECT u.id, u.source_locale, u.target_locale, u.source_raw, u.target_raw, u.source_text,"
        " u.target_text, u.repetitions, u.mt_repetitions, f.path, o.seg_id, o.line,"
        " f.translation_type, f.source_commit, f.locfileid, f.lasthandoff")
    _UNIT_SQL = (
        f"{_UNIT_COLUMNS} FROM units u JOIN occurrences o ON o.id = u.first JOIN files f ON f.id = o.file_id"
        " WHERE u.source_locale = ? AND u.target_locale = ? ORDER BY f.path, o.seq"
    )

    def first_unit_keys(self, source_locale: str, target_locale: str) -> Iterator[tuple[str, str, int, bytes, int, int, int]]:
        """``(path, sha256, seq, unit key, repetitions, mt_repetitions, unit id)`` of the units of one
        locale pair, in :meth:`units` order: what each article's units are, without their texts."""
        return self._rows(
            "SELECT f.path, f.sha256, o.seq, u.key, u.repetitions, u.mt_repetitions, u.id"
            " FROM units u JOIN occurrences o ON o.id = u.first JOIN files f ON f.id = o.file_id"
            " WHERE u.source_locale = ? AND u.target_locale = ? ORDER BY f.path, o.seq", (source_locale, target_locale))

    def first_units(self, source_locale: str, target_locale: str, path: str) -> list[tuple[Any, ...]]:
        """The rows of :meth:`unit_tuples` whose first occurrence is in article ``path``."""
        return self.db.execute(
            f"{self._UNIT_COLUMNS} FROM files f CROSS JOIN occurrences o ON o.file_id = f.id"
            " CROSS JOIN units u ON u.source_locale = ? AND u.target_locale = ? AND u.first = o.id"
            " WHERE f.path = ? ORDER BY o.seq", (source_locale, target_locale, path)).fetchall()

    def article_first_units(self, source_locale: str, target_locale: str, paths: list[str]
                            ) -> Iterator[tuple[str, list[tuple[Any, ...]]]]:
        """``(path, rows)`` of :meth:`first_units` for each article in ``paths`` (in :meth:`units`
        order): in one pass over the locale pair when many are wanted, else article by article."""
        wanted = set(paths)
        if len(wanted) * 8 > self.article_count(target_locale):
            for path, rows in itertools.groupby(self.unit_tuples(source_locale, target_locale), key=_UNIT_FILE):
                if path in wanted:
                    yield path, list(rows)
            return
        for path in sorted(wanted):
            yield path, self.first_units(source_locale, target_locale, path)

    def article_count(self, locale: str) -> int:
        """How many articles the locale has."""
        (articles,) = self.db.execute("SELECT COUNT(*) FROM files WHERE locale = ?", (locale,)).fetchone()
        return int(articles)

    def units(self, source_locale: str, target_locale: str) -> Iterator[UnitRow]:
        """Stream the units of one locale pair, in order of first occurrence."""
        for row in self.unit_tuples(source_locale, target_locale):
            yield UnitRow(*row)

    def unit_tuples(self, source_locale: str, target_locale: str) -> Iterator[tuple[Any, ...]]:
        """:meth:`units` as plain tuples in :class:`UnitRow` field order (for bulk table writers)."""
        return self._rows(self._UNIT_SQL, (source_locale, target_locale))

    def segments(self, target_locale: str | None = None) -> Iterator[SegmentRow]:
        """Stream every occurrence (optionally of one locale) in corpus order.

        One query per locale: each walks its files in path order (``files_by_locale_path``)
        and their occurrences in order, where one query for all would sort every row."""
        for row in self.segment_tuples(target_locale):
            yield SegmentRow(*row)

    def locales(self) -> list[str]:
        """The articles' locales, sorted (the order of :meth:`segments`)."""
        return [locale for (locale,) in self.db.execute("SELECT DISTINCT locale FROM files ORDER BY locale")]

    def segment_tuples(self, target_locale: str | None = None) -> Iterator[tuple[Any, ...]]:
        """:meth:`segments` as plain tuples in :class:`SegmentRow` field order."""
        for locale in [target_locale] if target_locale else self.locales():
            yield from self._rows("SELECT * FROM segments WHERE locale = ? ORDER BY file, seq", (locale,))

    #: The per-locale and total counts of :meth:`summary`.
    SUMMARY_COUNTS = ("files", "occurrences", "pairs", "anomalies", "occurrences_in_anomalies", "units", "mt_units")

    def summary(self) -> dict[str, Any]:
        """Counts for the manifest, per locale and in all: files, occurrences, pairs, anomalies (each
        one: they add up to ``anomalies_by_kind``), the occurrences those anomalies hold (so that
        ``occurrences = pairs + occurrences_in_anomalies``), units and machine-translation-only
        units; ``locale_from``: how many articles took their locale from their corpus root (or none)."""
        by_locale: dict[str, dict[str, Any]] = {}
        for locale, files, occurrences in self.db.execute(
                "SELECT locale, COUNT(*), SUM(occurrences) FROM files GROUP BY locale ORDER BY locale"):
            by_locale[locale] = dict.fromkeys(self.SUMMARY_COUNTS, 0)
            by_locale[locale].update(files=files, occurrences=occurrences)
        for locale, pairs in self.db.execute(
                "SELECT f.locale, COUNT(*) FROM occurrences o JOIN files f ON f.id = o.file_id GROUP BY 1"):
            by_locale[locale]["pairs"] = pairs
        for locale, anomalies, ttu in self.db.execute(
                "SELECT f.locale, COUNT(*), SUM(a.ttu) FROM anomalies a JOIN files f ON f.id = a.file_id GROUP BY 1"):
            by_locale[locale].update(anomalies=anomalies, occurrences_in_anomalies=ttu)
        for locale, units, mt_units in self.db.execute(
                "SELECT target_locale, COUNT(*), COUNT(*) FILTER (WHERE mt_repetitions = repetitions)"
                " FROM units GROUP BY 1"):
            by_locale.setdefault(locale, dict.fromkeys(self.SUMMARY_COUNTS, 0)).update(units=units, mt_units=mt_units)
        kinds = dict(self.db.execute("SELECT kind, COUNT(*) FROM anomalies GROUP BY kind ORDER BY kind"))
        total = {key: sum(v.get(key, 0) or 0 for v in by_locale.values()) for key in self.SUMMARY_COUNTS}
        borrowed = dict(self.db.execute(
            "SELECT locale_from, COUNT(*) FROM files WHERE locale_from IS NOT NULL AND locale_from != 'article'"
            " GROUP BY 1 ORDER BY 1"))
        return {**total, "anomalies_by_kind": kinds, "by_locale": by_locale, "locale_from": borrowed}

    # -- the locales of articles that name none (issue 14) ---------------------

    def own_locales(self, prefix: str = "") -> list[str]:
        """The locales the articles whose paths start with ``prefix`` name themselves, sorted."""
        return [locale for (locale,) in self.db.execute(
            "SELECT DISTINCT locale FROM files WHERE substr(path, 1, ?) = ? AND locale != 'und'"
            " AND (locale_from IS NULL OR locale_from = 'article') ORDER BY 1", (len(prefix), prefix))]

    def borrowed_locales(self, prefix: str = "") -> dict[str, tuple[str, str]]:
        """``{path: (locale, locale_from)}`` of the articles under ``prefix`` that name no locale."""
        return {path: (locale, source) for path, locale, source in self.db.execute(
            "SELECT path, locale, locale_from FROM files WHERE substr(path, 1, ?) = ?"
            " AND locale_from IS NOT NULL AND locale_from != 'article'", (len(prefix), prefix))}

    def unit_count(self) -> int:
        """How many units the TM holds."""
        return int(self.db.execute("SELECT COUNT(*) FROM units").fetchone()[0])

    def set_roots(self, roots: Iterable[tuple[str, str]]) -> None:
        """Record the corpus roots of the last build: ``(prefix of their articles' paths, folder)``."""
        self.db.execute("DELETE FROM roots")
        self.db.executemany("INSERT INTO roots (prefix, path) VALUES (?, ?)", roots)

    def root_prefixes(self) -> list[str]:
        """What the articles' paths start with, one per corpus root (``[""]`` for a single root)."""
        return [prefix for (prefix,) in self.db.execute("SELECT prefix FROM roots ORDER BY prefix")] or [""]

    def has_pairs(self) -> bool:
        """Whether the TM holds at least one pair."""
        return self.db.execute("SELECT EXISTS (SELECT 1 FROM occurrences)").fetchone()[0] == 1

    def remove_empty_unlocalized(self) -> list[str]:
        """Forget the files that are no article: no locale, no ``data-ttu-id``, no front matter text
        and nothing to report; returns their paths."""
        paths = [path for (path,) in self.db.execute(
            "SELECT path FROM files f WHERE locale = 'und' AND occurrences = 0"
            " AND NOT EXISTS (SELECT 1 FROM anomalies a WHERE a.file_id = f.id)"
            " AND NOT EXISTS (SELECT 1 FROM unpaired u WHERE u.file_id = f.id) ORDER BY path")]
        self.remove(paths)
        return paths

    # -- end of issue 14's block -----------------------------------------------

    def anomalies(self) -> Iterator[tuple[str, str, int, str, str, str, str | None]]:
        """``(locale, file, line, kind, message, snippet, seg_id)`` for every anomaly."""
        yield from self._rows(
            "SELECT f.locale, f.path, a.line, a.kind, a.message, a.snippet, a.seg_id"
            " FROM anomalies a JOIN files f ON f.id = a.file_id ORDER BY f.path, a.line")

    # -- QA queries ------------------------------------------------------------

    def qa_files(self) -> Iterator[tuple[str, str, str | None, int]]:
        """``(path, locale, source_commit, pairs)`` of every article with pairs, by path."""
        yield from self._rows(
            "SELECT f.path, f.locale, f.source_commit, COUNT(o.id) FROM files f"
            " JOIN occurrences o ON o.file_id = f.id GROUP BY f.id ORDER BY f.path")

    def qa_segments_by_key(self) -> Iterator[SegmentRow]:
        """Every occurrence ordered by ``(file, id, seq)``, for merging with another TM."""
        for row in self.db.execute("SELECT * FROM segments ORDER BY file, id, seq"):
            yield SegmentRow(*row)

    def qa_variants(self, side: str) -> Iterator[tuple[str, str, str, str, str, int]]:
        """Texts of one ``side`` (``source`` or ``target``) with several translations in one locale.

        Yields ``(locale, key_text, other_text, source_raw, target_raw, repetitions)`` per
        variant, ordered by locale, key text and most frequent variant first.
        """
        key, other = ("source_text", "target_text") if side == "source" else ("target_text", "source_text")
        # One grouping pass, then a window count of the variants of each key text: a join of the
        # groups back to the units would scan a locale's units once per group (quadratic).
        yield from self._rows(
            f"WITH v AS (SELECT target_locale, {key} AS k, {other} AS o,"
            f"   MIN(source_raw) FILTER (WHERE repetitions > 0) AS source_raw,"
            f"   MIN(target_raw) FILTER (WHERE repetitions > 0) AS target_raw,"
            f"   SUM(repetitions) FILTER (WHERE repetitions > 0) AS n,"
            f"   COUNT(*) FILTER (WHERE repetitions > 0) AS live"
            f"   FROM units WHERE trim({key}) != '' GROUP BY 1, 2, 3),"
            f" w AS (SELECT *, COUNT(*) OVER (PARTITION BY target_locale, k) AS variants FROM v)"
            f" SELECT target_locale, k, o, source_raw, target_raw, n FROM w"
            f" WHERE variants > 1 AND live > 0 ORDER BY 1, 2, n DESC, 3")

    def qa_locations(self, locale: str, source_text: str, target_text: str,
                     limit: int = 10) -> list[tuple[str, int, str]]:
        """``(file, line, id)`` of the first occurrences of one source/target text pair."""
        return list(self.db.execute(
            "SELECT f.path, o.line, o.seg_id FROM units u JOIN occurrences o ON o.unit_id = u.id"
            " JOIN files f ON f.id = o.file_id"
            " WHERE u.target_locale = ? AND u.source_text = ? AND u.target_text = ?"
            " ORDER BY f.path, o.seq LIMIT ?", (locale, source_text, target_text, limit)))

    def qa_length_quartiles(self, min_chars: int) -> dict[str, tuple[int, float, float, float]]:
        """Per locale, ``(n, q1, median, q3)`` of target/source length over sources of ``min_chars``+."""
        sql = (
            "WITH r AS (SELECT locale, CAST(length(target_text) AS REAL) / length(source_text) AS ratio"
            "   FROM segments WHERE length(source_text) >= ? AND length(target_text) > 0),"
            " ranked AS (SELECT locale, ratio, ROW_NUMBER() OVER (PARTITION BY locale ORDER BY ratio) AS i,"
            "   COUNT(*) OVER (PARTITION BY locale) AS n FROM r)"
            " SELECT locale, n, MAX(CASE WHEN i = 1 + (n - 1) / 4 THEN ratio END),"
            "   MAX(CASE WHEN i = 1 + (n - 1) / 2 THEN ratio END), MAX(CASE WHEN i = 1 + 3 * (n - 1) / 4 THEN ratio END)"
            " FROM ranked GROUP BY locale ORDER BY locale")
        return {locale: (n, q1, q2, q3) for locale, n, q1, q2, q3 in self.db.execute(sql, (min_chars,))}


def codes_from_json(data: str) -> tuple[Code, ...]:
    """Inverse of the ``*_codes`` columns."""
    return tuple(Code(kind, type_, raw, pair) for kind, type_, raw, pair in json.loads(data))


def _migrate(db: sqlite3.Connection) -> None:
    db.execute("CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)")
    done = {name for (name,) in db.execute("SELECT name FROM schema_migrations")}
    for name, script in MIGRATIONS:
        if name in done:
            continue
        db.executescript(f"BEGIN; {script}; INSERT INTO schema_migrations VALUES ('{name}', "
                         f"strftime('%Y-%m-%dT%H:%M:%SZ', 'now')); COMMIT;")


def open_store(path: Path | str, *, readonly: bool = False) -> Store:
    """Open (creating and migrating if needed) the TM at ``path``."""
    path = Path(path)
    try:
        if readonly:  # a TM to read is an input: missing or not a TM is bad input (exit 2)
            if not path.is_file():
                raise InputError(f"{path}: no such translation memory")
            db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
            try:
                db.execute("SELECT 1 FROM files LIMIT 1").fetchall()
            except sqlite3.Error as exc:
                db.close()
                raise InputError(f"{path}: not a tmpipe translation memory ({exc})") from exc
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
        raise OutputError(f"{path}: cannot open translation memory: {exc}") from exc
