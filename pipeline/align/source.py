"""A localized article without spans, aligned with its English: finding and reading the English.

The English article is the one with the longest common path suffix (as ``source-drift`` matches,
:class:`~pipeline.english.EnglishTree`).  When the English folder is a git checkout and the
article names an ``ms.sourcegitcommit``, the English is read at that commit (``git show``), the
revision the translation was made from; when the checkout lacks that commit, the working tree
is used and an ``english-commit`` finding says so.  An article with no English match keeps no
pairs and gets an ``unmatched-article`` finding.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import subprocess
from pathlib import Path
from typing import Any

from ..english import EnglishTree
from ..extract import extract_bytes
from ..extract.document import decode
from ..model import Anomaly, Document
from .article import align_texts

__all__ = ["EnglishSource", "english_source", "extract_aligned"]


class EnglishSource:
    """The English articles an aligned corpus was translated from (``--align-with DIR``)."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.tree = EnglishTree(self.root)

    def read(self, path: str, commit: str | None) -> tuple[bytes | None, list[Anomaly]]:
        """The English bytes for the article at ``path`` (relative to its corpus), with findings."""
        rel = self.tree.match(path)
        if rel is None:
            return None, [Anomaly("unmatched-article", 0, f"no English article in {self.root} matches this path"
                                  " (longest common path suffix); nothing aligned")]
        findings = []
        top = self.tree.git_top() if commit else None
        if top is not None and commit:
            data = self._show(top, rel, commit)
            if data is not None:
                return data, []
            findings.append(Anomaly("english-commit", 0, f"ms.sourcegitcommit {commit} is not in the English"
                                    f" checkout; aligned against the working tree's {rel}"))
        try:
            return (self.root / rel).read_bytes(), findings
        except OSError as exc:
            return None, [*findings, Anomaly("read-error", 0, f"cannot read the English {rel}:"
                                             f" {exc.strerror or exc}")]

    def _show(self, top: Path, rel: str, commit: str) -> bytes | None:
        path = (self.root / rel).resolve().relative_to(top.resolve()).as_posix()
        try:
            out = subprocess.run(["git", "-C", str(top), "show", f"{commit}:{path}"],
                                 capture_output=True, timeout=60)
        except (OSError, subprocess.SubprocessError):
            return None
        return out.stdout if out.returncode == 0 else None


@functools.lru_cache(maxsize=4)
def english_source(root: str) -> EnglishSource:
    """One :class:`EnglishSource` per folder and process: worker processes index the folder once."""
    return EnglishSource(Path(root))


def extract_aligned(data: bytes, path: str, english: EnglishSource, **options: Any) -> Document:
    """An article's Document: its span pairs when it has any, else its pairs aligned with the English
    (``options`` as :func:`~pipeline.extract.extract_bytes` takes them).

    An aligned Document's ``sha256`` digests the article and the English it was aligned with, so
    a changed English makes the article change for incremental builds too."""
    doc = extract_bytes(data, path, **options)
    if doc.occurrences or doc.size == 0 or any(a.kind == "binary" for a in doc.anomalies):
        return doc
    english_data, findings = english.read(path, doc.meta.source_commit)
    if english_data is None:
        return dataclasses.replace(doc, anomalies=(*findings, *doc.anomalies))
    target_text, _ = decode(data)
    english_text, problems = decode(english_data)
    if target_text is None or english_text is None:
        findings += [dataclasses.replace(p, message=f"English article: {p.message}") for p in problems]
        return dataclasses.replace(doc, anomalies=(*findings, *doc.anomalies))
    pairs, unaligned = align_texts(target_text, english_text, doc.meta.locale)
    digest = hashlib.sha256(data + b"\0" + english_data).hexdigest()
    anomalies = sorted([*findings, *doc.anomalies, *unaligned], key=lambda a: a.line)
    return dataclasses.replace(doc, sha256=digest, pairs=tuple(pairs), anomalies=tuple(anomalies))
