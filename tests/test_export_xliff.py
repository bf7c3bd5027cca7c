"""XLIFF 1.2 and XLIFF 2 specifics: one ``<file>`` per article, unique ids, MT states,
inline codes (``bpt``/``ept``/``ph``; ``pc``/``ph`` or ``sc``/``ec`` with ``dataRef``)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from pipeline.chars import XML_ILLEGAL as ILLEGAL_XML
from pipeline.export.xml import Cleaner
from support.builds import EDGE_CORPUS, Built, build_once
from support.synthetic import export, exported_pair, make_store

X12 = "{urn:oasis:names:tc:xliff:document:1.2}"
X2 = "{urn:oasis:names:tc:xliff:document:2.0}"


@pytest.fixture(scope="module")
def edge(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return build_once(tmp_path_factory, EDGE_CORPUS, "--split-mt", "--multilingual")


def articles(built: Built, locale: str) -> dict[str, list]:
    store = built.store()
    out: dict[str, list] = {}
    for row in store.segments(locale):
        out.setdefault(row.article.path, []).append(row)
    store.close()
    return out


# -- XLIFF 1.2 ---------------------------------------------------------------------------

def test_xliff12_has_one_file_per_article_in_corpus_order(edge: Built) -> None:
    root = etree.parse(str(edge.out / "xliff-1.2/en-US_fr-FR.xlf")).getroot()
    assert root.get("version") == "1.2" and root.nsmap[None] == X12[1:-1]
    files = root.findall(X12 + "file")
    expected = articles(edge, "fr-FR")
    assert [f.get("original") for f in files] == list(expected)
    for element in files:
        assert element.get("datatype") == "x-markdown"
        assert (element.get("source-language"), element.get("target-language")) == ("en-US", "fr-FR")
        units = element.findall(f"{X12}body/{X12}trans-unit")
        assert [u.get("resname") for u in units] == [r.id for r in expected[element.get("original")]]
        ids = [u.get("id") for u in units]
        assert len(ids) == len(set(ids)), "trans-unit ids are unique in each <file>"
    repeated = [u.get("id") for u in root.iter(X12 + "trans-unit") if u.get("resname") == "e1a2b-114"]
    assert repeated == ["e1a2b-114", "e1a2b-114.2"]


def test_xliff12_states_say_which_translations_are_machine_made(edge: Built) -> None:
    root = etree.parse(str(edge.out / "xliff-1.2/en-US_fr-FR.xlf")).getroot()
    for element in root.iter(X12 + "file"):
        mt = element.find(f"{X12}header/{X12}note[@from='front-matter']").text == "ms.translationtype: MT"
        for target in element.iter(X12 + "target"):
            if mt:
                assert target.attrib["state"] == "needs-review-translation"
                assert target.attrib["state-qualifier"] == "mt-suggestion"
            else:
                assert target.attrib["state"] == "translated" and "state-qualifier" not in target.attrib
    assert {t.get("state") for t in root.iter(X12 + "target")} == {"translated", "needs-review-translation"}


def test_xliff12_locations_and_inline_ids(edge: Built) -> None:
    root = etree.parse(str(edge.out / "xliff-1.2/en-US_fr-FR.xlf")).getroot()
    for unit in root.iter(X12 + "trans-unit"):
        context = {c.get("context-type"): c.text for c in unit.iter(X12 + "context")}
        assert context["sourcefile"].endswith(".md") and context["linenumber"].isdigit()
        source, target = unit.find(X12 + "source"), unit.find(X12 + "target")
        for part in (source, target):
            assert {b.get("rid") for b in part.iter(X12 + "bpt")} == {e.get("rid") for e in part.iter(X12 + "ept")}
            starts = [c.get("id") for c in part.iter(X12 + "bpt", X12 + "ph")]
            assert len(starts) == len(set(starts))
        if unit.get("resname") == "e1a2b-108":  # "Click OK to <strong>confirm</strong>." + an added **OK**
            strong, = [b for b in target.iter(X12 + "bpt") if b.text == "<strong>"]
            assert strong.get("id") == source.find(X12 + "bpt").get("id") == "1"
            assert [b.get("ctype") for b in target.iter(X12 + "bpt")] == ["bold", "bold"]


# -- XLIFF 2 ------------------------------------------------------------------------------

def test_xliff2_document_files_and_units(edge: Built) -> None:
    root = etree.parse(str(edge.out / "xliff-2/en-US_fr-FR.xlf")).getroot()
    assert (root.get("version"), root.get("srcLang"), root.get("trgLang")) == ("2.1", "en-US", "fr-FR")
    assert root.nsmap[None] == X2[1:-1]
    files = root.findall(X2 + "file")
    assert [f.get("original") for f in files] == list(articles(edge, "fr-FR"))
    assert len({f.get("id") for f in files}) == len(files)
    for element in files:
        ids = [u.get("id") for u in element.iter(X2 + "unit")]
        assert len(ids) == len(set(ids))
    names = Counter(u.get("name") for u in root.iter(X2 + "unit"))
    assert names["e1a2b-114"] == 2


def test_xliff2_states(edge: Built) -> None:
    root = etree.parse(str(edge.out / "xliff-2/en-US_ja-JP.xlf")).getroot()
    assert {(s.get("state"), s.get("subState")) for s in root.iter(X2 + "segment")} == {("initial", "tmpipe:mt")}
    root = etree.parse(str(edge.out / "xliff-2/en-US_sr-Latn-RS.xlf")).getroot()
    assert {(s.get("state"), s.get("subState")) for s in root.iter(X2 + "segment")} == {("translated", None)}


def test_xliff2_every_dataref_resolves_and_crossing_pairs_use_sc_ec(edge: Built) -> None:
    root = etree.parse(str(edge.out / "xliff-2/en-US_fr-FR.xlf")).getroot()
    for unit in root.iter(X2 + "unit"):
        data = [d.get("id") for d in unit.iter(X2 + "data")]
        assert len(data) == len(set(data))
        refs = [c.get(a) for c in unit.iter(X2 + "pc", X2 + "ph", X2 + "sc", X2 + "ec")
                for a in ("dataRef", "dataRefStart", "dataRefEnd") if c.get(a)]
        assert set(refs) <= set(data)
        for part in unit.iter(X2 + "source", X2 + "target"):
            ids = [c.get("id") for c in part.iter(X2 + "pc", X2 + "ph", X2 + "sc")]
            assert len(ids) == len(set(ids))
            assert {e.get("startRef") for e in part.iter(X2 + "ec")} == {s.get("id") for s in part.iter(X2 + "sc")}
    crossing, = [u for u in root.iter(X2 + "unit") if u.get("name") == "e1a2b-107"]
    source = crossing.find(f"{X2}segment/{X2}source")
    assert [etree.QName(c).localname for c in source] == ["sc", "sc", "ec", "ec"]
    nested, = [u for u in root.iter(X2 + "unit") if u.get("name") == "e1a2b-105"]
    pc = nested.find(f"{X2}segment/{X2}source/{X2}pc")
    assert pc.get("type") == "image" and pc.find(X2 + "pc").get("subType") == "xlf:b"


# -- any text, any markup ----------------------------------------------------------------------

SPECIAL = list("&>\"';#") + ["\r", "\n", "\t", " ", "\u00a0", "\u3000", "\x01", "\x0b", "\x1f", "\ufffe",
                             "\uffff", "\U0001F600", "é", "a"]
PLAIN = st.text(alphabet=st.one_of(st.sampled_from(SPECIAL),
                                   st.characters(blacklist_characters="\\`<*_[]!", blacklist_categories=("Cs",))),
                max_size=24)
MARKUP = ["**", "*", "_", "`x\x02y`", " `z` ", "[", "](u.md)", "![", "<br/>", "<strong>", "</strong>", "<em>",
          "</em>", "<span>", "<xref:A.B>", "\\*", "<!-- c -->", "&lt;"]
#: A side: plain text, or text around markup (well nested, crossing, unclosed).
SIDE = st.one_of(PLAIN, st.lists(st.one_of(PLAIN, st.sampled_from(MARKUP)), max_size=8).map("".join))


def _text12(element: etree._Element) -> str:
    """The raw text an XLIFF 1.2 content element stands for: text, and the markup its codes hold."""
    return "".join(element.itertext())


@settings(max_examples=150, deadline=None)
@given(SIDE, SIDE)
def test_xliff12_content_rebuilds_the_cleaned_raw_text(source: str, target: str) -> None:
    unit = etree.fromstring(exported_pair("xliff-1.2", source, target).encode()).find(f".//{X12}trans-unit")
    assert _text12(unit.find(X12 + "source")) == ILLEGAL_XML.sub("\ufffd", source)
    assert _text12(unit.find(X12 + "target")) == ILLEGAL_XML.sub("\ufffd", target)


@settings(max_examples=150, deadline=None)
@given(SIDE, SIDE)
def test_xliff2_writes_illegal_characters_as_cp_and_loses_nothing(source: str, target: str) -> None:
    """Every character comes back: text, ``<cp>`` for what XML forbids, original data of the codes."""
    unit = etree.fromstring(exported_pair("xliff-2", source, target).encode()).find(f".//{X2}unit")
    data = {d.get("id"): _rebuilt(d, {}) for d in unit.iter(X2 + "data")}
    assert _rebuilt(unit.find(f"{X2}segment/{X2}source"), data) == source
    assert _rebuilt(unit.find(f"{X2}segment/{X2}target"), data) == target


@pytest.mark.parametrize("fmt", ["xliff-1.2", "xliff-2"])
def test_what_an_article_shares_is_cleaned_and_counted_for_every_unit(fmt: str, tmp_path: Path) -> None:
    """The path and the translation type are written once per article; each unit counts the
    characters cleaning replaced in them, as when it cleaned them itself (XLIFF 1.2 wrote an
    illegal character in ``ms.translationtype`` raw in each unit's note: lxml refused it)."""
    pairs = [("x-1", "a", "b"), ("x-2", "c **d**", "e **f**"), ("x-1", "a", "b")]
    store = make_store(tmp_path / "tm.sqlite", [("fr-FR/a\x01.md", "fr-FR", "H\x02T", pairs),
                                                ("fr-FR/b.md", "fr-FR", "MT", pairs)])
    output, = export(store, tmp_path / "out", fmt)
    store.close()
    # per article: its path (+1 per unit, +1 in <file>), its ms.translationtype (+1 per unit, +1 in the header)
    assert output.extra["illegal_chars"] == 2 * len(pairs) + 2
    text = (tmp_path / "out" / output.path).read_text(encoding="utf-8")
    assert not ILLEGAL_XML.search(text) and text.count("\ufffd") == 2 * len(pairs) + 2
    root = etree.parse(str(tmp_path / "out" / output.path)).getroot()
    assert len(list(root.iter(X12 + "trans-unit", X2 + "unit"))) == 2 * len(pairs)


def _rebuilt(element: etree._Element, data: dict[str, str]) -> str:
    """The raw text an XLIFF 2 content element stands for: text, ``<cp>``, and the original
    data of ``pc``/``ph``/``sc``/``ec`` around what they hold."""
    out = [element.text or ""]
    for child in element:
        tag = etree.QName(child).localname
        if tag == "cp":
            out.append(chr(int(child.get("hex"), 16)))
        elif tag == "pc":
            out += [data[child.get("dataRefStart")], _rebuilt(child, data), data[child.get("dataRefEnd")]]
        else:
            out.append(data[child.get("dataRef")])
        out.append(child.tail or "")
    return "".join(out)


def test_xliff2_unit_ids_are_nmtokens_even_when_the_segment_id_ends_with_a_newline(tmp_path: Path) -> None:
    """``^…$`` let an id ending with a line break through as a unit id (``x-1&#10;``), which the
    schema's NMTOKEN refuses: such an id falls back to ``unit`` (it stays the unit's ``name``)."""
    store = make_store(tmp_path / "tm.sqlite", [("fr-FR/a.md", "fr-FR", "HT", [("x-1\n", "a", "b"), ("x-2", "c", "d")])])
    output, = export(store, tmp_path / "out", "xliff-2")
    store.close()
    units = list(etree.parse(str(tmp_path / "out" / output.path)).getroot().iter(X2 + "unit"))
    assert [(u.get("id"), u.get("name")) for u in units] == [("unit", "x-1\n"), ("x-2", "x-2")]
