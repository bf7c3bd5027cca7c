"""Consistency across files: one source with several targets, one target for several sources.

Grouping is SQL aggregation over the deduplicated units (memory stays flat);
variants that differ only in whitespace, NBSP or bidi control marks count as
one.  Each finding sits at the first occurrence of a less frequent variant and
lists every variant with its count and where it occurs.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from typing import Any

from ..store import Store
from .findings import Finding
from .registry import CheckContext, check
from .text import collapse

__all__ = ["inconsistent_target", "inconsistent_source"]

_BIDI = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]")


def _norm(text: str) -> str:
    return collapse(_BIDI.sub("", text))


#: Articles and punctuation: sources differing in these alone say the same.
_TRIVIAL = re.compile(r"\b(?:a|an|the)\b|[^\w\s]")
#: English UI verbs that style guides swap for one another (Click/Select the button).
_UI_VERBS = {"click": "select", "choose": "select", "tap": "select", "pick": "select"}


def _source_norm(text: str) -> str:
    """A source with what does not change its meaning left out: case, articles, punctuation and
    the space before it, plural ``s``, the UI verb (``Click``/``Select``)."""
    words = _TRIVIAL.sub(" ", _norm(text).lower()).split()
    return " ".join(_UI_VERBS.get(w, w[:-1] if len(w) > 3 and w.endswith("s") else w) for w in words)


def _groups(store: Store, ctx: CheckContext, side: str) -> Iterator[Finding]:
    other_side = "target" if side == "source" else "source"
    min_words = ctx.options["min_words"]
    limit = ctx.options["max_locations"]
    rows = store.qa_variants(side, limit)
    for (locale, key_text), group in itertools.groupby(rows, key=lambda r: (r.locale, r.key_text)):
        if len(_norm(key_text).split()) < min_words:
            continue
        variants: dict[str, dict[str, Any]] = {}
        for row in group:
            norm = _norm(row.other_text) if side == "source" else _source_norm(row.other_text)
            entry = variants.setdefault(norm, {"text": row.other_text, "count": 0, "located": [],
                                               "source_raw": row.source_raw, "target_raw": row.target_raw})
            entry["count"] += row.repetitions
            entry["located"].append(row.where)
            if len(variants) > ctx.options["max_variants"]:
                break
        if len(variants) < 2:
            continue
        ordered = sorted(variants.values(), key=lambda v: -v["count"])
        listing = []
        for variant in ordered:
            where: list[tuple[str, int, str]] = []
            for located in variant["located"]:
                where += located
            variant["where"] = sorted(where)[:limit]
            listing.append({other_side: variant["text"], "count": variant["count"],
                            "where": [f"{f}:{line}" for f, line, _ in variant["where"]]})
        minority = ordered[1]
        file, line, seg_id = minority["where"][0] if minority["where"] else ("", 0, None)
        summary = ", ".join(f"“{_norm(v[other_side])[:60]}” ×{v['count']}" for v in listing[:4])
        noun = "translations" if side == "source" else "sources"
        yield Finding(ctx.info.id, ctx.severity, locale, file, line, seg_id, minority["source_raw"],
                      minority["target_raw"], f"{len(listing)} different {noun} of this {side} in {locale}: {summary}",
                      {"variants": listing}, key=f"{side}:{key_text}")


@check("inconsistent-target", severity="warning", scope="corpus", min_words=1, max_variants=20, max_locations=10)
def inconsistent_target(store: Store, ctx: CheckContext) -> Iterator[Finding]:
    """One source has several different translations in one locale."""
    yield from _groups(store, ctx, "source")


@check("inconsistent-source", severity="info", scope="corpus", min_words=1, max_variants=20, max_locations=10)
def inconsistent_source(store: Store, ctx: CheckContext) -> Iterator[Finding]:
    """One translation is used for several different sources in one locale.

    Deliberately not flagged: sources that differ only trivially (case, articles, punctuation or
    a space before it, a plural ``s``, *Click* for *Select*): one translation fits them all.
    """
    yield from _groups(store, ctx, "target")
