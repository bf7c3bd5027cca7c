"""How a segment is kept in the TM: its raw text, its plain text, and its codes with their places.

``units.source_codes``/``target_codes`` hold a JSON list of ``[start, end, kind, type, pair]``,
one per inline code, ``start``/``end`` being the code's place in the raw text (``[]`` for a
segment without markup, most of them).  The text runs are what lies between codes, so a
segment's runs come back exactly as extraction found them (it never makes an empty text run
nor two in a row) without parsing the markup again.
"""

from __future__ import annotations

import json

from ..model import Code, Run, Segment, Text

__all__ = ["encode", "decode", "NO_CODES"]

#: The codes of a segment without markup.
NO_CODES = "[]"
_EMPTY = Segment(())
_JSON = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))
_LOADS = json.JSONDecoder().decode


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
