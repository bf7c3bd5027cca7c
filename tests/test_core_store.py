"""The compiled store codec (``ccodec.pyx``) against its reference (``store/codec.py``): the same
Segments, columns and typed rows for every row of TMs built from the project's articles, the export
fixtures and the dev corpus, and for generated segments and codes."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import CORPUS
from support.builds import EDGE_CORPUS
from support.tms import KINDS, stores
from test_core import SEGMENTS_TRICKY

from pipeline import core
from pipeline.extract import inline
from pipeline.extract.document import extract_bytes
from pipeline.model import Code, Pair, Segment, Text
from pipeline.store import Store, codec, read
from pipeline.store.qa import _QA_UNIT

ccodec = pytest.importorskip("pipeline.store.ccodec", reason="the compiled core is not built")


def test_the_store_uses_the_core_in_use() -> None:
    from pipeline.store import qa, write
    for module, name in ((read, "occurrence_rows"), (read, "unit_rows"), (qa, "qa_unit_rows"), (write, "pair_rows")):
        expected = getattr(ccodec if core.compiled() else codec, name)
        assert getattr(module, name) is expected, name


@pytest.fixture(scope="module", params=KINDS)
def store(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    yield from stores(request, tmp_path_factory)


def _queries(store: Store) -> list[tuple[str, str, tuple[object, ...]]]:
    """``(maker, SQL, args)`` of every row the readers make, per locale pair."""
    found = []
    for source, target in store.locale_pairs():
        found.append(("occurrence_rows", f"{read.OCCURRENCE} WHERE f.locale = ? ORDER BY f.path, o.seq", (target,)))
        found.append(("unit_rows", f"{read._UNIT}{read._UNIT_FROM} WHERE u.source_locale = ? AND u.target_locale = ?"
                      " ORDER BY f.path, o.seq", (source, target)))
        found.append(("qa_unit_rows", f"{_QA_UNIT} WHERE target_locale = ?", (target,)))
    return found


def test_every_stored_row_gives_the_same_typed_row(store: Store) -> None:
    made = 0
    for maker, sql, args in _queries(store):
        rows = store.db.execute(sql, args).fetchall()
        pure = getattr(codec, maker)
        fast = getattr(ccodec, maker)
        extra = (store._article,) if maker != "qa_unit_rows" else ()
        assert list(fast(iter(rows), *extra)) == list(pure(iter(rows), *extra)), (maker, args)
        made += len(rows)
    assert made >= 4


def test_articles_are_asked_once_per_run_of_their_rows(store: Store) -> None:
    target = store.locale_pairs()[0][1]
    rows = store.db.execute(f"{read.OCCURRENCE} WHERE f.locale = ? ORDER BY f.path, o.seq", (target,)).fetchall()
    for maker in (codec.occurrence_rows, ccodec.occurrence_rows):
        asked: list[int] = []

        def article(file_id: int) -> object:
            asked.append(file_id)
            return store._article(file_id)
        made = list(maker(rows, article))
        assert asked == list(dict.fromkeys(row[0] for row in rows))
        assert all(a.article is b.article for a, b in zip(made, made[1:]) if a.article.path == b.article.path)


def test_every_stored_segment_decodes_alike(store: Store) -> None:
    for raw, codes in store.db.execute("SELECT source_raw, source_codes FROM units UNION ALL"
                                       " SELECT target_raw, target_codes FROM units"):
        assert ccodec.decode(raw, codes) == codec.decode(raw, codes)


def _segments(raw: str) -> Segment:
    return inline.parse_segment(raw)


@settings(max_examples=800, deadline=None)
@given(SEGMENTS_TRICKY)
def test_generated_segments_encode_and_decode_alike(raw: str) -> None:
    segment = _segments(raw)
    encoded = codec.encode(segment)
    assert ccodec.encode(segment) == encoded
    assert ccodec.decode(encoded[0], encoded[2]) == codec.decode(encoded[0], encoded[2]) == segment


KINDS = st.sampled_from(["begin", "end", "standalone", "x\"y", "a\\b", "\x01", "é", ""])
CODES = st.lists(st.tuples(st.integers(0, 12), st.integers(0, 12), KINDS, KINDS, st.integers(0, 5)), max_size=4)


@settings(max_examples=500, deadline=None)
@given(st.text(max_size=12), CODES, st.sampled_from([(",", ":"), (", ", ": ")]))
def test_codes_in_any_json_layout_decode_alike(raw: str, codes: list, separators: tuple[str, str]) -> None:
    """The hand reader takes the layout the store writes; any other JSON goes through ``json``."""
    ordered = sorted(codes)
    text = json.dumps([list(c) for c in ordered], ensure_ascii=False, separators=separators)
    assert ccodec.decode(raw, text) == codec.decode(raw, text)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.tuples(KINDS, KINDS, st.text(max_size=5), st.one_of(st.integers(0, 3), st.booleans())),
                min_size=1, max_size=4), st.text(max_size=6))
def test_segments_of_any_code_encode_alike(codes: list, text: str) -> None:
    """Codes whose kind or type JSON must escape, or whose pair is not an int, are encoded by ``json``."""
    runs = tuple(run for kind, type_, raw, pair in codes for run in (Text(text), Code(kind, type_, raw, pair)) if run.raw
                 or isinstance(run, Code))
    segment = Segment(runs)
    assert ccodec.encode(segment) == codec.encode(segment)


@pytest.mark.parametrize("root", [CORPUS, EDGE_CORPUS, pytest.param(None, marks=pytest.mark.shared)],
                         ids=["corpus", "edge", "dev"])
def test_documents_give_the_same_columns(root: Path | None, request: pytest.FixtureRequest) -> None:
    root = root or request.getfixturevalue("dev_corpus")
    pairs = 0
    for path in sorted(root.rglob("*.md")):
        doc = extract_bytes(path.read_bytes(), path.relative_to(root).as_posix())
        args = (doc.pairs, doc.meta.source_locale, doc.meta.locale)
        assert ccodec.pair_rows(*args) == codec.pair_rows(*args), path
        pairs += len(doc.pairs)
    assert pairs > 10


def test_aligned_pairs_give_the_same_columns() -> None:
    aligned = (Pair("x", _segments("**a**"), _segments("b"), 3, 4, "aligned", 0.25),)
    assert ccodec.pair_rows(aligned, "en-US", "fr-FR") == codec.pair_rows(aligned, "en-US", "fr-FR")


def test_unit_keys_alike() -> None:
    for parts in (("en-US", "fr-FR", "a", "b"), ("en-US", "ja-JP", "\ud800", "\x00"), ("", "", "", "")):
        assert ccodec.unit_key(*parts) == codec.unit_key(*parts)
