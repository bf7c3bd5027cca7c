"""Text helpers the checks share: normalisation, URLs, what needs no translation."""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterable, Iterator

from ..model import Code, Segment, Text

__all__ = ["code_like", "code_urls", "collapse", "same_text", "urls_of", "strip_untranslatable", "needs_no_translation",
           "visible_text", "LOCALE_IN_URL"]

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
    | [A-Za-z]+\(\d+\)                                    # a type with its size: char(9)
    | \b[A-Z]{2,6}s?\b                                  # acronyms and currency codes: API, USD
    | [\w.+-]+@[\w-]+(?:\.[\w-]+)+                      # e-mail
    """)
_NUMBERISH = re.compile(r"[\d\s\W_]*")
#: Characters an ``_IDENTIFIER`` match can hold (every branch consumes only these).
_IDENT_CHARS = r"[\w.+\-@:/\\()]"
#: What every ``_IDENTIFIER`` match contains: alnum-separator-alnum, a lower or digit then an upper
#: letter, a letter then a digit, two upper letters, ``@``, or a letter, ``(`` and a digit.
_IDENT_HINT = r"[A-Za-z0-9][_.:/\\-]+[A-Za-z0-9]|[a-z0-9][A-Z]|[A-Za-z][0-9]|[A-Z]{2}|@|[A-Za-z]\(\d"
#: A whole run of ``_IDENT_CHARS`` that holds an ``_IDENT_HINT``: the only places where
#: ``_IDENTIFIER`` can match.  No match crosses such a run's edges, and the characters around a
#: run are not ``\w`` (as the ends of a string), so substituting run by run is the same as
#: substituting in the whole text, and runs with no hint are left as they are.
_IDENT_HINT_SEARCH = re.compile(_IDENT_HINT).search
_IDENT_RUN = re.compile(rf"(?<!{_IDENT_CHARS}){_IDENT_CHARS}*?(?:{_IDENT_HINT}){_IDENT_CHARS}*")


def collapse(text: str) -> str:
    """Entities decoded, NBSP and runs of whitespace as one space, stripped."""
    if "&" in text:
        text = html.unescape(text)
    # str.split() splits on the characters re's \s matches (str.isspace), NBSP and NNBSP included:
    # the same as replacing NBSP/NNBSP, collapsing \s+ and stripping, at a fraction of the cost.
    return " ".join(text.split())


def same_text(a: str, b: str) -> bool:
    """``collapse(a) == collapse(b)``, without building either when it can be avoided."""
    if a == b:
        return True
    if "&" in a or "&" in b:
        return collapse(a) == collapse(b)
    # collapse() is " ".join(text.split()): equal collapsed texts have equal words, and so equal
    # first words, and so the same first token in their first 8 characters: a cheap first test
    if a.lstrip()[:8].split(None, 1)[:1] != b.lstrip()[:8].split(None, 1)[:1]:
        return False
    return a.split() == b.split()


def visible_text(segment: Segment) -> str:
    """The text a reader sees: text runs, entities decoded (codes dropped)."""
    return segment.text


def urls_of(segment: Segment) -> Iterator[str]:
    """Every URL of a segment: link/image targets, autolinks, ``href``/``src``, bare URLs in text."""
    for run in segment.runs:
        if isinstance(run, Code):
            yield from _code_urls(run)
        elif isinstance(run, Text):
            yield from (m.group().rstrip(".,;:!?") for m in _BARE_URL.finditer(run.text))


def code_urls(codes: Iterable[Code]) -> Iterator[str]:
    """The URLs of inline codes: ``urls_of`` of a segment whose text holds no ``://`` (no bare URL)."""
    for code in codes:
        yield from _code_urls(code)


def _code_urls(run: Code) -> Iterator[str]:
    if run.type in ("link", "image") and run.raw.startswith("]("):
        match = _LINK_END.match(run.raw)
        if match:
            yield match.group(1)
    elif run.raw.startswith("<") and run.raw[1:5].lower() in ("http", "mail", "ftp:"):
        yield run.raw[1:-1]
    elif run.raw.startswith("<"):
        for match in _HREF.finditer(run.raw):
            yield next(g for g in match.groups() if g is not None)


def strip_untranslatable(text: str, do_not_translate: tuple[str, ...]) -> str:
    """``text`` without URLs, identifiers and do-not-translate names (longest first)."""
    if "://" in text:  # every bare URL has it
        text = _BARE_URL.sub(" ", text)
    for name in do_not_translate:
        if name in text:
            text = re.sub(rf"(?<!\w){re.escape(name)}(?!\w)", " ", text)
    if _IDENT_HINT_SEARCH(text) is None:
        return text
    return _IDENT_RUN.sub(_strip_identifiers, text)


def _strip_identifiers(run: re.Match[str]) -> str:
    return _IDENTIFIER.sub(" ", run.group())


#: Characters of code, markup, formulas and data (``=``, ``<tag>``, ``{"k": 1}``, ``x ^ y``, paths,
#: ``%VAR%``), rare in prose, and command-line parameters (``-Name``).
_CODE_CHARS = re.compile(r"""[=<>{}\[\]\\/|^~$#%@*+&;_"]|(?<![\w-])-[A-Za-z]""")


def code_like(text: str) -> bool:
    """Whether ``text`` has the shape of code or data rather than prose: one code character
    (``=<>{}[]\\/|^~$#%@*+&;_"``, or the dash of a ``-Parameter``) for every 8 letters or fewer,
    and at least two of them."""
    found = len(_CODE_CHARS.findall(text))
    if found < 2:
        return False
    letters = sum(c.isalpha() for c in text)
    return found * 8 >= letters


def has_letters(text: str) -> bool:
    """Whether any character is a letter."""
    return any(unicodedata.category(c).startswith("L") for c in text)


def needs_no_translation(segment: Segment, do_not_translate: tuple[str, ...]) -> bool:
    """Only code, URLs, numbers, punctuation and do-not-translate names: nothing to translate."""
    return not has_letters(strip_untranslatable(segment.text, do_not_translate))
