"""Writing a table as Parquet: a file, or a dataset of one file per target locale (Hive layout).

Rows stream from the TM in runs of articles (a run ends after an article whose path digest
says so, one in :data:`_RUN`, or once it has :data:`_BATCH` rows), one row group each: memory
stays flat however large the TM is, and an edit moves no row-group boundary but its own.  A
run whose articles' parts (:mod:`.parts`) are unchanged is copied from the previous file's
row group (:class:`~.fragments.RowGroups`); only the others' rows are read from the TM.
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
from pathlib import Path
from typing import Any
from urllib.parse import quote

from .. import progress
from ..atomic import atomic_path
from ..errors import OutputError
from ..export.registry import Table
from ..output import Output
from ..store import Store
from .fragments import RowGroups, layout
from .parts import PartKey, digest, part_keys, part_rows

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


def _groups(table: Table, store: Store, locale: str | None = None) -> Iterator[tuple[str, str, str | None]]:
    """The table's row groups' sources (of one target locale), in table order: a locale's
    occurrences, or a locale pair's units (a row group never spans two), as ``(shape, target,
    source)`` of :mod:`.parts`."""
    if table.name == "segments":
        for each in [locale] if locale else store.locales():
            yield "articles", each, None
        return
    for source, target in store.locale_pairs():
        if locale is None or target == locale:
            yield "units", target, source


def _runs(parts: Iterator[PartKey]) -> Iterator[list[PartKey]]:
    """Parts cut into runs of whole articles (one row group each): a run ends after an article
    whose path digest says so, or once it holds :data:`_BATCH` rows."""
    run: list[PartKey] = []
    rows = 0
    for part in parts:
        run.append(part)
        rows += part.rows
        if rows >= _BATCH or blake2b(part.path.encode("utf-8", "surrogatepass"), digest_size=1).digest()[0] % _RUN == 0:
            yield run
            run, rows = [], 0
    if run:
        yield run


def _write(pa: Any, pq: Any, dest: Path, table: Table, store: Store, groups: Iterator[tuple[str, str, str | None]],
           record: RowGroups, metadata: dict[str, str] | None, drop: str | None = None) -> int:
    """Write the groups' rows to the Parquet file ``dest``, copying the runs ``record`` finds in
    the previous file; the rows written."""
    columns = [name for name in table.columns if name != drop]
    schema = pa.schema([(name, getattr(pa, table.types.get(name, "string"))()) for name in columns],
                       metadata=metadata)
    keep = [at for at, name in enumerate(table.columns) if name != drop]
    old = _previous(pq, record, schema)
    count = 0
    with pq.ParquetWriter(dest, schema) as writer:
        for shape, target, source in groups:
            runs = [(run, digest([(part.path, part.key) for part in run]), sum(part.rows for part in run))
                    for run in _runs(part_keys(store, shape, target, source))]
            held = [None if old is None else record.held(run[0].path, key, size) for run, key, size in runs]
            rows = part_rows(store, shape, target, source,
                             sorted(part.path for (run, _, _), at in zip(runs, held) if at is None for part in run))
            for (run, key, size), at in zip(runs, held):
                if at is not None:
                    writer.write_table(old.read_row_group(at), row_group_size=size)
                else:
                    cells = [table.cells(row) for _ in run for row in next(rows)]
                    arrays = [pa.array([row[at] for row in cells], type=field.type) for at, field in zip(keep, schema)]
                    writer.write_batch(pa.RecordBatch.from_arrays(arrays, schema=schema), row_group_size=size)
                record.add(run[0].path, key, size)
                progress.advance(size)
                count += size
        if not count:
            writer.write_table(schema.empty_table())
    return count


def _previous(pq: Any, record: RowGroups, schema: Any) -> Any:
    """The previous file, open, when its record can be used: it has every recorded row group,
    with the rows recorded, and the new file's schema (not its metadata)."""
    if not record.previous:
        return None
    try:
        old = pq.ParquetFile(record.old)
        meta = old.metadata
        if old.schema_arrow.remove_metadata() == schema.remove_metadata() and all(
                0 <= at < meta.num_row_groups and meta.row_group(at).num_rows == rows
                for _, at, rows in record.previous.values()):
            return old
    except (OSError, ValueError, TypeError):
        pass
    return None


def write_table(table: Table, store: Store, out: Path, signature: dict[str, Any]) -> list[Output]:
    """Write one table (a file, or a dataset's partitions); the manifest entries of its files."""
    pa, pq = pyarrow()
    progress.expect(lambda: sum(store.pairs_by_locale().values()) if table.name == "segments" else store.unit_count())
    if table.partition is None:
        record = RowGroups(out, table.path, layout("parquet", table.path))
        with atomic_path(out / table.path) as tmp:
            count = _write(pa, pq, tmp, table, store, _groups(table, store), record, None)
        record.commit(out / table.path)
        return [Output(table.path, "parquet", count, extra={"table": table.name})]
    metadata = {"tmpipe.signature": json.dumps(signature, ensure_ascii=False, sort_keys=True)}
    final = out / table.path
    staging, old = final.parent / f".{final.name}-new", final.parent / f".{final.name}-old"
    outputs, records = [], []
    try:
        for stale in (staging, old):
            shutil.rmtree(stale, ignore_errors=True)
        staging.mkdir(parents=True)
        for locale in store.locales():
            rel = f"target_locale={quote(locale, safe='')}/part-0.parquet"
            (staging / rel).parent.mkdir()
            record = RowGroups(out, f"{table.path}/{rel}", layout("parquet-dataset", table.path, rel), final / rel)
            count = _write(pa, pq, staging / rel, table, store, _groups(table, store, locale), record, metadata,
                           drop=table.partition)
            if not count:
                shutil.rmtree((staging / rel).parent)
                continue
            sources = {source for source, target in store.locale_pairs() if target == locale}
            records.append((record, final / rel))
            outputs.append(Output(f"{table.path}/{rel}", "parquet-dataset", count,
                                  next(iter(sources)) if len(sources) == 1 else None, locale,
                                  {"table": table.name, "partitioning": "hive"}))
        if final.exists():
            final.rename(old)
        staging.rename(final)
        shutil.rmtree(old, ignore_errors=True)
        for record, dest in records:
            record.commit(dest)
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise OutputError(f"{final}: cannot write the Parquet dataset: {exc.strerror or exc}") from exc
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return outputs
