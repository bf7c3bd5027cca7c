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
import re
from collections import Counter
from pathlib import Path, PurePosixPath

from ..core import twin
from ..locales import is_tag, locale_from_path, normalize_tag
from ..model import SOURCE_LOCALE, Anomaly, Document, DocumentMeta, Pair
from . import spans
from .frontmatter import read_front_matter
from .spans import LineIndex

__all__ = ["extract_file", "extract_bytes", "decode", "illegal_chars", "scan_pairs", "XML_ILLEGAL"]

scan_pairs = twin(spans.scan_pairs, "pipeline.extract.cspans")

_META = {
    "translation_type": "ms.translationtype",
    "source_commit": "ms.sourcegitcommit",
    "openlocfilehash": "ms.openlocfilehash",
    "locfileid": "ms.locfileid",
    "lasthandoff": "ms.lasthandoff",
}
#: Characters XML 1.0 forbids: C0 controls but tab/LF/CR, lone surrogates, U+FFFE/U+FFFF.
XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


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


def _locale(front_value: str | None, path: str, given: str | None) -> tuple[str, list[Anomaly]]:
    anomalies = []
    if front_value and not is_tag(front_value):
        anomalies.append(Anomaly("locale", 0, f"ms.contentlocale {front_value!r} is not a language tag; ignored"))
        front_value = None
    found = front_value or given or locale_from_path(PurePosixPath(path).parts)
    return (normalize_tag(found) if found else "und"), anomalies


def extract_bytes(data: bytes, path: str, *, locale: str | None = None,
                  source_locale: str = SOURCE_LOCALE) -> Document:
    """Extract pairs from an article's bytes; ``path`` is relative to the corpus root."""
    sha = hashlib.sha256(data).hexdigest()
    text, anomalies = decode(data)
    if text is None:
        meta = DocumentMeta(path=path, locale=locale or "und", source_locale=source_locale)
        return Document(meta, sha, len(data), 0, anomalies=tuple(anomalies))
    occurrences = text.count("data-ttu-id=")
    front = read_front_matter(text)
    anomalies += front.anomalies
    found, problems = _locale(front.fields.get("ms.contentlocale"), path, locale)
    anomalies += problems
    if found == "und" and occurrences:
        anomalies.append(Anomaly("locale", 0, "no ms.contentlocale and no locale folder or suffix in the path"))
    meta = DocumentMeta(
        path=path,
        locale=found,
        source_locale=source_locale,
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
