"""Aligned pairs carry their origin and score through every export: TMX props, XLIFF states for
review, PO ``fuzzy`` below the review threshold (model.REVIEW_BELOW), the tables' columns."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import polib
import pytest
from lxml import etree

from pipeline.extract.inline import parse_segment
from pipeline.model import REVIEW_BELOW, Document, DocumentMeta, Pair
from pipeline.store import open_store
from support.synthetic import export

X12 = "{urn:oasis:names:tc:xliff:document:1.2}"
X2 = "{urn:oasis:names:tc:xliff:document:2.0}"
SCORES = {"a-1": None, "a-2": REVIEW_BELOW + 0.2, "a-3": REVIEW_BELOW - 0.2}  # a span pair, two aligned


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("aligned")
    store = open_store(base / "tm.sqlite")
    pairs = tuple(Pair(seg_id, parse_segment(f"Source {n} **bold**."), parse_segment(f"Cible {n} **gras**."), n, n,
                       "span" if score is None else "aligned", score)
                  for n, (seg_id, score) in enumerate(SCORES.items(), 1))
    store.put(Document(DocumentMeta("fr-FR/a.md", "fr-FR", translation_type="HT"), "0" * 64, 1, 1, pairs))
    store.commit()
    for fmt in ("tmx", "xliff-1.2", "xliff-2", "po", "csv"):
        export(store, base / "out", fmt)
    store.close()
    return base / "out"


def test_tmx_props_say_aligned_and_the_score(out: Path) -> None:
    props = [{p.get("type"): p.text for p in tu.findall("prop")}
             for tu in etree.parse(str(out / "tmx/en-US_fr-FR.tmx")).getroot().iter("tu")]
    assert [p.get("x-origin") for p in props] == [None, "aligned", "aligned"]
    assert [p.get("x-align-score") for p in props] == [None, f"{SCORES['a-2']:.3f}", f"{SCORES['a-3']:.3f}"]


def test_xliff_marks_a_pair_below_the_threshold_for_review(out: Path) -> None:
    root12 = etree.parse(str(out / "xliff-1.2/en-US_fr-FR.xlf")).getroot()
    states12 = {u.get("id"): u.find(X12 + "target").get("state") for u in root12.iter(X12 + "trans-unit")}
    assert states12 == {"a-1": "translated", "a-2": "translated", "a-3": "needs-review-translation"}
    root2 = etree.parse(str(out / "xliff-2/en-US_fr-FR.xlf")).getroot()
    states2 = {u.get("id"): u.find(X2 + "segment").get("state") for u in root2.iter(X2 + "unit")}
    assert states2 == {"a-1": "translated", "a-2": "translated", "a-3": "initial"}


def test_po_makes_a_pair_below_the_threshold_fuzzy_and_notes_the_score(out: Path) -> None:
    entries = {e.msgctxt: e for e in polib.pofile(str(out / "po/fr-FR.po"))}
    assert [("fuzzy" in entries[i].flags) for i in SCORES] == [False, False, True]
    assert "aligned" not in entries["a-1"].comment and f"{SCORES['a-3']:.3f}" in entries["a-3"].comment


def test_the_segments_table_has_origin_and_score(out: Path) -> None:
    rows = list(csv.DictReader(io.StringIO((out / "segments.csv").read_text(encoding="utf-8"))))
    assert [(r["origin"], r["score"]) for r in rows] == [
        ("span", ""), ("aligned", str(SCORES["a-2"])), ("aligned", str(SCORES["a-3"]))]
