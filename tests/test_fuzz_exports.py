"""Fuzzing the whole pipeline: generated articles with random markup around span pairs.

Whatever the articles hold, the build does not fail, ``occurrences = pairs +
anomalies`` holds, and every export is well-formed and valid against its grammar.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.build import BuildOptions, build
from pipeline.errors import InputError
from pipeline.xmlsafe import parse
from support.grammars import Grammars

FORMATS = ("tmx", "xliff-1.2", "xliff-2", "po")

SEGMENT = st.lists(st.one_of(
    st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="<>\"&"), max_size=12),
    st.sampled_from(["**", "*", "_", "`", "``", "[", "](x.md)", "![", "<br/>", "<strong>", "</strong>", "<span>",
                     "</span>", "<span></span>", "&amp;", "&lt;", "&quot;", "&#x2013;", "&#1;", "\x07", "\x0b",
                     "\ufffe", "\n", "\r\n", "\u00a0", "\u200f", "<xref:A.B>", "[!INCLUDE[a](b.md)]", "\\*",
                     "<!-- c -->", "]]>", "\t", " "]),
), max_size=10).map("".join)
AROUND = st.sampled_from(["\n\n", " ", "\n- ", "\n1. ", "\n# ", "\n> ", "|", "<td>", "</td>", "[", "](y.md)",
                          '<a name="x"></a>', "\n```\n", '"', "&quot;", "data-ttu-id=", "<span>", "</span></span>",
                          '<span class="sxs-lookup"><span data-stu-id="zz-1">orphan</span></span>'])


@st.composite
def article(draw: st.DrawFn, n: int) -> str:
    locale = draw(st.sampled_from(["fr-FR", "ja-JP", "ar-SA", "de-de", "zh-Hans-CN"]))
    parts = [f"---\ntitle: T{n}\nms.contentlocale: {locale}\n"
             f"ms.translationtype: {draw(st.sampled_from(['MT', 'HT']))}\n---\n"]
    for k in range(draw(st.integers(0, 8))):
        seg_id = f"f{n:04d}-{'p' if draw(st.booleans()) else ''}{100 + k}"
        quote = draw(st.sampled_from(['"', '"', '"', "&quot;"]))
        parts.append(draw(AROUND))
        parts.append(f'<span data-ttu-id={quote}{seg_id}{quote}>{draw(SEGMENT)}</span><span class="sxs-lookup">'
                     f'<span data-stu-id="{seg_id}">{draw(SEGMENT)}</span></span>')
    parts.append(draw(AROUND))
    return "".join(parts)


@st.composite
def corpora(draw: st.DrawFn) -> list[str]:
    return [draw(article(n)) for n in range(draw(st.integers(1, 8)))]


@pytest.fixture(scope="module")
def grammars(tmp_path_factory: pytest.TempPathFactory) -> Grammars:
    found = Grammars(tmp_path_factory.mktemp("grammars"))
    missing = [reason for fmt in FORMATS if (reason := found.missing(fmt))]
    if missing:
        pytest.skip("; ".join(missing))
    return found


@settings(max_examples=int(os.environ.get("TMPIPE_FUZZ_EXAMPLES", "25")), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                 HealthCheck.too_slow, HealthCheck.data_too_large])
@given(corpora())
def test_generated_corpora_build_valid_exports(grammars: Grammars, articles: list[str]) -> None:
    with tempfile.TemporaryDirectory() as work:
        corpus = Path(work, "corpus")
        corpus.mkdir()
        for n, text in enumerate(articles):
            Path(corpus, f"a{n}.md").write_text(text, encoding="utf-8", newline="")
        out = Path(work, "out")
        try:
            manifest = build([corpus], out, BuildOptions(formats=FORMATS, qa=False))
        except InputError as exc:  # no pair at all: nothing is written
            assert "no segment pairs" in str(exc) and not out.exists()
            return
        ext = manifest["extraction"]
        assert ext["occurrences"] == ext["pairs"] + ext["occurrences_in_anomalies"]
        assert ext["occurrences"] == sum(text.count("data-ttu-id=") for text in articles)
        for output in manifest["outputs"]:
            if output["format"] not in FORMATS:
                continue
            path = out / output["path"]
            if output["format"] != "po":
                parse(path)  # well-formed, read with entities off
            verdict = grammars.validate(output["format"], path)
            assert verdict, f"{output['path']}: {verdict.output}\n{json.dumps(articles, ensure_ascii=False)}"
