"""Untranslated segments: an empty target, or a target identical to its source."""

from __future__ import annotations

from collections.abc import Iterator

from .findings import Finding
from .registry import CheckContext, QaSegment, check
from .text import collapse, needs_no_translation

__all__ = ["untranslated"]


@check("untranslated", severity="error")
def untranslated(seg: QaSegment, ctx: CheckContext) -> Iterator[Finding]:
    """Target is empty or identical to the source.

    Identity is judged after decoding entities and collapsing whitespace.  A
    segment that needs no translation (only code, URLs, numbers, punctuation and
    ``do_not_translate`` names) is reported as ``info``.
    """
    target = seg.row.target_raw
    if not seg.identical:
        # the texts differ once collapsed, so when the target collapses to nothing the source does not
        if not (target.strip() if "&" not in target else collapse(target)):
            yield seg.finding(ctx, "target is empty", reason="empty")
        return
    if not (target.strip() if "&" not in target else collapse(target)):  # both empty
        return
    if needs_no_translation(seg.source, ctx.do_not_translate):
        yield seg.finding(ctx, "target identical to source; it holds nothing to translate (code, URLs, "
                          "numbers or do-not-translate names)", severity="info", reason="no-translation-needed")
    else:
        yield seg.finding(ctx, "target identical to source", reason="identical")
