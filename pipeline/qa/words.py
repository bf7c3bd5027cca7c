"""Which words of a text are English words left untranslated, from word-frequency data.

wordfreq's small lists (offline, the words of zipf frequency 3 and more: about once per million
words of running text) tell an English word (``select``, ``field``) from a name or identifier
that no English text uses (``Codeunit``, ``tinyint``), and, in a language written in Latin
script, an English word from a word that the target language uses as much (French *Date*,
*Action*; German *Name*, *Status*): those are cognates, correct when left as they are.  Each
language's list is loaded once per process (a dictionary of 30-40k words, ~10 ms).
"""

from __future__ import annotations

import functools
import math

import regex

__all__ = ["english_words", "is_english_word", "WORD"]

#: A word: a run of letters, apostrophes inside it kept (``don't``).
WORD = regex.compile(r"\p{L}+(?:['’]\p{L}+)*")
#: A target-language word counts as a cognate when its frequency there is within this many zipf
#: units (a factor of 10 each) of its English frequency: German web text also holds English words
#: (``time`` 4.4 in German, 6.3 in English) that German writers would not leave untranslated.
COGNATE_MARGIN = 1.5


@functools.lru_cache(maxsize=64)
def _zipf(language: str) -> dict[str, float]:
    """``language``'s words with their zipf frequency (empty when wordfreq has no list for it)."""
    import wordfreq  # the lists are read on first use: loading wordfreq costs nothing until then
    try:
        frequencies = wordfreq.get_frequency_dict(language, wordlist="small")
    except (LookupError, ValueError, OSError):
        return {}
    return {word: math.log10(f) + 9 for word, f in frequencies.items()}


def is_english_word(word: str) -> bool:
    """Whether ``word`` (any case) is a word English text uses (zipf 3 or more)."""
    return word.lower() in _zipf("en")


def english_words(words: list[str], language: str, latin: bool) -> list[str]:
    """The ``words`` that are English words and not words of ``language`` too.

    ``latin``: the language is written in Latin script, so an English word may be one of its own
    (a cognate); in other scripts every English word is foreign.
    """
    english = _zipf("en")
    native = _zipf(language) if latin and language != "en" else {}
    found = []
    for word in words:
        lower = word.lower()
        zipf = english.get(lower)
        if zipf is None:
            continue
        there = native.get(lower)
        if there is not None and there >= zipf - COGNATE_MARGIN:
            continue
        found.append(word)
    return found
