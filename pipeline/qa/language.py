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

import ctypes
import functools
import re
from collections.abc import Iterator
from typing import Any

import regex

from ..locales import language_of
from .findings import Finding
from ..model import Code, Text
from .registry import CheckContext, QaSegment, after_pass, check
from .text import code_like, strip_untranslatable
from .words import english_words

__all__ = ["english_stretch", "wrong_language", "SCRIPTS"]

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
_LATIN = regex.compile(r"\p{Script=Latin}")
_WORD = regex.compile(r"\p{L}+")
#: ``_WORD`` for ASCII text, where the letters are A-Z and a-z (``re`` is faster than ``regex``).
_ASCII_WORD = re.compile(r"[A-Za-z]+")


@functools.lru_cache(maxsize=64)
def _script_re(scripts: tuple[str, ...], strict: bool = False) -> Any:
    """Letters of any of ``scripts``: by Script when ``strict``, else by Script_Extensions
    (which also counts shared marks such as 、。ー as Japanese)."""
    prop = "Script" if strict else "Script_Extensions"
    return regex.compile("[" + "".join(rf"\p{{{prop}={s}}}" for s in scripts) + "]")


@functools.lru_cache(maxsize=64)
def _foreign_scripts(scripts: tuple[str, ...] | None) -> tuple[tuple[str, ...], Any]:
    """The scripts foreign to a language written in ``scripts`` (None: Latin), and one pattern
    that finds a letter of any of them (the per-script counts are only made when it does)."""
    foreign = tuple(s for s in _OTHER_SCRIPTS if s not in (scripts or ())
                    and not (s == "Han" and "Han" in (scripts or ())))
    return foreign, _script_re(foreign, strict=True)


#: Code points that hold no letter of any script of ``_OTHER_SCRIPTS``: ASCII to the combining
#: diacritics (Greek starts at U+0370), Latin Extended Additional, general punctuation, currency
#: signs, arrows and mathematical operators.  (tests/test_qa_prefilters.py checks every range
#: against the ``regex`` module's Script data.)
_SAFE_COMMON = "\x00-\u036f\u1e00-\u1eff\u2000-\u206f\u20a0-\u20cf\u2190-\u22ff"
#: Per script, the blocks of its own letters (with their punctuation), safe in its own locales.
_SAFE_NATIVE = {
    "Cyrillic": "\u0400-\u052f\u1c80-\u1c8f\u2de0-\u2dff\ua640-\ua69f",
    "Arabic": "\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff",
    "Hebrew": "\u0590-\u05ff\ufb1d-\ufb4f",
    "Greek": "\u0370-\u03ff\u1f00-\u1fff",
    "Han": "\u3000-\u302d\u3030-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uff65",
    "Hiragana": "\u3040-\u309f\u3000-\u302d\u3030-\u303f\uff00-\uff65",
    "Katakana": "\u30a0-\u30ff\u31f0-\u31ff\u3000-\u302d\u3030-\u303f\uff00-\uff9f",
    "Hangul": "\u1100-\u11ff\u3000-\u303f\u3130-\u318f\ua960-\ua97f\uac00-\ud7ff\uff00-\uff65\uffa0-\uffdf",
    "Thai": "\u0e00-\u0e7f",
    "Devanagari": "\u0900-\u097f\ua8e0-\ua8ff",
    "Bengali": "\u0980-\u09ff",
    "Tamil": "\u0b80-\u0bff",
    "Georgian": "\u10a0-\u10ff\u2d00-\u2d2f",
    "Armenian": "\u0530-\u058f",
    "Ethiopic": "\u1200-\u139f\u2d80-\u2ddf",
}


@functools.lru_cache(maxsize=64)
def _unsafe(scripts: tuple[str, ...] | None) -> re.Pattern[str]:
    """A character outside the safe ranges of a language written in ``scripts`` (None: Latin):
    where none is, no letter of a foreign script is either (a fast ``re`` scan before ``regex``'s)."""
    return re.compile("[^" + _SAFE_COMMON + "".join(_SAFE_NATIVE.get(s, "") for s in scripts or ()) + "]")


def _has_foreign(text: str, scripts: tuple[str, ...] | None) -> bool:
    """Whether ``text`` has a letter of a script of ``_OTHER_SCRIPTS`` other than ``scripts``."""
    return _unsafe(scripts).search(text) is not None and _foreign_scripts(scripts)[1].search(text) is not None


def _words(text: str) -> list[str]:
    """The runs of letters (``\\p{L}+``) of ``text``."""
    return _ASCII_WORD.findall(text) if text.isascii() else _WORD.findall(text)


@functools.lru_cache(maxsize=256)
def _language(locale: str) -> tuple[str, tuple[str, ...] | None]:
    """The primary language of ``locale`` and the scripts it is written in (None: Latin)."""
    language = language_of(locale)
    return language, SCRIPTS.get(language)


def _only_ascii_stripped(text: str, do_not_translate: tuple[str, ...]) -> bool:
    """Whether :func:`strip_untranslatable` can only blank ASCII characters of ``text``: it holds
    no URL (``://``), no e-mail (``@``) and no do-not-translate name; identifiers are ASCII."""
    return "://" not in text and "@" not in text and not any(name in text for name in do_not_translate)


#: Cache key of the lingua Language whose models are loaded besides English's (see ``_detector``).
_LOADED = "lingua:loaded"


def _detector(ctx: CheckContext, language: str) -> Any:
    """A lingua detector for {language, English}, built once per run; None when unsupported.

    Lingua loads a language's models (tens of MB) on first use.  The runner checks units
    locale by locale, so when another language is asked for, the previous one's models are
    unloaded (English stays loaded): memory holds English and one language at a time.
    """
    key = f"lingua:{language}"
    if key not in ctx.cache:
        try:
            from lingua import IsoCode639_1, Language, LanguageDetectorBuilder
            target = Language.from_iso_code_639_1(IsoCode639_1.from_str(language))
            _unload_previous(ctx, target)
            ctx.cache[key] = (LanguageDetectorBuilder.from_languages(target, Language.ENGLISH).build(),
                              Language.ENGLISH)
            ctx.cache[_LOADED] = target
        except (ImportError, ValueError):
            ctx.cache[key] = None
    return ctx.cache[key]


def _unload_previous(ctx: CheckContext, target: Any) -> None:
    """Unload the models of the language loaded before ``target`` (not English's)."""
    from lingua import Language, LanguageDetectorBuilder
    previous = ctx.cache.get(_LOADED)
    if previous is None or previous == target:
        return
    for key in [k for k, v in ctx.cache.items() if k.startswith("lingua:") and k != _LOADED
                and v is not None and v[0] is not None]:
        del ctx.cache[key]  # rebuilt (and reloaded) if that language comes back
    # unload_language_models() unloads every language of a detector: pair the previous language
    # with one that is neither English nor loaded, so English's models stay
    filler = Language.YORUBA if previous != Language.YORUBA else Language.ZULU
    LanguageDetectorBuilder.from_languages(previous, filler).build().unload_language_models()
    _trim()


@after_pass
def _release(cache: dict[str, Any]) -> None:
    """When the segment checks are done: drop the detectors and unload every lingua model,
    English's too (about 100 MB that the corpus checks and reports can use)."""
    detectors = [v[0] for k, v in list(cache.items()) if k.startswith("lingua:") and k != _LOADED and v]
    for key in [k for k in cache if k.startswith("lingua:")]:
        del cache[key]
    for detector in detectors:
        detector.unload_language_models()
    if detectors:
        _trim()


def _trim() -> None:
    """Hand memory freed by unloaded models back to the system: glibc keeps freed blocks of large
    tables in its heap otherwise, so the process would stay as big as with the models loaded."""
    try:
        ctypes.CDLL(None).malloc_trim(0)
    except (OSError, AttributeError):  # not glibc: nothing to do
        pass


#: A stretch of Latin-script text long enough to be a phrase (the pre-test of ``english_stretch``).
_LATIN_STRETCH = re.compile(r"[A-Za-z][A-Za-z0-9' ,;:.()/-]{15,}")


def english_stretch(seg: QaSegment, ctx: CheckContext, language: str) -> str | None:
    """A stretch of a non-Latin target, out of link texts, that repeats a phrase of the source's
    English prose (more than ``min_english`` lower-case English words): a part left untranslated."""
    source = " ".join(seg.row.source_text.split()).lower()
    text = seg.row.target_text
    if "](" in seg.row.target_raw or "<a" in seg.row.target_raw:
        text = _outside_links(seg)  # the title of a linked article may stay English
    for match in _LATIN_STRETCH.finditer(text):
        chunk = " ".join(match.group().split()).strip(" ,;:.(")
        if chunk.lower() not in source or code_like(chunk):
            continue
        words = _words(strip_untranslatable(chunk, ctx.do_not_translate))
        if sum(w.islower() for w in english_words(words, language, False)) > ctx.options["min_english"]:
            return chunk
    return None


def _outside_links(seg: QaSegment) -> str:
    """The target's text outside link texts (the title of a linked article may stay English)."""
    kept, depth = [], 0
    for run in seg.target.runs:
        if isinstance(run, Code) and run.type == "link":
            depth += 1 if run.kind == "begin" else -1 if run.kind == "end" else 0
        elif isinstance(run, Text) and depth <= 0:
            kept.append(run.text)
    return " ".join(kept)


def _english_prose(seg: QaSegment, ctx: CheckContext, language: str, latin: bool) -> bool:
    """Whether the target, out of link texts, code and names, still reads as English prose:
    ``min_english`` lower-case English words that are no words of ``language`` (a title-cased
    list of names, a path, a query string or the title of a linked article is not)."""
    text = seg.row.target_text
    if code_like(text):
        return False
    if "](" in seg.row.target_raw or "<a" in seg.row.target_raw:
        text = _outside_links(seg)
    words = _words(strip_untranslatable(text, ctx.do_not_translate))
    english = english_words(words, language, latin)
    return sum(w.islower() for w in english) >= ctx.options["min_english"]


@check("wrong-language", severity="error", min_letters=12, min_words=5, confidence=0.95, min_source_overlap=0.5,
       min_english=3)
def wrong_language(seg: QaSegment, ctx: CheckContext) -> Iterator[Finding]:
    """Target is not in the locale's script or language.

    Deliberately not flagged as errors: targets whose English, once code, URLs, identifiers,
    ``do_not_translate`` names and link texts (the title of an English-only article) are left
    out, is fewer than ``min_english`` lower-case English words that the target language does
    not share (names, title-cased lists of names, query strings): those are ``info`` in a
    non-Latin script and not reported in Latin ones.  A non-Latin target that repeats a phrase
    of the source's English prose beside its own script is a ``warning`` (a part left in
    English).  A target that drops a word of the source
    is no wrong language: the check does not report omissions.
    """
    row = seg.row
    if seg.identical:
        return
    text = row.target_text
    min_letters = ctx.options["min_letters"]
    if len(text) < min_letters:  # stripping below only removes letters
        return
    language, scripts = _language(row.locale)
    if scripts and _LATIN_STRETCH.search(text) is not None and _script_re(scripts).search(text) is not None:
        stretch = english_stretch(seg, ctx, language)
        if stretch is not None:
            yield seg.finding(ctx, f"part of the target is left in English: “{stretch[:80]}”", severity="warning",
                              reason="partial", english=stretch)
            return
    if scripts and _only_ascii_stripped(text, ctx.do_not_translate) and (
            _script_re(scripts).search(text) is not None
            and not _has_foreign(text, scripts)):
        # Stripping will only blank ASCII spans, and no letter of the locale's or a foreign
        # script is ASCII: the native letters stay (no "script" finding) and no foreign letter
        # appears (no "foreign-script" finding), and a non-Latin locale gets no language check.
        return
    text = strip_untranslatable(text, ctx.do_not_translate)
    words = _words(text)
    letters = sum(map(len, words))
    if letters < min_letters:
        return
    if scripts:
        if _script_re(scripts).search(text) is None:
            latin = len(_LATIN.findall(text))
            short = len(words) < ctx.options["min_words"] or not _english_prose(seg, ctx, language, False)
            yield seg.finding(ctx, f"no {'/'.join(scripts)} letters in a {row.locale} target "
                              f"({latin} of {letters} letters are Latin)"
                              + ("; short, a name, code or a linked title, perhaps left in English on purpose"
                                 if short else ""),
                              severity="info" if short else None, reason="script", expected=list(scripts))
            return
    if _has_foreign(text, scripts):
        source_text = row.source_text
        for script in _foreign_scripts(scripts)[0]:
            pattern = _script_re((script,), strict=True)
            found = len(pattern.findall(text))
            if found >= 3 and not pattern.search(source_text):
                yield seg.finding(ctx, f"{found} {script} letters in a {row.locale} target",
                                  reason="foreign-script", script=script)
                return
    if scripts or len(words) < ctx.options["min_words"]:
        return
    words = [w.lower() for w in words]
    source_words = {w.lower() for w in _words(row.source_text)}
    overlap = sum(map(source_words.__contains__, words)) / len(words)
    if overlap < ctx.options["min_source_overlap"]:
        return
    if language == "en":
        return
    if not _english_prose(seg, ctx, language, True):
        return
    detector = _detector(ctx, language)
    if detector is None:
        return
    lingua, english = detector
    values = {c.language: c.value for c in lingua.compute_language_confidence_values(text)}
    confidence = values.get(english, 0.0)
    if confidence >= ctx.options["confidence"]:
        yield seg.finding(ctx, f"target reads as English, not {language} (confidence {confidence:.2f})",
                          reason="language", detected="en", confidence=round(confidence, 3),
                          overlap=round(overlap, 2))
