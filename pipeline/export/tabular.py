"""Tables: one row per occurrence (``segments``) and one per deduplicated unit (``units``).

``csv`` writes ``segments.csv`` and ``units.csv`` (UTF-8, a header row, RFC 4180 quoting),
an article's rows at a time; ``parquet`` writes ``segments.parquet`` and ``units.parquet``;
``parquet-dataset`` writes both tables partitioned by target locale, in Hive layout, for
Spark, DuckDB, Dask or pandas::

    OUT/dataset/segments/target_locale=fr-FR/part-0.parquet   one row per occurrence
    OUT/dataset/units/target_locale=fr-FR/part-0.parquet      one row per deduplicated unit

The columns are those of the TM's ``segments`` view and of its units with their first
occurrence; a dataset's partition column lives in the folder name only.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from typing import Any

from ..core import twin
from ..output import Output, Rendered
from ..rows import OccurrenceRow, UnitRow
from .registry import Document, DocumentContext, Format, Part, Table, register

__all__ = ["CSV", "PARQUET", "DATASET", "SEGMENT_COLUMNS", "UNIT_COLUMNS", "segment_cells", "unit_cells"]

#: The columns of ``segments.*``: an occurrence, its article and its unit.
SEGMENT_COLUMNS = ("locale", "file", "line", "end_line", "id", "source_raw", "target_raw", "source_text",
                   "target_text", "translation_type", "source_commit", "locfileid", "lasthandoff", "source_locale",
                   "unit_id", "seq", "origin", "score")
#: The columns of ``units.*``: a unit and its first occurrence.
UNIT_COLUMNS = ("id", "source_locale", "target_locale", "source_raw", "target_raw", "source_text", "target_text",
                "repetitions", "mt_repetitions", "file", "seg_id", "line", "translation_type", "source_commit",
                "locfileid", "lasthandoff", "origin", "score")
_SEGMENT_TYPES = {"line": "int64", "end_line": "int64", "unit_id": "int64", "seq": "int64", "score": "float64"}
_UNIT_TYPES = {"id": "int64", "repetitions": "int64", "mt_repetitions": "int64", "line": "int64", "score": "float64"}


def segment_cells(row: OccurrenceRow) -> tuple[Any, ...]:
    """An occurrence's cells, in :data:`SEGMENT_COLUMNS` order."""
    article = row.article
    return (article.locale, article.path, row.line, row.end_line, row.id, row.source.raw, row.target.raw,
            row.source.text, row.target.text, article.translation_type, article.source_commit, article.locfileid,
            article.lasthandoff, article.source_locale, row.unit_id, row.seq, row.origin, row.score)


def unit_cells(unit: UnitRow) -> tuple[Any, ...]:
    """A unit's cells, in :data:`UNIT_COLUMNS` order."""
    article = unit.article
    return (unit.id, unit.source_locale, unit.target_locale, unit.source.raw, unit.target.raw, unit.source.text,
            unit.target.text, unit.repetitions, unit.mt_repetitions, article.path, unit.seg_id, unit.line,
            article.translation_type, article.source_commit, article.locfileid, article.lasthandoff, unit.origin,
            unit.score)


def _csv(rows: list[tuple[Any, ...]] | list[tuple[str, ...]]) -> str:
    text = io.StringIO()
    csv.writer(text).writerows(rows)
    return text.getvalue()


def _csv_part(cells: Callable[[Any], tuple[Any, ...]]) -> Callable[[Part[Any]], Rendered]:
    def render(part: Part[Any]) -> Rendered:
        return Rendered(_core_csv([cells(row) for row in part.rows]), {"units": len(part.rows)})
    return render


def _table_output(rel: str, table: str) -> Callable[[dict[str, int]], Output]:
    return lambda counts: Output(rel, "csv", counts.get("units", 0), extra={"table": table})


def _csv_files(ctx: DocumentContext) -> list[Document[Any]]:
    locales = tuple(dict.fromkeys(target for _, target in ctx.pairs))
    return [Document("segments.csv", "articles", _csv([SEGMENT_COLUMNS]), "", _csv_part(_core_segment_cells),
                     _table_output("segments.csv", "segments"), tuple((locale, None) for locale in locales)),
            Document("units.csv", "units", _csv([UNIT_COLUMNS]), "", _csv_part(_core_unit_cells),
                     _table_output("units.csv", "units"), tuple((target, source) for source, target in ctx.pairs))]


def _tables(folder: str, suffix: str, dataset: bool) -> Callable[[DocumentContext], list[Table]]:
    def files(ctx: DocumentContext) -> list[Table]:
        return [Table(f"{folder}segments{suffix}", "segments", SEGMENT_COLUMNS, _core_segment_cells, _SEGMENT_TYPES,
                      "locale" if dataset else None),
                Table(f"{folder}units{suffix}", "units", UNIT_COLUMNS, _core_unit_cells, _UNIT_TYPES,
                      "target_locale" if dataset else None)]
    return files


CSV = register(Format("csv", "segments.csv (one row per occurrence) and units.csv (one per unit)", _csv_files))
PARQUET = register(Format("parquet", "segments.parquet and units.parquet, the same tables as CSV", _tables("", ".parquet", False)))
DATASET = register(Format("parquet-dataset", "the tables as a Hive-partitioned Parquet dataset by target locale (dataset/)",
                          _tables("dataset/", "", True)))

#: The cells and the CSV writer on the core in use (``pipeline.core``).
_core_segment_cells = twin(segment_cells, "pipeline.export.ctabular")
_core_unit_cells = twin(unit_cells, "pipeline.export.ctabular")
_core_csv = twin(_csv, "pipeline.export.ctabular")
