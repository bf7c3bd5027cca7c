"""Extraction: Markdown articles with side-by-side span pairs to Documents."""

from .document import decode, extract_bytes, extract_file, path_locale
from .inline import parse_segment
from .spans import scan_pairs

__all__ = ["decode", "extract_bytes", "extract_file", "parse_segment", "path_locale", "scan_pairs"]
