"""Find side-by-side span pairs in an article's text.

A pair is written::

    <span data-ttu-id="ID">TARGET</span><span class="sxs-lookup"><span data-stu-id="ID">SOURCE</span></span>

Principles:

1. Every ``data-ttu-id=`` occurrence becomes exactly one :class:`Pair` or one
   :class:`Anomaly` with ``ttu=1``, so ``occurrences == pairs + anomalies``.
2. A pair never reaches past the next ``data-ttu-id=``: broken markup can cost
   a pair, never merge two into a wrong one.
3. ``TARGET`` ends at the first ``</span><span class="sxs-lookup">`` twin.
   ``SOURCE`` ends at a ``</span></span>``; when nested spans make several
   candidates possible, the one whose span balance matches the target's wins,
   then the first balanced one, then the first that never closes more spans
   than it opened (link-breaker spans such as ``Company.<span>com`` never close).
4. A ``data-stu-id`` that no pair or anomaly covers is an ``orphan-source``
   anomaly (``ttu=0``).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator
from typing import Union

from ..model import Anomaly, Pair
from .inline import parse_segment

__all__ = ["scan_pairs", "LineIndex"]

_TTU = re.compile(r"data-ttu-id=")
_STU = re.compile(r"data-stu-id=")
_OPEN = re.compile(r'<span data-ttu-id="([^"<>\s]+)">')
_TWIN = re.compile(r'</span><span class="sxs-lookup"><span data-stu-id="([^"<>\s]+)">')
_BROKEN_STU = re.compile(r'data-stu-id="[^"<>]*&quot;')
_SOURCE_CLOSE = "</span></span>"  # every (overlapping) occurrence is a candidate end
_SPAN_OPEN = re.compile(r"<span[\s>]")
_SPAN_CLOSE = re.compile(r"</span>")
_SNIPPET = 160
_LINE_END = re.compile(r"\r\n?|\n")  # CRLF, lone CR and LF each end a line


class LineIndex:
    """Maps string offsets to 1-based line numbers.

    Text without CR (nearly all) is not indexed: lines are counted from the last
    offset asked for, so the in-order lookups of a scan cost one pass in all.
    """

    __slots__ = ("_text", "_starts", "_offset", "_line")

    def __init__(self, text: str) -> None:
        self._text = text
        self._starts = [0] + [m.end() for m in _LINE_END.finditer(text)] if "\r" in text else None
        self._offset, self._line = 0, 1

    def line(self, offset: int) -> int:
        if self._starts is not None:
            return bisect_right(self._starts, offset)
        if offset < 0:
            return 0
        if offset < self._offset:
            self._offset, self._line = 0, 1
        self._line += self._text.count("\n", self._offset, offset)
        self._offset = offset
        return self._line


def _snippet(text: str, start: int) -> str:
    line_end = _LINE_END.search(text, start)
    end = min(start + _SNIPPET, line_end.start() if line_end else len(text))
    return text[max(0, start - 6):end]


def _balance(raw: str) -> tuple[int, bool]:
    """(opened - closed spans, whether no prefix closes more than it opened)."""
    if "span" not in raw:
        return 0, True
    events = sorted(
        [(m.start(), 1) for m in _SPAN_OPEN.finditer(raw)]
        + [(m.start(), -1) for m in _SPAN_CLOSE.finditer(raw)]
    )
    depth, ok = 0, True
    for _, step in events:
        depth += step
        ok = ok and depth >= 0
    return depth, ok


def _source_end(text: str, start: int, limit: int, target_excess: int) -> int | None:
    """Offset where the source's inner text ends, or None if no candidate fits.

    Candidates are every (overlapping) ``</span></span>`` before ``limit`` whose
    prefix never closes more spans than it opened; the first whose balance is
    the target's wins, else the first balanced one, else the first.
    """
    first = balanced = None
    at = text.find(_SOURCE_CLOSE, start, limit)
    while at >= 0:
        excess, ok = _balance(text[start:at])
        if ok:
            if excess == target_excess:
                return at
            if first is None:
                first = at
            if balanced is None and excess == 0:
                balanced = at
        at = text.find(_SOURCE_CLOSE, at + 1, limit)
    return balanced if balanced is not None else first


def _classify(text: str, pos: int, limit: int) -> tuple[str, str, str | None]:
    """Why the occurrence at ``pos`` is not a well-formed pair: (kind, message, id)."""
    if text.startswith("data-ttu-id=&quot;", pos):
        quoted = re.match(r"data-ttu-id=&quot;([^&\s<>\"]+)&quot;", text[pos:limit])
        return ("swallowed", "pair written with &quot; quoting, swallowed by an earlier broken attribute",
                quoted.group(1) if quoted else None)
    value = re.match(r'data-ttu-id="([^"<>]*)', text[pos:limit])
    if value and "&quot;" in value.group(1):
        seg_id = value.group(1).split("&quot;")[0]
        return "broken-quote", f"id attribute {seg_id!r} is closed by &quot; instead of a quote", seg_id
    if pos < 6 or not _OPEN.match(text, pos - 6):
        seg_id = value.group(1) if value else None
        return "malformed", "data-ttu-id is not in a <span data-ttu-id=\"…\"> tag", seg_id
    seg_id = _OPEN.match(text, pos - 6).group(1)  # type: ignore[union-attr]
    return "orphan-target", "target span has no sxs-lookup source twin", seg_id


def scan_pairs(text: str, lines: LineIndex | None = None) -> Iterator[Union[Pair, Anomaly]]:
    """Yield every pair and anomaly in ``text``, in document order."""
    lines = lines or LineIndex(text)
    starts = [m.start() for m in _TTU.finditer(text)]
    claimed: set[int] = set()  # data-stu-id offsets that belong to a pair or an anomaly
    for n, pos in enumerate(starts):
        limit = starts[n + 1] if n + 1 < len(starts) else len(text)
        item, twin_at = _read_pair(text, pos, limit, lines)
        if twin_at is not None:
            claimed.add(twin_at)
        elif isinstance(item, Anomaly) and item.kind in ("broken-quote", "swallowed"):
            claimed.update(_quoted_twins(text, pos, limit, item.id))
        yield item
    yield from _orphan_sources(text, claimed, lines)


def _quoted_twins(text: str, pos: int, limit: int, seg_id: str | None) -> Iterator[int]:
    """The ``data-stu-id`` offsets of quote-broken markup's twins: written with &quot; too, or
    carrying the same id."""
    for match in _STU.finditer(text, pos, limit):
        if (text.startswith("&quot;", match.end()) or _BROKEN_STU.match(text, match.start())
                or (seg_id and text.startswith(f'"{seg_id}"', match.end()))):
            yield match.start()


def _read_pair(text: str, pos: int, limit: int,
               lines: LineIndex) -> tuple[Union[Pair, Anomaly], int | None]:
    """The pair (or anomaly) at ``pos``, and the offset of the ``data-stu-id`` it claims."""
    line = lines.line(pos)
    opening = _OPEN.match(text, pos - 6) if pos >= 6 else None
    twin = _TWIN.search(text, opening.end(), limit) if opening else None
    if opening is None or twin is None:
        return _malformed(text, pos, limit, line), None
    twin_at = twin.start(1) - len('data-stu-id="')
    seg_id, twin_id = opening.group(1), twin.group(1)
    if twin_id != seg_id:
        return _mismatch(text, pos, line, seg_id, twin_id), twin_at
    target_raw = text[opening.end():twin.start()]
    excess, _ = _balance(target_raw)
    end = _source_end(text, twin.end(), limit, excess)
    if end is None:
        return _unterminated(text, pos, line, seg_id), twin_at
    return Pair(
        id=seg_id,
        source=parse_segment(text[twin.end():end]),
        target=parse_segment(target_raw),
        line=line,
        end_line=lines.line(end + len("</span></span>") - 1),
    ), twin_at


def _malformed(text: str, pos: int, limit: int, line: int) -> Anomaly:
    kind, message, seg_id = _classify(text, pos, limit)
    return Anomaly(kind, line, message, _snippet(text, pos), seg_id, ttu=1)


def _mismatch(text: str, pos: int, line: int, seg_id: str, twin_id: str) -> Anomaly:
    return Anomaly("id-mismatch", line, f"target id {seg_id} has source twin {twin_id}", _snippet(text, pos),
                   seg_id, ttu=1)


def _unterminated(text: str, pos: int, line: int, seg_id: str) -> Anomaly:
    return Anomaly("unterminated", line, "source span is never closed by </span></span>", _snippet(text, pos),
                   seg_id, ttu=1)


def _orphan_sources(text: str, claimed: set[int], lines: LineIndex) -> Iterator[Anomaly]:
    """Source spans (``data-stu-id``) that belong to no pair or anomaly."""
    for match in _STU.finditer(text):
        if match.start() not in claimed:
            yield _orphan_source(text, match.start(), lines)


def _orphan_source(text: str, at: int, lines: LineIndex) -> Anomaly:
    return Anomaly("orphan-source", lines.line(at), "source span has no target span", _snippet(text, at), None, ttu=0)
