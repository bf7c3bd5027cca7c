"""The inline-markup codec: a segment's inner text to text runs and inline codes.

Principles:

1. Lossless: every character of the input lands in exactly one run, so
   ``Segment.raw`` rebuilds the input byte for byte, whatever it holds.
2. Markup is recognised only when it is complete: a ``**`` with no partner, a
   ``[`` with no ``](url)`` stay text, as a Markdown renderer would show them.
3. Paired markup (bold, italic, links, images, HTML elements) becomes a
   ``begin``/``end`` code pair sharing an id; markup that stands alone (inline
   code, ``<xref:…>``, ``[!INCLUDE…]``, ``<br/>``, a span that never closes)
   becomes one ``standalone`` code.
4. Link and image texts stay translatable; their URL is part of the ``end`` code.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator

from ..model import Code, Run, Segment, Text

__all__ = ["parse_segment"]

_TOKEN = re.compile(
    r"""
     (?P<esc>\\[!-/:-@\[-`{-~])
    |(?P<code>(?P<ticks>`+)(?!`).+?(?<!`)(?P=ticks)(?!`))
    |(?P<xref><xref:[^>\s]+>)
    |(?P<include>\[!include\s*\[[^\]\n]*\]\([^)\n]*\)\])
    |(?P<autolink><(?:https?|mailto|ftp):[^>\s]+>)
    |(?P<comment><!--.*?-->)
    |(?P<tag></?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>)
    |(?P<imgopen>!\[)
    |(?P<open>\[)
    |(?P<linkclose>\]\((?:[^()\s]|\([^()\s]*\))*(?:\s+(?:"[^"]*"|'[^']*'))?\))
    |(?P<close>\])
    |(?P<delim>\*+|_+)
    """,
    re.VERBOSE | re.DOTALL | re.IGNORECASE,
)
#: The first characters of every ``_TOKEN`` alternative: text without them holds no markup.
_START = re.compile(r"[\\`<*_\[\]!]")

_VOID = frozenset({"br", "img", "hr", "input", "wbr", "meta", "link", "source", "col", "area"})
_TAG_TYPE = {
    "strong": "bold", "b": "bold", "em": "italic", "i": "italic", "a": "link",
    "code": "code", "br": "lb", "img": "image", "span": "span", "u": "ulined",
    "sup": "sup", "sub": "sub", "kbd": "code",
}
_EMPHASIS = {1: "italic", 2: "bold", 3: "bolditalic"}
_TAG_NAME = re.compile(r"</?([A-Za-z][A-Za-z0-9-]*)")
_STANDALONE = {"code": "code", "xref": "xref", "include": "include", "autolink": "link", "comment": "comment"}


class _Item:
    """A token while pairing is resolved; becomes a Text or a Code."""

    __slots__ = ("role", "type", "raw", "partner")

    def __init__(self, role: str, type_: str, raw: str) -> None:
        self.role = role  # "text" | "begin" | "end" | "standalone"
        self.type = type_
        self.raw = raw
        self.partner: "_Item | None" = None


def _pair(opener: _Item, closer: _Item, type_: str) -> None:
    opener.role, closer.role = "begin", "end"
    opener.type = closer.type = type_
    closer.partner = opener


def _flanking(text: str, start: int, end: int, char: str) -> tuple[bool, bool]:
    """Whether a delimiter run at ``text[start:end]`` may open and may close emphasis."""
    before = text[start - 1] if start > 0 else " "
    after = text[end] if end < len(text) else " "
    can_open = not after.isspace()
    can_close = not before.isspace()
    if char == "_":  # no intraword emphasis with underscores
        can_open = can_open and not before.isalnum()
        can_close = can_close and not after.isalnum()
    return can_open, can_close


def _tokens(raw: str) -> Iterator[re.Match[str]]:
    """``_TOKEN.finditer(raw)``, but trying a match only where a token can start: much faster,
    as ``re`` otherwise tries every alternative at every character."""
    search, match = _START.search, _TOKEN.match
    pos = 0
    while (start := search(raw, pos)) is not None:
        at = start.start()
        found = match(raw, at)
        if found is None:
            pos = at + 1
        else:
            yield found
            pos = found.end()


def _tokenize(raw: str) -> list[_Item]:
    items: list[_Item] = []
    brackets: list[_Item] = []
    emphasis: list[_Item] = []
    tags: list[tuple[str, _Item]] = []
    pos = 0
    for match in _tokens(raw):
        if match.start() > pos:
            items.append(_Item("text", "", raw[pos:match.start()]))
        pos = match.end()
        kind = match.lastgroup
        token = match.group()
        if kind == "ticks":  # the named backreference group reports last
            kind = "code"
        item = _Item("text", "", token)
        items.append(item)
        if kind in _STANDALONE:
            item.role, item.type = "standalone", _STANDALONE[kind]
        elif kind in ("open", "imgopen"):
            item.type = "image" if kind == "imgopen" else "link"
            brackets.append(item)
        elif kind == "linkclose":
            if brackets:
                opener = brackets.pop()
                _pair(opener, item, opener.type)
        elif kind == "close":
            if brackets:
                brackets.pop()
        elif kind == "delim":
            can_open, can_close = _flanking(raw, match.start(), match.end(), token[0])
            length = len(token)
            opener_at = next(
                (i for i in range(len(emphasis) - 1, -1, -1) if emphasis[i].raw == token), None
            ) if can_close else None
            if opener_at is not None and length in _EMPHASIS:
                opener = emphasis[opener_at]
                del emphasis[opener_at:]
                _pair(opener, item, _EMPHASIS[length])
            elif can_open and length in _EMPHASIS:
                emphasis.append(item)
        elif kind == "tag":
            name = _TAG_NAME.match(token).group(1).lower()  # type: ignore[union-attr]
            type_ = _TAG_TYPE.get(name, "html")
            if token.startswith("</"):
                at = next((i for i in range(len(tags) - 1, -1, -1) if tags[i][0] == name), None)
                if at is None:
                    item.role, item.type = "standalone", type_
                else:
                    opener = tags[at][1]
                    for _, unclosed in tags[at + 1:]:
                        unclosed.role = "standalone"
                    del tags[at:]
                    _pair(opener, item, type_)
            else:
                item.role, item.type = "standalone", type_
                if name not in _VOID and not token.endswith("/>"):
                    tags.append((name, item))
        else:  # esc: literal text
            pass
    if pos < len(raw):
        items.append(_Item("text", "", raw[pos:]))
    return items


def parse_segment(raw: str) -> Segment:
    """Split a span's inner text into text runs and inline codes; ``.raw`` == ``raw``."""
    if _START.search(raw) is None:
        return Segment((Text(raw),) if raw else ())
    return _parse_markup(raw)


@functools.lru_cache(maxsize=4096)
def _parse_markup(raw: str) -> Segment:
    """``parse_segment`` of text that may hold markup.  Segments are immutable, and the same
    marked-up texts recur (the English source of every locale, boilerplate), so recent
    results are kept: about half of all calls in a real corpus are answered from the cache."""
    runs: list[Run] = []
    ids: dict[int, int] = {}
    pending: list[str] = []
    next_id = 0
    for item in _tokenize(raw):
        if item.role == "text":
            pending.append(item.raw)
            continue
        if pending:
            runs.append(Text("".join(pending)))
            pending = []
        if item.role == "end":
            assert item.partner is not None
            runs.append(Code("end", item.type, item.raw, ids[id(item.partner)]))
            continue
        next_id += 1
        if item.role == "begin":
            ids[id(item)] = next_id
        runs.append(Code(item.role, item.type, item.raw, next_id))  # type: ignore[arg-type]
    if pending:
        runs.append(Text("".join(pending)))
    return Segment(tuple(runs))
