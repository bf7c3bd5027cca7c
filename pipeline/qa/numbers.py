"""Number mismatch: the numbers of source and target differ (locale-aware).

Numbers are read from text runs only (inline code and URLs are left out),
after NFKC (full-width digits) and with any Unicode decimal digit (Arabic-Indic
too).  The English source is read with English separators (``1,000.5``); every
number of the target may be read with the locale's conventions (``1 000,5`` in
French and Russian, ``1.000,5`` in German) or with English ones, and matches when
any reading equals a source number.  A target number may also stand for an
English number word of the source (``two`` → ``2``, ``first`` → ``1``), as
Japanese and Chinese translations write digits where English spells them out.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections import Counter
from collections.abc import Iterator

import babel
import babel.numbers

from ..locales import language_of
from .findings import Finding
from .registry import CheckContext, QaSegment, check, source_memo

__all__ = ["has_digit", "number_mismatch", "number_words", "source_numbers", "target_readings"]

_GROUP_SPACES = " \u00a0\u202f\u2009'’"
_NUMBER = re.compile(r"(?<!\d)(?<!\d[.,])\d+(?:(?:[.,]|[ \u00a0\u202f\u2009'’](?=\d{3}(?!\d)))\d+)*")
#: What makes a number part of a name or identifier: a Latin letter before it (SP3, POS1, C123101).
_GLUED = re.compile(r"[A-Za-z]$")
#: ... or a Latin word of four letters or more right after it (21Vianet; not 2h, 10th, 6DoF).
_GLUED_AFTER = re.compile(r"[A-Za-z]{4}")
#: The two-digit year of a date written with slashes (``04/30/20``).
_SLASH_YEAR = re.compile(r"(?<![\d/])\d{1,2}/\d{1,2}/(\d\d)(?![\d/])")
_COMMA_DECIMAL = {"fr", "de", "ru", "es", "it", "pt", "nl", "pl", "cs", "sk", "sv", "da", "nb", "no", "fi",
                  "tr", "uk", "bg", "ro", "hu", "el", "hr", "sl", "sr", "lt", "lv", "et", "id", "vi", "ca"}


_WORDS = {w: str(i) for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen twenty".split())}
_WORDS.update({"thirty": "30", "forty": "40", "fifty": "50", "sixty": "60", "seventy": "70", "eighty": "80",
               "ninety": "90", "hundred": "100", "thousand": "1000", "million": "1000000", "single": "1",
               "once": "1", "twice": "2", "both": "2", "pair": "2", "dozen": "12", "half": "0.5", "double": "2"})
_WORDS.update({w: str(i) for i, w in enumerate(
    "zeroth first second third fourth fifth sixth seventh eighth ninth tenth".split()) if i})
_WORDS.update(dict.fromkeys(("a", "an", "per", "each", "every"), "1"))  # "per day" → "1 日あたり"
_WORDS.update({"other": "1", "another": "1", "doubles": "2", "triple": "3", "triples": "3", "percent": "100"})  # the other → もう 1 つ
_MONTHS = {m: str(i) for i, m in enumerate(
    "_ January February March April May June July August September October November December".split())}
_MONTHS.update({m[:3]: v for m, v in list(_MONTHS.items())[1:]} | {"Sept": "9"})
_WORD = re.compile(r"[A-Za-z]+")
_CLOCK = re.compile(r"\b(\d{1,2})(?::(\d\d))?\s*([AaPp])\.?[Mm]\b")


def number_words(text: str) -> list[str]:
    """Numbers an English text may stand for without digits: number words (``two`` → ``2``,
    ``first`` → ``1``, ``per`` → ``1``) and capitalised month names (``March`` → ``3``)."""
    return [_MONTHS[w] if w in _MONTHS else _WORDS[w.lower()] for w in (m.group() for m in _WORD.finditer(text))
            if w in _MONTHS or w.lower() in _WORDS]


#: What ``_digits`` rewrites: a decimal digit other than 0-9, or an Arabic decimal/thousands separator.
_NON_ASCII_DIGIT = re.compile(r"(?![0-9])\d|[\u066b\u066c]")
#: The characters for which ``str.isdigit`` holds and ``str.isdecimal`` does not (superscripts,
#: circled digits…), in the Unicode version they were listed from; ``\\d`` matches the others.
_OTHER_DIGITS_UNICODE = "14.0.0"
_OTHER_DIGITS = (r"\u00b2-\u00b3\u00b9\u1369-\u1371\u19da\u2070\u2074-\u2079\u2080-\u2089\u2460-\u2468"
                 r"\u2474-\u247c\u2488-\u2490\u24ea\u24f5-\u24fd\u24ff\u2776-\u277e\u2780-\u2788\u278a-\u2792"
                 r"\U00010a40-\U00010a43\U00010e60-\U00010e68\U00011052-\U0001105a\U0001f100-\U0001f10a")


@functools.lru_cache(maxsize=1)
def _digit_pattern() -> re.Pattern[str]:
    """A character for which ``str.isdigit`` holds: ``\\d`` (Unicode category Nd) or another digit."""
    others = _OTHER_DIGITS
    if unicodedata.unidata_version != _OTHER_DIGITS_UNICODE:  # another Python: list them again (~0.1 s)
        others = "".join(re.escape(c) for c in map(chr, range(0x110000)) if c.isdigit() and not c.isdecimal())
    return re.compile(rf"[\d{others}]")


def has_digit(text: str) -> bool:
    """``any(c.isdigit() for c in text)``, as one regex search (of 0-9 only in ASCII text)."""
    if text.isascii():
        return _ASCII_DIGIT.search(text) is not None
    return _digit_pattern().search(text) is not None


_ASCII_DIGIT = re.compile("[0-9]")


def _digits(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    if text.isascii() or _NON_ASCII_DIGIT.search(text) is None:
        return text
    return "".join(str(unicodedata.decimal(c)) if c.isdecimal() else
                   ("," if c == "\u066b" else ("\u00a0" if c == "\u066c" else c)) for c in text)


def _canon(number: str, group: str, decimal: str) -> str | None:
    """``number`` as a canonical string with the given separators, or None when it does not fit."""
    parts = number.split(decimal)
    if len(parts) > 2:
        return None
    whole = parts[0]
    if group and any(g in whole for g in group):
        chunks = re.split("[" + re.escape(group) + "]", whole)
        if not (1 <= len(chunks[0]) <= 3 and all(len(c) == 3 for c in chunks[1:])):
            return None
        whole = "".join(chunks)
    if any(not c.isdigit() for c in whole):
        return None
    frac = parts[1] if len(parts) == 2 else ""
    if frac and not frac.isdigit():
        return None
    whole = whole.lstrip("0") or "0"
    frac = frac.rstrip("0")
    return f"{whole}.{frac}" if frac else whole


@functools.lru_cache(maxsize=4096)
def _readings(number: str, separators: tuple[str, str] | None) -> frozenset[str]:
    """Every value ``number`` may stand for: read the English way, and with the locale's CLDR
    ``(group, decimal)`` symbols when given (cached: the same numbers recur)."""
    readings = {_canon(number, "," + _GROUP_SPACES, "."), _canon(number, "", ".")}
    if separators is not None and separators != (",", "."):
        group, decimal = separators
        # with a decimal comma, writers group with dots or spaces whatever CLDR prefers
        group += "." if decimal == "," else ""
        readings |= {_canon(number, group + _GROUP_SPACES, decimal), _canon(number, _GROUP_SPACES, decimal)}
    if re.fullmatch(r"\d+(?:\.\d+){2,}", number):  # a version or section number: 10.0.12
        readings.add(number)
    return frozenset(r for r in readings if r is not None) | {number}


@functools.lru_cache(maxsize=256)
def _separators(locale: str) -> tuple[str, str] | None:
    """The group and decimal symbols of ``locale`` in Latin digits (CLDR, through Babel); else
    the comma decimal of the languages that use it; None when English's."""
    try:
        parsed = babel.Locale.parse(locale, sep="-")
        return (babel.numbers.get_group_symbol(parsed, numbering_system="latn"),
                babel.numbers.get_decimal_symbol(parsed, numbering_system="latn"))
    except (ValueError, TypeError, LookupError, babel.UnknownLocaleError):
        return (".", ",") if language_of(locale) in _COMMA_DECIMAL else None


_DATE = re.compile(r"^\d{1,4}([./-])\d{1,2}\1\d{1,4}$")
#: Minutes of a time that a translation may leave out (``24:00`` → ``24 Uhr``, ``9:00`` → ``9 时``).
_WHOLE_HOUR = re.compile(r"\b\d{1,2}:00\b(?!:)")


def _numbers(text: str) -> list[tuple[str, bool, bool]]:
    """The numbers of ``text``, each with whether it is the two-digit year of a date
    (``04/30/20``: a translation may write 2020) and whether a Latin letter precedes it (part
    of a name or identifier: ``SP3``, ``POS1``)."""
    found: list[tuple[str, bool, bool]] = []
    text = _digits(text)
    years = {m.start(1) for m in _SLASH_YEAR.finditer(text)} if "/" in text else set()
    for match in _NUMBER.finditer(text):
        number, start = match.group(), match.start()
        glued = bool(start and _GLUED.match(text[start - 1])) or _GLUED_AFTER.match(text, match.end()) is not None
        if start in years:
            found.append((number, True, glued))
            continue
        if _DATE.match(number):  # 10/1/2020 and 01.10.2020: three numbers
            parts = re.split(r"[./-]", number)
            found.extend((part, i == 2 and len(part) == 2, glued) for i, part in enumerate(parts))
        elif number.count(",") >= 2 and _canon(number, ",", ".") is None:  # a list: 1,22,333
            found.extend((part, False, glued) for part in number.split(","))
        else:
            found.append((number, False, glued))
    return found


def source_numbers(text: str) -> tuple[list[frozenset[str]], list[frozenset[str]], int]:
    """For each number of an English text, its canonical value(s) (and the number as written):
    those a translation must have, and those it may have (parts of names: ``SP3``); and how
    many zeros it may drop (the ``00`` of ``9:00 PM`` or ``24:00``)."""
    found: list[frozenset[str]] = []
    named: list[frozenset[str]] = []
    optional = len(_WHOLE_HOUR.findall(text))
    for match in _CLOCK.finditer(text):
        hour = int(match.group(1))
        found.append(frozenset({str(hour), str(hour + 12 if match.group(3) in "Pp" and hour < 12 else hour)}))
        if match.group(2):
            found.append(frozenset({match.group(2), _canon(match.group(2), "", ".") or "0"}))
    text = _CLOCK.sub(" ", text)
    for number, year, glued in _numbers(text):
        readings = _readings(number, None)
        (named if glued else found).append(readings | {"19" + number, "20" + number} if year else readings)
    return found, named, optional


def target_readings(text: str, locale: str) -> list[tuple[frozenset[str], bool]]:
    """For each number of a target text, every value it may stand for, and whether it is part
    of a name (a Latin letter before it)."""
    separators = _separators(locale)
    return [(_readings(number, separators), glued) for number, _, glued in _numbers(text)]


@source_memo
def _source_side(text: str) -> tuple[tuple[frozenset[str], ...], tuple[frozenset[str], ...], int, Counter[str]]:
    """``source_numbers`` and the counted ``number_words`` of a source (read-only, shared)."""
    want, named, optional = source_numbers(text)
    return tuple(want), tuple(named), optional, Counter(number_words(text))


#: Numbers a translation may write as a word or drop in an idiom (*une seconde*, Arabic duals,
#: «вдвое»): when only these are missing, the finding is ``info``.
_SMALL = 12


@check("number-mismatch", severity="warning")
def number_mismatch(seg: QaSegment, ctx: CheckContext) -> Iterator[Finding]:
    """Numbers differ between source and target.

    A ``warning`` when a number of the target is not one of the source's (a changed value) or
    a number above 12 is missing; ``info`` when only small numbers (12 or less), or the 100 of
    ``100%``, are missing: a translation may write those as words or drop them in an idiom.
    Deliberately not flagged: numbers that follow a Latin letter (``SP3``, ``V3.1``: parts of
    names), missing or written apart; numbers written the locale's way (CLDR separators,
    Babel: ``1 000,5``); dates in another order or with a four-digit year; the ``00`` of a whole
    hour; English number words (``two``, ``first``, ``the other``) written as digits.
    """
    source_text, target_text = seg.row.source_text, seg.row.target_text
    if not has_digit(source_text) and not has_digit(target_text):
        return
    want_, named_, optional, spelled_ = _source_side(source_text)
    want, named, spelled = list(want_), list(named_), Counter(spelled_)  # copies: used up below
    extra: list[str] = []
    for readings, glued in target_readings(target_text, seg.row.locale):
        hit = next((i for i, values in enumerate(want) if values & readings), None)
        if hit is not None:
            del want[hit]
            continue
        hit = next((i for i, values in enumerate(named) if values & readings), None)
        if hit is not None:  # SP3 → «пакет обновления 3»
            del named[hit]
            continue
        word = next((r for r in sorted(readings) if spelled[r] > 0), None)
        if word is not None:  # "two lines" → "2 つの明細"
            spelled[word] -= 1
        elif not glued:
            extra.append(min(readings, key=lambda r: (len(r), r)))
    missing = sorted(min(values, key=lambda r: (len(r), r)) for values in want)
    _split_pairs(missing, extra, named)
    while optional and "0" in missing:
        missing.remove("0")
        optional -= 1
    if missing or extra:
        parts = ([f"missing {', '.join(missing)}"] if missing else []) + \
                ([f"extra {', '.join(extra)}"] if extra else [])
        small = not extra and all(_small(n, source_text) for n in missing)
        yield seg.finding(ctx, "numbers differ: " + "; ".join(parts)
                          + ("; small numbers may be written as words" if small else ""),
                          severity="info" if small else None, missing=missing, extra=extra)


def _split_pairs(missing: list[str], extra: list[str], named: list[frozenset[str]]) -> None:
    """Drop a number of one side written as two of the other (``14.3`` for ``14 3``, ``5,50``
    for ``5:50``) or with its two parts swapped (``11.12`` for ``12.11``): a date or time
    written the locale's way, in place.  A part may also be a
    number of a name (``mon14``)."""
    for number in list(missing):  # 11.12 → 12.11: a day and month in the locale's order
        swapped = ".".join(reversed(re.split(r"[.,]", number)))
        if number.count(".") + number.count(",") == 1 and swapped in extra:
            missing.remove(number)
            extra.remove(swapped)
    for one, other in ((extra, missing), (missing, extra)):
        for number in list(one):
            parts = re.split(r"[.,]", number)
            if len(parts) != 2:
                continue
            left = list(other)
            for part in parts:
                if part in left:
                    left.remove(part)
                elif not any(part in values for values in named):
                    break
            else:
                one.remove(number)
                other[:] = left


def _small(number: str, source: str) -> bool:
    """Whether a missing number may be written as a word or dropped in an idiom."""
    try:
        value = float(number)
    except ValueError:
        return False
    return value <= _SMALL or (value == 100 and "100%" in source.replace(" ", ""))
