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
#: Every character of ``_PAIRS`` and ``_SYMMETRIC``.
_MARKS = re.compile("[" + re.escape("".join(o + c for o, c in _PAIRS) + "".join(_SYMMETRIC)) + "]")
#: What a target needs for the check to look further (the marks, and ‘’„).
_ANY_MARK = re.compile("[" + re.escape("()[]{}«»“”‘’「」『』（）【】‹›„\"") + "]")


def _edges(text: str) -> tuple[str, str]:
    return text[:len(text) - len(text.lstrip())], text[len(text.rstrip()):]


@check("whitespace", severity="info")
def whitespace(seg: QaSegment, ctx: CheckContext) -> Iterator[Finding]:
    """Leading, trailing or doubled spaces that the source does not have.

    Only regular spaces and tabs count: the NBSP French typography puts before
    ``:;?!`` and inside ``« »`` is correct, and line breaks in a wrapped cell are not spacing.
    """
    source, target = seg.row.source_raw, seg.row.target_raw
    if not target or (not target[0].isspace() and not target[-1].isspace()
                      and "  " not in target and "\t" not in target):
        return  # empty, or no leading, trailing or doubled space to report
    if not target.strip():
        return
    problems = []
    s_lead, s_trail = _edges(source)
    t_lead, t_trail = _edges(target)
    if t_lead.strip(" \t") == "" and t_lead and not s_lead:
        problems.append("leading space")
    if t_trail.strip(" \t") == "" and t_trail and not s_trail:
        problems.append("trailing space")
    doubled = 0
    if "  " in target or "\t" in target:  # what a doubled space needs
        doubled = len(_DOUBLE.findall(target)) - len(_DOUBLE.findall(source))
    if doubled > 0:
        problems.append("double space" + (f" ×{doubled}" if doubled > 1 else ""))
    if problems:
        yield seg.finding(ctx, ", ".join(problems) + " in target", problems=problems)


def unbalanced(text: str) -> list[str]:
    """The bracket and quote characters of ``text`` that have no partner."""
    if ")" in text:
        text = _LIST_MARKER.sub(" ", text)
    marks = _MARKS.findall(text)  # the pairs are counted over these only: same result, far fewer steps
    if not marks:
        return []
    found = []
    for open_, close in _PAIRS:
        if open_ == "“" and "„" in text:  # German „…“: the closing mark is an English opener
            continue
        if open_ not in marks and close not in marks:
            continue
        depth = 0
        for char in marks:
            if char == open_:
                depth += 1
            elif char == close:
                depth -= 1
                if depth < 0:
                    found.append(close)
                    depth = 0
        found.extend([open_] * depth)
    for quote in _SYMMETRIC:
        if marks.count(quote) % 2:
            found.append(quote)
    return found


@check("unpaired-brackets", severity="warning")
def unpaired_brackets(seg: QaSegment, ctx: CheckContext) -> Iterator[Finding]:
    """Brackets or quotes without a partner in the target, when the source has them all paired."""
    target_text = seg.row.target_text
    if _ANY_MARK.search(target_text) is None:
        return
    if unbalanced(seg.row.source_text):
        return
    bad = unbalanced(target_text)
    if bad:
        yield seg.finding(ctx, f"unpaired {' '.join(bad)} in target", unpaired=bad)
