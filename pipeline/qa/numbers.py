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

from ..locales import language_of
from .findings import Finding
from .registry import CheckContext, QaSegment, check, source_memo

__all__ = ["has_digit", "number_mismatch", "number_words", "source_numbers", "target_readings"]

_GROUP_SPACES = " \u00a0\u202f\u2009'’"
_NUMBER = re.compile(r"(?<![\d.,])\d+(?:(?:[.,]|[ \u00a0\u202f\u2009'’](?=\d{3}(?!\d)))\d+)*")
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
def _readings(number: str, comma_decimal: bool) -> set[str]:
    """Every value ``number`` may stand for (cached: the same numbers recur; callers never change it)."""
    readings = {_canon(number, "," + _GROUP_SPACES, "."), _canon(number, "", ".")}
    if comma_decimal:
        readings |= {_canon(number, "." + _GROUP_SPACES, ","), _canon(number, _GROUP_SPACES, ",")}
    if re.fullmatch(r"\d+(?:\.\d+){2,}", number):  # a version or section number: 10.0.12
        readings.add(number)
    return {r for r in readings if r is not None}


_DATE = re.compile(r"^\d{1,4}([./-])\d{1,2}\1\d{1,4}$")


def _numbers(text: str) -> list[str]:
    found = []
    for number in _NUMBER.findall(_digits(text)):
        if _DATE.match(number):  # 10/1/2020 and 01.10.2020: three numbers
            found.extend(re.split(r"[./-]", number))
        elif number.count(",") >= 2 and _canon(number, ",", ".") is None:  # a list: 1,22,333
            found.extend(number.split(","))
        else:
            found.append(number)
    return found


def source_numbers(text: str) -> tuple[list[set[str]], int]:
    """For each number of an English text, its canonical value(s) (and the number as written);
    and how many of them a translation may drop (the ``00`` of ``9:00 PM``, read as 9 or 21)."""
    found: list[set[str]] = []
    optional = 0
    for match in _CLOCK.finditer(text):
        hour = int(match.group(1))
        found.append({str(hour), str(hour + 12 if match.group(3) in "Pp" and hour < 12 else hour)})
        if match.group(2):
            found.append({match.group(2), _canon(match.group(2), "", ".") or "0"})
            optional += match.group(2) == "00"
    text = _CLOCK.sub(" ", text)
    return found + [_readings(n, False) | {n} for n in _numbers(text)], optional


def target_readings(text: str, locale: str) -> list[set[str]]:
    """For each number of a target text, every value it may stand for."""
    comma = language_of(locale) in _COMMA_DECIMAL
    return [_readings(n, comma) | {n} for n in _numbers(text)]


@source_memo
def _source_side(text: str) -> tuple[tuple[set[str], ...], int, Counter[str]]:
    """``source_numbers`` and the counted ``number_words`` of a source (read-only, shared)."""
    want, optional = source_numbers(text)
    return tuple(want), optional, Counter(number_words(text))


@check("number-mismatch", severity="warning")
def number_mismatch(seg: QaSegment, ctx: CheckContext) -> Iterator[Finding]:
    """Numbers differ between source and target."""
    source_text, target_text = seg.row.source_text, seg.row.target_text
    if not has_digit(source_text) and not has_digit(target_text):
        return
    want_, optional, spelled_ = _source_side(source_text)
    want, spelled = list(want_), Counter(spelled_)  # copies: both are used up below
    extra: list[str] = []
    for readings in target_readings(target_text, seg.row.locale):
        hit = next((i for i, values in enumerate(want) if values & readings), None)
        if hit is not None:
            del want[hit]
            continue
        word = next((r for r in sorted(readings) if spelled[r] > 0), None)
        if word is not None:  # "two lines" → "2 つの明細"
            spelled[word] -= 1
        else:
            extra.append(min(readings, key=lambda r: (len(r), r)))
    missing = sorted(min(values, key=lambda r: (len(r), r)) for values in want)
    while optional and "0" in missing:
        missing.remove("0")
        optional -= 1
    if missing or extra:
        parts = ([f"missing {', '.join(missing)}"] if missing else []) + \
                ([f"extra {', '.join(extra)}"] if extra else [])
        yield seg.finding(ctx, "numbers differ: " + "; ".join(parts), missing=missing, extra=extra)
