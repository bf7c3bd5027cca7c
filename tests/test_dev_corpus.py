"""The real articles in ../shared/corpus-dev: nothing lost, nothing invented (skipped without ../shared)."""

from __future__ import annotations

import collections
import re
from pathlib import Path

import pytest

from pipeline.corpus import walk
from pipeline.extract import extract_bytes


@pytest.fixture(scope="module")
def documents(dev_corpus: Path) -> list:
    return [(source, extract_bytes(source.path.read_bytes(), source.rel)) for source in walk(dev_corpus)]


def _pair_markup(pair) -> str:
    return (f'<span data-ttu-id="{pair.id}">{pair.target.raw}</span><span class="sxs-lookup">'
            f'<span data-stu-id="{pair.id}">{pair.source.raw}</span></span>')


def test_every_occurrence_is_a_pair_or_an_anomaly(documents: list) -> None:
    for source, doc in documents:
        text = source.path.read_text(encoding="utf-8")
        assert doc.occurrences == text.count("data-ttu-id=")
        assert doc.accounted == doc.occurrences, source.rel


def test_raw_segments_are_the_original_text_at_their_line(documents: list) -> None:
    checked = 0
    for source, doc in documents:
        text = source.path.read_text(encoding="utf-8")
        lines = text.split("\n")
        for pair in doc.pairs:
            markup = _pair_markup(pair)
            at = "\n".join(lines[pair.line - 1:pair.end_line])
            assert markup in at, f"{source.rel}:{pair.line}"
            checked += 1
    assert checked > 20_000


def test_main_family_counts_match_the_manifest(documents: list) -> None:
    """MANIFEST.md: 60 files and 3953 strict pairs per locale, no anomalies."""
    per_locale: dict[str, list[int]] = collections.defaultdict(lambda: [0, 0, 0])
    for source, doc in documents:
        if source.rel.split("/")[0] in ("fr-FR", "ja-JP", "ru-RU", "ar-SA"):
            row = per_locale[doc.meta.locale]
            row[0] += 1
            row[1] += len(doc.pairs)
            row[2] += len(doc.anomalies)
    assert dict(per_locale) == {loc: [60, 3953, 0] for loc in ("fr-FR", "ja-JP", "ru-RU", "ar-SA")}


def test_supplement_broken_quoting_is_reported_not_paired(documents: list) -> None:
    kinds = collections.Counter()
    for source, doc in documents:
        if source.rel.startswith("supplement/") and source.rel.endswith(".md") and "/" in source.rel[11:]:
            kinds.update(a.kind for a in doc.anomalies)
            text = source.path.read_text(encoding="utf-8")
            assert sum(a.kind == "swallowed" for a in doc.anomalies) == text.count("data-ttu-id=&quot;")
            assert sum(a.kind == "broken-quote" for a in doc.anomalies) == len(
                re.findall(r'data-ttu-id="[^"<>]*&quot;', text))
    assert kinds == {"swallowed": 48, "broken-quote": 10}


def test_merged_ids_and_nested_spans_are_pairs(documents: list) -> None:
    ids = [p.id for _, doc in documents for p in doc.pairs]
    assert sum(bool(re.fullmatch(r"[0-9a-f]{5}-p\d+", i)) for i in ids) > 300
    nested = [p for _, doc in documents for p in doc.pairs if "<span" in p.source.raw]
    assert len(nested) > 30
    from pipeline.model import Text
    for pair in nested:  # markup never leaks into translatable text
        assert not [r for r in pair.source.runs if isinstance(r, Text) and "<span" in r.raw], pair


def test_french_nbsp_and_arabic_rlm_survive(documents: list) -> None:
    targets = {doc.meta.locale: "".join(p.target.raw for p in doc.pairs) for _, doc in documents
               if doc.meta.path.startswith(("fr-FR/", "ar-SA/"))}
    assert "\u00a0" in targets["fr-FR"]
    assert any("\u200f" in doc_text for doc_text in [
        "".join(p.target.raw for p in doc.pairs) for _, doc in documents if doc.meta.locale == "ar-SA"])
