"""What QA reads from the TM is what a plain computation over its rows gives.

The store's QA queries (the variants of the consistency checks, the length quartiles, the units
and their places) are compared with Python over the store's own rows, on the planted-defect TM
and on one with what SQL must handle with care added (a unit no occurrence uses, variants that
differ in raw text only, an empty source, a text of spaces).  Text helpers that checks share are
held against plain reference versions on generated text.
"""

from __future__ import annotations

import html
import math
import re
import shutil
import sqlite3
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.build import BuildOptions, build
from pipeline.extract.inline import parse_segment
from pipeline.qa import CHECKS, QaConfig, consistency, length, numbers, run_checks, text
from pipeline.qa.config import parse_config
from pipeline.qa.findings import Finding, fingerprint
from pipeline.store import open_store

from test_qa_support import QA_CONFIG, QA_CORPUS

_SPACE = re.compile(r"\s+")


def plain_collapse(value: str) -> str:
    if "&" in value:
        value = html.unescape(value)
    return _SPACE.sub(" ", value.replace("\u00a0", " ").replace("\u202f", " ")).strip()


_PIECES = [
    " ", "  ", "\t", "\n", "\u00a0", "\u202f", "\u200e", "&amp;", "&#58;", "&lt;b&gt;", "**", "__", "_", "*", "`",
    "[", "]", "](", ")", "](https://x.test/en-us/a)", "![i](p.png)", "<b>", "</b>", "<br/>", "1", "12", "1,000.5",
    "١٢", "٫", "²", "①", "½", "«", "»", "“", "”", "the", "le", "Привет", "مرحبا", "日本語", "。", "Dynamics 365",
]
texts = st.lists(st.sampled_from(_PIECES) | st.text(max_size=3), max_size=14).map("".join)


@settings(max_examples=400, deadline=None)
@given(texts, texts)
def test_collapse_and_same_text_agree_with_the_regex_version(a: str, b: str) -> None:
    assert text.collapse(a) == plain_collapse(a)
    assert text.same_text(a, b) == (plain_collapse(a) == plain_collapse(b))
    assert text.same_text(a, a + " ") and text.same_text(" " + a, a.replace(" ", "\u00a0"))


def test_collapse_treats_every_whitespace_character_alike() -> None:
    every = "a" + "a".join(chr(i) for i in range(0x110000) if not 0xD800 <= i < 0xE000) + "a"
    assert text.collapse(every) == plain_collapse(every)


def test_has_digit_is_isdigit_for_every_code_point() -> None:
    for i in range(0x110000):
        c = chr(i)
        assert numbers.has_digit("x" + c) == c.isdigit(), hex(i)
        assert numbers.has_digit(c + "é") == c.isdigit(), hex(i)


def test_fingerprint_digests_the_identity_fields() -> None:
    f = Finding("c", "error", "fr-FR", "a/b.md", 3, None, "s\ud800x", "t\x00", "m", {"k": 1}, "key")
    moved = Finding("c", "error", "fr-FR", "a/b.md", 30, None, "s\ud800x", "t\x00", "other message", {}, "key")
    assert f.fingerprint == fingerprint(f) == moved.fingerprint, "neither the line nor the message"
    assert f.fingerprint != Finding("c", "error", "fr-FR", "a/b.md", 3, None, "s", "t\x00", "m", {}, "key").fingerprint


# -- on a TM ------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def planted(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("qa-queries")
    build([QA_CORPUS], out, BuildOptions(formats=(), qa=False))
    return out / "tm.sqlite"


def test_stored_sides_are_the_parse(planted: Path) -> None:
    assert_stored_sides_are_the_parse(planted)


def assert_stored_sides_are_the_parse(tm: Path) -> None:
    """Checks read the sides as stored: they are what parsing the raw texts gives."""
    store = open_store(tm, readonly=True)
    try:
        for locale in store.locales():
            for unit in store.qa_units(locale):
                for raw, plain, segment in ((unit.source_raw, unit.source_text, unit.source),
                                            (unit.target_raw, unit.target_text, unit.target)):
                    assert segment == parse_segment(raw) and segment.text == plain and segment.raw == raw
    finally:
        store.close()


@pytest.fixture(scope="module")
def odd(planted: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The planted TM with what the SQL must handle with care: a unit no occurrence uses any more,
    variants that differ in raw text only, an empty source, a text made of spaces."""
    tm = tmp_path_factory.mktemp("qa-odd") / "tm.sqlite"
    shutil.copy(planted, tm)
    db = sqlite3.connect(tm)
    with db:
        rows = db.execute("SELECT id, source_locale, target_locale, source_raw, target_raw, source_text, target_text"
                          " FROM units ORDER BY id LIMIT 40").fetchall()
        added = []
        for n, (uid, sl, tl, sr, tr, stx, ttx) in enumerate(rows):
            variants = [(sr + " ", tr, stx, ttx + " (bis)", 0),  # orphan: no occurrence
                        (sr + "\u200e", tr + " ", stx, ttx, 1),  # same texts, another raw
                        ("", tr, "", ttx, 1), ("   ", tr + "!", "   ", ttx, 1)]
            for k, (s2, t2, stx2, ttx2, occurs) in enumerate(variants):
                new = db.execute("INSERT INTO units (key, source_locale, target_locale, source_raw, target_raw,"
                                 " source_text, target_text, source_codes, target_codes, repetitions)"
                                 " VALUES (?,?,?,?,?,?,?,'[]','[]',?)", (f"odd-{n}-{k}".encode(), sl, tl, s2, t2,
                                                                         stx2, ttx2, occurs)).lastrowid
                added.append((new,))
                if occurs:
                    db.execute("INSERT INTO occurrences (file_id, unit_id, seq, seg_id, line, end_line)"
                               " SELECT file_id, ?, seq + ?, seg_id || '-x', line, end_line"
                               " FROM occurrences WHERE unit_id = ? LIMIT 2", (new, 100_000 * (n + 1) + 1000 * k, uid))
        db.executemany("UPDATE units SET repetitions = (SELECT COUNT(*) FROM occurrences o WHERE o.unit_id = units.id)"
                       " WHERE id = ?", added)
    db.close()
    return tm


def _expected_variants(tm: Path, side: str, limit: int) -> list[tuple[Any, ...]]:
    """The variants of ``side``'s texts, computed in Python from the TM's rows."""
    db = sqlite3.connect(f"file:{tm}?mode=ro", uri=True)
    try:
        units = db.execute("SELECT id, target_locale, source_text, target_text, source_raw, target_raw, repetitions"
                           " FROM units").fetchall()
        places = defaultdict(list)
        for unit_id, path, seq, line, seg_id in db.execute(
                "SELECT o.unit_id, f.path, o.seq, o.line, o.seg_id FROM occurrences o JOIN files f ON f.id = o.file_id"):
            places[unit_id].append((path, seq, line, seg_id))
    finally:
        db.close()
    groups: dict[tuple[str, str], dict[str, list[Any]]] = defaultdict(lambda: defaultdict(list))
    for unit in units:
        _, locale, source_text, target_text = unit[:4]
        key, other = (source_text, target_text) if side == "source" else (target_text, source_text)
        if key.strip():
            groups[(locale, key)][other].append(unit)
    found = []
    for (locale, key), variants in groups.items():
        if len(variants) < 2:
            continue
        for other, members in variants.items():
            live = [u for u in members if u[6] > 0]
            if not live:
                continue
            where = sorted(p for u in members for p in places[u[0]])
            found.append((locale, key, other, min(u[4] for u in live), min(u[5] for u in live),
                          sum(u[6] for u in live), [(p, line, seg) for p, _, line, seg in
                                                    (where if limit < 0 else where[:limit])]))
    return sorted(found, key=lambda v: (v[0], v[1], -v[5], v[2]))


@pytest.mark.parametrize("limit", [0, 1, 3, -1])
@pytest.mark.parametrize("side", ["source", "target"])
def test_variants_are_those_of_a_python_pass(odd: Path, side: str, limit: int) -> None:
    store = open_store(odd, readonly=True)
    try:
        got = [(v.locale, v.key_text, v.other_text, v.source_raw, v.target_raw, v.repetitions, v.where)
               for v in store.qa_variants(side, limit)]
    finally:
        store.close()
    assert got == _expected_variants(odd, side, limit)
    assert got and (any(len(v[6]) > 1 for v in got) or limit in (0, 1))


@pytest.mark.parametrize("min_chars", [0, 1, 20, 10_000])
def test_length_quartiles_are_those_of_the_occurrences(odd: Path, min_chars: int) -> None:
    db = sqlite3.connect(f"file:{odd}?mode=ro", uri=True)
    ratios: dict[str, list[float]] = defaultdict(list)
    for locale, source, target in db.execute("SELECT f.locale, u.source_text, u.target_text FROM occurrences o"
                                             " JOIN files f ON f.id = o.file_id JOIN units u ON u.id = o.unit_id"):
        if len(source) >= min_chars and target:
            ratios[locale].append(len(target) / len(source) if source else -math.inf)
    db.close()
    store = open_store(odd, readonly=True)
    try:
        expected = {}
        for locale, values in sorted(ratios.items()):
            values.sort()
            n = len(values)
            expected[locale] = (n, *(values[at] for at in ((n - 1) // 4, (n - 1) // 2, 3 * (n - 1) // 4)))
        got = {locale: tuple(-math.inf if v is None else v for v in quartiles)
               for locale, quartiles in store.qa_length_quartiles(min_chars).items()}
        assert got == expected
    finally:
        store.close()


def test_corpus_checks_on_odd_rows_match_a_python_pass(odd: Path) -> None:
    """The length check on the odd TM against its quartiles and a pass over every occurrence; the
    consistency checks give one finding per group."""
    config = parse_config({"qa": {"checks": {"length-ratio": {"min_segments": 5, "fence": 0.5}}}})
    store = open_store(odd, readonly=True)
    try:
        result = run_checks(store, config)
        got = [(f.file, f.line, f.id, f.extra["ratio"]) for f in result.findings if f.check == "length-ratio"]
        opts = {**CHECKS["length-ratio"].options, "min_segments": 5, "fence": 0.5}
        bounds = {}
        for locale, (n, q1, median, q3) in store.qa_length_quartiles(opts["min_chars"]).items():
            if n >= opts["min_segments"] and q1 and q3:
                spread = opts["fence"] * max(math.log(q3) - math.log(q1), 0.05)
                bounds[locale] = (math.exp(math.log(q1) - spread), math.exp(math.log(q3) + spread))
        want = []
        for locale, path, line, seg_id, source, target in store.db.execute(
                "SELECT f.locale, f.path, o.line, o.seg_id, u.source_text, u.target_text FROM occurrences o"
                " JOIN files f ON f.id = o.file_id JOIN units u ON u.id = o.unit_id"):
            if locale in bounds and len(source) >= opts["min_chars"] and target:
                ratio = len(target) / len(source)
                if not bounds[locale][0] <= ratio <= bounds[locale][1]:
                    want.append((path, line, seg_id, round(ratio, 3)))
        # a long target that a translator's note or an acronym explains is no finding
        assert set(got) <= set(want) and got
        for check in ("inconsistent-target", "inconsistent-source"):
            findings = [f for f in result.findings if f.check == check]
            assert findings and all(f.extra["variants"] for f in findings)
            assert len({(f.locale, f.key) for f in findings}) == len(findings)
    finally:
        store.close()


def test_a_unit_memo_changes_no_finding(planted: Path, tmp_path: Path) -> None:
    from pipeline.outputs import run_qa
    from pipeline.qa import load_config
    store = open_store(planted, readonly=True)
    try:
        config = load_config(QA_CONFIG)
        plain = run_qa(store, tmp_path / "plain", config)
        first = run_qa(store, tmp_path / "memo", config, memo=tmp_path / "memo.sqlite")
        second = run_qa(store, tmp_path / "memo", config, memo=tmp_path / "memo.sqlite")
        facts = [[(f.fingerprint, f.line, f.message, repr(f.extra)) for f in r.findings] for r in (plain, first, second)]
        assert facts[0] == facts[1] == facts[2] and facts[0]
        assert Counter(f.check for f in plain.findings)["untranslated"] > 0
    finally:
        store.close()


def test_every_segment_check_is_listed() -> None:
    """A new segment check must be a function of the unit only (see the registry): listed here on purpose."""
    assert {c.id for c in CHECKS.values() if c.scope == "segment"} == {
        "untranslated", "wrong-language", "markup-mismatch", "number-mismatch", "url-mismatch", "whitespace",
        "unpaired-brackets"}
