"""Sentence boundaries by the locale's rules.

Principles:

1. English is split the way Microsoft's segmenter split it: after ``.``, ``!`` or ``?`` (and any
   closing quotes or emphasis, a French ``»`` after its space too), then whitespace, then a word (of either case: Microsoft split
   ``… customer. this means``); never inside inline code, a tag, a link's URL or an emphasised
   phrase (UI labels such as ``**Max. Qty.**``, captions such as ``*Figure 1. The menu*``), nor
   after a known abbreviation.
2. A translation is split more eagerly (``strict=False``): the aligner merges two target pieces
   for one English sentence, but cannot split one it was given whole.  So there the stops of
   other scripts count too (``。！？؟।۔``), and the target language's abbreviations.
3. Chinese and Japanese end a unit at a full-width stop followed by whitespace, never at one
   followed directly by text: Microsoft assembles an article from its units joined by the
   English whitespace, so a stop written against the next sentence is the translator's own
   break inside one unit (a sentence translated as two, or a paragraph kept as one unit).
   Arabic and Hebrew allow bidi marks between the stop and the space.
4. Abbreviations are the target language's own (``z. B.``, ``т. е.``, ``p. ex.``): general
   knowledge of the language, never words taken from one corpus.
"""

from __future__ import annotations

import functools
import re

__all__ = ["STOP", "WIDE_STOP_CHARS", "boundaries", "protected", "abbreviations"]

#: A Latin/Cyrillic/Greek-script stop: the stop run, its closers, optional bidi marks, whitespace.
STOP = re.compile(r"[.!?]+(?:[\"”’'»*_]|[ \u00a0\u202f]»)*[\u200e\u200f\u061c]*\s+")
#: Full-width and other scripts' stops: a boundary with or without following space (rule 3).
WIDE_STOP_CHARS = "。！？؟।۔"
_WIDE_STOP = re.compile(f"[{WIDE_STOP_CHARS}]+" r"[」』”’）)\]*_]*[\u200e\u200f\u061c]*\s*")
_ANY_WIDE = re.compile(f"[{WIDE_STOP_CHARS}]")
#: Markup a sentence may open with, skipped to find its first letter.
_OPENERS = re.compile(r"(?:\*+|_+|\[|!\[|\(|[\"“‘'«¿¡]|<[^<>]*>)*")
_WORD_BEFORE = re.compile(r"([^\W\d_][\w.\-]*|\d+)$")
_PROTECT = re.compile(
    r"(?P<ticks>`+)(?!`).+?(?<!`)(?P=ticks)(?!`)"   # inline code
    r"|<[^<>\n]*>"                                 # a tag
    r"|\]\((?:[^()\s]|\([^()\s]*\))*(?:\s+\"[^\"]*\")?\)"  # a link's URL
    r"|https?://[^\s<>()\]]+"                      # a bare URL
    r"|(?<![\w*])\*\*(?=\S)[^*\n]+?(?<=\S)\*\*(?![\w*])"  # **emphasised UI labels**
    r"|(?<![\w*\\])\*(?=[^\s*])[^*\n]+?(?<=[^\s*\\])\*(?![\w*])"  # *a caption. In italics*
    r"|(?<![\w\\])_(?=[^\s_])[^_\n]+?(?<=[^\s_\\])_(?!\w)",
    re.S)

#: Every protected range starts with one of these.
_MAY_PROTECT = re.compile(r"[`<*_]|\]\(|https?://")
_ABBREVIATIONS: dict[str, frozenset[str]] = {
    "en": frozenset("e.g i.e etc vs approx no nos fig figs mr mrs ms dr st inc ltd corp co jr sr"
                    " jan feb mar apr jun jul aug sep sept oct nov dec a.m p.m u.s cf ca".split()),
    "de": frozenset("z.b d.h u.a usw bzw ggf vgl ca nr abb bsp evtl inkl zzgl max min sog s.u s.o"
                    " dr hr fr etc u.ä o.ä".split()),
    "fr": frozenset("p.ex etc cf env n° no fig m mme mmes mlle dr st vol".split()),
    "es": frozenset("p.ej etc sr sra srta dr dra núm fig aprox".split()),
    "pt": frozenset("p.ex etc sr sra dr dra n.º nº fig aprox".split()),
    "it": frozenset("ad es p.es ecc sig dott fig n".split()),
    "nl": frozenset("bijv d.w.z o.a enz nr fig".split()),
    "ru": frozenset("т.е т.д т.п др см напр рис г гг стр ок".split()),
    "uk": frozenset("т.д т.п див напр рис".split()),
    "pl": frozenset("np itd itp tzn tj nr ok dr rys".split()),
}
#: Abbreviations that stand before a number, and only there.
_BEFORE_NUMBERS = frozenset("no nos nr fig figs abb rys рис vol n° nº núm".split())


@functools.lru_cache(maxsize=64)
def abbreviations(locale: str) -> frozenset[str]:
    """Abbreviations (lower case, without the last period) of a locale's language, English included."""
    language = locale.split("-")[0].lower()
    return _ABBREVIATIONS.get(language, frozenset()) | _ABBREVIATIONS["en"]


def protected(text: str) -> list[tuple[int, int]]:
    """Ranges of ``text`` no boundary may fall inside: inline code, tags, URLs, emphasis."""
    if _MAY_PROTECT.search(text) is None:
        return []
    return [(m.start(), m.end()) for m in _PROTECT.finditer(text)]


def _inside(ranges: list[tuple[int, int]], at: int) -> bool:
    for start, end in ranges:
        if start < at < end:
            return True
        if start >= at:
            return False
    return False


def _abbreviated(text: str, stop: int, known: frozenset[str]) -> bool:
    """Whether the period at ``stop`` ends an abbreviation (or an initial, or ``z. B.``)."""
    word = _WORD_BEFORE.search(text, max(0, stop - 64), stop)  # a longer word is no abbreviation
    if word is None:
        return False
    token = word.group(1).lower().rstrip(".")
    if token in _BEFORE_NUMBERS:  # "No. 5", "Fig. 2"; but "No. The app…" is an answer
        return text[stop + 1:stop + 3].strip()[:1].isdigit()
    if token in known or (len(word.group(1)) == 1 and word.group(1).isupper() and word.start() > 0
                          and not text[word.start() - 1].isalnum()):
        return True  # an initial ("J. Smith"); only scripts with capitals have them
    # two-part abbreviations written with a space: "z. B.", "т. е.", "p. ex." (at either period)
    after = re.match(r"\.\s([^\W\d_]+)\.", text[stop:stop + 8])
    if after and f"{token}.{after.group(1).lower()}" in known:
        return True
    before = text[max(0, word.start() - 4):word.start()]
    pair = re.search(r"([^\W\d_])\.\s$", before)
    return bool(pair and f"{pair.group(1).lower()}.{token}" in known)


def boundaries(text: str, locale: str = "en-US", *, strict: bool = True) -> list[int]:
    """Offsets where a new sentence starts in ``text`` (0 and ``len(text)`` excluded).

    ``strict`` is the English (Microsoft) rule; ``False`` the eager one for translations."""
    stops = list(STOP.finditer(text))
    if not strict and _ANY_WIDE.search(text):
        stops += list(_WIDE_STOP.finditer(text))
        stops.sort(key=lambda m: m.start())
    if not stops or (len(stops) == 1 and stops[0].end() >= len(text)):
        return []  # most pieces: no stop, or one at the very end
    guard = protected(text)
    known = abbreviations(locale)
    cuts: list[int] = []
    for stop in stops:
        cut = stop.end()
        # a stop inside emphasis ends a sentence only where the emphasis ends too ("**OK.** Then")
        if cut >= len(text) or (cuts and cut <= cuts[-1]) or _inside(guard, cut - 1):
            continue
        mark = text[stop.start()]
        # an abbreviation ends a sentence where an emphasised label ends with it ("**No.** field")
        if mark == "." and text[stop.start() + 1:stop.start() + 2].isspace() and _abbreviated(text, stop.start(), known):
            continue
        opener = _OPENERS.match(text, cut)
        first = text[opener.end()] if opener and opener.end() < len(text) else ""
        if not first:
            continue
        if mark in "。！？" and not stop.group().endswith((" ", "\n", "\t", "\u3000")):
            continue
        cuts.append(cut)
    return cuts
