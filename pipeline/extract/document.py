"""Extract one article: bytes in, a :class:`~pipeline.model.Document` out.

``extract_file`` is a pure function of the file's bytes and its path, so it can
run in worker processes; it never raises for bad content, it reports anomalies.
"""

from __future__ import annotations

import codecs
import hashlib
from pathlib import Path, PurePosixPath

from ..locales import locale_from_path, normalize_tag
from ..model import SOURCE_LOCALE, Anomaly, Document, DocumentMeta, Pair
from .frontmatter import read_front_matter
from .spans import LineIndex, scan_pairs

__all__ = ["extract_file", "extract_bytes", "decode"]

_META = {
    "translation_type": "ms.translationtype",
    "source_commit": "ms.sourcegitcommit",
    "openlocfilehash": "ms.openlocfilehash",
    "locfileid": "ms.locfileid",
    "lasthandoff": "ms.lasthandoff",
}


def decode(data: bytes) -> tuple[str, list[Anomaly]]:
    """Decode an article. Rule: a UTF-8 or UTF-16 BOM is honoured and removed;
    otherwise UTF-8, with each invalid byte replaced by U+FFFD and reported."""
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), []
        except UnicodeDecodeError as exc:
            return data.decode("utf-16", "replace"), [Anomaly(
                "encoding", 0, f"invalid UTF-16 at byte {exc.start}; replaced by U+FFFD")]
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        return data.decode("utf-8", "replace"), [Anomaly("encoding", line, f"invalid UTF-8 byte 0x{data[exc.start]:02x} "
                              "(and any later ones) replaced by U+FFFD",
                              data[max(0, exc.start - 20):exc.start + 20].decode("utf-8", "replace"))]


def extract_bytes(data: bytes, path: str, *, locale: str | None = None,
                  source_locale: str = SOURCE_LOCALE) -> Document:
    """Extract pairs from an article's bytes; ``path`` is relative to the corpus root."""
    sha = hashlib.sha256(data).hexdigest()
    if b"\x00" in data and not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        meta = DocumentMeta(path=path, locale=locale or "und", source_locale=source_locale)
        return Document(meta, sha, len(data), 0, anomalies=(Anomaly(
            "binary", 0, "file holds NUL bytes: not a text article, skipped"),))
    text, anomalies = decode(data)
    occurrences = text.count("data-ttu-id=")
    front = read_front_matter(text)
    anomalies += front.anomalies
    found = front.fields.get("ms.contentlocale") or locale or locale_from_path(PurePosixPath(path).parts)
    if not found and occurrences:
        anomalies.append(Anomaly("locale", 0, "no ms.contentlocale and no locale folder or suffix in the path"))
    meta = DocumentMeta(
        path=path,
        locale=normalize_tag(found) if found else "und",
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
    return Document(meta, sha, len(data), occurrences, tuple(pairs), tuple(anomalies), front.unpaired)


def extract_file(path: Path, root: Path, **options: str | None) -> Document:
    """Read and extract one article; ``root`` is the corpus root its path is relative to."""
    rel = path.relative_to(root).as_posix() if path != root else path.name
    return extract_bytes(path.read_bytes(), rel, **options)  # type: ignore[arg-type]
