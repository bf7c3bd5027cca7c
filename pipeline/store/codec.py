"""How the TM keeps a segment and gives its rows back: the per-row work of the store.

``units.source_codes``/``target_codes`` hold a JSON list of ``[start, end, kind, type, pair]``,
one per inline code, ``start``/``end`` being the code's place in the raw text (``[]`` for a
segment without markup, most of them).  The text runs are what lies between codes, so a
segment's runs come back exactly as extraction found them (it never makes an empty text run
nor two in a row) without parsing the markup again.

The row makers turn the columns of a query (:mod:`.read`, :mod:`.qa`) into typed rows
(:mod:`pipeline.rows`), and a Document's pairs into the columns :mod:`.write` inserts.  They are
the reference of the compiled core's ``ccodec`` (``pipeline.core``): same rows for any input.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from ..model import Code, Pair, Run, Segment, Text
from ..rows import ArticleRow, OccurrenceRow, QaUnit, UnitRow

__all__ = ["NO_CODES", "OCCURRENCE_COLUMNS", "UNIT_COLUMNS", "QA_UNIT_COLUMNS", "decode", "encode",
           "occurrence_rows", "pair_rows", "qa_unit_rows", "unit_key", "unit_rows"]

#: The codes of a segment without markup.
NO_CODES = "[]"
_EMPTY = Segment(())
_JSON = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))
_LOADS = json.JSONDecoder().decode

#: What :func:`occurrence_rows` reads, in order (``o``: occurrences, ``u``: units).
OCCURRENCE_COLUMNS = ("o.file_id, o.seq, o.seg_id, o.line, o.end_line, o.unit_id, u.source_raw, u.source_codes,"
                      " u.target_raw, u.target_codes, o.origin, o.score")
#: What :func:`unit_rows` reads, in order (``o``: the unit's first occurrence).
UNIT_COLUMNS = ("u.id, u.key, u.source_locale, u.target_locale, u.source_raw, u.source_codes, u.target_raw,"
                " u.target_codes, u.repetitions, u.mt_repetitions, o.file_id, o.seg_id, o.line, o.origin, o.score")
#: What :func:`qa_unit_rows` reads, in order.
QA_UNIT_COLUMNS = ("key, id, target_locale, source_locale, source_raw, source_codes, target_raw, target_codes,"
                   " source_text, target_text")


def encode(segment: Segment) -> tuple[str, str, str]:
    """``(raw, text, codes)`` of a segment, in one pass over its runs."""
    runs = segment.runs
    if len(runs) == 1 and type(runs[0]) is Text:  # plain text: most segments
        return runs[0].raw, runs[0].text, NO_CODES
    raws: list[str] = []
    texts: list[str] = []
    codes: list[list[object]] = []
    at = 0
    for run in runs:
        raw = run.raw
        if type(run) is Text:
            texts.append(run.text)
        else:
            assert isinstance(run, Code)
            codes.append([at, at + len(raw), run.kind, run.type, run.pair])
        raws.append(raw)
        at += len(raw)
    return "".join(raws), "".join(texts), _JSON.encode(codes) if codes else NO_CODES


def decode(raw: str, codes: str) -> Segment:
    """The segment stored as ``raw`` with ``codes`` (inverse of :func:`encode`)."""
    if codes == NO_CODES:
        return Segment((Text(raw),)) if raw else _EMPTY
    runs: list[Run] = []
    at = 0
    for start, end, kind, type_, pair in _LOADS(codes):
        if start > at:
            runs.append(Text(raw[at:start]))
        runs.append(Code(kind, type_, raw[start:end], pair))
        at = end
    if at < len(raw):
        runs.append(Text(raw[at:]))
    return Segment(tuple(runs))


def unit_key(source_locale: str, target_locale: str, source: str, target: str) -> bytes:
    """A unit's identity: BLAKE2b-128 of the four parts, each followed by NUL (TMX's ``tuid`` is
    its hex form)."""
    data = f"{source_locale}\0{target_locale}\0{source}\0{target}\0".encode("utf-8", "surrogatepass")
    return hashlib.blake2b(data, digest_size=16).digest()


# -- rows -------------------------------------------------------------------------------------
# ``article(file_id)`` gives the ArticleRow of a file: asked once per run of rows of one file,
# so the rows of an article share one object (and the query reads no article column per row).

Article = Callable[[int], ArticleRow]


def occurrence_rows(rows: Iterable[Any], article: Article) -> Iterator[OccurrenceRow]:
    """Occurrences from rows of :data:`OCCURRENCE_COLUMNS`."""
    current: ArticleRow | None = None
    file_id = None
    for fid, seq, seg_id, line, end_line, unit_id, source_raw, source_codes, target_raw, target_codes, origin, \
            score in rows:
        if fid != file_id:
            file_id = fid
            current = article(fid)
        assert current is not None
        yield OccurrenceRow(current, seq, seg_id, line, end_line, unit_id, decode(source_raw, source_codes),
                            decode(target_raw, target_codes), origin, score)


def unit_rows(rows: Iterable[Any], article: Article) -> Iterator[UnitRow]:
    """Units with their first occurrence from rows of :data:`UNIT_COLUMNS`."""
    current: ArticleRow | None = None
    file_id = None
    for unit_id, key, source_locale, target_locale, source_raw, source_codes, target_raw, target_codes, \
            repetitions, mt_repetitions, fid, seg_id, line, origin, score in rows:
        if fid != file_id:
            file_id = fid
            current = article(fid)
        assert current is not None
        yield UnitRow(unit_id, key, source_locale, target_locale, decode(source_raw, source_codes),
                      decode(target_raw, target_codes), repetitions, mt_repetitions, current, seg_id, line,
                      origin, score)


def qa_unit_rows(rows: Iterable[Any]) -> Iterator[QaUnit]:
    """What segment checks see, from rows of :data:`QA_UNIT_COLUMNS`."""
    for key, unit_id, locale, source_locale, source_raw, source_codes, target_raw, target_codes, source_text, \
            target_text in rows:
        yield QaUnit(key, unit_id, locale, source_locale, source_raw, target_raw, source_text, target_text,
                     decode(source_raw, source_codes), decode(target_raw, target_codes))


def pair_rows(pairs: Iterable[Pair], source_locale: str, locale: str) -> tuple[list[tuple[Any, ...]],
                                                                             list[tuple[Any, ...]]]:
    """The ``units`` columns (``key`` to ``target_codes``) and the occurrence columns (``seq``
    to ``score``) of each pair, unit keys, plain texts and codes computed once, here."""
    units = []
    occurrences = []
    for seq, pair in enumerate(pairs):
        source_raw, source_text, source_codes = encode(pair.source)
        target_raw, target_text, target_codes = encode(pair.target)
        units.append((unit_key(source_locale, locale, source_raw, target_raw), source_locale, locale,
                      source_raw, target_raw, source_text, target_text, source_codes, target_codes))
        occurrences.append((seq, pair.id, pair.line, pair.end_line, pair.origin, pair.score))
    return units, occurrences
