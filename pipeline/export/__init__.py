"""Exporters, one module per format, found by name in :data:`EXPORTERS`."""

from . import tabular  # noqa: F401  (registers csv, parquet)
from .registry import EXPORTERS, ExportContext, ExportOptions, Output, exporter, get_exporter

__all__ = ["EXPORTERS", "ExportContext", "ExportOptions", "Output", "exporter", "get_exporter"]
