"""Pieces and units of a block: the segmentation Microsoft's side-by-side markup shows.

A block's text is first cut into **pieces** where the structure cuts it: at ``<br>`` and hard
line breaks, at the
block-level tags of an HTML region (``<td>``, ``<li>``, ``<p>``…), before and after an image that
stands on a line of its own.  A piece is then cut into **units**, its sentences.

Principles (each learnt from the span pairs of the dev corpus):

1. A piece with no letter or digit outside markup (``<img …>``, ``|``, an empty cell, an
   include, an entity such as ``&nbsp;``) is no unit.
2. A piece that is one link and nothing else (a list of links, a link in a table cell) has its
   link text as the unit: ``[`` and ``](url)`` stay outside.  But a link followed by more
   whitespace than a hard break's two spaces is a unit whole, link and all (the ``See also``
   lists of older articles, one ``[title](url)   `` per line).
3. An image is a unit of its own when it stands on its own line inside a larger piece, or is a
   whole piece with a title or a link around it; a bare image paragraph is left as it is (its alt
   text is translated in place, never paired).
4. HTML comments and empty anchors (``<a name="x"></a>``) are never inside a unit: they cut
   pieces as a break does.
5. Whitespace at either end of a unit stays outside it.  Includes stay inside; one that starts
   the unit on both sides is trimmed off both when the pair is made (:mod:`.article`).
"""

from __future__ import annotations

import re

from .sentences import STOP, WIDE_STOP_CHARS, boundaries

__all__ = ["pieces", "units"]

#: Where a Markdown block breaks a line: ``<br>``, and a hard break (two spaces or ``\\`` at a line end).
_BREAK = re.compile(r"</?br\s*/?>|[ \t]{2,}\n|\\\n|<!--.*?(?:-->|\Z)|<a\b[^<>]*>\s*</a>", re.I | re.S)
_HTML_BREAK = re.compile(
    r"</?(?:table|thead|tbody|tfoot|tr|td|th|p|div|ul|ol|li|dl|dt|dd|h[1-6]|blockquote|center|colgroup|col"
    r"|caption|details|summary|section|pre|br|hr)\b[^>]*>", re.I)
#: Outside HTML regions too (a pipe-table cell may hold ``<ul><li>``), both kinds break pieces.
_ANY_BREAK = re.compile(f"{_HTML_BREAK.pattern}|{_BREAK.pattern}", re.I)
_MARKUP = re.compile(r"(?<!\\)<[^<>]*>|\[!include\s*\[[^\]\n]*\]\([^)\n]*\)\]|\]\([^)]*\)|https?://[^\s<]+|&#?\w+;", re.I)
_ALNUM = re.compile(r"[^\W_]")
_LINK_ONLY = re.compile(r"\[(?!!\[)((?:[^\[\]]|\[[^\[\]]*\])+)\]\((?:[^()\s]|\([^()\s]*\))*(?:\s+\"[^\"]*\")?\)\Z")
_IMAGE = r"!\[[^\]\n]*\]\([^)\n]*\)"
_IMAGE_ONLY = re.compile(rf"(?:{_IMAGE}|\[{_IMAGE}\]\([^)\n]*\))\Z")
_LINK = r"\[[^\[\]\n]*\]\([^()\s]*(?:\s+\"[^\"\n]*\")?\)"
#: A line of a piece that is one image or one link: a piece of its own.
_OWN_LINE = re.compile(rf"(?:^|(?<=\n))[ \t]*((?:{_IMAGE}|\[{_IMAGE}\]\([^)\n]*\)|{_LINK}))[ \t]*(?=\n|$)")
#: Where a sentence may end inside a piece: without any, the piece is one unit.
_MAY_END = STOP
_MAY_END_TARGET = re.compile(f"{STOP.pattern}|[{WIDE_STOP_CHARS}]")
_TITLED_IMAGE = re.compile(r"!\[[^\]\n]*\]\([^)\s]+\s+\"[^\"]+\"\)")


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    if start < end and not text[start].isspace() and not text[end - 1].isspace():
        return start, end
    inner = text[start:end]
    stripped = inner.strip()
    if not stripped:
        return start, start
    if len(stripped) == len(inner):
        return start, end
    head = len(inner) - len(inner.lstrip())
    return start + head, start + head + len(stripped)


def _has_text(raw: str) -> bool:
    if "<" in raw or "](" in raw or "http" in raw or "&" in raw or "[!" in raw:
        raw = _MARKUP.sub("", raw)
    return _ALNUM.search(raw) is not None


def _cut(text: str, start: int, end: int, breaker: re.Pattern[str]) -> list[tuple[int, int, bool]]:
    """The parts between breaks, each with whether the break after it is a hard break of more
    than two spaces."""
    parts, at = [], start
    for found in breaker.finditer(text, start, end):
        parts.append((at, found.start(), found.group().startswith("   ") and found.group().endswith("\n")))
        at = found.end()
    parts.append((at, end, False))
    return parts


def pieces(text: str, kind: str) -> list[tuple[int, int]]:
    """The pieces of a block's text (``kind`` is the block's), as ``(start, end)`` offsets."""
    if "<" in text or "\n" in text or "\\" in text:  # every break holds one of these
        spans = _cut(text, 0, len(text), _HTML_BREAK if kind == "html" else _ANY_BREAK)
    else:
        spans = [(0, len(text), False)]
    found: list[tuple[int, int]] = []
    for start, end, spaced in spans:
        start, end = _trim(text, start, end)
        if start >= end:
            continue
        whole = text[start:end]
        if whole[0] in "![" and _IMAGE_ONLY.match(whole):
            if _TITLED_IMAGE.search(whole) or whole.startswith("[") or len(spans) > 1:
                found.append((start, end))
            continue
        cuts = [start]
        if "\n" in whole:  # an image or link line inside a larger piece is a piece of its own
            for line in _OWN_LINE.finditer(text, start, end):
                cuts += [line.start(1), line.end(1)]
        cuts.append(end)
        for a, b in zip(cuts, cuts[1:]):
            whole_link = spaced and b == end
            if len(cuts) > 2:
                a, b = _trim(text, a, b)
            if a < b and _has_text(text[a:b]):
                link = None if whole_link or text[a] != "[" or text[b - 1] != ")" else _LINK_ONLY.match(text, a, b)
                if link and _has_text(link.group(1)):
                    a, b = _trim(text, link.start(1), link.end(1))
                found.append((a, b))
    return found


def units(text: str, start: int, end: int, locale: str = "en-US", *, strict: bool = True) -> list[tuple[int, int]]:
    """The sentences of the piece ``text[start:end]``, as ``(start, end)`` offsets in ``text``."""
    if (_MAY_END if strict else _MAY_END_TARGET).search(text, start, end) is None:
        return [(start, end)]  # most pieces: one sentence (a piece is trimmed)
    inner = text[start:end]
    cuts = [0, *boundaries(inner, locale, strict=strict), len(inner)]
    found: list[tuple[int, int]] = []
    for a, b in zip(cuts, cuts[1:]):
        a, b = _trim(inner, a, b)
        if a >= b:
            continue
        if len(cuts) > 2 and not _has_text(inner[a:b]):
            # a sentence of markup only (an include after the last stop) is no unit; one with
            # punctuation left (a closing mark after a space) ends the sentence before it
            if found and _MARKUP.sub("", inner[a:b]).strip():
                found[-1] = (found[-1][0], start + b)
            continue
        found.append((start + a, start + b))
    return found
