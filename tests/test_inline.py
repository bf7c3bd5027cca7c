"""The inline codec: fixture cases in fixtures/inline.txt, and properties on generated text."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.extract import parse_segment  # the core in use: CI runs this suite on both
from pipeline.model import Code, Text

FIXTURES = Path(__file__).parent / "fixtures" / "inline.txt"


def _cases() -> list:
    blocks = FIXTURES.read_text(encoding="utf-8").split("\n## ")[1:]
    cases = []
    for block in blocks:
        name, rest = block.split("\n", 1)
        raw, expected = rest.split("\n---\n", 1)
        cases.append(pytest.param(raw, [line for line in expected.strip("\n").split("\n") if line], id=name))
    return cases


def _render(run: Text | Code) -> str:
    if isinstance(run, Text):
        return f"text {json.dumps(run.raw, ensure_ascii=False)}"
    return f"{run.kind} {run.type} {json.dumps(run.raw, ensure_ascii=False)} {run.pair}"


@pytest.mark.parametrize("raw, expected", _cases())
def test_fixture_case(raw: str, expected: list[str]) -> None:
    segment = parse_segment(raw)
    assert [_render(run) for run in segment.runs] == expected
    assert segment.raw == raw


def test_fixture_file_has_cases() -> None:
    assert len(_cases()) >= 20


def test_plain_text_drops_codes_and_decodes_entities() -> None:
    segment = parse_segment("Voir [la **page**](x.md) &amp; `code`")
    assert segment.text == "Voir la page & "
    assert [c.type for c in segment.codes] == ["link", "bold", "bold", "link", "code"]


MARKUP = st.sampled_from([
    "**", "*", "_", "__", "`", "``", "[", "]", "](", ")", "](https://x.test/a)", "![", "<", ">", "</", "/>",
    "<span>", "</span>", "<strong>", "</strong>", "<br/>", "<a href=\"x\">", "</a>", "<xref:A.B>",
    "[!INCLUDE[x](y.md)]", "&amp;", "&lt;", "&#x2013;", "\\", "\\*", "\n", " ", "\u00a0", "\u200f", "<!--", "-->",
])
TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=8)
SEGMENTS = st.lists(st.one_of(MARKUP, TEXT), max_size=30).map("".join)


@settings(max_examples=400, deadline=None)
@given(SEGMENTS)
def test_raw_roundtrip_and_pairing(raw: str) -> None:
    segment = parse_segment(raw)
    assert segment.raw == raw
    open_pairs: dict[int, Code] = {}
    seen: set[int] = set()
    for run in segment.runs:
        if isinstance(run, Text):
            assert run.raw, "no empty text runs"
            continue
        if run.kind == "begin":
            assert run.pair not in seen
            open_pairs[run.pair] = run
            seen.add(run.pair)
        elif run.kind == "end":
            begin = open_pairs.pop(run.pair)
            assert begin.type == run.type
        else:
            assert run.pair not in seen
            seen.add(run.pair)
    assert not open_pairs, "every begin has its end"
    adjacent_texts = [a for a, b in zip(segment.runs, segment.runs[1:]) if isinstance(a, Text) and isinstance(b, Text)]
    assert not adjacent_texts, "text runs are merged"
