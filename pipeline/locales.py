"""BCP 47 language tags: normalising case, finding a file's locale in its path, and telling whether
a folder name outside the corpus (a repository's, ``docs.ja-jp``) names one."""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence

from babel import Locale
from babel.core import get_global

__all__ = ["is_tag", "normalize_tag", "locale_from_path", "locale_of_name", "language_of"]

_LOCALE = re.compile(r"(?i)^([a-z]{2,3})(?:[-_]([a-z]{4}))?(?:[-_]([a-z]{2}|\d{3}))$")
_SUFFIX = re.compile(r"(?i)\.([a-z]{2,3}(?:[-_][a-z]{4})?[-_](?:[a-z]{2}|\d{3}))$")


_TAG = re.compile(r"^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*$")


def is_tag(value: str) -> bool:
    """Whether ``value`` looks like a BCP 47 tag (so it is safe in file names, too)."""
    return bool(_TAG.match(value.strip()))


def normalize_tag(tag: str) -> str:
    """``fr-fr`` → ``fr-FR``, ``zh_hans_cn`` → ``zh-Hans-CN``, ``sr-latn-rs`` → ``sr-Latn-RS``."""
    parts = re.split(r"[-_]", tag.strip())
    out = [parts[0].lower()]
    for part in parts[1:]:
        if len(part) == 4 and part.isalpha():
            out.append(part.title())
        elif len(part) == 2 or (len(part) == 3 and part.isdigit()):
            out.append(part.upper())
        else:
            out.append(part.lower())
    return "-".join(p for p in out if p)


def _as_locale(name: str) -> str | None:
    if _LOCALE.match(name):
        return normalize_tag(name)
    suffix = _SUFFIX.search(name)  # "docs-pr.fr-fr", "article.ja-JP"
    return normalize_tag(suffix.group(1)) if suffix else None


def locale_from_path(parts: Sequence[str]) -> str | None:
    """The locale named by a ``name.xx-YY.md`` file name, else by the outermost locale folder.

    ``parts`` are the path components from the corpus root (or an absolute path's).
    """
    *folders, name = parts
    stem = name.rsplit(".", 1)[0]
    found = _as_locale(stem) if _SUFFIX.search(stem) else None
    if found:
        return found
    for folder in folders:
        found = _as_locale(folder)
        if found:
            return found
    return None


@functools.cache
def _registered_codes() -> tuple[frozenset[str], frozenset[str]]:
    """The two-letter language codes (ISO 639-1) and region codes (ISO 3166-1) CLDR knows (Babel's
    data): a folder name outside the corpus is a locale only when it is made of those (``ci-ja``
    is not; ``fr-fr`` is)."""
    languages = frozenset(code for code in map(str, Locale("en").languages) if len(code) == 2 and code.isalpha())
    regions = frozenset(code for code in get_global("territory_languages") if len(code) == 2 and code.isalpha())
    return languages, regions - {"ZZ"}  # ZZ: CLDR's unknown region


def _registered(tag: str) -> bool:
    """Whether a ``language[-Script]-REGION`` tag uses a registered two-letter language and a
    registered region (or a UN M.49 number such as ``419``).  Three-letter languages are not
    taken from names: ``ent-fr``, ``doc-de`` are folder names far more often (``--locale`` gives one)."""
    match = _LOCALE.match(tag)
    if not match:
        return False
    language, _, region = match.groups()
    languages, regions = _registered_codes()
    return language.lower() in languages and (region.isdigit() or region.upper() in regions)


def locale_of_name(name: str) -> str | None:
    """The locale a folder name outside the corpus names: the whole name (``fr-fr``) or its
    ``.``-suffix (``docs.ja-jp``, ``OfficeDocs-SkypeForBusiness-pr.fr-FR``), made of registered
    codes; None for any other name (``ci-ja``, ``docs``)."""
    for candidate in (name, name.rsplit(".", 1)[-1] if "." in name else None):
        if candidate and _registered(candidate):
            return normalize_tag(candidate)
    return None


def language_of(tag: str) -> str:
    """The primary language subtag: ``zh-Hans-CN`` → ``zh``."""
    return tag.split("-", 1)[0].lower()
