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
from .registry import CheckContext, Parts, check
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


def _variants(store: Store, side: str, limit: int, only: frozenset[tuple[str, ...]] | None = None
              ) -> Iterator[tuple[Any, ...]]:
    """The rows of :meth:`Store.qa_variants`, same rows in the same order, each followed by the
    :meth:`Store.qa_locations` of its text pair (at most ``limit``): ``(locale, key_text,
    other_text, source_raw, target_raw, repetitions, [(file, line, id), ...])``.

    One query instead of one per variant: the key texts with two or more other texts are listed
    first (a grouping pass over the texts alone), only their units are grouped with their raw
    texts, and each variant's first occurrences are numbered by a window over its units'
    occurrences (a unit that no longer occurs adds no row, as in ``qa_locations``).  With
    ``only``, only the groups of those ``(locale, key_text)`` are looked at.

    TODO: read-only SQL that belongs in the store: proposed ``Store.qa_variants(side,
    locations=N)`` (the store's own grouping over every unit and one ``qa_locations`` query per
    variant were most of the time of the consistency checks).
    """
    key, other = ("source_text", "target_text") if side == "source" else ("target_text", "source_text")
    # CROSS JOIN: scan the units once, probing the few candidate keys (not a scan per key)
    units = f"units u CROSS JOIN c ON c.l = u.target_locale AND c.k = u.{key}"
    if only is None:
        candidates = "units u"
    else:  # the few keys first, each looking its units up (an index, or one SQLite makes for the query)
        store.db.execute(f"CREATE TEMP TABLE IF NOT EXISTS qa_only_{side} (l TEXT, k TEXT, PRIMARY KEY (l, k))")
        store.db.execute(f"DELETE FROM temp.qa_only_{side}")
        store.db.executemany(f"INSERT OR IGNORE INTO temp.qa_only_{side} VALUES (?, ?)", sorted(only))
        candidates = f"temp.qa_only_{side} q CROSS JOIN units u ON u.target_locale = q.l AND u.{key} = q.k"
        units = f"c CROSS JOIN units u ON c.l = u.target_locale AND c.k = u.{key}"
    sql = (f"WITH c AS MATERIALIZED (SELECT u.target_locale AS l, u.{key} AS k FROM {candidates}"
           f"   WHERE trim(u.{key}) != '' GROUP BY 1, 2 HAVING COUNT(DISTINCT u.{other}) > 1),"
           f" v AS MATERIALIZED (SELECT u.target_locale AS l, u.{key} AS k, u.{other} AS o,"
           f"   MIN(u.source_raw) FILTER (WHERE u.repetitions > 0) AS source_raw,"
           f"   MIN(u.target_raw) FILTER (WHERE u.repetitions > 0) AS target_raw,"
           f"   SUM(u.repetitions) FILTER (WHERE u.repetitions > 0) AS n,"
           f"   COUNT(*) FILTER (WHERE u.repetitions > 0) AS live, json_group_array(u.id) AS ids"
           f"   FROM {units} GROUP BY 1, 2, 3),"
           # the occurrences of a variant's units (ids kept above: no second lookup by text)
           f" w AS (SELECT v.l, v.k, v.o, v.source_raw, v.target_raw, v.n, f.path, oc.line, oc.seg_id,"
           f"   ROW_NUMBER() OVER (PARTITION BY v.l, v.k, v.o ORDER BY f.path, oc.seq) AS rn"
           f"   FROM v, json_each(v.ids) j LEFT JOIN occurrences oc ON oc.unit_id = j.value"
           f"   LEFT JOIN files f ON f.id = oc.file_id"
           f"   WHERE v.live > 0 AND (f.id IS NOT NULL OR NOT EXISTS (SELECT 1 FROM json_each(v.ids) j2"
           f"     JOIN occurrences o2 ON o2.unit_id = j2.value)))"
           # the variant's own columns on its first row only: its other rows carry a location
           f" SELECT rn, CASE WHEN rn = 1 THEN l END, CASE WHEN rn = 1 THEN k END, CASE WHEN rn = 1 THEN o END,"
           f"   CASE WHEN rn = 1 THEN source_raw END, CASE WHEN rn = 1 THEN target_raw END, n, path, line, seg_id"
           f" FROM w WHERE rn <= ? ORDER BY w.l, w.k, w.n DESC, w.o, w.rn")
    most = limit if limit >= 0 else 2 ** 62  # as qa_locations' LIMIT: a negative one is no limit
    variant: tuple[Any, ...] | None = None
    for rn, locale, key_text, other_text, source_raw, target_raw, n, path, line, seg_id in store.db.execute(
            sql, (max(most, 1),)):
        if rn == 1:
            if variant is not None:
                yield variant
            variant = (locale, key_text, other_text, source_raw, target_raw, n, [])
        if path is not None and rn <= most:
            assert variant is not None
            variant[6].append((path, line, seg_id))
    if variant is not None:
        yield variant


def _groups(store: Store, ctx: CheckContext, side: str) -> Iterator[Finding]:
    other_side = "target" if side == "source" else "source"
    min_words = ctx.options["min_words"]
    limit = ctx.options["max_locations"]
    rows = _variants(store, side, limit, ctx.only)
    for (locale, key_text), group in itertools.groupby(rows, key=lambda r: (r[0], r[1])):
        if len(_norm(key_text).split()) < min_words:
            continue
        variants: dict[str, dict[str, Any]] = {}
        for _, _, other_text, source_raw, target_raw, count, located in group:
            norm = _norm(other_text) if side == "source" else _source_norm(other_text)
            entry = variants.setdefault(norm, {"text": other_text, "count": 0, "located": [],
                                               "source_raw": source_raw, "target_raw": target_raw})
            entry["count"] += count
            entry["located"].append(located)  # qa_locations of (key_text, other_text)
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


def _part(finding: Finding) -> tuple[str, str]:
    """A finding's text group: its locale and the text of its key (``source:…``, ``target:…``)."""
    return finding.locale, finding.key.partition(":")[2]


@check("inconsistent-target", severity="warning", scope="corpus", parts=Parts("source", _part),
       min_words=1, max_variants=20, max_locations=10)
def inconsistent_target(store: Store, ctx: CheckContext) -> Iterator[Finding]:
    """One source has several different translations in one locale."""
    yield from _groups(store, ctx, "source")


@check("inconsistent-source", severity="info", scope="corpus", parts=Parts("target", _part),
       min_words=1, max_variants=20, max_locations=10)
def inconsistent_source(store: Store, ctx: CheckContext) -> Iterator[Finding]:
    """One translation is used for several different sources in one locale.

    Deliberately not flagged: sources that differ only trivially (case, articles, punctuation or
    a space before it, a plural ``s``, *Click* for *Select*): one translation fits them all.
    """
    yield from _groups(store, ctx, "target")
