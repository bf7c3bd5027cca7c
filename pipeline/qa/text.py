"""Text helpers the checks share: normalisation, URLs, what needs no translation."""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterator

from ..model import Code, Segment, Text

__all__ = ["collapse", "urls_of", "strip_untranslatable", "needs_no_translation", "visible_text",
           "LOCALE_IN_URL"]

_SPACE = re.compile(r"\s+")
_HREF = re.compile(r"""\b(?:href|src)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.I)
_LINK_END = re.compile(r"""^\]\(\s*<?([^\s>)]*(?:\([^()\s]*\)[^\s>)]*)*)>?(?:\s+(?:"[^"]*"|'[^']*'))?\s*\)$""")
_BARE_URL = re.compile(r"""\b(?:https?|ftp)://[^\s<>"'`)\]]+""", re.I)
#: A locale path part of a docs URL: ``/en-us/``, ``/fr-FR/``, ``/zh-hans/``.
LOCALE_IN_URL = re.compile(r"(?i)(?<=/)[a-z]{2,3}-(?:[a-z]{2}|[a-z]{4}(?:-[a-z]{2})?)(?=/|$)")
_IDENTIFIER = re.compile(
    r"""(?x)
      [A-Za-z0-9]+(?:[_.:/\\-]+[A-Za-z0-9]+)+(?:\(\))?  # snake_case, dotted.names, paths, ids
    | [a-z]+[A-Z][A-Za-z0-9]*                           # camelCase, iOS
    | [A-Z][a-z0-9]+(?:[A-Z][a-z0-9]*)+                 # PascalCase: ExcelApi, TextCoercion
    | [A-Za-z]+[0-9][A-Za-z0-9]*                        # letters and digits: CL2, amd64
    | \b[A-Z]{2,6}s?\b                                  # acronyms and currency codes: API, USD
    | [\w.+-]+@[\w-]+(?:\.[\w-]+)+                      # e-mail
    """)
_NUMBERISH = re.compile(r"[\d\s\W_]*")


def collapse(text: str) -> str:
    """Entities decoded, NBSP and runs of whitespace as one space, stripped."""
    if "&" in text:
        text = html.unescape(text)
    return _SPACE.sub(" ", text.replace("\u00a0", " ").replace("\u202f", " ")).strip()


def visible_text(segment: Segment) -> str:
    """The text a reader sees: text runs, entities decoded (codes dropped)."""
    return segment.text


def urls_of(segment: Segment) -> Iterator[str]:
    """Every URL of a segment: link/image targets, autolinks, ``href``/``src``, bare URLs in text."""
    for run in segment.runs:
        if isinstance(run, Code):
            if run.type in ("link", "image") and run.raw.startswith("]("):
                match = _LINK_END.match(run.raw)
                if match:
                    yield match.group(1)
            elif run.raw.startswith("<") and run.raw[1:5].lower() in ("http", "mail", "ftp:"):
                yield run.raw[1:-1]
            elif run.raw.startswith("<"):
                for match in _HREF.finditer(run.raw):
                    yield next(g for g in match.groups() if g is not None)
        elif isinstance(run, Text):
            yield from (m.group().rstrip(".,;:!?") for m in _BARE_URL.finditer(run.text))


def strip_untranslatable(text: str, do_not_translate: tuple[str, ...]) -> str:
    """``text`` without URLs, identifiers and do-not-translate names (longest first)."""
    text = _BARE_URL.sub(" ", text)
    for name in do_not_translate:
        if name in text:
            text = re.sub(rf"(?<!\w){re.escape(name)}(?!\w)", " ", text)
    return _IDENTIFIER.sub(" ", text)


def has_letters(text: str) -> bool:
    """Whether any character is a letter."""
    return any(unicodedata.category(c).startswith("L") for c in text)


def needs_no_translation(segment: Segment, do_not_translate: tuple[str, ...]) -> bool:
    """Only code, URLs, numbers, punctuation and do-not-translate names: nothing to translate."""
    return not has_letters(strip_untranslatable(segment.text, do_not_translate))
