"""The TM's schema: named migrations, each a file of SQL in ``migrations/``, applied in order.

Tables: ``files`` (one row per article, with its content hash and front matter),
``units`` (deduplicated source/target pairs per locale pair, with repetition counts and first
occurrence), ``occurrences`` (every extracted pair, pointing at its file and unit, with its
origin), ``anomalies`` and ``unpaired`` (front matter text with no twin).  The ``segments`` view
joins them into one row per occurrence.

A migration is recorded in ``schema_migrations`` once applied; append one, never edit a released
one (each file says why it exists).
"""

from __future__ import annotations

from importlib import resources

__all__ = ["MIGRATIONS", "READER_INDEXES", "FIRST"]

#: ``(name, SQL)`` of every migration, in order.
MIGRATIONS: tuple[tuple[str, str], ...] = tuple(
    (entry.name.removesuffix(".sql"), entry.read_text(encoding="utf-8"))
    for entry in sorted(resources.files(__package__).joinpath("migrations").iterdir(), key=lambda e: e.name)
    if entry.name.endswith(".sql"))

#: Indexes extraction does not read as it writes (QA and the exporters use them, pruning the unused
#: one), by the migration that made them: a large write drops them and builds them again at the end,
#: in one sorted pass, which costs a fraction of keeping them up to date row by row.
READER_INDEXES = {index: dict(MIGRATIONS)[migration] for index, migration in (
    ("units_by_source_text", "0002_units_by_source_text"), ("units_by_target_text", "0007_units_by_target_text"),
    ("units_by_length_ratio", "0008_units_by_length_ratio"), ("units_by_first", "0009_units_by_first"),
    ("units_unused", "0010_units_unused"))}

#: A unit's first occurrence in corpus order (path, then position), the one its provenance comes
#: from: the expression of migration ``0006_units_first``, which the store keeps up to date.
FIRST = ("(SELECT o.id FROM occurrences o JOIN files f ON f.id = o.file_id"
         " WHERE o.unit_id = units.id ORDER BY f.path, o.seq LIMIT 1)")
