"""TMX 1.4b specifics: header, stable tuids, provenance props, inline codes, whitespace,
BCP 47 tags, ``--split-mt`` and ``--multilingual``."""

from __future__ import annotations

import html
import io
import json
import re
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from pipeline.chars import XML_ILLEGAL as ILLEGAL_XML
from pipeline.export.codes import tuck_edge_whitespace
from pipeline.export.tmx import PAIRED_TYPES, PLACEHOLDER_TYPES
from pipeline.export.xml import escape_attr, escape_text
from pipeline.extract.inline import parse_segment
from support.builds import EDGE_CORPUS, Built, build_once, tmpipe
from support.synthetic import export, exported_pair, make_store
from tools.omegat import level1

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


@pytest.fixture(scope="module")
def edge(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return build_once(tmp_path_factory, EDGE_CORPUS, "--split-mt", "--multilingual")


@pytest.fixture(scope="module")
def plain(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return build_once(tmp_path_factory, EDGE_CORPUS)


def tus(path: Path) -> list[etree._Element]:
    return etree.parse(str(path)).getroot().findall("body/tu")


def props(element: etree._Element) -> dict[str, str]:
    return {p.get("type"): p.text or "" for p in element.findall("prop")}


def seg(tu: etree._Element, lang: str) -> etree._Element:
    return next(tuv for tuv in tu.findall("tuv") if tuv.get(XML_LANG) == lang).find("seg")


def test_header_says_what_the_file_is(plain: Built) -> None:
    header = etree.parse(str(plain.out / "tmx/en-US_fr-FR.tmx")).getroot().find("header")
    assert header.attrib == {
        "creationtool": "tmpipe", "creationtoolversion": plain.manifest["version"], "segtype": "sentence",
        "o-tmf": "tmpipe", "adminlang": "en-US", "srclang": "en-US", "datatype": "x-markdown",
        "creationdate": "20240610T061320Z",  # SOURCE_DATE_EPOCH of the test build
    }
    assert re.fullmatch(r"\d{8}T\d{6}Z", header.get("creationdate"))
    entry = next(o for o in plain.manifest["outputs"] if o["path"] == "tmx/en-US_fr-FR.tmx")
    assert json.loads(props(header)["x-tmpipe-signature"]) == entry["signature"]


def test_one_tu_per_unit_with_usage_and_provenance(plain: Built) -> None:
    units = tus(plain.out / "tmx/en-US_fr-FR.tmx")
    store = plain.store()
    expected = list(store.units("en-US", "fr-FR"))
    store.close()
    assert len(units) == len(expected)
    for tu, unit in zip(units, expected):
        assert tu.get("usagecount") == str(unit.repetitions)
        p = props(tu)
        assert p["x-file"] == unit.article.path and p["x-id"] == unit.seg_id and p["x-line"] == str(unit.line)
        assert p["x-repetitions"] == str(unit.repetitions)
        assert p["x-source-commit"] == unit.article.source_commit and p["x-locfileid"] == unit.article.locfileid
        assert p["x-lasthandoff"] == unit.article.lasthandoff
        assert p["x-translation-type"] in ("HT", "MT", "MT+HT")
        assert all(t.startswith("x-") for t in p), "OmegaT skips a tu with a plain type='file' prop"
    shared = next(tu for tu in units if seg(tu, "en-US").text == "Shared")
    assert props(shared)["x-translation-type"] == "MT+HT" and props(shared)["x-mt-repetitions"] == "1"
    merged = next(tu for tu in units if props(tu)["x-id"] == "3d14f-p103")
    assert merged.get("segtype") == "paragraph"


def test_tuids_are_unique_and_stable_across_builds(plain: Built, tmp_path: Path) -> None:
    first = [tu.get("tuid") for tu in tus(plain.out / "tmx/en-US_fr-FR.tmx")]
    assert len(set(first)) == len(first)
    assert all(re.fullmatch(r"[0-9a-f]{32}", t) for t in first), "a content digest, not a row id"
    tmpipe("build", EDGE_CORPUS / "fr-FR", "-o", tmp_path / "again", "-q", "-f", "tmx")
    again = {tu.get("tuid") for tu in tus(tmp_path / "again/tmx/en-US_fr-FR.tmx")}
    assert again == set(first)


def test_inline_codes_pair_link_and_keep_their_markup(plain: Built) -> None:
    allowed = set(PAIRED_TYPES.values()) | set(PLACEHOLDER_TYPES.values())
    for path in sorted((plain.out / "tmx").glob("*.tmx")):
        for tu in tus(path):
            xs = {}
            for tuv in tu.findall("tuv"):
                s = tuv.find("seg")
                bpt = Counter(b.get("i") for b in s.iter("bpt"))
                ept = Counter(e.get("i") for e in s.iter("ept"))
                assert bpt == ept and max(bpt.values(), default=1) == 1, etree.tostring(s)
                for code in s.iter("bpt", "ph"):
                    assert code.get("type") in allowed or code.get("type").startswith("x-")
                    assert code.text, "the original markup is the element's text"
                    xs.setdefault(tuv.get(XML_LANG), set()).add(code.get("x"))
            if len(xs) == 2:
                src, tgt = xs.values()
                assert len(src & tgt) == min(len(src), len(tgt)), "codes link across languages by x"
    fr = {"".join(seg(tu, "en-US").itertext()): tu for tu in tus(plain.out / "tmx/en-US_fr-FR.tmx")}
    tu = fr["Click OK to <strong>confirm</strong>."]
    source_code = seg(tu, "en-US").find("bpt")
    strong, = [b for b in seg(tu, "fr-FR").iter("bpt") if b.text == "<strong>"]
    added, = [b for b in seg(tu, "fr-FR").iter("bpt") if b.text == "**"]
    assert strong.get("x") == source_code.get("x") == "1" and added.get("x") == "2"
    types = {c.text: c.get("type") for t in fr.values() for c in seg(t, "en-US").iter("bpt", "ph")}
    assert types["**"] == "bold" and types["_"] == "italic" and types["["] == "link"
    assert types["<u>"] == "ulined" and types["<br/>"] == "lb" and types["![" ] == "x-image"
    assert types["`tmpipe build corpus -o out`"] == "x-code"
    assert types["<xref:Contoso.Ledger.Export>"] == "x-xref"
    assert types["[!INCLUDE[product-name](../includes/product-name.md)]"] == "x-include"


def test_no_seg_starts_or_ends_with_whitespace(plain: Built) -> None:
    moved = 0
    for path in (plain.out / "tmx").rglob("*.tmx"):
        for tu in tus(path):
            for tuv in tu.findall("tuv"):
                s = tuv.find("seg")
                text = "".join(s.itertext())
                assert text == text.strip(), (path, text)
                moved += "x-leading-whitespace" in props(tuv)
    assert moved, "the fixture has segments with outer whitespace"


def test_text_outside_codes_has_no_outer_whitespace_either(plain: Built) -> None:
    """What OmegaT matches on by default (inline codes dropped) must not start or end with
    whitespace: OmegaT trims its own segments, never TMX sources."""
    for path in (plain.out / "tmx").rglob("*.tmx"):
        for tu in tus(path):
            for tuv in tu.findall("tuv"):
                text = level1(tuv.find("seg"))
                assert text == text.strip(), (path, etree.tostring(tuv.find("seg"), encoding=str))
    fr = {"".join(seg(tu, "en-US").itertext()): tu for tu in tus(plain.out / "tmx/en-US_fr-FR.tmx")}
    code = seg(fr["Update the value: `https://x.test/?a=<b>&c=d`"], "en-US").find("ph")
    assert code.text == " `https://x.test/?a=<b>&c=d`"


@pytest.mark.parametrize("raw, runs", [
    ("`X` requires it", ["`X` ", "requires it"]),
    ("value: `x`", ["value:", " `x`"]),
    ("**Choose:** `Excel`", ["**", "Choose:", "**", " `Excel`"]),
    ("<strong>Modification </strong>", ["<strong>", "Modification", " </strong>"]),
    ("plain  text", ["plain  text"]),
    ("**a** b **c**", ["**", "a", "**", " b ", "**", "c", "**"]),
])
def test_edge_whitespace_is_tucked_into_the_nearest_code(raw: str, runs: list[str]) -> None:
    tucked = tuck_edge_whitespace(parse_segment(raw).runs)
    assert [r.raw for r in tucked] == runs and "".join(runs) == raw


def test_language_tags_are_bcp47_whatever_case_the_corpus_used(plain: Built) -> None:
    names = sorted(p.name for p in (plain.out / "tmx").glob("*.tmx"))
    assert names == ["en-US_fr-FR.tmx", "en-US_ja-JP.tmx", "en-US_sr-Latn-RS.tmx"]
    root = etree.parse(str(plain.out / "tmx/en-US_sr-Latn-RS.tmx")).getroot()
    assert {tuv.get(XML_LANG) for tuv in root.iter("tuv")} == {"en-US", "sr-Latn-RS"}


def test_split_mt_puts_machine_translation_apart(edge: Built) -> None:
    by_path = {o["path"]: o for o in edge.outputs("tmx")}
    assert by_path["tmx/mt/en-US_ja-JP.tmx"]["mt"] is True and by_path["tmx/en-US_ja-JP.tmx"]["mt"] is False
    assert by_path["tmx/en-US_ja-JP.tmx"]["units"] == 0, "every ja-JP article is MT"
    store = edge.store()
    for source, target in store.locale_pairs():
        units = list(store.units(source, target))
        main = tus(edge.out / f"tmx/{source}_{target}.tmx")
        mt_path = edge.out / f"tmx/mt/{source}_{target}.tmx"
        mt = tus(mt_path) if mt_path.exists() else []
        assert len(main) + len(mt) == len(units)
        assert all(props(tu)["x-translation-type"] == "MT" for tu in mt)
        assert all(props(tu)["x-translation-type"] != "MT" for tu in main)
    store.close()


def test_multilingual_has_one_tu_per_source_and_one_tuv_per_language(edge: Built) -> None:
    output, = [o for o in edge.outputs("tmx") if o.get("multilingual")]
    assert output["path"] == "tmx/multilingual.tmx"
    units = tus(edge.out / output["path"])
    sources = ["".join(seg(tu, "en-US").itertext()) for tu in units]
    assert len(sources) == len(set(sources)) == output["units"]
    for tu in units:
        langs = [tuv.get(XML_LANG) for tuv in tu.findall("tuv")]
        assert langs[0] == "en-US" and len(langs) == len(set(langs)) >= 2
        assert "ja-JP" not in langs, "with --split-mt, MT-only units stay out"
    guide = units[sources.index("Export guide")]
    assert [t.get(XML_LANG) for t in guide.findall("tuv")] == ["en-US", "fr-FR", "sr-Latn-RS"]
    assert "".join(seg(guide, "fr-FR").itertext()) == "Guide de l’export"


def test_multilingual_without_split_includes_every_language(tmp_path: Path) -> None:
    tmpipe("build", EDGE_CORPUS, "-o", tmp_path, "-q", "-f", "tmx", "--multilingual")
    langs = {tuv.get(XML_LANG) for tuv in etree.parse(str(tmp_path / "tmx/multilingual.tmx")).iter("tuv")}
    assert langs == {"en-US", "fr-FR", "ja-JP", "sr-Latn-RS"}
    assert not (tmp_path / "tmx/mt").exists()


# -- any text, any markup ----------------------------------------------------------------------
#
# The exporters write XML as strings, escaped as lxml would: checked against lxml, and on
# generated text and markup through a whole export.

#: Characters that matter to escaping, cleaning and trimming; none of them starts markup.
SPECIAL = list("&>\"';#") + ["\r", "\n", "\t", " ", "\u00a0", "\u2003", "\u3000", "\x01", "\x0b", "\x1f",
                             "\ufffe", "\uffff", "\U0001F600", "é", "a", "1"]
PLAIN = st.text(alphabet=st.one_of(st.sampled_from(SPECIAL),
                                   st.characters(blacklist_characters="\\`<*_[]!", blacklist_categories=("Cs",))),
                max_size=24)
MARKUP = ["**", "*", "_", "`x y`", " `z` ", "[", "](u.md)", "![", "<br/>", "<strong>", "</strong>", "<em>",
          "</em>", "<span>", "<xref:A.B>", "[!INCLUDE[a](b.md)]", "\\*", "<!-- c -->", "&lt;", "<u>", "</u>"]
#: A side: plain text, or text around markup (well nested, crossing, unclosed).
SIDE = st.one_of(PLAIN, st.lists(st.one_of(PLAIN, st.sampled_from(MARKUP)), max_size=8).map("".join))
XML_CHARS = st.lists(st.one_of(st.sampled_from(SPECIAL + ["<", "]]>", "&amp;"]), st.characters())).map("".join)


@settings(max_examples=300, deadline=None)
@given(XML_CHARS)
def test_escaping_is_what_lxml_writes(text: str) -> None:
    text = ILLEGAL_XML.sub("", text)  # lxml refuses them: exporters clean them first
    out = io.BytesIO()
    with etree.xmlfile(out, encoding="UTF-8") as xf:
        with xf.element("e", {"a": text}):
            xf.write(text)
    assert out.getvalue().decode("utf-8") == f'<e a="{escape_attr(text)}">{escape_text(text)}</e>'


def _seg_raw(seg: etree._Element, tuv: etree._Element) -> str:
    """The raw text a ``seg`` stands for: its text and codes, with the whitespace its props moved out."""
    found = {p.get("type"): json.loads(p.text) for p in tuv.findall("prop")}
    return found.get("x-leading-whitespace", "") + "".join(seg.itertext()) + found.get("x-trailing-whitespace", "")


@settings(max_examples=150, deadline=None)
@given(SIDE, SIDE)
def test_a_seg_rebuilds_the_cleaned_raw_text_and_shows_no_outer_whitespace(source: str, target: str) -> None:
    tu = etree.fromstring(exported_pair("tmx", source, target).encode()).find("body/tu")
    for tuv, raw in zip(tu.findall("tuv"), (source, target)):
        segment = tuv.find("seg")
        assert _seg_raw(segment, tuv) == ILLEGAL_XML.sub("\ufffd", raw)
        text = "".join(segment.itertext())
        assert text == text.strip(), "no seg starts or ends with whitespace"
        seen = (segment.text or "") + "".join(child.tail or "" for child in segment)  # what OmegaT matches
        assert seen == seen.strip() or not seen.strip()


def test_multilingual_counts_each_illegal_character_once(tmp_path: Path) -> None:
    """Its target sides are written in the per-pair pass: cleaning them counts once, in the file
    that holds them."""
    store = make_store(tmp_path / "tm.sqlite", [("fr-FR/bad.md", "fr-FR", "HT", [
        ("bad-1", "Bell\x07 rings **twice\x01**.", "La cloche\x07 sonne **deux fois\x01**."),
        ("bad-2", "Plain\x02", "Simple\x02"), ("fine", "Fine", "Bien")])])
    outputs = {o.path: o for o in export(store, tmp_path / "out", "tmx", multilingual=True)}
    store.close()
    assert outputs["tmx/en-US_fr-FR.tmx"].extra["illegal_chars"] == 6
    assert outputs["tmx/multilingual.tmx"].extra["illegal_chars"] == 6
    text = (tmp_path / "out/tmx/multilingual.tmx").read_text(encoding="utf-8")
    assert not ILLEGAL_XML.search(text) and text.count("\ufffd") == 6
