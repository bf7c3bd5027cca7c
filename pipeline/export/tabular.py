"""Tables: one row per occurrence (``segments.*``) and one per deduplicated unit (``units.*``)."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import astuple, fields
from typing import Any

from ..atomic import atomic_open, atomic_path
from ..store import SegmentRow, UnitRow
from .registry import ExportContext, Output, exporter

__all__ = ["write_csv", "write_parquet"]

_BATCH = 10_000


def _units(ctx: ExportContext) -> Iterator[UnitRow]:
    for source_locale, target_locale in ctx.store.locale_pairs():
        yield from ctx.store.units(source_locale, target_locale)


def _tables(ctx: ExportContext) -> list[tuple[str, type, Iterator[Any]]]:
    """``(name, row type, rows)`` for each table, rows streamed from the store."""
    return [("segments", SegmentRow, ctx.store.segments()), ("units", UnitRow, _units(ctx))]


@exporter("csv")
def write_csv(ctx: ExportContext) -> Iterator[Output]:
    """``segments.csv`` and ``units.csv``: UTF-8, header row, RFC 4180 quoting."""
    for name, row_type, rows in _tables(ctx):
        count = 0
        with atomic_open(ctx.out / f"{name}.csv", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow([f.name for f in fields(row_type)])
            for row in rows:
                writer.writerow(astuple(row))
                count += 1
        yield Output(f"{name}.csv", "csv", count, extra={"table": name})


@exporter("parquet")
def write_parquet(ctx: ExportContext) -> Iterator[Output]:
    """``segments.parquet`` and ``units.parquet``, written in row groups (needs pyarrow)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    for name, row_type, rows in _tables(ctx):
        schema = pa.schema([(f.name, pa.int64() if f.type == "int" else pa.string())
                            for f in fields(row_type)])
        count = 0
        with atomic_path(ctx.out / f"{name}.parquet") as tmp, pq.ParquetWriter(tmp, schema) as writer:
            batch: list[dict[str, Any]] = []
            for row in rows:
                batch.append({f.name: getattr(row, f.name) for f in fields(row_type)})
                if len(batch) == _BATCH:
                    writer.write_table(pa.Table.from_pylist(batch, schema))
                    count, batch = count + len(batch), []
            writer.write_table(pa.Table.from_pylist(batch, schema))
            count += len(batch)
        yield Output(f"{name}.parquet", "parquet", count, extra={"table": name})
