"""QA reports, one module per format, found by name in :data:`REPORTS`."""

from . import junit, qa_html, qa_json, qa_markdown, sarif  # noqa: F401  (register the formats)
from .registry import REPORTS, ReportContext, Reporter, get_report, report

__all__ = ["DEFAULT_REPORTS", "REPORTS", "ReportContext", "Reporter", "get_report", "report"]

#: Reports ``tmpipe qa`` and ``tmpipe build`` write.
DEFAULT_REPORTS = ("qa-json", "junit", "sarif", "qa-markdown", "qa-html")
