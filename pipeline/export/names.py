"""Names the exporters give things: language tags, file names, translation types, unique ids."""

from __future__ import annotations

import re

from ..locales import normalize_tag

__all__ = ["file_stem", "language_tag", "translation_label", "unique_id"]

_FILE_SAFE = re.compile(r"[^A-Za-z0-9-]+")


def language_tag(locale: str) -> str:
    """The BCP 47 form of a locale as stored (``fr-fr`` → ``fr-FR``; empty → ``und``)."""
    return normalize_tag(locale) if locale and locale.strip() else "und"


def file_stem(locale: str) -> str:
    """A locale made safe as a file name part: ``fr-FR``; anything odd becomes ``_``."""
    return _FILE_SAFE.sub("_", language_tag(locale)).strip("_") or "und"


def translation_label(translation_type: str | None, repetitions: int, mt_repetitions: int) -> str | None:
    """``MT`` when every occurrence is machine translation, ``MT+HT`` when some are, else the
    article's own ``ms.translationtype`` (``HT``), or None when the articles do not say."""
    if repetitions and mt_repetitions >= repetitions:
        return "MT"
    if mt_repetitions:
        return "MT+HT"
    return translation_type


def unique_id(wanted: str, seen: set[str]) -> str:
    """``wanted``, or ``wanted.2``, ``wanted.3``… if already in ``seen``; added to ``seen``."""
    candidate, n = wanted, 1
    while candidate in seen:
        n += 1
        candidate = f"{wanted}.{n}"
    seen.add(candidate)
    return candidate
