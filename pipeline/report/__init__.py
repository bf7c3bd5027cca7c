"""QA reports, one module per format, found by name in :data:`REPORTS`; each is a pure renderer of a
run's summary and findings (see :mod:`.registry`)."""

from . import qa_json, junit, sarif, qa_markdown, qa_html  # noqa: F401  (register the formats, in this order)
from .registry import REPORTS, Report, ReportContext, get_report

__all__ = ["DEFAULT_REPORTS", "REPORTS", "Report", "ReportContext", "get_report"]

#: Reports ``tmpipe qa`` and ``tmpipe build`` write.
DEFAULT_REPORTS = ("qa-json", "junit", "sarif", "qa-markdown", "qa-html")
