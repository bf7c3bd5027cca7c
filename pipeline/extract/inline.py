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

# Keywords match in any ASCII case (``[!INCLUDE``); tag names are ASCII.  Not re.IGNORECASE, whose
# Unicode folding also reads "ı", "ſ" or the Kelvin sign as letters of a keyword or tag name.
_TOKEN = re.compile(
    r"""
     (?P<esc>\\[!-/:-@\[-`{-~])
    |(?P<code>(?P<ticks>`+)(?!`).+?(?<!`)(?P=ticks)(?!`))
    |(?P<xref><(?ai:xref):[^>\s]+>)
    |(?P<include>\[!(?ai:include)\s*\[[^\]\n]*\]\([^)\n]*\)\])
    |(?P<autolink><(?ai:https?|mailto|ftp):[^>\s]+>)
    |(?P<comment><!--.*?-->)
    |(?P<tag></?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>)
    |(?P<imgopen>!\[)
    |(?P<open>\[)
    |(?P<linkclose>\]\((?:[^()\s]|\([^()\s]*\))*(?:\s+(?:"[^"]*"|'[^']*'))?\))
    |(?P<close>\])
    |(?P<delim>\*+|_+)
    """,
    re.VERBOSE | re.DOTALL,
)
#: The first characters of every ``_TOKEN`` alternative: text without them holds no markup.
_START = re.compile(r"[\\`<*_\[\]!]")
#: The text up to the next such character (possessive: never given back) and a token there:
#: one match per token, where searching for the character and then matching costs two.
_SCAN = re.compile(r"(?P<text>[^\\`<*_\[\]!]*+)(?:" + _TOKEN.pattern + ")", _TOKEN.flags)
#: Inline codes already made, shared between segments (they are immutable and recur: ``**``, ``[``…).
_CODES: dict[tuple[str, str, str, int], Code] = {}
_CODES_MAX = 4096

_VOID = frozenset({"br", "img", "hr", "input", "wbr", "meta", "link", "source", "col", "area"})
_TAG_TYPE = {
    "strong": "bold", "b": "bold", "em": "italic", "i": "italic", "a": "link",
    "code": "code", "br": "lb", "img": "image", "span": "span", "u": "ulined",
    "sup": "sup", "sub": "sub", "kbd": "code",
}
_EMPHASIS = {1: "italic", 2: "bold", 3: "bolditalic"}
_TAG_NAME = re.compile(r"</?([A-Za-z][A-Za-z0-9-]*)")
_STANDALONE = {"code": "code", "xref": "xref", "include": "include", "autolink": "link", "comment": "comment"}


#: A token while pairing is resolved: ``[role, type, raw, link]``; role is ``text`` (markup
#: that found no partner: it stays text), ``begin``, ``end`` or ``standalone``; ``link`` is an
#: ``end``'s opener, and a ``begin``'s id once :func:`_parse_markup` numbers it.  Plain lists,
#: not objects: a segment makes many, and a list is several times cheaper to build.
_Token = list


def _pair(opener: _Token, closer: _Token, type_: str) -> None:
    opener[0], closer[0] = "begin", "end"
    opener[1] = closer[1] = type_
    closer[3] = opener


def _tokenize(raw: str) -> list[str | _Token]:
    """The text between tokens (as ``str``) and the tokens, with pairs resolved.

    ``_TOKEN`` is tried only where a token can start (``_START``, see ``_SCAN``): much faster,
    as ``re`` otherwise tries every alternative at every character."""
    items: list[str | _Token] = []
    brackets: list[_Token] = []
    emphasis: list[_Token] = []
    tags: list[tuple[str, _Token]] = []
    search, match = _START.search, _SCAN.match
    append = items.append
    pos = scan = 0
    size = len(raw)
    while True:
        found = match(raw, scan)
        if found is None:  # no token at the next character that may start one: it is text
            start = search(raw, scan)
            if start is None:
                break
            scan = start.start() + 1
            continue
        begin, end = found.end(1), found.end()
        if begin > pos:
            append(raw[pos:begin])
        pos = scan = end
        kind = found.lastgroup
        token = raw[begin:end]
        if kind == "delim":
            # May the delimiter run open and may it close emphasis (flanking)?
            before = raw[begin - 1] if begin > 0 else " "
            after = raw[end] if end < size else " "
            can_open = not after.isspace()
            can_close = not before.isspace()
            if token[0] == "_":  # no intraword emphasis with underscores
                can_open = can_open and not before.isalnum()
                can_close = can_close and not after.isalnum()
            item = ["text", "", token, None]
            append(item)
            length = len(token)
            if length > 3:
                continue
            if can_close:
                at = len(emphasis) - 1
                while at >= 0 and emphasis[at][2] != token:
                    at -= 1
                if at >= 0:
                    opener = emphasis[at]
                    del emphasis[at:]
                    _pair(opener, item, _EMPHASIS[length])
                    continue
            if can_open:
                emphasis.append(item)
        elif kind == "open" or kind == "imgopen":
            item = ["text", "image" if kind == "imgopen" else "link", token, None]
            append(item)
            brackets.append(item)
        elif kind == "linkclose":
            item = ["text", "", token, None]
            append(item)
            if brackets:
                opener = brackets.pop()
                _pair(opener, item, opener[1])
        elif kind == "close":
            append(token)
            if brackets:
                brackets.pop()
        elif kind == "tag":
            name = _TAG_NAME.match(token).group(1).lower()  # type: ignore[union-attr]
            type_ = _TAG_TYPE.get(name, "html")
            if token.startswith("</"):
                at = len(tags) - 1
                while at >= 0 and tags[at][0] != name:
                    at -= 1
                if at < 0:
                    append(["standalone", type_, token, None])
                else:
                    item = ["text", "", token, None]
                    append(item)
                    opener = tags[at][1]
                    for _, unclosed in tags[at + 1:]:
                        unclosed[0] = "standalone"
                    del tags[at:]
                    _pair(opener, item, type_)
            else:
                item = ["standalone", type_, token, None]
                append(item)
                if name not in _VOID and not token.endswith("/>"):
                    tags.append((name, item))
        elif kind == "esc":  # literal text
            append(token)
        else:  # a standalone code; the named backreference group of a code span reports last
            append(["standalone", _STANDALONE["code" if kind == "ticks" else kind], token, None])  # type: ignore[index]
    if pos < size:
        append(raw[pos:])
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
    pending: list[str] = []
    next_id = 0
    codes = _CODES
    for item in _tokenize(raw):
        if isinstance(item, str):
            pending.append(item)
            continue
        role = item[0]
        if role == "text":
            pending.append(item[2])
            continue
        if pending:
            runs.append(Text("".join(pending)))
            pending = []
        if role == "end":
            key = ("end", item[1], item[2], item[3][3])
        else:
            next_id += 1
            if role == "begin":
                item[3] = next_id
            key = (role, item[1], item[2], next_id)
        code = codes.get(key)
        if code is None:
            if len(codes) >= _CODES_MAX:
                codes.clear()
            code = codes[key] = Code(*key)  # type: ignore[arg-type]
        runs.append(code)
    if pending:
        runs.append(Text("".join(pending)))
    return Segment(tuple(runs))
