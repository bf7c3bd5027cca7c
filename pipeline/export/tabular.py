"""Tables: one row per occurrence (``segments.*``) and one per deduplicated unit (``units.*``).

A table is written in **pieces**: an article's occurrences (``segments``), the units an
article shows first (``units``), in the order of :meth:`Store.segments` and
:meth:`Store.units`.  Each piece has a key that digests every field of its rows, read
without their texts (the article's content hash, locales, unit ids and counts), so a
rebuild writes again only what changed:

- CSV files are spliced by piece (:class:`~.splice.Splicer`): unchanged pieces are copied
  from the previous file.
- Parquet files (and the partitions of the dataset, :mod:`.dataset`) hold one row group
  per **run** of pieces of one locale (pair).  A run ends
  after a piece whose path digest says so (one in :data:`_RUN`), or once it has
  :data:`_BATCH` rows, so an edit moves no boundary but its own; a rebuild copies the
  row groups whose runs are unchanged from the previous file (decoded and encoded again by
  pyarrow, which writes the same bytes) and reads only the others' rows from the TM.
  A run's key digests its pieces' names and keys; the record of the runs is kept like a
  splice record, beside the file's size and modification time.

Either way the file is byte for byte what a fresh export of the same TM writes.
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, fields
from hashlib import blake2b
from itertools import groupby
from operator import itemgetter
from pathlib import Path
from typing import Any

from .. import progress
from ..atomic import atomic_path
from ..store import SegmentRow, Store, UnitRow
from .registry import ExportContext, Output, exporter
from .splice import Splicer, layout, read_record, record_path, write_record

__all__ = ["Group", "Table", "previous_runs", "pyarrow", "tables", "write_csv", "write_parquet", "write_runs"]

#: Rows after which a Parquet run ends whatever its pieces' paths.
_BATCH = 10_000
#: One path in this many ends a Parquet run: about as many articles per row group.
_RUN = 16

Rows = list[tuple[Any, ...]]


@dataclass(frozen=True, slots=True)
class Group:
    """The pieces of one locale (``segments``) or locale pair (``units``): a row group never spans two."""

    locale: str
    """The target locale."""
    sources: frozenset[str]
    """The source locales of its rows."""
    pieces: list[tuple[str, str, int]]
    """``(name, key, rows)`` of each piece, in table order."""
    load: Callable[[list[str]], Iterator[Rows]]
    """The rows of the named pieces (in table order), one list per piece."""


@dataclass(frozen=True, slots=True)
class Table:
    name: str
    row_type: type
    groups: Callable[[], Iterator[Group]]
    """The table's groups, in table order (by target locale)."""


def _key(*parts: Any) -> str:
    return blake2b(repr(parts).encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


_PATH = itemgetter(0)


def _segment_groups(store: Store) -> Iterator[Group]:
    for locale in store.locales():
        pieces, sources = [], set()
        for path, rows in groupby(store.article_units(locale), key=_PATH):
            occurrences = list(rows)
            _, sha, source_locale, _ = occurrences[0]
            pieces.append((path, _key(locale, sha, source_locale, [row[3] for row in occurrences]),
                           len(occurrences)))
            sources.add(source_locale)

        progress.expect(len(pieces))

        def load(paths: list[str], locale: str = locale) -> Iterator[Rows]:
            for _, rows in store.article_segment_tuples(locale, paths):
                progress.advance()
                yield rows
        yield Group(locale, frozenset(sources), pieces, load)


def _unit_groups(store: Store) -> Iterator[Group]:
    for source_locale, target_locale in store.locale_pairs():
        pieces = []
        for path, group in groupby(store.first_unit_keys(source_locale, target_locale), key=_PATH):
            units = list(group)
            pieces.append((path, _key(source_locale, target_locale, units[0][1], [row[2:] for row in units]),
                           len(units)))

        progress.expect(len(pieces))

        def load(paths: list[str], pair: tuple[str, str] = (source_locale, target_locale)) -> Iterator[Rows]:
            for _, rows in store.article_first_units(*pair, paths):
                progress.advance()
                yield rows
        yield Group(target_locale, frozenset({source_locale}), pieces, load)


def tables(ctx: ExportContext) -> list[Table]:
    store = ctx.store
    return [Table("segments", SegmentRow, lambda: _segment_groups(store)),
            Table("units", UnitRow, lambda: _unit_groups(store))]


def _csv(rows: Rows | list[list[str]]) -> str:
    text = io.StringIO()
    csv.writer(text).writerows(rows)
    return text.getvalue()


@exporter("csv", description="segments.csv (one row per occurrence) and units.csv (one per unit)")
def write_csv(ctx: ExportContext) -> Iterator[Output]:
    """``segments.csv`` and ``units.csv``: UTF-8, header row, RFC 4180 quoting."""
    for table in tables(ctx):
        rel = f"{table.name}.csv"
        count = 0
        with Splicer(ctx.out, rel, layout("csv", table.name)) as doc:
            doc.write(_csv([[f.name for f in fields(table.row_type)]]))
            for group in table.groups():
                stale = [name for name, key, _ in group.pieces if not doc.reusable(name, key)]
                rows = group.load(stale)
                for name, key, size in group.pieces:
                    if doc.reuse(name, key, {}) is None:
                        doc.add(name, key, _csv(next(rows)), None, size)
                    count += size
        yield Output(rel, "csv", count, extra={"table": table.name})


def pyarrow() -> tuple[Any, Any]:
    """``(pyarrow, pyarrow.parquet)``, imported on first use, with the system allocator unless the
    user chose one: pyarrow's default (mimalloc) keeps ~60 MB of arenas for the life of the process."""
    os.environ.setdefault("ARROW_DEFAULT_MEMORY_POOL", "system")
    import pyarrow as pa
    import pyarrow.parquet as pq
    return pa, pq


def _runs(pieces: list[tuple[str, str, int]]) -> Iterator[list[tuple[str, str, int]]]:
    """The pieces of a group cut into runs (one row group each)."""
    run: list[tuple[str, str, int]] = []
    rows = 0
    for piece in pieces:
        run.append(piece)
        rows += piece[2]
        if rows >= _BATCH or blake2b(piece[0].encode("utf-8", "surrogatepass"), digest_size=1).digest()[0] % _RUN == 0:
            yield run
            run, rows = [], 0
    if run:
        yield run


def previous_runs(pq: Any, dest: Path, record_path: Path, layout_key: str) -> tuple[Any, dict[str, Any]]:
    """The previous Parquet file ``dest`` (open) and its runs ``{key: [row group, rows]}`` as recorded
    at ``record_path``, when they can be reused; else ``(None, {})``."""
    runs = read_record(dest, record_path, layout_key)
    if not runs:
        return None, {}
    try:
        old = pq.ParquetFile(dest)
        groups = old.metadata.num_row_groups
        if all(0 <= at < groups and old.metadata.row_group(at).num_rows == rows for at, rows in runs.values()):
            return old, runs
        old.close()
    except (OSError, ValueError, TypeError):  # pyarrow's errors derive from these
        pass
    return None, {}


def write_runs(pa: Any, writer: Any, schema: Any, groups: Iterable[Group], old: Any, previous: dict[str, Any],
               drop: int | None = None) -> tuple[int, dict[str, list[int]]]:
    """Write ``groups`` with Parquet ``writer``, one row group per run: copied from the ``old`` file
    when ``previous`` records the run, else read from the TM (leaving out field ``drop`` of each row).
    Returns the rows written and the runs to record."""
    written: dict[str, list[int]] = {}
    count = 0
    for group in groups:
        runs = [(_key([piece[:2] for piece in run]), run) for run in _runs(group.pieces)]
        rows = group.load([name for key, run in runs if key not in previous for name, _, _ in run])
        for key, run in runs:
            size = sum(piece[2] for piece in run)
            if key in previous:
                writer.write_table(old.read_row_group(previous[key][0]), row_group_size=size)
            else:
                writer.write_batch(_batch(pa, [row for _ in run for row in next(rows)], schema, drop),
                                   row_group_size=size)
            written[key] = [len(written), size]
            count += size
    return count, written


@exporter("parquet", description="segments.parquet and units.parquet, the same tables as CSV")
def write_parquet(ctx: ExportContext) -> Iterator[Output]:
    """``segments.parquet`` and ``units.parquet``, one row group per run of pieces (needs pyarrow)."""
    pa, pq = pyarrow()

    for table in tables(ctx):
        rel = f"{table.name}.parquet"
        dest, record = ctx.out / rel, record_path(ctx.out, rel)
        layout_key = layout("parquet", table.name, pa.__version__)
        schema = pa.schema([(f.name, pa.int64() if f.type == "int" else pa.string())
                            for f in fields(table.row_type)])
        old, previous = previous_runs(pq, dest, record, layout_key)
        try:
            with atomic_path(dest) as tmp, pq.ParquetWriter(tmp, schema) as writer:
                count, runs = write_runs(pa, writer, schema, table.groups(), old, previous)
                if not count:
                    writer.write_table(schema.empty_table())
        finally:
            if old is not None:
                old.close()
        write_record(dest, record, layout_key, runs)
        yield Output(rel, "parquet", count, extra={"table": table.name})


def _batch(pa: Any, rows: Rows, schema: Any, drop: int | None = None) -> Any:
    """A record batch from row tuples (field ``drop`` left out), built column by column."""
    columns = list(zip(*rows))
    if drop is not None:
        del columns[drop]
    return pa.RecordBatch.from_arrays([pa.array(column, type=field.type) for column, field in
                                       zip(columns, schema)], schema=schema)
