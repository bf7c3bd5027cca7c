"""Malformed pairs: what extraction could not read as a pair (from the TM's anomalies)."""

from __future__ import annotations

from collections.abc import Iterator

from ..store import Store
from .findings import Finding
from .registry import CheckContext, check

__all__ = ["malformed_pair"]

#: Anomaly kinds that concern a whole file's reading rather than one span pair.
_FILE_KINDS = {"front-matter", "locale", "skipped", "encoding", "binary", "read-error"}


@check("malformed-pair", severity="error", scope="corpus", file_level_severity="warning")
def malformed_pair(store: Store, ctx: CheckContext) -> Iterator[Finding]:
    """Span markup that could not be read as a pair (broken quoting, orphan spans...).

    Anomalies about a whole file (front matter, locale, unreadable) get the
    ``file_level_severity`` option's severity.
    """
    for row in store.anomalies():
        file_level = row.kind in _FILE_KINDS
        severity = ctx.options["file_level_severity"] if file_level and ctx.severity == ctx.info.severity \
            else ctx.severity
        yield Finding(ctx.info.id, severity, row.locale, row.file, row.line, row.seg_id,
                      row.snippet if not file_level else "", "", f"{row.kind}: {row.message}",
                      {"kind": row.kind, "snippet": row.snippet}, key=f"{row.kind}:{row.snippet}")
