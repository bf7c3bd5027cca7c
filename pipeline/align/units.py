"""Pieces and units of a block: the segmentation Microsoft's side-by-side markup shows.

A block's text is first cut into **pieces** where the structure cuts it: at ``<br>`` and hard
line breaks, at the
block-level tags of an HTML region (``<td>``, ``<li>``, ``<p>``…), before and after an image that
stands on a line of its own.  A piece is then cut into **units**, its sentences.

Principles (each learnt from the span pairs of the dev corpus):

1. A piece with no letter or digit outside markup (``<img …>``, ``|``, an empty cell) is no unit.
2. A piece that is one link and nothing else (a list of links, a link in a table cell) has its
   link text as the unit: ``[`` and ``](url)`` stay outside.
3. An image is a unit of its own when it stands on its own line inside a larger piece, or is a
   whole piece with a title or a link around it; a bare image paragraph is left as it is (its alt
   text is translated in place, never paired).
4. Whitespace at either end of a unit stays outside it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .sentences import boundaries

__all__ = ["Piece", "pieces", "units"]

#: Where a Markdown block breaks a line: ``<br>``, and a hard break (two spaces or ``\\`` at a line end).
_BREAK = re.compile(r"</?br\s*/?>|[ \t]{2,}\n|\\\n", re.I)
_HTML_BREAK = re.compile(
    r"</?(?:table|thead|tbody|tfoot|tr|td|th|p|div|ul|ol|li|dl|dt|dd|h[1-6]|blockquote|center|colgroup|col"
    r"|caption|details|summary|section|pre|br|hr)\b[^>]*>", re.I)
#: Outside HTML regions too (a pipe-table cell may hold ``<ul><li>``), both kinds break pieces.
_ANY_BREAK = re.compile(f"{_HTML_BREAK.pattern}|{_BREAK.pattern}", re.I)
_MARKUP = re.compile(r"<[^<>]*>|\]\([^)]*\)|https?://[^\s<]+")
_ALNUM = re.compile(r"[^\W_]")
_LINK_ONLY = re.compile(r"\[(?!!\[)((?:[^\[\]]|\[[^\[\]]*\])+)\]\((?:[^()\s]|\([^()\s]*\))*(?:\s+\"[^\"]*\")?\)\Z")
_IMAGE = r"!\[[^\]\n]*\]\([^)\n]*\)"
_IMAGE_ONLY = re.compile(rf"(?:{_IMAGE}|\[{_IMAGE}\]\([^)\n]*\))\Z")
_LINK = r"\[[^\[\]\n]*\]\([^()\s]*(?:\s+\"[^\"\n]*\")?\)"
#: A line of a piece that is one image or one link: a piece of its own.
_OWN_LINE = re.compile(rf"(?:^|(?<=\n))[ \t]*((?:{_IMAGE}|\[{_IMAGE}\]\([^)\n]*\)|{_LINK}))[ \t]*(?=\n|$)")
#: Includes at either end of a unit stay outside it, as whitespace does.
_EDGE_INCLUDE = re.compile(r"\A(?:\s*\[!include\s*\[[^\]\n]*\]\([^)\n]*\)\])+|(?:\[!include\s*\[[^\]\n]*\]\([^)\n]*\)\]\s*)+\Z", re.I)
_TITLED_IMAGE = re.compile(r"!\[[^\]\n]*\]\([^)\s]+\s+\"[^\"]+\"\)")


@dataclass(frozen=True, slots=True)
class Piece:
    """A stretch of a block's text the structure delimits."""

    start: int
    """Offset in the block's text."""
    end: int
    """Offset just past it."""
    outer_start: int = -1
    """Where the piece starts with the includes at its edges (-1: as ``start``): in the
    translation, an include at the edge is in the unit unless the English has one there too."""
    outer_end: int = -1
    """Where it ends with them (-1: as ``end``)."""

    @property
    def outer(self) -> Piece:
        """The piece with its edge includes."""
        return Piece(self.outer_start if self.outer_start >= 0 else self.start,
                     self.outer_end if self.outer_end >= 0 else self.end)


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    inner = text[start:end]
    stripped = inner.strip()
    if not stripped:
        return start, start
    if len(stripped) == len(inner):
        return start, end
    head = len(inner) - len(inner.lstrip())
    return start + head, start + head + len(stripped)


def _unwrap(text: str, start: int, end: int) -> tuple[int, int]:
    """``start, end`` without the includes at either end (and the whitespace beside them)."""
    inner = text[start:end]
    if "[!" not in inner:
        return start, end
    while (edge := _EDGE_INCLUDE.search(inner)) and edge.group():
        if edge.start() == 0:
            start += edge.end()
        else:
            end -= len(inner) - edge.start()
        inner = text[start:end]
        start, end = _trim(text, start, end)
        inner = text[start:end]
    return start, end


def _has_text(raw: str) -> bool:
    if "<" in raw or "](" in raw or "http" in raw:
        raw = _MARKUP.sub("", raw)
    return _ALNUM.search(raw) is not None


def _cut(text: str, start: int, end: int, breaker: re.Pattern[str]) -> list[tuple[int, int]]:
    parts, at = [], start
    for found in breaker.finditer(text, start, end):
        parts.append((at, found.start()))
        at = found.end()
    parts.append((at, end))
    return parts


def pieces(text: str, kind: str) -> list[Piece]:
    """The pieces of a block's text (``kind`` is the block's)."""
    spans = _cut(text, 0, len(text), _HTML_BREAK if kind == "html" else _ANY_BREAK)
    found: list[Piece] = []
    for start, end in spans:
        start, end = _trim(text, start, end)
        if start >= end:
            continue
        whole = text[start:end]
        if _IMAGE_ONLY.match(whole):
            if _TITLED_IMAGE.search(whole) or whole.startswith("[") or len(spans) > 1:
                found.append(Piece(start, end))
            continue
        cuts = [start]
        if "\n" in whole:  # an image or link line inside a larger piece is a piece of its own
            for line in _OWN_LINE.finditer(text, start, end):
                cuts += [line.start(1), line.end(1)]
        cuts.append(end)
        for a, b in zip(cuts, cuts[1:]):
            outer_a, outer_b = _trim(text, a, b)
            a, b = _unwrap(text, outer_a, outer_b)
            if a < b and _has_text(text[a:b]):
                link = _LINK_ONLY.match(text, a, b) if text[a] == "[" and text[b - 1] == ")" else None
                if link and _has_text(link.group(1)):
                    a, b = outer_a, outer_b = _trim(text, link.start(1), link.end(1))
                found.append(Piece(a, b, outer_a, outer_b))
    return found


def units(text: str, piece: Piece, locale: str = "en-US", *, strict: bool = True,
          spaced: bool = False) -> list[tuple[int, int]]:
    """The sentences of a piece, as ``(start, end)`` offsets in the block's text."""
    inner = text[piece.start:piece.end]
    cuts = [0, *boundaries(inner, locale, strict=strict, spaced=spaced), len(inner)]
    found = []
    for a, b in zip(cuts, cuts[1:]):
        a, b = _trim(inner, a, b)
        if a < b:
            found.append((piece.start + a, piece.start + b))
    return found
