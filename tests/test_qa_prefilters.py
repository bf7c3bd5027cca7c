"""The shortcuts that make QA fast never change a finding.

Each fast path (a prefilter before a regex, a check run once per unit instead of once per
occurrence, text and codes read from the TM instead of re-parsed, SQL that reads only what a
check needs) is compared here with the plain computation it replaces, kept below as a reference
(the code before the shortcuts), on generated text (hypothesis) and on the planted-defect TM.
"""

from __future__ import annotations

import html
import json
import re
import shutil
import sqlite3
import unicodedata
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import regex
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.build import BuildOptions, build
from pipeline.extract.inline import parse_segment
from pipeline.qa import QaConfig, language, markup, numbers, text, typography
from pipeline.qa.config import parse_config
from pipeline.qa.consistency import _variants
from pipeline.qa.findings import Finding, fingerprint
from pipeline.qa.length import _quartiles
from pipeline.qa.registry import CHECKS, QaRow, QaSegment, end_pass
from pipeline.qa.runner import _contexts, _segment_findings, run_checks
from pipeline.report.junit import _clean
from pipeline.store import Store, _side, open_store

from test_qa_support import QA_CONFIG, QA_CORPUS

# -- references: the computations before the shortcuts ---------------------------------------

_SPACE = re.compile(r"\s+")


def old_collapse(value: str) -> str:
    if "&" in value:
        value = html.unescape(value)
    return _SPACE.sub(" ", value.replace("\u00a0", " ").replace("\u202f", " ")).strip()


def old_strip(value: str, do_not_translate: tuple[str, ...]) -> str:
    value = text._BARE_URL.sub(" ", value)
    for name in do_not_translate:
        if name in value:
            value = re.sub(rf"(?<!\w){re.escape(name)}(?!\w)", " ", value)
    return text._IDENTIFIER.sub(" ", value)


def old_digits(value: str) -> str:
    value = unicodedata.normalize("NFKC", value)
    if value.isascii():
        return value
    return "".join(str(unicodedata.decimal(c)) if c.isdecimal() else
                   ("," if c == "\u066b" else ("\u00a0" if c == "\u066c" else c)) for c in value)


def old_unbalanced(value: str) -> list[str]:
    """``unbalanced`` counted over every character of the normalised text, not its marks only."""
    value = typography._IN_WORD.sub("", value)
    value = typography._LIST_MARKER.sub(" ", value.translate(typography._WIDTH))
    found = []
    for open_, close in typography._PAIRS:
        depth = 0
        for char in value:
            if char == open_:
                depth += 1
            elif char == close:
                depth -= 1
                if depth < 0:
                    found.append(close)
                    depth = 0
        found.extend([open_] * depth)
    for one, other in typography._EITHER_WAY:
        surplus = value.count(one) - value.count(other)
        found.extend([one if surplus > 0 else other] * abs(surplus))
    for quote in typography._SYMMETRIC:
        if value.count(quote) % 2:
            found.append(quote)
    return found


_LETTER = regex.compile(r"\p{L}")


def old_wrong_language(seg: QaSegment, ctx: Any, confidence_of: Any) -> list[tuple[str, Any, dict[str, Any]]]:
    """wrong-language before the shortcuts (lingua replaced by ``confidence_of(language, text)``)."""
    row = seg.row
    if old_collapse(row.target_raw) == old_collapse(row.source_raw):
        return []
    lang = language.language_of(row.locale)
    scripts = language.SCRIPTS.get(lang)
    if len(row.target_text) >= ctx.options["min_letters"] and scripts \
            and language._script_re(scripts).search(row.target_text) \
            and language.english_stretch(seg, ctx, lang) is not None:
        return [("partial", "warning", {})]
    value = old_strip(parse_segment(row.target_raw).text, ctx.do_not_translate)
    letters = len(_LETTER.findall(value))
    if letters < ctx.options["min_letters"]:
        return []
    if scripts:
        native = len(language._script_re(scripts).findall(value))
        if native == 0:
            latin = len(language._LATIN.findall(value))
            short = len(language._WORD.findall(value)) < ctx.options["min_words"] \
                or not language._english_prose(seg, ctx, lang, False)
            return [("script", "info" if short else None, {"latin": latin, "letters": letters})]
    foreign = [s for s in language._OTHER_SCRIPTS if s not in (scripts or ())
               and not (s == "Han" and "Han" in (scripts or ()))]
    for script in foreign:
        pattern = language._script_re((script,), strict=True)
        found = len(pattern.findall(value))
        if found >= 3 and not pattern.search(row.source_text):
            return [("foreign-script", None, {"script": script, "found": found})]
    words = [w.lower() for w in language._WORD.findall(value)]
    if scripts or len(words) < ctx.options["min_words"]:
        return []
    source_words = {w.lower() for w in language._WORD.findall(row.source_text)}
    overlap = sum(1 for w in words if w in source_words) / len(words)
    if overlap < ctx.options["min_source_overlap"] or lang == "en":
        return []
    if not language._english_prose(seg, ctx, lang, True):
        return []
    confidence = confidence_of(lang, value)
    if confidence >= ctx.options["confidence"]:
        return [("language", None, {"confidence": round(confidence, 3), "overlap": round(overlap, 2)})]
    return []


def old_markup(source_raw: str, target_raw: str) -> tuple[list[str], list[str], list[str]] | None:
    source, target = parse_segment(source_raw), parse_segment(target_raw)
    if not source.codes and not target.codes and "<" not in target_raw and "*" not in target_raw:
        return None
    want, have = markup.signatures(source), markup.signatures(target)
    missing, extra = want - have, have - want
    stray = markup._stray(target) - markup._stray(source)
    if not (missing or extra or stray):
        return None
    return sorted(missing.elements()), sorted(extra.elements()), sorted(stray.elements())


def old_fingerprint(f: Finding) -> str:
    import hashlib
    digest = hashlib.blake2b(digest_size=12)
    for part in (f.check, f.locale, f.file, f.id or "", f.source, f.target, f.key):
        digest.update(part.encode("utf-8", "surrogatepass"))
        digest.update(b"\x00")
    return digest.hexdigest()


# -- generated text ------------------------------------------------------------------------

_PIECES = [
    " ", "  ", "\t", "\n", "\u00a0", "\u202f", "\u200e", "&amp;", "&#58;", "&lt;b&gt;", "**", "__", "_", "*", "`",
    "[", "]", "](", ")", "](https://x.test/en-us/a)", "![i](p.png)", "<b>", "</b>", "<br/>", "<a href=\"/en-us/x\">",
    "</a>", "<xref:A.B>", "<https://y.test>", "http://z.test/p.", "mail@x.test", "e-mail", "fooBar", "ExcelApi",
    "CL2", "API", "USD", "built-in", "v1.2.3", "C:\\dir", "()", "1", "12", "1,000.5", "1 000,5", "9:00 PM", "two",
    "first", "March", "１２", "٣", "٫", "²", "①", "½", "10/1/2020", "«", "»", "“", "”", "„", "「", "」", "（", "）",
    "‹", "›", "\"", "1) ", "a) ", "the", "and", "le", "de", "la", "Sélectionnez", "über", "İ", "Ω", "Привет", "мир",
    "مرحبا", "שלום", "γειά", "日本語", "ひらがな", "カタカナ", "、", "。", "ー", "中文", "한국어", "ภาษา", "हिन्दी",
    "ㅋ", "〮", "Dynamics 365", "Project Operations", "Word", "Excel", "Windows", "Mac", "settings", "project",
]
texts = st.lists(st.sampled_from(_PIECES) | st.text(max_size=3), max_size=14).map("".join)
LOCALES = ["fr-FR", "de-DE", "ja-JP", "zh-CN", "ko-KR", "ru-RU", "ar-SA", "he-IL", "el-GR", "th-TH", "hi-IN",
           "en-GB", "und", "bn-BD", "am-ET"]


def unit_row(locale: str, source_raw: str, target_raw: str) -> QaRow:
    """A unit as the TM stores it: texts and codes from the same parse as the extractor's."""
    source_text, source_codes = _side(parse_segment(source_raw))[1:]
    target_text, target_codes = _side(parse_segment(target_raw))[1:]
    return QaRow(locale, "", 0, 0, "", source_raw, target_raw, source_text, target_text, None, None, None, None,
                 "en-US", 1, 0, source_codes, target_codes)


def contexts(**options: Any) -> dict[str, Any]:
    return {ctx.info.id: ctx for ctx in _contexts(parse_config({"qa": options}) if options else QaConfig(),
                                                  None, None, {})}


# -- helpers -----------------------------------------------------------------------------------

@settings(max_examples=400, deadline=None)
@given(texts, texts)
def test_collapse_and_same_text_agree_with_the_regex_version(a: str, b: str) -> None:
    assert text.collapse(a) == old_collapse(a)
    assert text.same_text(a, b) == (old_collapse(a) == old_collapse(b))
    assert text.same_text(a, a + " ") and text.same_text(" " + a, a.replace(" ", "\u00a0"))


def test_collapse_treats_every_whitespace_character_alike() -> None:
    every = "a" + "a".join(chr(i) for i in range(0x110000) if not 0xD800 <= i < 0xE000) + "a"
    assert text.collapse(every) == old_collapse(every)


@settings(max_examples=400, deadline=None)
@given(texts, st.sampled_from([(), ("Dynamics 365",), ("Project Operations", "Word"), ("é",)]))
def test_strip_untranslatable_blanks_the_same_spans(value: str, dnt: tuple[str, ...]) -> None:
    assert text.strip_untranslatable(value, dnt) == old_strip(value, dnt)


def test_has_digit_is_isdigit_for_every_code_point() -> None:
    for i in range(0x110000):
        c = chr(i)
        assert numbers.has_digit("x" + c) == c.isdigit(), hex(i)
        assert numbers.has_digit(c + "é") == c.isdigit(), hex(i)


@settings(max_examples=300, deadline=None)
@given(texts)
def test_digits_fast_path(value: str) -> None:
    assert numbers._digits(value) == old_digits(value)


@settings(max_examples=400, deadline=None)
@given(texts)
def test_unbalanced_counts_over_the_marks_only(value: str) -> None:
    assert typography.unbalanced(value) == old_unbalanced(value)


def test_safe_ranges_hold_no_letter_of_a_foreign_script() -> None:
    """``_has_foreign`` skips the ``regex`` scan where every character is in a safe range."""
    every = "".join(chr(i) for i in range(0x110000) if not 0xD800 <= i < 0xE000)
    for scripts in {*language.SCRIPTS.values(), None}:
        safe = language._unsafe(scripts).sub("", every)
        assert not language._foreign_scripts(scripts)[1].search(safe), scripts


@settings(max_examples=300, deadline=None)
@given(texts, st.sampled_from([*language.SCRIPTS.values(), None]))
def test_has_foreign_is_the_regex_search(value: str, scripts: tuple[str, ...] | None) -> None:
    assert language._has_foreign(value, scripts) == bool(language._foreign_scripts(scripts)[1].search(value))


def test_no_ascii_character_is_native_or_foreign() -> None:
    """Why stripping (which blanks ASCII spans only, without URL, e-mail or names) keeps the script checks."""
    ascii_ = "".join(map(chr, range(128)))
    for scripts in language.SCRIPTS.values():
        assert not language._script_re(scripts).search(ascii_)
    assert not language._script_re(language._OTHER_SCRIPTS, strict=True).search(ascii_)


def test_fingerprint_is_the_per_part_digest() -> None:
    f = Finding("c", "error", "fr-FR", "a/b.md", 3, None, "s\ud800x", "t\x00", "m", {"k": 1}, "key")
    assert f.fingerprint == fingerprint(f) == old_fingerprint(f)
    assert f == Finding("c", "error", "fr-FR", "a/b.md", 3, None, "s\ud800x", "t\x00", "m", {"k": 1}, "key")


def test_junit_clean_replaces_what_xml_cannot_hold() -> None:
    every = "".join(map(chr, range(0x10000))) + "\U0001f600"
    old = "".join(c if c in "\t\n\r" or (" " <= c and c not in "\ufffe\uffff") else "\ufffd" for c in every)
    assert _clean(every) == old


# -- checks on generated units: the shortcuts against the plain computation ---------------------

def _confidence(lang: str, value: str) -> float:
    return (sum(map(ord, value)) % 100) / 99  # deterministic, and often above the threshold


class _FakeLingua:
    def __init__(self, lang: str) -> None:
        self.lang = lang

    def compute_language_confidence_values(self, value: str) -> list[Any]:
        class Value:
            language = "en"
        found = Value()
        found.value = _confidence(self.lang, value)  # type: ignore[attr-defined]
        return [found]


@settings(max_examples=500, deadline=None)
@given(st.sampled_from(LOCALES), texts, texts)
def test_wrong_language_shortcuts_hide_no_finding(locale: str, source: str, target: str) -> None:
    ctx = contexts()["wrong-language"]
    for seg_target in (target, source + target, target.upper()):
        seg = QaSegment(unit_row(locale, source, seg_target))
        with pytest.MonkeyPatch.context() as mp:  # lingua replaced by a deterministic fake: no models loaded
            mp.setattr(language, "_detector", lambda ctx, lang: (_FakeLingua(lang), "en"))
            got = list(language.wrong_language(seg, ctx))
        want = old_wrong_language(seg, ctx, _confidence)
        assert [f.extra["reason"] for f in got] == [w[0] for w in want], (locale, source, seg_target)
        for f, (reason, severity, facts) in zip(got, want):
            assert f.severity == (severity or ctx.severity)
            if reason == "partial":
                continue
            if reason == "script":
                assert f"({facts['latin']} of {facts['letters']} letters are Latin)" in f.message
            elif reason == "foreign-script":
                assert f.message.startswith(f"{facts['found']} {facts['script']} letters")
            else:
                assert (f.extra["confidence"], f.extra["overlap"]) == (facts["confidence"], facts["overlap"])


@settings(max_examples=500, deadline=None)
@given(texts, texts)
def test_markup_from_stored_codes_finds_what_parsing_finds(source: str, target: str) -> None:
    ctx = contexts()["markup-mismatch"]
    for pair in ((source, target), (source, source + target), (target, target)):
        got = list(markup.markup_mismatch(QaSegment(unit_row("fr-FR", *pair)), ctx))
        want = old_markup(*pair)
        assert [(f.extra["missing"], f.extra["extra"], f.extra["stray"]) for f in got] == ([want] if want else [])
    end_pass({})


@settings(max_examples=300, deadline=None)
@given(texts, texts, st.sampled_from(LOCALES))
def test_segment_checks_agree_on_stored_and_parsed_rows(source: str, target: str, locale: str) -> None:
    """A unit read from the TM (stored texts and codes) and the same pair parsed give the same findings."""
    stored = unit_row(locale, source, target)
    parsed = QaRow(*stored[:16])  # no stored codes: the checks parse
    for ctx in contexts().values():
        if ctx.info.scope != "segment" or ctx.info.id == "wrong-language":
            continue
        a = [(f.message, f.extra) for f in ctx.info.func(QaSegment(stored), ctx)]
        b = [(f.message, f.extra) for f in ctx.info.func(QaSegment(parsed), ctx)]
        assert a == b, ctx.info.id
    end_pass({})


# -- on a TM: the unit-level runner and the SQL of the corpus checks --------------------------

@pytest.fixture(scope="module")
def planted(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("qa-prefilters")
    build([QA_CORPUS], out, BuildOptions(formats=(), qa=False))
    return out / "tm.sqlite"


def reference_segment_findings(store: Store, segmentwise: list[Any]) -> list[Finding]:
    """The runner before: every check on every occurrence, parsed from its raw text."""
    found = []
    for row in store.segments():
        seg = QaSegment(row)
        for ctx in segmentwise:
            found.extend(ctx.info.func(seg, ctx))
    return found


def _facts(findings: list[Finding]) -> list[tuple[Any, ...]]:
    return [(f.check, f.severity, f.locale, f.file, f.line, f.id, f.source, f.target, f.message,
             json.dumps(f.extra, sort_keys=True), f.key, f.fingerprint) for f in findings]


def assert_runner_matches_reference(tm: Path, config: QaConfig) -> None:
    store = open_store(tm, readonly=True)
    try:
        segmentwise = [c for c in _contexts(config, None, None, {}) if c.info.scope == "segment"]
        fast = list(_segment_findings(store, segmentwise))
        end_pass(segmentwise[0].cache)
        assert _facts(fast) == _facts(reference_segment_findings(store, segmentwise))
        end_pass(segmentwise[0].cache)
    finally:
        store.close()


def test_unit_runner_finds_what_the_occurrence_runner_finds(planted: Path) -> None:
    from pipeline.qa import load_config
    assert_runner_matches_reference(planted, load_config(QA_CONFIG))
    assert_runner_matches_reference(planted, QaConfig())


def assert_stored_sides_are_the_parse(tm: Path) -> None:
    """What the shortcuts rely on: the TM's texts and codes are those of parsing its raw texts."""
    db = sqlite3.connect(f"file:{tm}?mode=ro", uri=True)
    try:
        for raws in db.execute("SELECT source_raw, source_text, source_codes, target_raw, target_text,"
                               " target_codes FROM units"):
            for raw, stored_text, stored_codes in (raws[:3], raws[3:]):
                assert _side(parse_segment(raw)) == (raw, stored_text, stored_codes)
        assert not db.execute("SELECT 1 FROM occurrences o JOIN files f ON f.id = o.file_id"
                              " JOIN units u ON u.id = o.unit_id WHERE f.locale != u.target_locale").fetchall()
    finally:
        db.close()


def test_stored_texts_and_codes_are_the_parse(planted: Path) -> None:
    assert_stored_sides_are_the_parse(planted)


@pytest.fixture(scope="module")
def odd(planted: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The planted TM with what the SQL must handle like the store's queries: a unit no occurrence uses
    any more, variants that differ in raw text only, an empty source, a text made of spaces."""
    tm = tmp_path_factory.mktemp("qa-odd") / "tm.sqlite"
    shutil.copy(planted, tm)
    db = sqlite3.connect(tm)
    with db:
        rows = db.execute("SELECT id, source_locale, target_locale, source_raw, target_raw, source_text, target_text,"
                          " source_codes, target_codes FROM units ORDER BY id LIMIT 40").fetchall()
        added = []
        for n, (uid, sl, tl, sr, tr, stx, ttx, sc, tc) in enumerate(rows):
            variants = [(sr + " ", tr, stx, ttx + " (bis)", 0),  # orphan: no occurrence
                        (sr + "\u200e", tr + " ", stx, ttx, 1),  # same texts, another raw
                        ("", tr, "", ttx, 1), ("   ", tr + "!", "   ", ttx, 1)]
            for k, (s2, t2, stx2, ttx2, occurs) in enumerate(variants):
                key = f"odd-{n}-{k}".encode()
                new = db.execute("INSERT INTO units (key, source_locale, target_locale, source_raw, target_raw,"
                                 " source_text, target_text, source_codes, target_codes, repetitions)"
                                 " VALUES (?,?,?,?,?,?,?,?,?,?)", (key, sl, tl, s2, t2, stx2, ttx2, sc, tc,
                                                                   occurs)).lastrowid
                added.append((new,))
                if occurs:
                    db.execute("INSERT INTO occurrences (file_id, unit_id, seq, seg_id, line, end_line)"
                               " SELECT file_id, ?, seq + ?, seg_id || '-x', line, end_line"
                               " FROM occurrences WHERE unit_id = ? LIMIT 2", (new, 100_000 * (n + 1) + 1000 * k, uid))
        # the counts as the store keeps them (a LIKE on the BLOB keys missed some)
        db.executemany("UPDATE units SET repetitions = (SELECT COUNT(*) FROM occurrences o WHERE o.unit_id = units.id)"
                       " WHERE id = ?", added)
        assert not db.execute("SELECT 1 FROM units u WHERE repetitions != (SELECT COUNT(*) FROM occurrences o"
                              " WHERE o.unit_id = u.id)").fetchall()
    db.close()
    return tm


@pytest.mark.parametrize("limit", [0, 1, 3, 10, -1])
@pytest.mark.parametrize("side", ["source", "target"])
def test_variants_with_locations_are_the_store_queries(odd: Path, side: str, limit: int) -> None:
    store = open_store(odd, readonly=True)
    try:
        want = []
        for locale, key, other, source_raw, target_raw, n in store.qa_variants(side):
            pair = (key, other) if side == "source" else (other, key)
            want.append((locale, key, other, source_raw, target_raw, n,
                         store.qa_locations(locale, *pair, limit=limit)))
        got = list(_variants(store, side, limit))
        assert got == want
        assert any(len(v[6]) > 1 for v in got) or limit in (0, 1)
    finally:
        store.close()


@pytest.mark.parametrize("min_chars", [0, 1, 20, 10_000])
def test_length_quartiles_are_the_store_query(odd: Path, min_chars: int) -> None:
    store = open_store(odd, readonly=True)
    try:
        assert _quartiles(store, min_chars) == store.qa_length_quartiles(min_chars)
    finally:
        store.close()


def test_corpus_checks_on_odd_rows_match_the_reference(odd: Path) -> None:
    """The consistency and length checks on the odd TM, against the store's queries and a Python pass."""
    import math

    from pipeline.qa import consistency, length
    store = open_store(odd, readonly=True)
    try:
        config = parse_config({"qa": {"checks": {"length-ratio": {"min_segments": 5, "fence": 0.5}}}})
        ctxs = {c.info.id: c for c in _contexts(config, None, None, {})}
        got = list(length.length_ratio(store, ctxs["length-ratio"]))
        want = []
        opts = ctxs["length-ratio"].options
        bounds = {}
        for locale, (n, q1, median, q3) in store.qa_length_quartiles(opts["min_chars"]).items():
            if n >= opts["min_segments"] and q1 and q3:
                spread = opts["fence"] * max(math.log(q3) - math.log(q1), 0.05)
                bounds[locale] = (math.exp(math.log(q1) - spread), math.exp(math.log(q3) + spread))
        for row in store.segments():
            if row.locale in bounds and len(row.source_text) >= opts["min_chars"] and row.target_text:
                ratio = len(row.target_text) / len(row.source_text)
                low, high = bounds[row.locale]
                if ratio > high and length._explained(row.source_text, row.target_text, high):
                    continue  # a translator's note or an acronym's expansion
                if not low <= ratio <= high:
                    want.append((row.file, row.line, row.id, round(ratio, 3)))
        assert [(f.file, f.line, f.id, f.extra["ratio"]) for f in got] == want and want
        for side, check in (("source", "inconsistent-target"), ("target", "inconsistent-source")):
            findings = list(getattr(consistency, check.replace("-", "_"))(store, ctxs[check]))
            assert findings and all(f.extra["variants"] for f in findings)
            assert len({f.key for f in findings}) == len(findings)
    finally:
        store.close()


def test_lingua_models_are_released_after_the_segment_pass(planted: Path) -> None:
    pytest.importorskip("lingua")
    from pipeline.qa import load_config
    store = open_store(planted, readonly=True)
    try:
        contexts_ = _contexts(load_config(QA_CONFIG), None, None, {})
        segmentwise = [c for c in contexts_ if c.info.scope == "segment"]
        found = [f for f in _segment_findings(store, segmentwise) if f.check == "wrong-language"]
        assert any(f.extra.get("reason") == "language" for f in found)  # lingua was used
        assert any(k.startswith("lingua:") for k in segmentwise[0].cache)
        end_pass(segmentwise[0].cache)
        assert not any(k.startswith("lingua:") for k in segmentwise[0].cache)
        again = [f for f in run_checks(store, load_config(QA_CONFIG)).findings if f.check == "wrong-language"]
        assert _facts(again) == _facts(found)  # models load again when needed
    finally:
        store.close()


def test_switching_lingua_languages_keeps_the_confidences() -> None:
    pytest.importorskip("lingua")
    ctx = contexts()["wrong-language"]
    texts_ = {"fr": "Select the project and the customer that you want to invoice today.",
              "de": "Select the project and the customer that you want to invoice today, bitte."}
    first = {lang: language._detector(ctx, lang)[0].compute_language_confidence_values(t)[0].value
             for lang, t in texts_.items()}
    second = {lang: language._detector(ctx, lang)[0].compute_language_confidence_values(t)[0].value
              for lang, t in reversed(texts_.items())}
    assert first == pytest.approx(second, abs=1e-9)
    end_pass(ctx.cache)


def test_every_segment_check_is_listed() -> None:
    """A new segment check must be a function of the unit only (see the registry): listed here on purpose."""
    assert {c.id for c in CHECKS.values() if c.scope == "segment"} == {
        "untranslated", "wrong-language", "markup-mismatch", "number-mismatch", "url-mismatch", "whitespace",
        "unpaired-brackets"}
