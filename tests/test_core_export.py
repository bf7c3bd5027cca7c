"""The compiled renderers against the pure-Python ones they twin: every part of every document of
TMs built from the project's articles, the export fixtures, odd pairs and the dev corpus renders to
the same text and counts both ways; the escaping and cleaning they share gives the same text for
generated strings."""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from types import ModuleType
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from support.tms import KINDS, stores

from pipeline import core
from pipeline.export import ExportOptions, get_format
from pipeline.export import xml
from pipeline.export.registry import Document, DocumentContext, Part
from pipeline.outputs.documents import colliding_keys
from pipeline.outputs.parts import part_keys, part_rows
from pipeline.store import Store

cxml = pytest.importorskip("pipeline.export.cxml", reason="the compiled core is not built")

#: Format → (its module, the name it calls the core's renderer by, the pure renderer's name, the twin's module).
TWINS: dict[str, tuple[str, str, str, str]] = {
    "tmx": ("pipeline.export.tmx", "_core_tus", "_tus", "pipeline.export.ctmx"),
    "xliff-1.2": ("pipeline.export.xliff12", "_core_article", "_article", "pipeline.export.cxliff12"),
    "xliff-2": ("pipeline.export.xliff2", "_core_article", "_article", "pipeline.export.cxliff2"),
    "po": ("pipeline.export.po", "_core_entries", "_entries", "pipeline.export.cpo"),
    "csv": ("pipeline.export.tabular", "_core_csv", "_csv", "pipeline.export.ctabular"),
}
#: The other functions a format calls on the core in use: (its module, name on the core, pure name, twin's module).
HELPERS = [("pipeline.export.po", "_core_entry_key", "entry_key", "pipeline.export.cpo"),
           ("pipeline.export.tabular", "_core_segment_cells", "segment_cells", "pipeline.export.ctabular"),
           ("pipeline.export.tabular", "_core_unit_cells", "unit_cells", "pipeline.export.ctabular")]


@pytest.fixture(scope="module", params=KINDS)
def store(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    yield from stores(request, tmp_path_factory)


def _parts(store: Store, fmt: str, options: ExportOptions) -> Iterator[tuple[Document[Any], Part[Any]]]:
    """Every part of every document of ``fmt``, as the output layer hands them to ``render``."""
    pairs = tuple(store.locale_pairs())
    for pair in pairs:
        ctx = DocumentContext((pair,), pairs, options, {"tool": "tmpipe", "input": "0" * 64})
        for doc in get_format(fmt).files(ctx):
            if not isinstance(doc, Document):
                continue
            for target, source in doc.pairs:
                colliding = colliding_keys(store, doc.keyed, doc.id_part, target, source) if doc.keyed else {}
                paths = [part.path for part in part_keys(store, doc.shape, target, source)]
                for number, rows in enumerate(part_rows(store, doc.shape, target, source, paths), 1):
                    selected = rows if doc.select is None else [row for row in rows if doc.select(row)]
                    yield doc, Part(selected, doc.values(number), colliding.get(rows[0].article.path, frozenset()))


def test_formats_use_the_core_in_use() -> None:
    for module, name, pure, compiled in [*TWINS.values(), *HELPERS]:
        found = getattr(importlib.import_module(module), name)
        expected = getattr(importlib.import_module(compiled), pure) if core.compiled() else \
            getattr(importlib.import_module(module), pure)
        assert found is expected, module


@pytest.mark.parametrize("fmt", sorted(TWINS))
@pytest.mark.parametrize("options", [ExportOptions(), ExportOptions(split_mt=True)], ids=["default", "split-mt"])
def test_every_part_renders_alike(store: Store, fmt: str, options: ExportOptions,
                                  monkeypatch: pytest.MonkeyPatch) -> None:
    module_name, name, pure_name, compiled_name = TWINS[fmt]
    module: ModuleType = importlib.import_module(module_name)
    pure, fast = getattr(module, pure_name), getattr(importlib.import_module(compiled_name), pure_name)
    parts = 0
    for doc, part in _parts(store, fmt, options):
        monkeypatch.setattr(module, name, pure)
        expected = doc.render(part)
        monkeypatch.setattr(module, name, fast)
        assert doc.render(part) == expected, (doc.path, part.rows[0].article.path if part.rows else None)
        parts += 1
    assert parts


def test_every_row_gives_the_same_cells_and_keys(store: Store) -> None:
    from pipeline.export import po, tabular
    cpo, ctabular = (importlib.import_module(f"pipeline.export.{name}") for name in ("cpo", "ctabular"))
    rows = 0
    for source, target in store.locale_pairs():
        for row in store.segments(target, source):
            assert ctabular.segment_cells(row) == tabular.segment_cells(row)
            assert cpo.entry_key(row.id, row.source.raw) == po.entry_key(row.id, row.source.raw)
            rows += 1
        for unit in store.units(source, target):
            assert ctabular.unit_cells(unit) == tabular.unit_cells(unit)
    assert rows


def test_every_unit_links_its_codes_alike(store: Store) -> None:
    from pipeline.export import codes
    ccodes = importlib.import_module("pipeline.export.ccodes")
    for source, target in store.locale_pairs():
        for unit in store.units(source, target):
            a, b = unit.source.runs, unit.target.runs
            assert ccodes.link_codes(a, b) == codes.link_codes(a, b)
            assert ccodes.well_nested(b) == codes.well_nested(b)


CELL = st.one_of(st.none(), st.integers(), st.floats(), st.booleans(),
                 st.text(alphabet=st.sampled_from(list(',"\r\n \x00a\té\u20ac\U0001f600')), max_size=8))


@settings(max_examples=800, deadline=None)
@given(st.lists(st.lists(CELL, min_size=1, max_size=5), max_size=4))
def test_csv_rows_written_alike(rows: list[list[Any]]) -> None:
    from pipeline.export import tabular
    assert importlib.import_module("pipeline.export.ctabular")._csv(rows) == tabular._csv(rows)


@settings(max_examples=600, deadline=None)
@given(st.text(alphabet=st.sampled_from(list('ab -\\"\n\t\r\x00\x0b\ufffe\u00a0\u3000p1')), max_size=12),
       st.text(alphabet=st.sampled_from(list('ab \\"\n\t\r\x0b\u00a0\u3000')), max_size=12))
def test_po_keys_alike(seg_id: str, source: str) -> None:
    from pipeline.export import po
    assert importlib.import_module("pipeline.export.cpo").entry_key(seg_id, source) == po.entry_key(seg_id, source)


TEXT = st.text(alphabet=st.one_of(st.characters(max_codepoint=0x10FFFF), st.sampled_from(list('&<>"\r\n\t\x00\x0b\ufffe\uffff\ud800é€'))),
               max_size=30)


@settings(max_examples=1500, deadline=None)
@given(TEXT)
def test_escaping_and_cleaning_alike(text: str) -> None:
    assert cxml.escape_text(text) == xml.escape_text(text)
    assert cxml.escape_attr(text) == xml.escape_attr(text)
    clean = xml.Cleaner()
    assert cxml.clean_text(text) == (clean(text), clean.count)
    assert cxml.escape_text(clean(text)) == xml.escape_text(clean(text))


def test_an_unchanged_string_is_the_string_itself() -> None:
    text = "nothing to escape here, ça va"
    assert cxml.escape_text(text) is text and cxml.escape_attr(text) is text and cxml.clean_text(text)[0] is text
