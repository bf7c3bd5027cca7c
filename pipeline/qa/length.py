"""Length-ratio outliers: targets far longer or shorter than their locale's usual ratio.

The usual ratio is learnt per locale from the TM itself (quartiles of
``len(target) / len(source)`` computed in SQL), so Japanese being shorter than
English or French longer is no finding; a target outside Tukey's far-out fences
on the log ratio (``fence`` × the inter-quartile range) is.

Deliberately not flagged: a long target whose length a translator's note in parentheses explains
(the English kept with a translation beside it), or whose source holds an acronym (the
translation may spell it out).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator

from ..store import Store
from .findings import Finding
from .registry import CheckContext, check

__all__ = ["length_ratio"]


@check("length-ratio", severity="info", scope="corpus", fence=3.0, min_chars=20, min_segments=50)
def length_ratio(store: Store, ctx: CheckContext) -> Iterator[Finding]:
    """Target length is an outlier for its locale (far from the usual target/source ratio)."""
    min_chars = ctx.options["min_chars"]
    bounds = {}
    for locale, (n, q1, median, q3) in store.qa_length_quartiles(min_chars).items():
        if n < ctx.options["min_segments"] or not q1 or not q3:
            continue
        lq1, lq3 = math.log(q1), math.log(q3)
        spread = ctx.options["fence"] * max(lq3 - lq1, 0.05)
        bounds[locale] = (math.exp(lq1 - spread), math.exp(lq3 + spread), median)
    if not bounds:
        return
    for locale in sorted(bounds):  # Store.segments() order: locale, file, pair
        low, high, median = bounds[locale]
        for row in store.qa_length_outliers(locale, min_chars, low, high):
            if len(row.source_text) < min_chars or not row.target_text:
                continue
            ratio = len(row.target_text) / len(row.source_text)
            if ratio > high and _explained(row.source_text, row.target_text, high):
                continue
            if ratio < low or ratio > high:
                side = "short" if ratio < low else "long"
                yield Finding(ctx.info.id, ctx.severity, locale, row.file, row.line, row.id, row.source_raw,
                              row.target_raw, f"target is unusually {side}: length ratio {ratio:.2f}, usual for "
                              f"{locale} {median:.2f} (expected {low:.2f}–{high:.2f})",
                              {"ratio": round(ratio, 3), "median": round(median, 3), "low": round(low, 3),
                               "high": round(high, 3)})


_PARENTHESIS = re.compile(r"\s*[(（][^()（）]*[)）]")
_ACRONYM = re.compile(r"\b[A-Z]{2,6}s?\b")


def _explained(source: str, target: str, high: float) -> bool:
    """Whether a long target is long for a reason a reader wants: a translator's note in
    parentheses that the source does not have (``Review (Überprüfen)``), or the expansion of an
    acronym of the source (``WBS`` → *structure de répartition du travail*)."""
    if _ACRONYM.search(source):
        return True
    if "(" not in target and "（" not in target:
        return False
    kept = source.count("(") + source.count("（")
    notes = _PARENTHESIS.findall(target)
    if len(notes) <= kept:
        return False
    return len(_PARENTHESIS.sub("", target)) / len(source) <= high
