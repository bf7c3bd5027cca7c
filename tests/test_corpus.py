"""The bundled corpus/: every variant the extractor must handle, at a known place, with exact counts."""

from __future__ import annotations

import collections
from pathlib import Path

import pytest

from conftest import CORPUS
from pipeline.corpus import walk
from pipeline.extract import extract_bytes
from pipeline.model import Document, Pair, Text

EXPECTED = {  # file: (data-ttu-id occurrences, pairs, anomaly kinds)
    "fr-FR/unable-to-sign-in.md": (12, 12, {}),
    "fr-FR/ledger/getting-started.md": (47, 47, {}),
    "ja-JP/ledger/getting-started.md": (47, 47, {}),
    "ar-SA/ledger/getting-started.md": (47, 47, {}),
    "de-DE/ledger/getting-started.md": (47, 47, {}),
    "ar-SA/ledger/no-locale-in-front-matter.md": (13, 13, {}),
    "fr-FR/ledger/edge-cases.md": (60, 55, {"broken-quote": 1, "swallowed": 2, "orphan-target": 1,
                                            "id-mismatch": 1, "orphan-source": 1}),
    "ja-JP/ledger/edge-cases.md": (60, 55, {"broken-quote": 1, "swallowed": 2, "orphan-target": 1,
                                            "id-mismatch": 1, "orphan-source": 1}),
}


@pytest.fixture(scope="module")
def docs() -> dict[str, Document]:
    return {s.rel: extract_bytes(s.path.read_bytes(), s.rel) for s in walk(CORPUS)}


def pair(docs: dict[str, Document], path: str, seg_id: str) -> Pair:
    (found,) = [p for p in docs[path].pairs if p.id == seg_id]
    return found


def test_exact_counts_per_file(docs: dict[str, Document]) -> None:
    articles = {path: doc for path, doc in docs.items() if doc.occurrences}
    assert set(articles) == set(EXPECTED)
    for path, (occurrences, pairs, kinds) in EXPECTED.items():
        doc = docs[path]
        assert (doc.occurrences, len(doc.pairs)) == (occurrences, pairs), path
        assert dict(collections.Counter(a.kind for a in doc.anomalies)) == kinds, path
        assert doc.accounted == doc.occurrences


def test_raw_is_the_original_text_for_every_segment(docs: dict[str, Document]) -> None:
    for path, doc in docs.items():
        lines = (CORPUS / path).read_text(encoding="utf-8").split("\n")
        for p in doc.pairs:
            markup = (f'<span data-ttu-id="{p.id}">{p.target.raw}</span><span class="sxs-lookup">'
                      f'<span data-stu-id="{p.id}">{p.source.raw}</span></span>')
            assert markup in "\n".join(lines[p.line - 1:p.end_line]), f"{path}:{p.line}"


def test_seed_article(docs: dict[str, Document]) -> None:
    doc = docs["fr-FR/unable-to-sign-in.md"]
    assert (doc.meta.locale, doc.meta.translation_type, doc.meta.locfileid) == ("fr-FR", "MT", "104712883")
    assert doc.meta.lasthandoff == "03/20/2021"
    heading = pair(docs, "fr-FR/unable-to-sign-in.md", "7ccd2-103")
    assert heading.line == 19 and heading.source.text.startswith("If you can't sign into Partner Center")
    link_text = pair(docs, "fr-FR/unable-to-sign-in.md", "7ccd2-112")  # [<span…>…](verification-responses.md)
    assert link_text.target.raw == "Vérifier les informations de votre compte"
    two_on_a_line = [p.line for p in docs["fr-FR/unable-to-sign-in.md"].pairs if p.id in ("7ccd2-106", "7ccd2-107")]
    assert two_on_a_line[0] == two_on_a_line[1]
    link = pair(docs, "fr-FR/unable-to-sign-in.md", "7ccd2-107").source.codes
    assert [(c.kind, c.type) for c in link] == [("begin", "link"), ("end", "link")]
    assert link[1].raw == "](/microsoft-365/admin/contact-support-for-business-products)"
    assert [u.field for u in doc.unpaired] == ["title", "description"]


E = "fr-FR/ledger/edge-cases.md"


@pytest.mark.parametrize("seg_id, line, end_line, code_types", [
    ("c07d5-103", 16, 16, []),                                   # heading with <a name> anchor
    ("c07d5-104", 18, 18, ["include"]),                          # [!INCLUDE[…](…)]
    ("c07d5-107", 29, 29, []),                                   # <th>
    ("c07d5-110", 36, 36, ["bold", "bold"]),                     # <td> with <strong>
    ("c07d5-112", 40, 40, ["lb"]),                               # <br/>
    ("c07d5-114", 44, 50, ["bold", "bold"]),                     # <td> cell over several lines
    ("c07d5-124", 69, 69, ["span", "span"]),                     # nested span
    ("c07d5-128", 76, 76, ["bold", "bold", "italic", "italic"]),
    ("c07d5-130", 78, 78, ["code", "code", "code", "code", "code"]),  # <kbd>…</kbd> twice and `inline code`
    ("c07d5-131", 80, 80, ["link", "link"]),
    ("c07d5-132", 82, 82, ["image", "image"]),
    ("c07d5-133", 84, 84, ["xref"]),
    ("c07d5-135", 88, 90, ["image", "image", "image", "image"]),  # one span over two image lines
    ("c07d5-136", 93, 93, []),                                   # > [!NOTE] alert line
    ("c07d5-p101", 97, 97, []),                                  # merged-paragraph id
    ("c07d5-140", 99, 99, []),                                   # pipe table cell
    ("c07d5-166", 136, 136, []),                                 # link text [<span…>](…)
])
def test_variants_in_edge_cases(docs: dict[str, Document], seg_id: str, line: int, end_line: int,
                                code_types: list[str]) -> None:
    found = pair(docs, E, seg_id)
    assert (found.line, found.end_line) == (line, end_line)
    assert [c.type for c in found.source.codes] == code_types
    assert [c.type for c in found.target.codes] == code_types


def test_link_breaker_spans_and_entities(docs: dict[str, Document]) -> None:
    breaker = pair(docs, E, "c07d5-122")
    assert breaker.source.raw == "By default, bank feeds connect to Contoso.<span>com."
    assert [(c.kind, c.raw) for c in breaker.source.codes] == [("standalone", "<span>")]
    assert "www.<span></span>contoso.com" in pair(docs, E, "c07d5-123").source.raw
    amounts = pair(docs, E, "c07d5-116")
    assert "&lt; 0" in amounts.source.raw and "< 0" in amounts.source.text
    assert pair(docs, E, "c07d5-119").source.text == "The app's date format follows your system settings."
    assert "1–12" in pair(docs, E, "c07d5-120").source.text


def test_broken_markup_is_reported_with_line_and_snippet(docs: dict[str, Document]) -> None:
    anomalies = {(a.kind, a.line, a.id) for a in docs[E].anomalies}
    assert anomalies == {
        ("broken-quote", 111, "c07d5-150"), ("swallowed", 113, "c07d5-151"), ("swallowed", 114, "c07d5-152"),
        ("orphan-target", 126, "c07d5-160"), ("id-mismatch", 128, "c07d5-161"), ("orphan-source", 132, None),
    }
    assert all(a.snippet for a in docs[E].anomalies)
    ids = {p.id for p in docs[E].pairs}
    assert {"c07d5-153", "c07d5-154", "c07d5-163"} <= ids, "pairs after broken markup are read again"
    assert not ids & {"c07d5-150", "c07d5-151", "c07d5-152", "c07d5-160", "c07d5-161", "c07d5-162", "c07d5-164"}


def test_cjk_and_right_to_left_locales(docs: dict[str, Document]) -> None:
    ja = pair(docs, "ja-JP/ledger/getting-started.md", "4f2a9-103")
    ar = pair(docs, "ar-SA/ledger/getting-started.md", "4f2a9-103")
    assert ja.source.raw == ar.source.raw == pair(docs, "fr-FR/ledger/getting-started.md", "4f2a9-103").source.raw
    assert any("\u3040" <= ch <= "\u30ff" or "\u4e00" <= ch <= "\u9fff" for ch in ja.target.text)
    rlm = [p for p in docs["ar-SA/ledger/getting-started.md"].pairs if "\u200f" in p.target.raw]
    assert rlm and all("\u200f" in p.target.text for p in rlm)
    nbsp = [p for p in docs["fr-FR/ledger/getting-started.md"].pairs if "\u00a0" in p.target.raw]
    assert nbsp


def test_lists_and_locale_from_folder(docs: dict[str, Document]) -> None:
    ar = docs["ar-SA/ledger/getting-started.md"]
    lines = (CORPUS / "ar-SA/ledger/getting-started.md").read_text(encoding="utf-8").split("\n")
    starts = {lines[p.line - 1].lstrip()[:2] for p in ar.pairs}
    assert {"- ", "* ", "1.", "> ", "| "} <= starts
    assert docs["ar-SA/ledger/no-locale-in-front-matter.md"].meta.locale == "ar-SA"


def test_markup_never_leaks_into_text_runs(docs: dict[str, Document]) -> None:
    for doc in docs.values():
        for p in doc.pairs:
            for segment in (p.source, p.target):
                for run in segment.runs:
                    if isinstance(run, Text):
                        assert "<span" not in run.raw and "**" not in run.raw and "](" not in run.raw, run
