"""Version drift against an earlier TM (``--baseline TM``): one side changed, the other did not.

Both TMs are streamed ordered by ``(file, id)`` and merged, so memory stays flat.
A segment whose source changed while its target stayed the same is a stale
translation; one whose target changed while its source stayed the same is a
translation edit that deserves a review.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator

from .. import progress
from ..rows import OccurrenceRow
from ..store import Store
from .findings import Finding
from .registry import CheckContext, check
from .text import collapse

__all__ = ["version_drift"]


def _keyed(rows: Iterator[OccurrenceRow]) -> Iterator[tuple[tuple[str, str], list[OccurrenceRow]]]:
    for key, group in itertools.groupby(rows, key=lambda r: (r.article.path, r.id)):
        yield key, list(group)


@check("version-drift", severity="warning", scope="corpus", needs="baseline", report_target_edits=True)
def version_drift(store: Store, ctx: CheckContext) -> Iterator[Finding]:
    """Since the baseline TM, a source changed but not its target (or a target but not its source).

    Target edits are ``info`` (``report_target_edits = false`` drops them).
    """
    assert ctx.baseline is not None
    old_iter = _keyed(ctx.baseline.qa_segments_by_key())
    old = next(old_iter, None)
    for key, rows in _keyed(store.qa_segments_by_key()):
        progress.advance(len(rows))
        while old is not None and old[0] < key:
            old = next(old_iter, None)
        if old is None or old[0] != key:
            continue
        for row, before in zip(rows, old[1]):
            source_raw, target_raw = row.source.raw, row.target.raw
            same_source = collapse(source_raw) == collapse(before.source.raw)
            same_target = collapse(target_raw) == collapse(before.target.raw)
            if same_source == same_target:
                continue
            if not same_source:
                message, reason = "source changed since the baseline but the target did not", "stale-target"
                severity = ctx.severity
            elif ctx.options["report_target_edits"]:
                message, reason = "target changed since the baseline but the source did not", "target-edited"
                severity = "info"
            else:
                continue
            yield Finding(ctx.info.id, severity, row.article.locale, row.article.path, row.line, row.id, source_raw,
                          target_raw, message, {"reason": reason, "baseline_source": before.source.raw,
                                                "baseline_target": before.target.raw}, key=reason)
