"""Exporters, one module per format, found by name in :data:`EXPORTERS`."""

from . import po, tabular, tmx, xliff2, xliff12  # noqa: F401  (register po, csv, parquet, tmx, xliff-2, xliff-1.2)
from . import dataset  # noqa: F401  (registers parquet-dataset)
from .registry import EXPORTERS, PER_LOCALE, ExportContext, ExportOptions, Output, exporter, get_exporter

__all__ = ["EXPORTERS", "PER_LOCALE", "ExportContext", "ExportOptions", "Output", "exporter", "get_exporter"]
