"""Span-pair scanning: fixture cases in fixtures/spans.txt, and generated articles."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.extract import scan_pairs  # the core in use: CI runs this suite on both
from pipeline.model import Anomaly, Pair

FIXTURES = Path(__file__).parent / "fixtures" / "spans.txt"


def _cases() -> list:
    with open(FIXTURES, encoding="utf-8", newline="") as handle:  # keep the CRLF case's line ends
        text = handle.read()
    cases = []
    for block in text.split("\n## ")[1:]:
        name, rest = block.split("\n", 1)
        article, expected = rest.rsplit("\n---\n", 1)
        cases.append(pytest.param(article, [json.loads(line) for line in expected.splitlines() if line], id=name))
    return cases


def _as_list(item: Pair | Anomaly) -> list:
    if isinstance(item, Pair):
        return ["pair", item.id, item.line, item.end_line, item.target.raw, item.source.raw]
    return ["anomaly", item.kind, item.line, item.id]


@pytest.mark.parametrize("article, expected", _cases())
def test_fixture_case(article: str, expected: list) -> None:
    items = list(scan_pairs(article))
    assert [_as_list(item) for item in items] == expected
    assert sum(isinstance(i, Pair) for i in items) + sum(
        i.ttu for i in items if isinstance(i, Anomaly)) == article.count("data-ttu-id=")


def test_fixture_file_has_cases() -> None:
    assert len(_cases()) >= 20


def _pair(seg_id: str, target: str, source: str) -> str:
    return (f'<span data-ttu-id="{seg_id}">{target}</span><span class="sxs-lookup">'
            f'<span data-stu-id="{seg_id}">{source}</span></span>')


# Segment text: anything but the markup that delimits pairs, plus inline markup and nested spans.
INNER = st.lists(st.one_of(
    st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="<>\""), max_size=10),
    st.sampled_from(["**", "`x`", "[a](b.md)", "<strong>", "</strong>", "<br/>", "&amp;", "\n", "<span>",
                     '<span class="keyword">k</span>', "<span></span>", "\u00a0", "\u200f"]),
), max_size=8).map("".join)
AROUND = st.sampled_from(["", "\n", "\n\n", " ", "- ", "1. ", "# ", "> ", "|", "<td>", "</td>", "[", "](x.md)",
                          "text ", '<a name="x"></a>', "```\n"])


@st.composite
def articles(draw: st.DrawFn) -> tuple[str, list[tuple[str, str, str]]]:
    pairs = []
    parts = []
    for n in range(draw(st.integers(0, 6))):
        seg_id = f"ab12c-{'p' if draw(st.booleans()) else ''}{100 + n}"
        target, source = draw(INNER), draw(INNER)
        if source.count("<span") - source.count("</span>") != target.count("<span") - target.count("</span>"):
            source = target  # keep span balance parallel, as real translations do
        parts.append(draw(AROUND))
        parts.append(_pair(seg_id, target, source))
        pairs.append((seg_id, target, source))
    parts.append(draw(AROUND))
    return "".join(parts), pairs


@settings(max_examples=300, deadline=None)
@given(articles())
def test_generated_articles_give_back_every_pair(case: tuple[str, list[tuple[str, str, str]]]) -> None:
    article, pairs = case
    items = list(scan_pairs(article))
    found = [(i.id, i.target.raw, i.source.raw) for i in items if isinstance(i, Pair)]
    assert found == pairs
    assert not [i for i in items if isinstance(i, Anomaly)]


NOISE = st.lists(st.sampled_from([
    '<span data-ttu-id="x-1">', "</span>", '<span class="sxs-lookup">', '<span data-stu-id="x-1">',
    '<span data-stu-id="x-2">', "</span></span>", "&quot;", '"', '<span data-ttu-id="x-3&quot;>',
    "data-ttu-id=&quot;x-4&quot;>", "text", "\n", "<span>", ">",
]), max_size=30).map("".join)


@settings(max_examples=300, deadline=None)
@given(NOISE)
def test_any_markup_is_accounted_for(text: str) -> None:
    items = list(scan_pairs(text))
    pairs = [i for i in items if isinstance(i, Pair)]
    anomalies = [i for i in items if isinstance(i, Anomaly)]
    assert len(pairs) + sum(a.ttu for a in anomalies) == text.count("data-ttu-id=")
    for pair in pairs:
        assert _pair(pair.id, pair.target.raw, pair.source.raw) in text
