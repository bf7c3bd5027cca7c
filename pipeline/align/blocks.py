"""The block tree of a Markdown article, flattened: headings, paragraphs, list items, table cells,
alert bodies and HTML regions, in document order, each with the text it holds.

Principles:

1. What Microsoft never segmented is left out here: front matter, fenced code, HTML comments,
   DocFX directive lines (``[!include…]``, ``[!NOTE]`` markers, ``[!div …]``, ``:::`` fences).
2. A block's ``text`` is its content lines joined by ``\\n``, each line without its container
   prefix (``>`` quote markers, the list marker, the pipes of a table row), so every ``\\n`` of
   ``text`` is one line of the article and a unit's line is ``block.line`` plus the newlines
   before it.
3. A block's ``kind`` and ``depth`` (quote level) are what structure matching compares: a
   translation keeps the article's structure, so they agree between an article and its English.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

__all__ = ["Block", "BlockKind", "blocks"]

BlockKind = Literal["heading", "paragraph", "item", "cell", "html"]

_FRONT = re.compile(r"\A\ufeff?---[ \t]*\r?\n(?:.*?\r?\n)??---[ \t]*(?:\r?\n|\Z)", re.S)
_QUOTE = re.compile(r"[ \t]*>[ \t]?")
_FENCE = re.compile(r"[ \t]*(`{3,}|~{3,})")
_HEADING = re.compile(r"(#{1,6})(?:[ \t]+|$)")
_ANCHOR = re.compile(r"(?:<a\s+(?:name|id)=[^>]*>\s*</a>\s*)+", re.I)
_CLOSING_HASHES = re.compile(r"[ \t]+#+[ \t]*$")
_ITEM = re.compile(r"([ \t]*)(?:[-*+]|\d{1,9}[.)])(?:[ \t]+|$)")
#: Lines that are DocFX syntax, not prose: ``[!NOTE]``, ``[!include[..](..)]``, ``[!div …]``, ``:::``.
_DIRECTIVE = re.compile(r"\[![\w-]+(?:\s*\[[^\]\n]*\]\([^)\n]*\)|[^\]\n]*)\]\s*$|:::", re.I)
_ALERT = re.compile(r"\[!(?:NOTE|TIP|IMPORTANT|CAUTION|WARNING)\][ \t]*", re.I)
_RULE = re.compile(r"(?:(?:\*[ \t]*){3,}|(?:-[ \t]*){3,}|(?:_[ \t]*){3,})$")
_HTML_START = re.compile(
    r"</?(?:table|thead|tbody|tfoot|tr|td|th|p|div|ul|ol|li|dl|dt|dd|h[1-6]|blockquote|center|colgroup|col"
    r"|caption|details|summary|section|pre|br|hr)\b", re.I)
_TABLE_SEPARATOR = re.compile(r"\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*$")
_CELL_SPLIT = re.compile(r"(?<!\\)\|")


@dataclass(frozen=True, slots=True)
class Block:
    """A leaf of the article's block tree: the container of one run of text."""

    kind: BlockKind
    """``heading``, ``paragraph`` (alert bodies are paragraphs at depth ≥ 1), ``item`` (the first
    paragraph of a list item), ``cell`` (of a pipe table) or ``html`` (an HTML region)."""
    depth: int
    """Quote level: 0 outside alerts and block quotes."""
    line: int
    """1-based line of the block's first text line."""
    text: str
    """The content lines, container prefixes removed, joined by ``\\n``."""


@dataclass(slots=True)
class _Open:
    kind: BlockKind
    depth: int
    line: int
    lines: list[str]


def _strip_quotes(line: str) -> tuple[int, str]:
    depth = 0
    while True:
        found = _QUOTE.match(line)
        if found is None:
            return depth, line
        depth += 1
        line = line[found.end():]


def _cells(row: str) -> list[str]:
    """The cells of a pipe-table row (pipes inside inline code do not split)."""
    inner = row.strip()
    if inner.startswith("|"):
        inner = inner[1:]
    if inner.endswith("|") and not inner.endswith("\\|"):
        inner = inner[:-1]
    if "`" not in inner:
        return _CELL_SPLIT.split(inner)
    cells, start, ticks = [], 0, False
    for at, char in enumerate(inner):
        if char == "`":
            ticks = not ticks
        elif char == "|" and not ticks and (at == 0 or inner[at - 1] != "\\"):
            cells.append(inner[start:at])
            start = at + 1
    cells.append(inner[start:])
    return cells


def blocks(text: str) -> Iterator[Block]:
    """The blocks of an article, in document order (see the module docstring)."""
    front = _FRONT.match(text)
    first_line = 1
    if front:
        first_line += front.group().count("\n")
        text = text[front.end():]
    lines = text.splitlines()
    current: _Open | None = None
    fence: str | None = None
    in_comment = in_table = False

    def close() -> Iterator[Block]:
        nonlocal current
        if current is not None and any(part.strip() for part in current.lines):
            yield Block(current.kind, current.depth, current.line, "\n".join(current.lines))
        current = None

    for number, raw in enumerate(lines, first_line):
        depth, line = _strip_quotes(raw) if ">" in raw else (0, raw)
        stripped = line.strip()
        if (fence is None and not in_comment and stripped[:1].isalpha() and "|" not in stripped
                and current is not None and current.kind != "html" and current.depth == depth):
            current.lines.append(line)  # the common case: a line of running text goes on
            continue
        if fence is not None:
            if stripped.startswith(fence) and not stripped[len(fence):].strip(fence[0]).strip():
                fence = None
            continue
        if in_comment:
            in_comment = "-->" not in line
            continue
        if not stripped:
            yield from close()
            in_table = False
            continue
        opened = _FENCE.match(line)
        if opened:
            yield from close()
            fence = opened.group(1)
            continue
        if stripped.startswith("<!--"):
            yield from close()
            in_comment = "-->" not in stripped
            continue
        if in_table and "|" in stripped:
            yield from _row(stripped, depth, number)
            continue
        in_table = False
        if current is not None and current.kind == "html":
            current.lines.append(line)
            continue
        first = stripped[0]  # each pattern below starts with one character of its own
        if (first in "[:" and _DIRECTIVE.match(stripped)) or (first in "*-_" and _RULE.match(stripped)):
            yield from close()
            continue
        alert = _ALERT.match(stripped) if first == "[" else None
        if alert:
            yield from close()
            stripped = line = stripped[alert.end():]
        heading = _HEADING.match(stripped) if stripped[:1] == "#" else None
        if heading:
            yield from close()
            title = _CLOSING_HASHES.sub("", stripped[heading.end():])
            anchor = _ANCHOR.match(title)
            yield Block("heading", depth, number, title[anchor.end():] if anchor else title)
            continue
        if "|" in stripped and number - first_line + 1 < len(lines):
            following = _strip_quotes(lines[number - first_line + 1])[1]
            if _TABLE_SEPARATOR.match(following.strip()) and "-" in following:
                yield from close()
                in_table = True
                yield from _row(stripped, depth, number)
                continue
        if in_table is False and "|" in stripped and _TABLE_SEPARATOR.match(stripped):
            continue
        if stripped[:1] == "<" and _HTML_START.match(stripped):
            yield from close()
            current = _Open("html", depth, number, [line])
            continue
        item = _ITEM.match(line)
        if item:
            yield from close()
            current = _Open("item", depth, number, [line[item.end():]])
            continue
        if current is None or current.depth != depth:
            yield from close()
            current = _Open("paragraph", depth, number, [])
        current.lines.append(line)
    yield from close()


def _row(row: str, depth: int, number: int) -> Iterator[Block]:
    if _TABLE_SEPARATOR.match(row) and "-" in row:
        return
    for cell in _cells(row):
        if cell.strip():
            yield Block("cell", depth, number, cell)
