"""Typography: whitespace and unpaired brackets or quotes that the source does not have."""

from __future__ import annotations

import re
from collections.abc import Iterator

from .findings import Finding
from .registry import CheckContext, QaSegment, check

__all__ = ["whitespace", "unpaired_brackets", "unbalanced", "marks"]

_DOUBLE = re.compile(r"(?<=\S)[ \t]{2,}(?=\S)")
#: Opening and closing characters (full-width ones are read as their ASCII forms); ‘’ are left
#: out (’ is the French and English apostrophe).
_PAIRS = (("(", ")"), ("[", "]"), ("{", "}"), ("「", "」"), ("『", "』"), ("【", "】"))
#: Guillemets open either way: «French» and »German« are both paired.
_EITHER_WAY = (("«", "»"), ("‹", "›"))
#: Every double quotation mark is read as ``"``: German „…“ and „…", English “…”, a straight
#: opener with a curly closer are all one pair.
_SYMMETRIC = ('"',)
_WIDTH = str.maketrans({"（": "(", "）": ")", "［": "[", "］": "]", "｛": "{", "｝": "}",
                        "“": '"', "”": '"', "„": '"', "‟": '"', "＂": '"'})
#: A list marker ``1)`` or ``a)`` at a line start, before a space or a CJK letter.
_LIST_MARKER = re.compile(r"(?m)^\s*(?:\d+|[a-zA-Z])\)(?=\s|$|[^\x00-\x7f])")
#: Hebrew gershayim written as a straight quote inside a word (דוא"ל, ארה"ב): no quotation mark.
_IN_WORD = re.compile('(?<=[\u05d0-\u05ea])["\u201d](?=[\u05d0-\u05ea])')
#: Every character of the pairs and symmetric marks.
_MARKS = re.compile("[" + re.escape("".join(o + c for o, c in _PAIRS + _EITHER_WAY) + "".join(_SYMMETRIC)) + "]")
#: What a target needs for the check to look further (every mark before normalising).
_ANY_MARK = re.compile("[" + re.escape("()[]{}«»“”‘’「」『』（）［］｛｝【】‹›„‟＂\"") + "]")


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


def marks(text: str) -> list[str]:
    """The bracket and quote marks of ``text`` as they are paired: full-width brackets as ASCII,
    every double quote as ``"``; list markers and quotes inside a word (gershayim) left out."""
    if '"' in text or "”" in text:
        text = _IN_WORD.sub("", text)
    text = text.translate(_WIDTH)
    if ")" in text:
        text = _LIST_MARKER.sub(" ", text)
    return _MARKS.findall(text)


def unbalanced(text: str) -> list[str]:
    """The bracket and quote characters of ``text`` that have no partner."""
    found = marks(text)  # the pairs are counted over these only: same result, far fewer steps
    if not found:
        return []
    unpaired = []
    for open_, close in _PAIRS:
        if open_ not in found and close not in found:
            continue
        depth = 0
        for char in found:
            if char == open_:
                depth += 1
            elif char == close:
                depth -= 1
                if depth < 0:
                    unpaired.append(close)
                    depth = 0
        unpaired.extend([open_] * depth)
    for one, other in _EITHER_WAY:
        surplus = found.count(one) - found.count(other)
        unpaired.extend([one if surplus > 0 else other] * abs(surplus))
    for quote in _SYMMETRIC:
        if found.count(quote) % 2:
            unpaired.append(quote)
    return unpaired


@check("unpaired-brackets", severity="warning")
def unpaired_brackets(seg: QaSegment, ctx: CheckContext) -> Iterator[Finding]:
    """Brackets or quotes without a partner in the target, when the source has them all paired.

    Deliberately not flagged: quotation marks of another style that still pair up (German „…“
    or „…", »…«, a straight opener and a curly closer), full-width brackets paired with ASCII
    ones, Hebrew gershayim written as a straight quote inside a word (דוא"ל), list markers
    (``1)``, ``a）``).
    """
    target_text = seg.row.target_text
    if _ANY_MARK.search(target_text) is None:
        return
    if unbalanced(seg.row.source_text):
        return
    bad = unbalanced(target_text)
    if bad:
        yield seg.finding(ctx, f"unpaired {' '.join(bad)} in target", unpaired=bad)
