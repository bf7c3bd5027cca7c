"""The PO text the exporter writes itself: escaping, line splitting, no wrapping, collisions.

Every check reads the file back with real tools rather than comparing strings:
gettext (``msgfmt -c``; ``msgfmt`` to a ``.mo`` read by the standard library's
``gettext``; ``msgcat --no-wrap``, whose output must be the file itself), polib
and translate-toolkit (the reader of Weblate and Pootle).  Expected messages are
computed here from the raw texts put in the TM, by the documented rules (XML-illegal
characters → U+FFFD, outer whitespace moved to a comment).
"""

from __future__ import annotations

import gettext
import json
import os
import shutil
import subprocess
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import polib
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import pipeline.export.po as po
from pipeline import extsort
from pipeline.outputs import documents
from pipeline.chars import XML_ILLEGAL as ILLEGAL_XML
from pipeline.output import Output
from support import synthetic
from pipeline.model import Document, DocumentMeta, Pair, Segment, Text
from pipeline.store import Store, open_store

pytestmark = pytest.mark.skipif(not (shutil.which("msgfmt") and shutil.which("msgcat")),
                                reason="gettext not installed (apt-get install gettext)")

ENV = {**os.environ, "LC_ALL": "C.UTF-8"}
#: (path, locale, translation type, [(segment id, source raw, target raw)]) per article.
Article = tuple[str, str, str | None, list[tuple[str, str, str]]]

LONG_WORDS = " ".join(f"word{n}" for n in range(900))  # ~7,000 characters
LONG_TOKEN = "x" * 3000 + "-" + "y" * 3000  # no space to break at
EDGE: list[Article] = [
    ("docs/edge.md", "fr-FR", "HT", [
        ("q-1", 'Say "hi" to C:\\path\\new and \\"twice\\"', 'Dites "salut" à C:\\chemin\\nouveau'),
        ("q-2", "a trailing backslash\\", "une barre oblique inverse\\"),
        ("q-3", "backslash then n: \\n, not a newline", "barre puis n : \\n"),
        ("nl-1", "line one\nline two\n\nline four", "ligne un\nligne deux\n\nligne quatre"),
        ("nl-2", "**bold**\n- item\n- item", "**gras**\n- élément\n- élément"),
        ("ws-1", "\n" + " " * 40 + "indented by forty spaces" + "\n" + " " * 16,
         "\n" + " " * 40 + "indenté de quarante espaces" + "\n" + " " * 16),
        ("ws-2", "\u00a0 nbsp and tab around\t", "\t insécable\u00a0"),
        ("tab-1", "col\tcol\tcol", "col\tcol\tcol"),
        ("cr-1", "windows\r\nline end and lone\rcr", "fin\r\nde ligne et\rcr seul"),
        ("ctl-1", "nul\x00 bell\x07 vt\x0b ff\x0c esc\x1b us\x1f", "nul\x00 bell\x07 fin"),
        ("ctl-2", "del\x7f c1\x85\x9f ls\u2028ps\u2029 bom\ufeff nonchar\ufffe\uffff",
         "del\x7f nel\x85 ls\u2028 fin"),
        ("long-1", LONG_WORDS, LONG_WORDS.upper()),
        ("long-2", LONG_TOKEN, LONG_TOKEN),
        ("empty-1", "Not translated yet", ""),
        ("empty-2", "Only whitespace as target", " \n "),
        ("empty-3", "  ", "only whitespace as source"),
        ("id\\back", "an id with a backslash", "un id avec une barre"),
        ("entity-1", "&quot;quoted&quot; &amp; <b>tags</b> {0} %s %d", "&quot;cité&quot; &amp; <b>balises</b> {0} %s %d"),
    ]),
    ("docs/mt.md", "fr-FR", "MT", [
        ("mt-1", "Machine translated", "Traduit par machine"),
        ("mt-2", "Machine translated, empty", ""),
    ]),
    ("docs/odd-type.md", "fr-FR", "HT\nsecond line\rthird\x01", [("t-1", "odd type", "type bizarre")]),
    ("docs/cjk.md", "ja-JP", "HT", [
        ("ja-1", "Select the file.", "ファイルを選択します。" * 40),
        ("ja-2", "Line\nbreak", "改行\nあり「引用」"),
        ("ja-3", "emoji", "絵文字 😀👩‍💻 とサロゲート外 𠮷"),
    ]),
    ("docs/rtl.md", "ar-SA", "HT", [
        ("ar-1", "Create and confirm journals", "\u200fإنشاء دفاتر يومية التصحيح وتأكيدها\u200f"),
        ("ar-2", "Mixed **bold** text", "نص **غامق** مختلط ‏‫Project Operations‬ " * 12),
        ("ar-3", "Quotes", '"اقتباس" \\ شرطة'),
    ]),
]


def make_tm(path: Path, articles: Sequence[Article]) -> Store:
    store = open_store(path)
    for article_path, locale, translation_type, pairs in articles:
        store.put(Document(
            DocumentMeta(article_path, locale, translation_type=translation_type), sha256="0" * 64, size=0,
            occurrences=len(pairs),
            pairs=tuple(Pair(seg_id, Segment((Text(source),)), Segment((Text(target),)), 10 + n, 10 + n)
                        for n, (seg_id, source, target) in enumerate(pairs))))
    store.commit()
    return store


def export(store: Store, out: Path, locales: frozenset[str] | None = None) -> list[Output]:
    return synthetic.export(store, out, "po", locales, {"tool": "tmpipe", "test": "po \"text\""})


def split(raw: str) -> tuple[str, str, str]:
    """What the documented rules make of a raw text: ``(lead, message, trail)``."""
    text = ILLEGAL_XML.sub("\ufffd", raw)
    core = text.strip()
    if not core:
        return text, "", ""
    lead = text[:len(text) - len(text.lstrip())]
    return lead, core, text[len(lead) + len(core):]


def expected(articles: Sequence[Article], locale: str) -> list[dict[str, Any]]:
    """Per occurrence in corpus order: context, msgid, msgstr, reference, fuzzy, whitespace."""
    keys = Counter((ILLEGAL_XML.sub("\ufffd", seg_id), split(source)[1])
                   for path, loc, _, pairs in articles if loc == locale for seg_id, source, _ in pairs)
    rows = []
    for path, loc, translation_type, pairs in sorted(articles):
        if loc != locale:
            continue
        seen: Counter[str] = Counter()
        for n, (seg_id, source, target) in enumerate(pairs):
            seg_id = ILLEGAL_XML.sub("\ufffd", seg_id)
            s_lead, msgid, s_trail = split(source)
            t_lead, msgstr, t_trail = split(target)
            context = seg_id
            if keys[seg_id, msgid] > 1:
                seen[seg_id] += 1
                context = f"{path}#{seg_id}" + (f".{seen[seg_id]}" if seen[seg_id] > 1 else "")
            rows.append({"context": context, "msgid": msgid, "msgstr": msgstr, "reference": (path, str(10 + n)),
                         "fuzzy": translation_type == "MT",
                         "whitespace": {"source": [s_lead, s_trail], "target": [t_lead, t_trail]}})
    return rows


@pytest.fixture(scope="module")
def edge(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Output]]:
    work = tmp_path_factory.mktemp("po-text")
    store = make_tm(work / "tm.sqlite", EDGE)
    try:
        return work / "out", export(store, work / "out")
    finally:
        store.close()


def catalogues(edge: tuple[Path, list[Output]]) -> list[tuple[Path, str]]:
    out, outputs = edge
    return [(out / o.path, str(o.target_locale)) for o in outputs]


def run(*command: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(command, capture_output=True, env=ENV)


def test_msgfmt_check_passes_silently(edge: tuple[Path, list[Output]]) -> None:
    for path, _ in catalogues(edge):
        done = run("msgfmt", "-c", "--check-format", "-o", os.devnull, str(path))
        assert done.returncode == 0 and not done.stderr.strip(), done.stderr.decode()


def test_gettext_compiles_the_messages_we_meant(edge: tuple[Path, list[Output]], tmp_path: Path) -> None:
    """gettext's own parser decodes every escape: msgfmt → .mo → the standard library's gettext."""
    for path, locale in catalogues(edge):
        mo = tmp_path / f"{locale}.mo"
        done = run("msgfmt", "--use-fuzzy", "-o", str(mo), str(path))
        assert done.returncode == 0, done.stderr.decode()
        with mo.open("rb") as handle:
            catalogue = gettext.GNUTranslations(handle)
        rows = expected(EDGE, locale)
        assert rows
        for row in rows:
            if row["msgstr"]:  # untranslated entries are not compiled
                assert catalogue.pgettext(row["context"], row["msgid"]) == row["msgstr"], row["context"]


def test_msgcat_no_wrap_gives_the_same_bytes(edge: tuple[Path, list[Output]]) -> None:
    """The file is already in the form msgcat prints with --no-wrap: escapes, one line per
    message line, no wrapping.  (Only difference: msgcat drops ``fuzzy`` on an untranslated entry.)"""
    for path, _ in catalogues(edge):
        done = run("msgcat", "--no-wrap", str(path))
        assert done.returncode == 0, done.stderr.decode()
        ours = path.read_bytes()
        if path.name == "fr-FR.po":
            untranslated_mt = b'#, fuzzy\nmsgctxt "mt-2"\n'
            assert untranslated_mt in ours
            ours = ours.replace(untranslated_mt, b'msgctxt "mt-2"\n')
        assert done.stdout.decode() == ours.decode()


def test_messages_are_not_wrapped(edge: tuple[Path, list[Output]]) -> None:
    """A long message line is one line of the file, however long; wrapped at 79 columns by
    msgcat, it is the same catalogue."""
    path = edge[0] / "po/fr-FR.po"
    lines = path.read_text(encoding="utf-8").splitlines()
    assert f'msgid "{LONG_WORDS}"' in lines and f'msgid "{LONG_TOKEN}"' in lines
    wrapped = run("msgcat", "-w", "79", str(path)).stdout
    assert wrapped.count(b"\n") > len(lines)
    unwrapped = subprocess.run(["msgcat", "--no-wrap", "-"], input=wrapped, capture_output=True, env=ENV)
    assert unwrapped.stdout == run("msgcat", "--no-wrap", str(path)).stdout


def test_polib_reads_every_field(edge: tuple[Path, list[Output]]) -> None:
    for path, locale in catalogues(edge):
        entries = polib.pofile(str(path))
        rows = expected(EDGE, locale)
        assert len(entries) == len(rows)
        for entry, row in zip(entries, rows):
            assert (entry.msgctxt, entry.msgid, entry.msgstr) == (row["context"], row["msgid"], row["msgstr"])
            assert entry.occurrences == [row["reference"]]
            assert entry.fuzzy == row["fuzzy"]
            notes = entry.comment.split("\n")
            found = [json.loads(n.split(": ", 1)[1]) for n in notes if n.startswith("tmpipe-whitespace: ")]
            ws = row["whitespace"]
            assert found == ([] if ws == {"source": ["", ""], "target": ["", ""]} else [ws])
        assert entries.metadata["Language"] == po.gettext_language(locale)
        assert json.loads(entries.metadata["X-Tmpipe-Signature"]) == {"tool": "tmpipe", "test": 'po "text"'}


def test_translate_toolkit_reads_every_unit(edge: tuple[Path, list[Output]]) -> None:
    from translate.storage import pypo

    for path, locale in catalogues(edge):
        units = [u for u in pypo.pofile(path.read_bytes()).units if not u.isheader()]
        rows = expected(EDGE, locale)
        assert [(u.getcontext(), u.source, u.target, u.isfuzzy()) for u in units] == [
            (r["context"], r["msgid"], r["msgstr"], r["fuzzy"]) for r in rows]
        assert [u.getlocations() for u in units] == [[":".join(r["reference"])] for r in rows]


def test_comments_keep_their_lines(edge: tuple[Path, list[Output]]) -> None:
    """A translation type with line breaks gives one ``#.`` line per line (a raw CR would end
    a line for Python readers); its illegal characters are replaced and counted."""
    entries = polib.pofile(str(edge[0] / "po/fr-FR.po"))
    entry = entries.find("t-1", by="msgctxt")
    assert entry.comment == "HT\nsecond line\nthird\ufffd"
    ws = entries.find("ws-1", by="msgctxt")
    assert ws.comment.count("\n") == 1, "whitespace JSON stays on one line, however long"
    out = next(o for o in edge[1] if o.target_locale == "fr-FR")
    illegal = sum(len(ILLEGAL_XML.findall(text)) for path, loc, ttype, pairs in EDGE if loc == "fr-FR"
                  for seg_id, source, target in pairs
                  for text in (seg_id, source, target, path, ttype if ttype != "MT" else "") if text)
    assert out.extra["illegal_chars"] == illegal > 0


def test_fast_path_misses_nothing() -> None:
    """A text is written unchanged exactly when it has no character that is cleaned or escaped."""
    cleaned_or_escaped = {c for c in range(0x10000)
                          if ILLEGAL_XML.match(chr(c)) or po.po_string("msgid", chr(c)) != f'msgid "{chr(c)}"\n'}
    assert {c for c in range(0x10000) if po.SPECIAL.match(chr(c))} == cleaned_or_escaped
    assert not any(po.SPECIAL.match(chr(c)) for c in range(0x10000, 0x110000, 97))


# -- collisions ----------------------------------------------------------------------------------

COLLIDING: list[Article] = [
    ("a.md", "de-DE", "HT", [("x-1", "Shared", "Geteilt"), ("x-2", "Once", "Einmal"), ("x-3", "Other", "Anders")]),
    ("b.md", "de-DE", "MT", [("x-1", " Shared\n", "Geteilt"), ("x-1", "Shared", "Geteilt 2"),
                             ("x-3", "Not the same text", "Nicht gleich"), ("x\x01", "Cleaned id", "a")]),
    ("c.md", "de-DE", "HT", [("x\x02", "Cleaned id", "b"), ("x-2", "Once, again but another text", "c")]),
]


@pytest.mark.parametrize("candidates", [None, 1])
def test_colliding_keys_get_path_contexts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                          candidates: int | None) -> None:
    """Keys found repeated after the first pass: the file is rewritten with ``path#id`` for all of
    their occurrences (``.2``… within one article), the others keep their plain id.  The same
    when more segment ids may collide than are looked up apart (every key is read)."""
    if candidates is not None:
        monkeypatch.setattr(documents, "COLLISION_CANDIDATES", candidates)
    store = make_tm(tmp_path / "tm.sqlite", COLLIDING)
    try:
        (output,) = export(store, tmp_path / "out")
    finally:
        store.close()
    path = tmp_path / "out" / output.path
    contexts = [e.msgctxt for e in polib.pofile(str(path))]
    assert contexts == ["a.md#x-1", "x-2", "x-3", "b.md#x-1", "b.md#x-1.2", "x-3", "b.md#x\ufffd",
                        "c.md#x\ufffd", "x-2"]
    assert contexts == [r["context"] for r in expected(COLLIDING, "de-DE")]
    assert output.units == 9 and output.extra["fuzzy"] == 4 and output.extra["illegal_chars"] == 2
    assert run("msgfmt", "-c", "-o", os.devnull, str(path)).returncode == 0
    assert path.read_text(encoding="utf-8").count('msgid ""\nmsgstr ""\n"Project-Id-Version') == 1, "rewritten, once"


def test_spilling_key_runs_changes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """With room for 2 keys in memory, the repeats are found in runs merged from disk: same files."""
    articles: list[Article] = [(f"d{n}.md", "de-DE", "HT", [(f"x-{k % 7}", f"text {k % 5}", "t") for k in range(n, n + 9)])
                for n in range(6)]
    store = make_tm(tmp_path / "tm.sqlite", articles)
    try:
        export(store, tmp_path / "big")
        monkeypatch.setattr(extsort, "SORT_CHUNK", 2)
        export(store, tmp_path / "small")
    finally:
        store.close()
    big, small = (tmp_path / "big/po/de-DE.po").read_bytes(), (tmp_path / "small/po/de-DE.po").read_bytes()
    assert big == small and b"d0.md#" in big
    assert [e.msgctxt for e in polib.pofile(str(tmp_path / "big/po/de-DE.po"))] == [
        r["context"] for r in expected(articles, "de-DE")]


@given(st.lists(st.integers(0, 2**64 - 1) | st.integers(0, 20), max_size=300), st.integers(1, 40))
def test_the_external_sort_sorts_in_runs_of_any_size(keys: list[int], chunk: int) -> None:
    assert list(extsort.external_sort(keys, key=None, chunk=chunk)) == sorted(keys)


def test_only_the_locales_asked_for(tmp_path: Path) -> None:
    store = make_tm(tmp_path / "tm.sqlite", EDGE)
    try:
        outputs = export(store, tmp_path / "out", frozenset({"ja-JP"}))
    finally:
        store.close()
    assert [o.path for o in outputs] == ["po/ja-JP.po"]
    assert sorted(p.name for p in (tmp_path / "out/po").iterdir()) == ["ja-JP.po"]


# -- any text --------------------------------------------------------------------------------------

TEXT = st.text(alphabet=st.one_of(
    st.sampled_from(list('\\"\n\t\r \u00a0\u2028\u0085\x7f\x00\x01\x0b\x1b\ufffe\ufeff\u200f#:%{}')),
    st.characters(blacklist_categories=("Cs",))), max_size=40)
IDS = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Zs", "Cc"), blacklist_characters='"<>'),
              min_size=1, max_size=8) | st.sampled_from(["a\\b", "x\x01", "x\x02", "x\ufffd"])


@settings(max_examples=int(os.environ.get("TMPIPE_FUZZ_EXAMPLES", "25")), deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(st.lists(st.tuples(IDS, TEXT, TEXT), min_size=1, max_size=12), st.integers(1, 3))
def test_any_text_reads_back_through_every_tool(tmp_path_factory: pytest.TempPathFactory,
                                                pairs: list[tuple[str, str, str]], articles: int) -> None:
    work = tmp_path_factory.mktemp("po-any")
    tm: list[Article] = [(f"any/{n}.md", "fr-FR", "HT", pairs[n::articles]) for n in range(articles)
                         if pairs[n::articles]]
    store = make_tm(work / "tm.sqlite", tm)
    try:
        (output,) = export(store, work / "out")
    finally:
        store.close()
    path = work / "out" / output.path
    rows = expected(tm, "fr-FR")
    assert len({(r["context"], r["msgid"]) for r in rows}) == len(rows)
    done = run("msgfmt", "-c", "--use-fuzzy", "-o", str(work / "fr.mo"), str(path))
    assert done.returncode == 0 and not done.stderr.strip(), done.stderr.decode()
    with (work / "fr.mo").open("rb") as handle:
        catalogue = gettext.GNUTranslations(handle)
    for row in rows:
        if row["msgstr"]:
            assert catalogue.pgettext(row["context"], row["msgid"]) == row["msgstr"]
    assert run("msgcat", "--no-wrap", str(path)).stdout == path.read_bytes()
    entries = polib.pofile(str(path))
    assert [(e.msgctxt, e.msgid, e.msgstr) for e in entries] == [(r["context"], r["msgid"], r["msgstr"]) for r in rows]
