"""Typography: whitespace and unpaired brackets or quotes that the source does not have."""

from __future__ import annotations

import re
from collections.abc import Iterator

from .findings import Finding
from .registry import CheckContext, QaSegment, check

__all__ = ["whitespace", "unpaired_brackets", "unbalanced"]

_DOUBLE = re.compile(r"(?<=\S)[ \t]{2,}(?=\S)")
#: Opening and closing characters; ‘’ are left out (’ is the French and English apostrophe).
_PAIRS = (("(", ")"), ("[", "]"), ("{", "}"), ("«", "»"), ("“", "”"), ("「", "」"), ("『", "』"),
          ("（", "）"), ("【", "】"), ("‹", "›"))
_SYMMETRIC = ('"',)
_LIST_MARKER = re.compile(r"(?m)^\s*(?:\d+|[a-zA-Z])\)(?=\s|$)")


def _edges(text: str) -> tuple[str, str]:
    return text[:len(text) - len(text.lstrip())], text[len(text.rstrip()):]


@check("whitespace", severity="info")
def whitespace(seg: QaSegment, ctx: CheckContext) -> Iterator[Finding]:
    """Leading, trailing or doubled spaces that the source does not have.

    Only regular spaces and tabs count: the NBSP French typography puts before
    ``:;?!`` and inside ``« »`` is correct, and line breaks in a wrapped cell are not spacing.
    """
    source, target = seg.row.source_raw, seg.row.target_raw
    if not target.strip():
        return
    problems = []
    s_lead, s_trail = _edges(source)
    t_lead, t_trail = _edges(target)
    if t_lead.strip(" \t") == "" and t_lead and not s_lead:
        problems.append("leading space")
    if t_trail.strip(" \t") == "" and t_trail and not s_trail:
        problems.append("trailing space")
    doubled = len(_DOUBLE.findall(target)) - len(_DOUBLE.findall(source))
    if doubled > 0:
        problems.append("double space" + (f" ×{doubled}" if doubled > 1 else ""))
    if problems:
        yield seg.finding(ctx, ", ".join(problems) + " in target", problems=problems)


def unbalanced(text: str) -> list[str]:
    """The bracket and quote characters of ``text`` that have no partner."""
    text = _LIST_MARKER.sub(" ", text)
    found = []
    for open_, close in _PAIRS:
        if open_ == "“" and "„" in text:  # German „…“: the closing mark is an English opener
            continue
        depth = 0
        for char in text:
            if char == open_:
                depth += 1
            elif char == close:
                depth -= 1
                if depth < 0:
                    found.append(close)
                    depth = 0
        found.extend([open_] * depth)
    for quote in _SYMMETRIC:
        if text.count(quote) % 2:
            found.append(quote)
    return found


@check("unpaired-brackets", severity="warning")
def unpaired_brackets(seg: QaSegment, ctx: CheckContext) -> Iterator[Finding]:
    """Brackets or quotes without a partner in the target, when the source has them all paired."""
    source_text, target_text = seg.source.text, seg.target.text
    if not any(c in target_text for c in "()[]{}«»“”‘’「」『』（）【】‹›„\""):
        return
    if unbalanced(source_text):
        return
    bad = unbalanced(target_text)
    if bad:
        yield seg.finding(ctx, f"unpaired {' '.join(bad)} in target", unpaired=bad)
