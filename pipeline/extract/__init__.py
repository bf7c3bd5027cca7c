"""Extraction: Markdown articles with side-by-side span pairs to Documents.

``scan_pairs`` and ``parse_segment`` are the compiled core's when it is in use (``pipeline.core``).
"""

from ..core import twin
from . import inline
from .document import decode, extract_bytes, extract_file, path_locale, scan_pairs

__all__ = ["decode", "extract_bytes", "extract_file", "parse_segment", "path_locale", "scan_pairs"]

parse_segment = twin(inline.parse_segment, "pipeline.extract.cinline")
