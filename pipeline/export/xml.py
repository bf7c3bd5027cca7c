"""XML as text: escaping as lxml writes it, and what XML 1.0 forbids.

The exporters build their documents as strings (an element per f-string): several times
faster than lxml's incremental writer, which costs a Python-level call per element,
attribute and text.  The escaping below is the one lxml (libxml2) applies to UTF-8 output,
so the bytes are those lxml would write (``tests/test_export_tmx.py`` checks it against
lxml).  Text must be cleaned of XML-illegal characters first (:class:`Cleaner`,
:func:`illegal_spans`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..chars import REPLACEMENT, XML_ILLEGAL
from ..model import Code, Run, Text

__all__ = ["Cleaner", "XML_DECLARATION", "escape_attr", "escape_text", "illegal_spans"]

#: The XML declaration, as lxml writes it, and the line break after it.
XML_DECLARATION = "<?xml version='1.0' encoding='UTF-8'?>\n"


class Cleaner:
    """Replaces XML-illegal characters with U+FFFD and counts them (one per output file)."""

    __slots__ = ("count",)

    def __init__(self) -> None:
        self.count = 0
        """Characters replaced so far."""

    def __call__(self, text: str) -> str:
        if text.isprintable() or not XML_ILLEGAL.search(text):  # printable: no control, surrogate, U+FFFE/F
            return text
        cleaned, replaced = XML_ILLEGAL.subn(REPLACEMENT, text)
        self.count += replaced
        return cleaned

    def runs(self, runs: tuple[Run, ...]) -> tuple[Run, ...]:
        """The runs with every text and code cleaned (the same tuple when none needs it: most)."""
        for run in runs:
            if not run.raw.isprintable() and XML_ILLEGAL.search(run.raw):
                break
        else:
            return runs
        return tuple(Text(self(r.raw)) if isinstance(r, Text) else Code(r.kind, r.type, self(r.raw), r.pair)
                     for r in runs)


def illegal_spans(text: str) -> Iterator[tuple[str, int | None]]:
    """Split ``text`` into ``(chunk, None)`` for legal text and ``("", codepoint)`` per illegal character."""
    pos = 0
    for match in XML_ILLEGAL.finditer(text):
        if match.start() > pos:
            yield text[pos:match.start()], None
        yield "", ord(match.group())
        pos = match.end()
    if pos < len(text):
        yield text[pos:], None


#: What lxml writes as references in element content, and in attribute values (between ``"``).
_TEXT = {"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"}
_ATTR = {**_TEXT, '"': "&quot;", "\n": "&#10;", "\t": "&#9;"}
_TEXT_SPECIAL, _TEXT_TABLE = re.compile("[&<>\r]"), str.maketrans(_TEXT)
_ATTR_SPECIAL, _ATTR_TABLE = re.compile('[&<>\r"\n\t]'), str.maketrans(_ATTR)


def escape_text(text: str) -> str:
    """Element content as lxml writes it: ``&``, ``<``, ``>`` as entities, CR as ``&#13;``."""
    return text.translate(_TEXT_TABLE) if _TEXT_SPECIAL.search(text) else text


def escape_attr(text: str) -> str:
    """An attribute value (between double quotes) as lxml writes it: :func:`escape_text`,
    and ``"``, tab, LF and CR as references."""
    return text.translate(_ATTR_TABLE) if _ATTR_SPECIAL.search(text) else text
