"""Wrong language: the target is not in the locale's script or language.

Two signals, both offline:

1. Unicode script properties (the ``regex`` module's ``\\p{Script=…}``): a
   ``ja-JP`` target with no kana or kanji, a ``ru-RU`` or ``ar-SA`` target with
   Latin letters only, or letters of a third script that the source does not have.
2. For languages written in Latin script (``fr``, ``de``…), where the script says
   nothing, the lingua language identifier restricted to {target language,
   English}: a target that is confidently English (``confidence``) and shares
   most of its words with the source (``min_source_overlap``: lingua alone is
   unsure on short texts full of product names).

Code, URLs, identifiers and ``do_not_translate`` names are removed first, and
segments whose target equals the source are left to ``untranslated``.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from typing import Any

import regex

from ..locales import language_of
from .findings import Finding
from .registry import CheckContext, QaSegment, check
from .text import collapse, strip_untranslatable

__all__ = ["wrong_language", "SCRIPTS"]

#: Primary language subtag → scripts its text is written in (besides Latin loanwords).
SCRIPTS: dict[str, tuple[str, ...]] = {
    "ja": ("Hiragana", "Katakana", "Han"), "zh": ("Han",), "ko": ("Hangul", "Han"),
    "ru": ("Cyrillic",), "uk": ("Cyrillic",), "bg": ("Cyrillic",), "be": ("Cyrillic",),
    "kk": ("Cyrillic",), "mk": ("Cyrillic",), "ar": ("Arabic",), "fa": ("Arabic",),
    "ur": ("Arabic",), "he": ("Hebrew",), "el": ("Greek",), "th": ("Thai",),
    "hi": ("Devanagari",), "mr": ("Devanagari",), "bn": ("Bengali",), "ta": ("Tamil",),
    "ka": ("Georgian",), "hy": ("Armenian",), "am": ("Ethiopic",),
}
_OTHER_SCRIPTS = ("Cyrillic", "Arabic", "Hebrew", "Greek", "Han", "Hiragana", "Katakana", "Hangul",
                  "Thai", "Devanagari")
_LETTER = regex.compile(r"\p{L}")
_LATIN = regex.compile(r"\p{Script=Latin}")
_WORD = regex.compile(r"\p{L}+")


@functools.lru_cache(maxsize=64)
def _script_re(scripts: tuple[str, ...], strict: bool = False) -> Any:
    """Letters of any of ``scripts``: by Script when ``strict``, else by Script_Extensions
    (which also counts shared marks such as 、。ー as Japanese)."""
    prop = "Script" if strict else "Script_Extensions"
    return regex.compile("|".join(rf"\p{{{prop}={s}}}" for s in scripts))


def _detector(ctx: CheckContext, language: str) -> Any:
    """A lingua detector for {language, English}, built once per run; None when unsupported."""
    key = f"lingua:{language}"
    if key not in ctx.cache:
        try:
            from lingua import IsoCode639_1, Language, LanguageDetectorBuilder
            target = Language.from_iso_code_639_1(IsoCode639_1.from_str(language))
            ctx.cache[key] = (LanguageDetectorBuilder.from_languages(target, Language.ENGLISH).build(),
                              Language.ENGLISH)
        except (ImportError, ValueError):
            ctx.cache[key] = None
    return ctx.cache[key]


@check("wrong-language", severity="error", min_letters=12, min_words=5, confidence=0.95, min_source_overlap=0.5)
def wrong_language(seg: QaSegment, ctx: CheckContext) -> Iterator[Finding]:
    """Target is not in the locale's script or language."""
    row = seg.row
    if collapse(row.target_raw) == collapse(row.source_raw):
        return
    text = strip_untranslatable(seg.target.text, ctx.do_not_translate)
    letters = len(_LETTER.findall(text))
    if letters < ctx.options["min_letters"]:
        return
    language = language_of(row.locale)
    scripts = SCRIPTS.get(language)
    if scripts:
        native = len(_script_re(scripts).findall(text))
        if native == 0:
            latin = len(_LATIN.findall(text))
            short = len(_WORD.findall(text)) < ctx.options["min_words"]
            yield seg.finding(ctx, f"no {'/'.join(scripts)} letters in a {row.locale} target "
                              f"({latin} of {letters} letters are Latin)"
                              + ("; short, perhaps a name left in English" if short else ""),
                              severity="info" if short else None, reason="script", expected=list(scripts))
            return
    foreign = [s for s in _OTHER_SCRIPTS if s not in (scripts or ())
               and not (s == "Han" and "Han" in (scripts or ()))]
    source_text = row.source_text
    for script in foreign:
        pattern = _script_re((script,), strict=True)
        found = len(pattern.findall(text))
        if found >= 3 and not pattern.search(source_text):
            yield seg.finding(ctx, f"{found} {script} letters in a {row.locale} target", reason="foreign-script",
                              script=script)
            return
    words = [w.lower() for w in _WORD.findall(text)]
    if scripts or len(words) < ctx.options["min_words"]:
        return
    source_words = {w.lower() for w in _WORD.findall(source_text)}
    overlap = sum(1 for w in words if w in source_words) / len(words)
    if overlap < ctx.options["min_source_overlap"]:
        return
    detector = _detector(ctx, language)
    if detector is None or language == "en":
        return
    lingua, english = detector
    values = {c.language: c.value for c in lingua.compute_language_confidence_values(text)}
    confidence = values.get(english, 0.0)
    if confidence >= ctx.options["confidence"]:
        yield seg.finding(ctx, f"target reads as English, not {language} (confidence {confidence:.2f})",
                          reason="language", detected="en", confidence=round(confidence, 3),
                          overlap=round(overlap, 2))
