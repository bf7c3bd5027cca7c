"""Anchors and the confidence of an aligned pair.

An **anchor** is something a translation keeps as it is: a number, a URL, inline code, an
identifier or product name left in English (``KB 4019015``, ``SharePoint``, ``ID``).  Anchors in
common make a pairing likelier; anchors on one side only, less.

A pair's **score** (0 to 1) multiplies three parts, weighed by how often each kind of pair was
right on the dev corpus (``make align-eval``):

- the bead type: 1 for a sentence matched with one sentence; 0.95 and 0.9 when the translation's
  sentences were merged (``1-2``, ``1-3``: the eager target split is often undone, and rightly);
  0.45 when English sentences were merged (``2-1``: right about a third of the time), 0.35 for more;
- the length agreement: 1 down to a Gale–Church tail probability of 0.1, then falling to 0.45
  (pairs with a length that unlikely were right about two times in three);
- the anchor agreement: ``0.9 + 0.1 × shared/(shared + one-sided)``, 1 without anchors (anchors
  on one side only barely lower the odds: names are often translated).
"""

from __future__ import annotations

import re

from ..model import REVIEW_BELOW

__all__ = ["anchors", "visible_length", "pair_score", "REVIEW_BELOW"]


_NUMBER = re.compile(r"\d+(?:[.,:\u00a0\u202f ]\d+)*")
_DIGIT = re.compile(r"\d")
_NOT_DIGIT = re.compile(r"\D")
_CODE = re.compile(r"`+([^`]+)`+")
_URL = re.compile(r"\]\(([^)\s]+)|\b(?:href|src)=\"([^\"]+)\"|https?://[^\s<>)\]]+")
_IDENTIFIER = re.compile(r"\b(?:[A-Z][a-z0-9]+[A-Z]\w*|[A-Z]{2,}\w*|\w*\d\w*[A-Za-z]\w*)\b")
_MARKUP = re.compile(r"<[^<>]*>|\]\([^)]*\)|[*_`\[\]!]")
_MARKUP_CHAR = re.compile(r"[<\]*_`\[!]")
_SPACE_RUN = re.compile(r"\s\s")
_LOCALE_PART = re.compile(r"/[a-z]{2}-[a-z]{2,4}/", re.I)

_TYPE_SCORE = {(1, 1): 1.0, (1, 2): 0.95, (1, 3): 0.9, (2, 1): 0.45}


#: Text without any of these holds no anchor (most short units): one search instead of four.
_MAY_ANCHOR = re.compile(r"[\d`]|\]\(|href=|src=|https?:|[A-Z][A-Z]|[a-z][A-Z]")
_NONE: frozenset[str] = frozenset()


def anchors(raw: str) -> frozenset[str]:
    """The anchors of a unit's raw text."""
    if _MAY_ANCHOR.search(raw) is None:
        return _NONE
    found: set[str] = set()
    if _DIGIT.search(raw):
        for number in _NUMBER.findall(raw):
            found.add("#" + _NOT_DIGIT.sub("", number))
    if "`" in raw:
        for code in _CODE.findall(raw):
            found.add("`" + code)
    if "](" in raw or "=" in raw or "http" in raw:
        for match in _URL.finditer(raw):
            url = match.group(1) or match.group(2) or match.group(0)
            found.add("@" + _LOCALE_PART.sub("/", url.lower()))
    found.update(_IDENTIFIER.findall(_MARKUP.sub(" ", raw) if _MARKUP_CHAR.search(raw) else raw))
    return frozenset(found)


def visible_length(raw: str) -> int:
    """Characters a reader sees: markup and URLs left out, whitespace runs counted once."""
    text = _MARKUP.sub("", raw) if _MARKUP_CHAR.search(raw) else raw
    return len(" ".join(text.split())) if _SPACE_RUN.search(text) or text[:1].isspace() or text[-1:].isspace() \
        else len(text)


def pair_score(source_count: int, target_count: int, length_p: float,
               source_anchors: frozenset[str], target_anchors: frozenset[str]) -> float:
    """The confidence of a pair, by the module docstring."""
    kind = _TYPE_SCORE.get((source_count, target_count), 0.35)
    length = 0.45 + 5.5 * min(length_p, 0.1)
    if source_anchors or target_anchors:
        shared = len(source_anchors & target_anchors)
        agreement = 0.9 + 0.1 * shared / (shared + len(source_anchors ^ target_anchors))
    else:
        agreement = 1.0
    return round(kind * length * agreement, 3)
