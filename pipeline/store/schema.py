"""The TM's schema: tables, indexes and the named migrations that build them.

Tables: ``files`` (one row per article, with its content hash and front matter),
``units`` (deduplicated source/target pairs per locale pair, with repetition counts),
``occurrences`` (every extracted pair, pointing at its file and unit, with its origin),
``anomalies`` and ``unpaired`` (front matter text with no twin).  The ``segments`` view
joins them into one row per occurrence.

Migrations are applied in order and recorded in ``schema_migrations``; append, never
edit a released one.
"""

from __future__ import annotations

__all__ = ["MIGRATIONS", "READER_INDEXES", "FIRST"]

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
FIRST = ("(SELECT o.id FROM occurrences o JOIN files f ON f.id = o.file_id"
          " WHERE o.unit_id = units.id ORDER BY f.path, o.seq LIMIT 1)")

#: ``units.first`` kept by :class:`Store` like the counts: exporters read each unit with its
#: first occurrence by a join instead of sorting every unit's occurrences on each export.
_UNITS_FIRST = f"ALTER TABLE units ADD COLUMN first INTEGER; UPDATE units SET first = {FIRST}"

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

#: Inline codes are stored with their place in the raw text (``[start, end, kind, type, pair]``,
#: :mod:`.codec`), so readers rebuild each segment's runs without parsing it again; pairs carry
#: their origin (``span``/``aligned``) and the aligner's score.  Codes stored before held no place:
#: their units are dropped and every article is read again by the next build.
_LOCATED_CODES = """
ALTER TABLE occurrences ADD COLUMN origin TEXT NOT NULL DEFAULT 'span';
ALTER TABLE occurrences ADD COLUMN score REAL;
DELETE FROM occurrences;
DELETE FROM units;
UPDATE files SET sha256 = '', stat = NULL;
DROP VIEW segments;
CREATE VIEW segments AS
SELECT f.locale AS locale, f.path AS file, o.line AS line, o.end_line AS end_line,
       o.seg_id AS id, u.source_raw, u.target_raw, u.source_text, u.target_text,
       f.translation_type, f.source_commit, f.locfileid, f.lasthandoff, f.source_locale,
       u.id AS unit_id, o.seq AS seq, o.origin AS origin, o.score AS score
FROM occurrences o JOIN files f ON f.id = o.file_id JOIN units u ON u.id = o.unit_id
"""

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
    ("0011_located_codes", _LOCATED_CODES),
)

