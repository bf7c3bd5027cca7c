"""Untranslated segments: an empty target, or a target identical to its source."""

from __future__ import annotations

from collections.abc import Iterator

import regex

from ..locales import language_of
from .findings import Finding
from .language import SCRIPTS
from .registry import CheckContext, QaSegment, check, source_memo
from .text import code_like, collapse, needs_no_translation, strip_untranslatable
from .words import WORD, english_words, is_english_word

__all__ = ["untranslated"]


@source_memo
def _words(text: str) -> tuple[str, ...]:
    """The words of a source left once code, URLs and identifiers are stripped; none when the
    text has the shape of code or data (read-only: shared by every unit with this source)."""
    if code_like(text):
        return ()
    return tuple(WORD.findall(strip_untranslatable(text, ())))


@check("untranslated", severity="error", min_words=3)
def untranslated(seg: QaSegment, ctx: CheckContext) -> Iterator[Finding]:
    """Target is empty or identical to the source.

    Identity is judged after decoding entities and collapsing whitespace.  An identical target
    is an ``error`` when it reads as English prose: ``min_words`` or more of its words (or a
    whole sentence's) are English words that the target language does not use as well
    (word-frequency data, :mod:`pipeline.qa.words`), two of them in lower case (not a title),
    and the source is no name the corpus knows (:mod:`pipeline.qa.names`).  Deliberately not flagged as
    errors: segments that hold nothing to translate (code, JSON, formulas, URLs, numbers,
    identifiers, ``do_not_translate`` names: ``info``); words the target language spells the
    same (French *Date*, German *Name*: ``info``); names the corpus leaves identical in several
    locales and translates in none (``info``).  A short label of fewer English words is a
    ``warning`` when the corpus translates the same source somewhere, else ``info`` (perhaps a
    UI or product name).
    """
    target = seg.row.target_raw
    if not seg.identical:
        # the texts differ once collapsed, so when the target collapses to nothing the source does not
        if not (target.strip() if "&" not in target else collapse(target)):
            yield seg.finding(ctx, "target is empty", reason="empty")
        return
    if not (target.strip() if "&" not in target else collapse(target)):  # both empty
        return
    if needs_no_translation(seg.source, ctx.do_not_translate):
        yield seg.finding(ctx, "target identical to source; it holds nothing to translate (code, URLs, "
                          "numbers or do-not-translate names)", severity="info", reason="no-translation-needed")
        return
    source_text = seg.row.source_text
    language = language_of(seg.row.locale)
    words = _words(source_text)
    if ctx.do_not_translate:
        words = tuple(WORD.findall(strip_untranslatable(" ".join(words), ctx.do_not_translate)))
    english = english_words(list(words), language, SCRIPTS.get(language) is None)
    if not english:
        yield seg.finding(ctx, f"target identical to source; its words are names, identifiers or words of "
                          f"{language} too", severity="info", reason="no-english-words")
        return
    stripped = source_text.strip()
    if stripped in ctx.corpus.names:
        yield seg.finding(ctx, "target identical to source; a name: the corpus leaves it identical in several "
                          "locales and translates it in none", severity="info", reason="name")
        return
    shown = ", ".join(english[:6]) + ("…" if len(english) > 6 else "")
    sentence = source_text.rstrip().endswith((".", "!", "?"))
    if (len(english) >= ctx.options["min_words"] or sentence) and sum(w.islower() for w in english) >= 2 \
            and not _title(words):
        yield seg.finding(ctx, f"target identical to source ({len(english)} English words: {shown})",
                          reason="identical", english=english)
    elif _named(words, source_text):
        yield seg.finding(ctx, f"target identical to source ({shown}); it names something (a word no English "
                          f"text uses, or a version number)", severity="info", reason="named", english=english)
    elif (seg.row.locale, stripped) in ctx.corpus.translated_in or stripped in ctx.corpus.mostly_translated:
        yield seg.finding(ctx, f"target identical to source ({shown}); the corpus translates this source "
                          f"elsewhere", severity="warning", reason="identical-label", english=english)
    else:
        yield seg.finding(ctx, f"target identical to source ({shown}); short or title-cased, perhaps a UI or "
                          f"product name", severity="info", reason="short", english=english)


def _title(words: tuple[str, ...]) -> bool:
    """Whether every word of four letters or more is capitalised: a title or a name
    (Recovery Assistant for Office), not a sentence."""
    return all(not w[0].islower() for w in words if len(w) >= 4)


_VERSION = regex.compile(r"\b\p{Lu}\p{L}*\s+\d+(?:\.\d+)*\b")


def _named(words: tuple[str, ...], text: str) -> bool:
    """Whether a short text names something: it holds a word no English text uses (Fabrikam,
    msdyn) or a capitalised word with a version number (Exchange Server 2016)."""
    return (any(not is_english_word(w) for w in WORD.findall(text)) or _VERSION.search(text) is not None)
