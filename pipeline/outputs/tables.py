"""Writing a table as Parquet: a file, or a dataset of one file per target locale (Hive layout).

Rows stream from the TM in runs of articles (a run ends after an article whose path digest
says so, one in :data:`_RUN`, or once it has :data:`_BATCH` rows), one row group each: memory
stays flat however large the TM is, and an edit moves no row-group boundary but its own.
A dataset is written beside the old one and swapped in at the end, so readers never see a
half-written or stale mix of partitions.  A dataset's files carry the build signature in
their schema metadata (``tmpipe.signature``).
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from hashlib import blake2b
from itertools import groupby
from pathlib import Path
from typing import Any
from urllib.parse import quote

from .. import progress
from ..atomic import atomic_path
from ..errors import OutputError
from ..export.registry import Table
from ..output import Output
from ..store import Store

__all__ = ["pyarrow", "write_table"]

#: Rows after which a run ends whatever its articles' paths.
_BATCH = 10_000
#: One path in this many ends a run: about as many articles per row group.
_RUN = 16


def pyarrow() -> tuple[Any, Any]:
    """``(pyarrow, pyarrow.parquet)``, imported on first use, with the system allocator unless the
    user chose one: pyarrow's default (mimalloc) keeps ~60 MB of arenas for the life of the process."""
    os.environ.setdefault("ARROW_DEFAULT_MEMORY_POOL", "system")
    import pyarrow as pa
    import pyarrow.parquet as pq
    return pa, pq


def _groups(table: Table, store: Store, locale: str | None = None) -> Iterator[Iterator[Any]]:
    """The table's rows (of one target locale) in table order, by group: a locale's occurrences,
    or a locale pair's units (a row group never spans two)."""
    if table.name == "segments":
        for each in [locale] if locale else store.locales():
            yield store.segments(each)
        return
    for source, target in store.locale_pairs():
        if locale is None or target == locale:
            yield store.units(source, target)


def _runs(groups: Iterator[Iterator[Any]]) -> Iterator[list[Any]]:
    """Each group's rows cut into runs of whole articles (one row group each)."""
    for rows in groups:
        run: list[Any] = []
        for path, same in groupby(rows, key=lambda row: row.article.path):
            run.extend(same)
            if len(run) >= _BATCH or blake2b(path.encode("utf-8", "surrogatepass"), digest_size=1).digest()[0] % _RUN == 0:
                yield run
                run = []
        if run:
            yield run


def _write(pa: Any, pq: Any, dest: Path, table: Table, groups: Iterator[Iterator[Any]],
           metadata: dict[str, str] | None, drop: str | None = None) -> tuple[int, set[str]]:
    """Write the groups' rows to the Parquet file ``dest``; the rows written and their source locales."""
    columns = [name for name in table.columns if name != drop]
    schema = pa.schema([(name, getattr(pa, table.types.get(name, "string"))()) for name in columns],
                       metadata=metadata)
    keep = [at for at, name in enumerate(table.columns) if name != drop]
    where = table.columns.index("source_locale")
    count, sources = 0, set[str]()
    with pq.ParquetWriter(dest, schema) as writer:
        for run in _runs(groups):
            progress.advance(len(run))
            cells = [table.cells(row) for row in run]
            sources.update(row[where] for row in cells)
            arrays = [pa.array([row[at] for row in cells], type=field.type) for at, field in zip(keep, schema)]
            writer.write_batch(pa.RecordBatch.from_arrays(arrays, schema=schema), row_group_size=len(run))
            count += len(run)
        if not count:
            writer.write_table(schema.empty_table())
    return count, sources


def write_table(table: Table, store: Store, out: Path, signature: dict[str, Any]) -> list[Output]:
    """Write one table (a file, or a dataset's partitions); the manifest entries of its files."""
    pa, pq = pyarrow()
    progress.expect(lambda: sum(store.pairs_by_locale().values()) if table.name == "segments" else store.unit_count())
    if table.partition is None:
        with atomic_path(out / table.path) as tmp:
            count, _ = _write(pa, pq, tmp, table, _groups(table, store), None)
        return [Output(table.path, "parquet", count, extra={"table": table.name})]
    metadata = {"tmpipe.signature": json.dumps(signature, ensure_ascii=False, sort_keys=True)}
    final = out / table.path
    staging, old = final.parent / f".{final.name}-new", final.parent / f".{final.name}-old"
    outputs = []
    try:
        for stale in (staging, old):
            shutil.rmtree(stale, ignore_errors=True)
        staging.mkdir(parents=True)
        for locale in store.locales():
            rel = f"target_locale={quote(locale, safe='')}/part-0.parquet"
            (staging / rel).parent.mkdir()
            count, sources = _write(pa, pq, staging / rel, table, _groups(table, store, locale), metadata,
                                    drop=table.partition)
            if not count:
                shutil.rmtree((staging / rel).parent)
                continue
            outputs.append(Output(f"{table.path}/{rel}", "parquet-dataset", count,
                                  next(iter(sources)) if len(sources) == 1 else None, locale,
                                  {"table": table.name, "partitioning": "hive"}))
        if final.exists():
            final.rename(old)
        staging.rename(final)
        shutil.rmtree(old, ignore_errors=True)
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise OutputError(f"{final}: cannot write the Parquet dataset: {exc.strerror or exc}") from exc
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return outputs
