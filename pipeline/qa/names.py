"""Names learnt from the corpus: a short source that translators leave as it is in several
locales, and translate in none, is a name (a product, a place, a type, an API member), whatever
English words it is made of; a short source that a locale translates in one unit and leaves
identical in another, or that most locales translate, is a label left untranslated."""

from __future__ import annotations

from collections import defaultdict

from ..store import Store
from .registry import CorpusFacts

__all__ = ["corpus_facts", "MAX_CHARS"]

#: Only sources this short are learnt (names and labels; a sentence is never a name).
MAX_CHARS = 64


def corpus_facts(store: Store, min_locales: int = 2) -> CorpusFacts:
    """The :class:`CorpusFacts` of ``store`` (one grouping query; only the sources left identical
    somewhere are kept)."""
    identical: dict[str, set[str]] = defaultdict(set)
    translated: dict[str, set[str]] = defaultdict(set)
    for use in store.qa_short_source_uses(MAX_CHARS):
        if use.identical:
            identical[use.source_text].add(use.locale)
        if use.translated:
            translated[use.source_text].add(use.locale)
    names: set[str] = set()
    translated_in: set[tuple[str, str]] = set()
    mostly: set[str] = set()
    for text, locales in identical.items():
        elsewhere = translated.get(text, set())
        if not elsewhere:
            if len(locales) >= min_locales:
                names.add(text)
            continue
        translated_in.update((locale, text) for locale in locales & elsewhere)
        if len(elsewhere) > len(locales):
            mostly.add(text)
    return CorpusFacts(frozenset(names), frozenset(translated_in), frozenset(mostly), MAX_CHARS)
