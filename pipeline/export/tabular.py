"""Tables: one row per occurrence (``segments.*``) and one per deduplicated unit (``units.*``)."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import fields
from operator import attrgetter
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
        columns = [f.name for f in fields(row_type)]
        values = attrgetter(*columns)  # a flat tuple; dataclasses.astuple deep-copies every value
        with atomic_open(ctx.out / f"{name}.csv", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(columns)
            for row in rows:
                writer.writerow(values(row))
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
        columns = [f.name for f in fields(row_type)]
        values = attrgetter(*columns)
        count = 0
        with atomic_path(ctx.out / f"{name}.parquet") as tmp, pq.ParquetWriter(tmp, schema) as writer:
            batch: list[tuple[Any, ...]] = []
            for row in rows:
                batch.append(values(row))
                if len(batch) == _BATCH:
                    writer.write_table(_table(pa, batch, schema))
                    count, batch = count + len(batch), []
            writer.write_table(_table(pa, batch, schema))
            count += len(batch)
        yield Output(f"{name}.parquet", "parquet", count, extra={"table": name})


def _table(pa: Any, rows: list[tuple[Any, ...]], schema: Any) -> Any:
    """A pyarrow table from row tuples, built column by column."""
    return pa.Table.from_arrays([pa.array(column, type=field.type) for column, field in
                                 zip(zip(*rows) if rows else [()] * len(schema), schema)], schema=schema)
