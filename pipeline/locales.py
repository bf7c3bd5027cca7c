"""BCP 47 language tags: normalising case, finding a file's locale in its path, and telling whether
a folder name outside the corpus (a repository's, ``docs.ja-jp``) names one."""

from __future__ import annotations

import re
from collections.abc import Sequence

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


#: ISO 639-1 language codes and ISO 3166-1 alpha-2 region codes: a folder name outside the corpus
#: is a locale only when it is made of registered ones (``ci-ja`` is not; ``fr-fr`` is).
_LANGUAGES = frozenset("""
aa ab ae af ak am an ar as av ay az ba be bg bh bi bm bn bo br bs ca ce ch co cr cs cu cv cy da de dv dz ee
el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr ht hu hy hz ia id ie ig ii ik io is
it iu ja jv ka kg ki kj kk kl km kn ko kr ks ku kv kw ky la lb lg li ln lo lt lu lv mg mh mi mk ml mn mr ms
mt my na nb nd ne ng nl nn no nr nv ny oc oj om or os pa pi pl ps pt qu rm rn ro ru rw sa sc sd se sg si sk
sl sm sn so sq sr ss st su sv sw ta te tg th ti tk tl tn to tr ts tt tw ty ug uk ur uz ve vi vo wa wo xh yi
yo za zh zu""".split())
_REGIONS = frozenset("""
AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY
BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK
FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR
IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK
ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM
PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF
TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW""".split())


def _registered(tag: str) -> bool:
    """Whether a ``language[-Script]-REGION`` tag uses a registered two-letter language and a
    registered region (or a UN M.49 number such as ``419``).  Three-letter languages are not
    taken from names: ``ent-fr``, ``doc-de`` are folder names far more often (``--locale`` gives one)."""
    match = _LOCALE.match(tag)
    if not match:
        return False
    language, _, region = match.groups()
    return language.lower() in _LANGUAGES and (region.isdigit() or region.upper() in _REGIONS)


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
