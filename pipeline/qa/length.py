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
from typing import Any

from ..store import Store
from .findings import Finding
from .registry import CheckContext, Parts, check

__all__ = ["length_ratio"]


@check("length-ratio", severity="info", scope="corpus", parts=Parts("locale", lambda f: (f.locale,)),
       fence=3.0, min_chars=20, min_segments=50)
def length_ratio(store: Store, ctx: CheckContext) -> Iterator[Finding]:
    """Target length is an outlier for its locale (far from the usual target/source ratio)."""
    min_chars = ctx.options["min_chars"]
    bounds = {}
    locales = None if ctx.only is None else sorted(locale for locale, *_ in ctx.only)
    for locale, (n, q1, median, q3) in _quartiles(store, min_chars, locales).items():
        if n < ctx.options["min_segments"] or not q1 or not q3:
            continue
        lq1, lq3 = math.log(q1), math.log(q3)
        spread = ctx.options["fence"] * max(lq3 - lq1, 0.05)
        bounds[locale] = (math.exp(lq1 - spread), math.exp(lq3 + spread), median)
    if not bounds:
        return
    for locale in sorted(bounds):  # Store.segments() order: locale, file, pair
        low, high, median = bounds[locale]
        for file, line, seg_id, source_raw, target_raw, source_text, target_text in _outliers(
                store, locale, min_chars, low, high):
            if len(source_text) < min_chars or not target_text:
                continue
            ratio = len(target_text) / len(source_text)
            if ratio > high and _explained(source_text, target_text, high):
                continue
            if ratio < low or ratio > high:
                side = "short" if ratio < low else "long"
                yield Finding(ctx.info.id, ctx.severity, locale, file, line, seg_id, source_raw,
                              target_raw, f"target is unusually {side}: length ratio {ratio:.2f}, usual for "
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


def _quartiles(store: Store, min_chars: int, locales: list[str] | None = None
               ) -> dict[str, tuple[int, Any, Any, Any]]:
    """:meth:`Store.qa_length_quartiles`, same values: the ratios are computed by the same SQL
    expression, once per unit weighted by its repetitions instead of once per occurrence (a
    unit's locale is its articles'), read in order from the store's index on that expression
    (``units_by_length_ratio``).  Memory: nothing per unit.
    ``locales``: only those (None: all).

    TODO: read-only SQL that belongs in the store (proposed as the body of ``qa_length_quartiles``).
    """
    where = "repetitions > 0 AND length(source_text) >= ? AND length(target_text) > 0"
    totals = dict(store.db.execute(f"SELECT target_locale, SUM(repetitions) FROM units WHERE {where} GROUP BY 1",
                                   (min_chars,)))
    found: dict[str, tuple[int, Any, Any, Any]] = {}
    for locale in sorted(totals):
        if locales is not None and locale not in locales:
            continue
        n = totals[locale]  # the ranks of the store's query, from 1: 1 + (n - 1) / 4 ...
        ranks, values, seen = [(n - 1) // 4, (n - 1) // 2, 3 * (n - 1) // 4], [], 0
        # an empty source (min_chars 0) divides by zero: NULL, ranked first
        for ratio, weight in store.db.execute(
                f"SELECT CAST(length(target_text) AS REAL) / length(source_text), repetitions FROM units"
                f" WHERE target_locale = ? AND {where} ORDER BY 1", (locale, min_chars)):
            seen += weight
            while ranks and ranks[0] < seen:
                values.append(ratio)
                ranks.pop(0)
            if not ranks:
                break
        found[locale] = (n, values[0], values[1], values[2])
    return found


def _outliers(store: Store, locale: str, min_chars: int, low: float, high: float) -> Iterator[tuple[Any, ...]]:
    """The occurrences of ``locale`` whose length ratio is outside ``low``–``high``, in corpus order:
    SQL compares the ratios (the same double division as Python) so only outliers are read, looked
    up in the store's ``units_by_length_ratio``.  SQLite's ``length()`` stops at a NUL character, so
    texts holding one are read too, for Python to judge.

    TODO: read-only SQL that belongs in the store (proposed ``Store.qa_length_outliers``).
    """
    sql = ("SELECT f.path, o.line, o.seg_id, u.source_raw, u.target_raw, u.source_text, u.target_text"
           # the locale's units in the store's index on these expressions, then the outliers' occurrences
           " FROM units u CROSS JOIN occurrences o ON o.unit_id = u.id JOIN files f ON f.id = o.file_id"
           " WHERE u.target_locale = ? AND ((length(u.source_text) >= ? AND length(u.target_text) > 0"
           "   AND (CAST(length(u.target_text) AS REAL) / length(u.source_text) < ?"
           "        OR CAST(length(u.target_text) AS REAL) / length(u.source_text) > ?))"
           "   OR instr(CAST(u.source_text AS BLOB), X'00') + instr(CAST(u.target_text AS BLOB), X'00') > 0)"
           " ORDER BY f.path, o.seq")
    for row in store.db.execute(sql, (locale, min_chars, low, high)):
        yield row
