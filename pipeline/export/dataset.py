"""``parquet-dataset``: the TM as a Parquet dataset partitioned by target locale.

Layout (Hive partitioning, which Spark, DuckDB, Dask, pandas and pyarrow read
directly)::

    OUT/dataset/segments/target_locale=fr-FR/part-0.parquet   one row per occurrence
    OUT/dataset/units/target_locale=fr-FR/part-0.parquet      one row per deduplicated unit

Principles:

1. The partition column lives in the folder name only (``target_locale=…``,
   URI-escaped as Hive layouts do); the files hold every other column of
   :class:`~pipeline.store.SegmentRow` / :class:`~pipeline.store.UnitRow`.
2. Rows stream from the store in runs of articles (about 16, at most ~10,000
   rows), one row group each: memory stays flat however large the TM is.  A
   rebuild copies the row groups of unchanged runs from the current dataset
   and reads only the others from the TM (:mod:`.tabular`).
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
from collections.abc import Iterator
from dataclasses import fields
from itertools import groupby
from operator import attrgetter
from pathlib import Path
from typing import Any
from urllib.parse import quote

from ..errors import OutputError
from .registry import ExportContext, Output, exporter
from .splice import CACHE, layout, write_record
from .tabular import Table, previous_runs, pyarrow, tables, write_runs

__all__ = ["write_dataset", "PARTITION", "FOLDER"]

#: The partition key, as it appears in folder names.
PARTITION = "target_locale"
#: The dataset's folder below the output directory.
FOLDER = "dataset"


def _schema(pa: Any, row_type: type, locale_field: str, metadata: dict[str, str]) -> tuple[Any, int]:
    """The schema of a table's files (every field but the partition key) and the key's field index."""
    names = [f.name for f in fields(row_type)]
    return pa.schema([(f.name, pa.int64() if f.type == "int" else pa.string()) for f in fields(row_type)
                      if f.name != locale_field], metadata=metadata), names.index(locale_field)


def _partition(table: str, locale: str) -> str:
    return f"{table}/{PARTITION}={quote(locale, safe='')}/part-0.parquet"


def _write_table(pa: Any, pq: Any, out: Path, staging: Path, table: Table, locale_field: str, layout_key: str,
                 metadata: dict[str, str]) -> Iterator[tuple[str, int, set[str], dict[str, Any]]]:
    """Write one table's partitions below ``staging``, reusing the row groups of the current dataset's
    (:func:`~.tabular.write_runs`); yield ``(locale, rows, source locales, runs to record)``."""
    schema, drop = _schema(pa, table.row_type, locale_field, metadata)
    for locale, same_locale in groupby(table.groups(), key=attrgetter("locale")):
        groups = [group for group in same_locale if group.pieces]
        if not groups:
            continue
        rel = _partition(table.name, locale)
        old, previous = previous_runs(pq, out / FOLDER / rel, _record(out, rel), layout_key)
        (staging / rel).parent.mkdir(parents=True)
        try:
            with pq.ParquetWriter(staging / rel, schema) as writer:
                count, runs = write_runs(pa, writer, schema, groups, old, previous, drop)
        finally:
            if old is not None:
                old.close()
        yield locale, count, set().union(*(group.sources for group in groups)), runs


def _record(out: Path, rel: str) -> Path:
    return out / CACHE / FOLDER / f"{rel}.json"


def _swap(staging: Path, final: Path, old: Path) -> None:
    """Put ``staging`` in the place of ``final``; the previous dataset is removed."""
    if final.exists():
        final.rename(old)
    staging.rename(final)
    shutil.rmtree(old, ignore_errors=True)


@exporter("parquet-dataset", description="the tables as a Hive-partitioned Parquet dataset by target locale (dataset/)")
def write_dataset(ctx: ExportContext) -> Iterator[Output]:
    """``dataset/{segments,units}/target_locale=xx-YY/part-0.parquet``: the TM for Spark, DuckDB, Dask."""
    pa, pq = pyarrow()
    final, staging, old = ctx.out / FOLDER, ctx.out / f".{FOLDER}-new", ctx.out / f".{FOLDER}-old"
    metadata = {"tmpipe.signature": json.dumps(ctx.signature, ensure_ascii=False, sort_keys=True)}
    locale_fields = {"segments": "locale", "units": "target_locale"}
    layouts = {name: layout("parquet-dataset", name, pa.__version__) for name in locale_fields}
    outputs: list[Output] = []
    records: dict[str, tuple[str, dict[str, Any]]] = {}  # partition → (layout, runs)
    try:
        for stale in (staging, old):
            shutil.rmtree(stale, ignore_errors=True)
        for table in tables(ctx):
            (staging / table.name).mkdir(parents=True)
            for locale, count, sources, runs in _write_table(pa, pq, ctx.out, staging, table, locale_fields[table.name],
                                                             layouts[table.name], metadata):
                rel = _partition(table.name, locale)
                records[rel] = (layouts[table.name], runs)
                outputs.append(Output(
                    f"{FOLDER}/{rel}", "parquet-dataset", count,
                    source_locale=next(iter(sources)) if len(sources) == 1 else None, target_locale=locale,
                    extra={"table": table.name, "partitioning": "hive"}))
        _swap(staging, final, old)
        for rel, (layout_key, runs) in records.items():
            write_record(final / rel, _record(ctx.out, rel), layout_key, runs)
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise OutputError(f"{final}: cannot write the Parquet dataset: {exc.strerror or exc}") from exc
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    yield from outputs
