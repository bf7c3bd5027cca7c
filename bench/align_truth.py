"""Labelled data for the aligner, made from span-pair articles: strip the spans, keep the pairs.

A span-pair article holds both sides of every segment.  Replacing each pair by its target gives
the plain localized article Microsoft would publish today; replacing it by its source gives the
English article with the same structure.  The pairs themselves are the truth: the aligner, given
the two plain articles, should find them again.  For corpus-dev's main family the real English
at ``ms.sourcegitcommit`` is there too (``en-US/at-source/``), a harder and truer English side.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from pipeline.extract import extract_bytes
from pipeline.model import Pair

__all__ = ["Article", "articles", "strip", "norm"]

_LEFTOVER_TWIN = re.compile(r'<span class="sxs-lookup"><span data-stu-id=[^>]*>.*?</span></span>', re.S)
_LEFTOVER_OPEN = re.compile(r'<span data-ttu-id=[^>]*>')


@dataclass(frozen=True, slots=True)
class Article:
    """One span-pair article of the dev corpus, both sides stripped, and its pairs."""

    path: str
    """Path relative to corpus-dev (``fr-FR/articles/x.md``)."""
    group: str
    """``main`` (the four-locale family), ``supplement`` or ``families``."""
    locale: str
    target: str
    """The plain localized article: every pair replaced by its target."""
    english: str
    """The English side with the same structure: every pair replaced by its source."""
    at_source: str | None
    """The real English at ``ms.sourcegitcommit``, where corpus-dev has it."""
    pairs: tuple[Pair, ...]
    span_bytes: bytes
    """The span-pair article as it is (to time span extraction against alignment)."""


def norm(text: str) -> str:
    """Whitespace collapsed: how a pair is compared with the truth."""
    return " ".join(text.split())


def strip(text: str, pairs: tuple[Pair, ...], side: str) -> str:
    """``text`` with every well-formed pair replaced by its ``target`` or ``source``; the markup of
    malformed pairs (reported as anomalies by the extractor) loses its tags and English twins."""
    out, at = [], 0
    for pair in pairs:
        whole = (f'<span data-ttu-id="{pair.id}">{pair.target.raw}</span><span class="sxs-lookup">'
                 f'<span data-stu-id="{pair.id}">{pair.source.raw}</span></span>')
        found = text.find(whole, at)
        if found < 0:
            continue
        out.append(text[at:found])
        out.append(pair.target.raw if side == "target" else pair.source.raw)
        at = found + len(whole)
    out.append(text[at:])
    plain = "".join(out)
    if "data-ttu-id" in plain:
        plain = _LEFTOVER_OPEN.sub("", _LEFTOVER_TWIN.sub("", plain))
    return plain


def articles(corpus: Path) -> Iterator[Article]:
    """Every span-pair article of corpus-dev (main locales, ``supplement/``, ``families/``)."""
    for path in sorted(corpus.rglob("*.md")):
        rel = path.relative_to(corpus).as_posix()
        top = rel.split("/")[0]
        if top == "en-US" or "/" not in rel:
            continue
        if path.name == "README.md" and path.parent.parent == corpus:
            continue
        data = path.read_bytes()
        doc = extract_bytes(data, rel)
        if not doc.pairs:
            continue
        text = data.decode("utf-8-sig", "replace")
        group = top if top in ("supplement", "families") else "main"
        at_source = None
        if group == "main":
            english = corpus / "en-US" / "at-source" / rel.split("/", 1)[1]
            if english.is_file():
                at_source = english.read_text(encoding="utf-8-sig", errors="replace")
        yield Article(rel, group, doc.meta.locale, strip(text, doc.pairs, "target"),
                      strip(text, doc.pairs, "source"), at_source, doc.pairs, data)
