"""Extract one article: bytes in, a :class:`~pipeline.model.Document` out.

``extract_bytes`` is a pure function of the file's bytes and its path, so it can
run in worker processes; it never raises for bad content, it reports anomalies.

Decoding rule: a UTF-8 BOM is removed; a UTF-16 file (with a BOM, or without
one when every other byte is NUL) is decoded as UTF-16; anything else is
UTF-8, each invalid byte replaced by U+FFFD and the first one reported with
its line.  A file with NUL bytes that is not valid UTF-8, or has more than a
stray few, is binary: reported and skipped.  (A stray NUL in a text article is
kept and reported as an ``illegal-char``.)
"""

from __future__ import annotations

import codecs
import hashlib
from collections import Counter
from pathlib import Path, PurePosixPath

from ..chars import XML_ILLEGAL
from ..core import twin
from ..locales import is_tag, locale_from_path, normalize_tag
from ..model import NO_LOCALE, OWN_LOCALE, SOURCE_LOCALE, Anomaly, Document, DocumentMeta, Pair
from . import spans
from .frontmatter import read_front_matter
from .spans import LineIndex

__all__ = ["extract_file", "extract_bytes", "decode", "illegal_chars", "path_locale", "scan_pairs"]

scan_pairs = twin(spans.scan_pairs, "pipeline.extract.cspans")

_META = {
    "translation_type": "ms.translationtype",
    "source_commit": "ms.sourcegitcommit",
    "openlocfilehash": "ms.openlocfilehash",
    "locfileid": "ms.locfileid",
    "lasthandoff": "ms.lasthandoff",
}


def _utf16(data: bytes) -> str | None:
    """The codec of a UTF-16 file without a BOM (one NUL in every pair of bytes), if it is one."""
    sample = data[:4096]
    if len(sample) < 4 or len(sample) % 2:
        return None
    if sample[1::2].count(0) > 0.9 * len(sample) / 2:
        return "utf-16-le"
    if sample[0::2].count(0) > 0.9 * len(sample) / 2:
        return "utf-16-be"
    return None


def _binary(data: bytes) -> bool:
    """NUL bytes in a file that is not valid UTF-8, or more than a stray few."""
    if data.count(0) > max(8, len(data) // 1000):
        return True
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return True
    return False


def decode(data: bytes) -> tuple[str | None, list[Anomaly]]:
    """Decode an article by the rule in the module docstring; ``None`` text means binary."""
    codec = None
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        codec = "utf-16"
    elif b"\x00" in data:
        codec = _utf16(data)
        if codec is None and _binary(data):
            return None, [Anomaly("binary", 0, "file holds NUL bytes: not a text article, skipped")]
    try:
        return data.decode(codec or "utf-8"), []
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1 if codec is None else 0
        text = data.decode(codec or "utf-8", "replace")
        return text, [Anomaly("encoding", line, f"invalid {codec or 'UTF-8'} byte 0x{data[exc.start]:02x}"
                              " (and any later ones) replaced by U+FFFD",
                              data[max(0, exc.start - 30):exc.start + 30].decode("utf-8", "replace"))]


def illegal_chars(text: str) -> list[int]:
    """Offsets of the characters of ``text`` that XML 1.0 forbids (``XML_ILLEGAL``)."""
    return [match.start() for match in XML_ILLEGAL.finditer(text)]


_illegal_chars = twin(illegal_chars, "pipeline.extract.cspans")


def _checks(text: str, pairs: list[Pair], lines: LineIndex) -> list[Anomaly]:
    """Findings that do not stop a pair from being extracted (``ttu=0``)."""
    found = []
    reported: set[int] = set()
    for offset in _illegal_chars(text):
        line = lines.line(offset)
        if line not in reported:
            reported.add(line)
            found.append(Anomaly("illegal-char", line, f"character U+{ord(text[offset]):04X} is not allowed"
                                 " in XML; exports replace it with U+FFFD", repr(text[offset])))
    duplicates = Counter(p.id for p in pairs)
    for pair in pairs:
        if duplicates[pair.id] > 1:
            found.append(Anomaly("duplicate-id", pair.line, f"segment id {pair.id} occurs"
                                 f" {duplicates[pair.id]} times in this file; each pair is kept", "", pair.id))
    return found


def _locale(front_value: str | None, locale_path: str, given: str | None,
            given_from: str) -> tuple[str, str, list[Anomaly]]:
    """``(locale, where it comes from, anomalies)``: the article's own (``ms.contentlocale``, else a
    locale folder or file suffix in ``locale_path``), else ``given`` (its corpus root's), else ``und``."""
    anomalies = []
    if front_value and not is_tag(front_value):
        anomalies.append(Anomaly("locale", 0, f"ms.contentlocale {front_value!r} is not a language tag; ignored"))
        front_value = None
    if front_value:
        return normalize_tag(front_value), OWN_LOCALE, anomalies
    return (*path_locale(locale_path, given, given_from), anomalies)


def path_locale(locale_path: str, given: str | None, given_from: str) -> tuple[str, str]:
    """``(locale, where it comes from)`` of an article whose front matter names none: a locale folder
    or file suffix in ``locale_path``, else ``given`` (its corpus root's), else ``und``."""
    own = locale_from_path(PurePosixPath(locale_path).parts)
    if own:
        return normalize_tag(own), OWN_LOCALE
    if given:
        return normalize_tag(given), given_from
    return "und", NO_LOCALE


def extract_bytes(data: bytes, path: str, *, locale: str | None = None, locale_from: str = "--locale",
                  locale_path: str | None = None, source_locale: str = SOURCE_LOCALE) -> Document:
    """Extract pairs from an article's bytes; ``path`` is relative to the corpus root.

    ``locale`` is the locale of an article that names none (its corpus root's, from ``locale_from``);
    ``locale_path`` the path a locale folder may be in (default ``path``; not the root's name)."""
    sha = hashlib.sha256(data).hexdigest()
    text, anomalies = decode(data)
    if text is None:
        found, source, _ = _locale(None, locale_path or path, locale, locale_from)
        meta = DocumentMeta(path=path, locale=found, source_locale=source_locale, locale_from=source)
        return Document(meta, sha, len(data), 0, anomalies=tuple(anomalies))
    occurrences = text.count("data-ttu-id=")
    front = read_front_matter(text)
    anomalies += front.anomalies
    found, source, problems = _locale(front.fields.get("ms.contentlocale"), locale_path or path, locale, locale_from)
    anomalies += problems
    if found == "und" and (occurrences or front.fields or front.anomalies):
        anomalies.append(Anomaly("locale", 0, "no ms.contentlocale, no locale folder or suffix in the path, and"
                                 " neither the corpus root's name nor its other articles name one: give it with"
                                 " --locale TAG"))
    meta = DocumentMeta(
        path=path,
        locale=found,
        source_locale=source_locale,
        locale_from=source,
        **{name: front.fields.get(key) or None for name, key in _META.items()},
    )
    pairs: list[Pair] = []
    lines = LineIndex(text)
    for item in scan_pairs(text, lines):
        if isinstance(item, Pair):
            pairs.append(item)
        else:
            anomalies.append(item)
    anomalies += _checks(text, pairs, lines)
    anomalies.sort(key=lambda a: a.line)
    return Document(meta, sha, len(data), occurrences, tuple(pairs), tuple(anomalies), front.unpaired)


def extract_file(path: Path, root: Path, **options: str | None) -> Document:
    """Read and extract one article; ``root`` is the corpus root its path is relative to."""
    rel = path.relative_to(root).as_posix() if path != root else path.name
    return extract_bytes(path.read_bytes(), rel, **options)  # type: ignore[arg-type]
