"""Tables: one row per occurrence (``segments.*``) and one per deduplicated unit (``units.*``)."""

from __future__ import annotations

import csv
import os
from collections.abc import Iterator
from dataclasses import fields
from itertools import islice
from typing import Any

from ..atomic import atomic_open, atomic_path
from ..store import SegmentRow, UnitRow
from .registry import ExportContext, Output, exporter

__all__ = ["pyarrow", "write_csv", "write_parquet"]

_BATCH = 10_000


def _units(ctx: ExportContext) -> Iterator[tuple[Any, ...]]:
    for source_locale, target_locale in ctx.store.locale_pairs():
        yield from ctx.store.unit_tuples(source_locale, target_locale)


def _tables(ctx: ExportContext) -> list[tuple[str, type, Iterator[tuple[Any, ...]]]]:
    """``(name, row type, rows)`` for each table: rows are plain tuples in the row type's field order,
    streamed from the store."""
    return [("segments", SegmentRow, ctx.store.segment_tuples()), ("units", UnitRow, _units(ctx))]


class _Counted:
    """An iterator that counts what passed through it."""

    def __init__(self, rows: Iterator[tuple[Any, ...]]) -> None:
        self.rows, self.count = rows, 0

    def __iter__(self) -> Iterator[tuple[Any, ...]]:
        for row in self.rows:
            self.count += 1
            yield row


@exporter("csv")
def write_csv(ctx: ExportContext) -> Iterator[Output]:
    """``segments.csv`` and ``units.csv``: UTF-8, header row, RFC 4180 quoting."""
    for name, row_type, rows in _tables(ctx):
        counted = _Counted(rows)
        with atomic_open(ctx.out / f"{name}.csv", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow([f.name for f in fields(row_type)])
            writer.writerows(counted)
        yield Output(f"{name}.csv", "csv", counted.count, extra={"table": name})


def pyarrow() -> tuple[Any, Any]:
    """``(pyarrow, pyarrow.parquet)``, imported on first use, with the system allocator unless the
    user chose one: pyarrow's default (mimalloc) keeps ~60 MB of arenas for the life of the process."""
    os.environ.setdefault("ARROW_DEFAULT_MEMORY_POOL", "system")
    import pyarrow as pa
    import pyarrow.parquet as pq
    return pa, pq


@exporter("parquet")
def write_parquet(ctx: ExportContext) -> Iterator[Output]:
    """``segments.parquet`` and ``units.parquet``, one row group per :data:`_BATCH` rows (needs pyarrow)."""
    pa, pq = pyarrow()

    for name, row_type, rows in _tables(ctx):
        schema = pa.schema([(f.name, pa.int64() if f.type == "int" else pa.string())
                            for f in fields(row_type)])
        count = 0
        with atomic_path(ctx.out / f"{name}.parquet") as tmp, pq.ParquetWriter(tmp, schema) as writer:
            while batch := list(islice(rows, _BATCH)):
                writer.write_batch(_batch(pa, batch, schema))
                count += len(batch)
            if not count:
                writer.write_table(schema.empty_table())
        yield Output(f"{name}.parquet", "parquet", count, extra={"table": name})


def _batch(pa: Any, rows: list[tuple[Any, ...]], schema: Any) -> Any:
    """A record batch from row tuples, built column by column."""
    return pa.RecordBatch.from_arrays([pa.array(column, type=field.type) for column, field in
                                       zip(zip(*rows), schema)], schema=schema)
