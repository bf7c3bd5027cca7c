"""Exporters, one module per format, found by name in :data:`FORMATS`; each is a pure renderer of
typed rows (see :mod:`.registry`)."""

from . import tmx, xliff12, xliff2, po, tabular  # noqa: F401  (register the formats, in this order)
from .registry import (FORMATS, Document, DocumentContext, ExportOptions, Format, Part, Stream, Table, get_format)

__all__ = ["FORMATS", "Document", "DocumentContext", "ExportOptions", "Format", "Part", "Stream", "Table",
           "get_format"]
