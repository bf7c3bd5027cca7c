"""``parquet-dataset``: the TM as a Parquet dataset partitioned by target locale.

Layout (Hive partitioning, which Spark, DuckDB, Dask, pandas and pyarrow read
directly)::

    OUT/dataset/segments/target_locale=fr-FR/part-0.parquet   one row per occurrence
    OUT/dataset/units/target_locale=fr-FR/part-0.parquet      one row per deduplicated unit

Principles:

1. The partition column lives in the folder name only (``target_locale=…``,
   URI-escaped as Hive layouts do); the files hold every other column of
   :class:`~pipeline.store.SegmentRow` / :class:`~pipeline.store.UnitRow`.
2. Rows stream from the store in batches of :data:`BATCH` straight into one
   row group each: memory stays flat however large the TM is.
3. The whole dataset is written beside the old one and swapped in at the end,
   so readers never see a half-written or stale mix of partitions.
4. Every file's schema metadata carries the build signature (``tmpipe.signature``).

Reading it back::

    pyarrow.dataset.dataset("OUT/dataset/segments", partitioning="hive")
    dask.dataframe.read_parquet("OUT/dataset/segments")
    duckdb: SELECT * FROM read_parquet('OUT/dataset/segments/*/*.parquet', hive_partitioning = true)
    spark.read.parquet("OUT/dataset/segments")
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Iterable, Iterator
from dataclasses import fields
from itertools import groupby, islice
from operator import attrgetter
from pathlib import Path
from typing import Any
from urllib.parse import quote

from ..errors import OutputError
from ..store import SegmentRow, UnitRow
from .registry import ExportContext, Output, exporter
from .tabular import pyarrow

__all__ = ["write_dataset", "BATCH", "PARTITION", "FOLDER"]

#: Rows per Parquet row group (and per batch held in memory).
BATCH = 10_000
#: The partition key, as it appears in folder names.
PARTITION = "target_locale"
#: The dataset's folder below the output directory.
FOLDER = "dataset"


def _columns(row_type: type, locale_field: str) -> list[tuple[str, str]]:
    """``(name, type)`` of the columns written: every field but the partition key."""
    return [(f.name, "int" if f.type == "int" else "str") for f in fields(row_type) if f.name != locale_field]


def _unit_rows(ctx: ExportContext) -> Iterator[UnitRow]:
    for source_locale, target_locale in ctx.store.locale_pairs():  # ordered by target locale
        yield from ctx.store.units(source_locale, target_locale)


def _write_table(pa: Any, pq: Any, root: Path, table: str, rows: Iterable[Any], row_type: type,
                 locale_field: str, metadata: dict[str, str]) -> Iterator[tuple[str, int, set[str]]]:
    """Write one table's partitions under ``root/table``; yield ``(locale, rows, source locales)``."""
    columns = _columns(row_type, locale_field)
    schema = pa.schema([(name, pa.int64() if kind == "int" else pa.string()) for name, kind in columns],
                       metadata=metadata)
    values = attrgetter(*(name for name, _ in columns))
    source_locale = attrgetter("source_locale")
    for locale, group in groupby(rows, key=attrgetter(locale_field)):
        folder = root / table / f"{PARTITION}={quote(locale, safe='')}"
        folder.mkdir(parents=True)
        count, sources = 0, set[str]()
        with pq.ParquetWriter(folder / "part-0.parquet", schema) as writer:
            while batch := list(islice(group, BATCH)):
                sources.update(map(source_locale, batch))
                arrays = [pa.array(column, type=field.type)
                          for column, field in zip(zip(*map(values, batch)), schema)]
                writer.write_batch(pa.RecordBatch.from_arrays(arrays, schema=schema))
                count += len(batch)
        yield locale, count, sources


def _swap(staging: Path, final: Path, old: Path) -> None:
    """Put ``staging`` in the place of ``final``; the previous dataset is removed."""
    if final.exists():
        final.rename(old)
    staging.rename(final)
    shutil.rmtree(old, ignore_errors=True)


@exporter("parquet-dataset")
def write_dataset(ctx: ExportContext) -> Iterator[Output]:
    """``dataset/{segments,units}/target_locale=xx-YY/part-0.parquet``: the TM for Spark, DuckDB, Dask."""
    pa, pq = pyarrow()
    final, staging, old = ctx.out / FOLDER, ctx.out / f".{FOLDER}-new", ctx.out / f".{FOLDER}-old"
    metadata = {"tmpipe.signature": json.dumps(ctx.signature, ensure_ascii=False, sort_keys=True)}
    tables: list[tuple[str, Callable[[], Iterable[Any]], type, str]] = [
        ("segments", lambda: ctx.store.segments(), SegmentRow, "locale"),
        ("units", lambda: _unit_rows(ctx), UnitRow, "target_locale"),
    ]
    outputs: list[Output] = []
    try:
        for stale in (staging, old):
            shutil.rmtree(stale, ignore_errors=True)
        for table, rows, row_type, locale_field in tables:
            (staging / table).mkdir(parents=True)
            for locale, count, sources in _write_table(pa, pq, staging, table, rows(), row_type, locale_field,
                                                       metadata):
                outputs.append(Output(
                    f"{FOLDER}/{table}/{PARTITION}={quote(locale, safe='')}/part-0.parquet", "parquet-dataset", count,
                    source_locale=next(iter(sources)) if len(sources) == 1 else None, target_locale=locale,
                    extra={"table": table, "partitioning": "hive"}))
        _swap(staging, final, old)
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise OutputError(f"{final}: cannot write the Parquet dataset: {exc.strerror or exc}") from exc
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    yield from outputs
