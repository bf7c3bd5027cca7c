"""Parts of a file reused by the next build (pipeline/outputs/fragments.py): only what changed is
rendered again, and the file is byte for byte what a fresh export writes."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from pipeline.errors import OutputError
from pipeline.export import po, tmx, xliff2, xliff12
from pipeline.extract.inline import parse_segment
from pipeline.model import Document, DocumentMeta, Pair
from pipeline.output import Rendered
from pipeline.outputs import fragments
from pipeline.outputs.fragments import CACHE, Fragments
from pipeline.store import Store, open_store
from support.synthetic import export

FORMATS = {"xliff-1.2": xliff12, "xliff-2": xliff2, "po": po, "tmx": tmx}


def put(store: Store, rel: str, pairs: list[tuple[str, str, str]], kind: str = "HT", locale: str = "fr-FR") -> None:
    """Store one (French) article whose content hash follows its pairs."""
    doc_pairs = tuple(Pair(seg_id, parse_segment(source), parse_segment(target), n + 1, n + 1)
                      for n, (seg_id, source, target) in enumerate(pairs))
    store.put(Document(DocumentMeta(rel, locale, translation_type=kind, source_commit="c0ffee"),
                       f"{hash(tuple(pairs)):x}", 1, len(doc_pairs), doc_pairs))
    store.commit()


def article(d: int, pairs: int = 4) -> list[tuple[str, str, str]]:
    return [(f"{d:03x}-{p}", f"Select **Item {d}.{p}** in [the list](x{p}.md).",
             f"Sélectionnez **l’élément {d}.{p}** dans [la liste](x{p}.md).") for p in range(pairs)]


@pytest.fixture()
def store(tmp_path: Path) -> Store:
    tm = open_store(tmp_path / "tm.sqlite")
    for d in range(6):
        put(tm, f"fr-FR/doc{d}.md", article(d), "MT" if d % 2 else "HT")
    yield tm
    tm.close()


@pytest.fixture()
def renders(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every article a format renders (its first occurrence's path)."""
    seen: list[str] = []
    for module, name in ((xliff12, "_core_article"), (xliff2, "_core_article"), (po, "_core_entries"), (tmx, "_core_tus")):
        def counting(part, *args, _render=getattr(module, name)):  # type: ignore[no-untyped-def]
            if part.rows:  # TMX with --split-mt: a part may have no unit for one of its files
                seen.append(part.rows[0].article.path)
            return _render(part, *args)
        monkeypatch.setattr(module, name, counting)
    return seen


def fresh(store: Store, tmp_path: Path, fmt: str, **options: bool) -> tuple[bytes, list]:
    out = tmp_path / f"fresh-{len(list(tmp_path.iterdir()))}"
    outputs = export(store, out, fmt, **options)
    return b"".join((out / o.path).read_bytes() for o in outputs), [o.to_json() for o in outputs]


def written(out: Path, outputs: list) -> bytes:
    return b"".join((out / o.path).read_bytes() for o in outputs)


@pytest.mark.parametrize("fmt", FORMATS)
def test_only_the_changed_article_is_rendered_again(fmt: str, store: Store, tmp_path: Path,
                                                    renders: list[str]) -> None:
    out = tmp_path / "out"
    export(store, out, fmt)
    assert len(renders) == 6
    renders.clear()
    edited = article(3)
    edited[1] = (edited[1][0], "A new sentence.", "Une nouvelle phrase.")
    put(store, "fr-FR/doc3.md", edited + [("003-9", "One more.", "Encore une.")], "MT")
    outputs = export(store, out, fmt)
    assert renders == ["fr-FR/doc3.md"]
    renders.clear()
    expected, expected_outputs = fresh(store, tmp_path, fmt)
    assert len(renders) == 6, "a new output folder has nothing to reuse"
    assert written(out, outputs) == expected
    assert [o.to_json() for o in outputs] == expected_outputs


def test_tmx_with_mt_apart_reuses_both_files(store: Store, tmp_path: Path, renders: list[str]) -> None:
    out = tmp_path / "out"
    assert len(export(store, out, "tmx", split_mt=True)) == 2
    renders.clear()
    put(store, "fr-FR/doc3.md", article(3)[:2], "HT")  # leaves the MT file, shrinks, joins the main one
    put(store, "fr-FR/doc0.md", article(0) + [article(4)[0]], "HT")  # shares a unit first seen in doc0…
    outputs = export(store, out, "tmx", split_mt=True)
    # …so doc4's units move: its first is now MT+HT (main file), the rest stay MT-only
    assert sorted(renders) == ["fr-FR/doc0.md", "fr-FR/doc3.md", "fr-FR/doc4.md"]
    assert written(out, outputs) == fresh(store, tmp_path, "tmx", split_mt=True)[0]


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_added_and_a_removed_article_move_the_others_but_keep_them(fmt: str, store: Store, tmp_path: Path,
                                                                      renders: list[str]) -> None:
    out = tmp_path / "out"
    export(store, out, fmt)
    renders.clear()
    store.remove(["fr-FR/doc1.md"])
    put(store, "fr-FR/doc0a.md", article(10))
    outputs = export(store, out, fmt)
    assert renders == ["fr-FR/doc0a.md"]  # XLIFF 2's file ids (f1, f2…) shift: they are the document's values
    assert written(out, outputs) == fresh(store, tmp_path, fmt)[0]


def test_po_entries_follow_keys_that_start_or_stop_colliding(store: Store, tmp_path: Path,
                                                              renders: list[str]) -> None:
    """A segment id + msgid that two articles share gets ``path#id`` contexts in both: when an edit
    makes a key collide, the untouched article that already had it is rendered again too."""
    out = tmp_path / "out"
    export(store, out, "po")
    renders.clear()
    put(store, "fr-FR/doc5.md", article(5) + [article(2)[0]], "MT")  # doc2's first key, now twice
    outputs = export(store, out, "po")
    text = (out / outputs[0].path).read_text(encoding="utf-8")
    assert 'msgctxt "fr-FR/doc2.md#002-0"' in text and 'msgctxt "fr-FR/doc5.md#002-0"' in text
    assert sorted(set(renders)) == ["fr-FR/doc2.md", "fr-FR/doc5.md"]
    assert text.encode() == fresh(store, tmp_path, "po")[0]
    renders.clear()
    put(store, "fr-FR/doc5.md", article(5), "MT")  # and gone again
    outputs = export(store, out, "po")
    text = (out / outputs[0].path).read_text(encoding="utf-8")
    assert "#002-0" not in text
    assert sorted(set(renders)) == ["fr-FR/doc2.md", "fr-FR/doc5.md"]
    assert text.encode() == fresh(store, tmp_path, "po")[0]


@pytest.mark.parametrize("damage", ["edit", "record", "garbage", "code"])
def test_a_file_or_record_changed_by_anything_else_reuses_nothing(damage: str, store: Store, tmp_path: Path,
                                                                  renders: list[str],
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    first, = export(store, out, "xliff-1.2")
    path, record = out / first.path, out / CACHE / f"{first.path}.json"
    if damage == "edit":  # same size, other bytes and time: a copy would splice foreign bytes
        data, when = path.read_bytes(), path.stat().st_mtime_ns
        path.write_bytes(data.replace(b"Item", b"Itex"))
        os.utime(path, ns=(when + 10**9, when + 10**9))
    elif damage == "record":
        data = json.loads(record.read_text(encoding="utf-8"))
        data["layout"] = "another version"
        record.write_text(json.dumps(data), encoding="utf-8")
    elif damage == "garbage":
        record.write_text("{not json", encoding="utf-8")
    else:  # another tmpipe (same version, other code) rendered them
        monkeypatch.setattr(fragments, "code_digest", lambda: "other code")
    renders.clear()
    export(store, out, "xliff-1.2")
    assert len(renders) == 6
    assert path.read_bytes() == fresh(store, tmp_path, "xliff-1.2")[0]


def _part(text: str, counts: dict[str, int]):  # type: ignore[no-untyped-def]
    """A renderer of a part that holds the document's values ``sig`` and ``n`` where ``text`` names them."""
    def render(values):  # type: ignore[no-untyped-def]
        return Rendered(text.format(**values), counts)
    return render


def test_values_take_the_current_ones_and_a_shrunk_file_is_an_error(tmp_path: Path) -> None:
    with Fragments(tmp_path, "doc.txt", "layout") as doc:
        doc.write("head\n")
        doc.part("a", "k1", {"sig": "one", "n": "1"}, _part("<a sig={sig} n={n}>\n", {"units": 1}))
        doc.part("b", "k2", {}, _part("<b>\n", {"units": 2}))
    assert (tmp_path / "doc.txt").read_text() == "head\n<a sig=one n=1>\n<b>\n"

    def unused(values):  # type: ignore[no-untyped-def]
        raise AssertionError("copied parts are not rendered")
    with Fragments(tmp_path, "doc.txt", "layout") as doc:
        doc.write("head, longer\n")
        assert doc.part("b", "k2", {}, unused) == {"units": 2}
        assert not doc.holds("a", "other key")
        assert doc.part("a", "k1", {"sig": "two", "n": "22"}, unused) == {"units": 1}
    assert (tmp_path / "doc.txt").read_text() == "head, longer\n<b>\n<a sig=two n=22>\n"
    with Fragments(tmp_path, "doc.txt", "layout") as doc:  # copies from the file written just before
        assert doc.part("a", "k1", {"sig": "3", "n": "3"}, unused) == {"units": 1}
        assert doc.part("b", "k2", {}, unused) == {"units": 2}
    assert (tmp_path / "doc.txt").read_text() == "<a sig=3 n=3>\n<b>\n"
    with Fragments(tmp_path, "doc.txt", "other layout") as doc:  # another layout: everything rendered again
        assert not doc.holds("a", "k1")
        doc.part("a", "k1", {"sig": "4", "n": "4"}, _part("<A {sig} {n}>\n", {"units": 1}))
    assert (tmp_path / "doc.txt").read_text() == "<A 4 4>\n"
    stamp = os.stat(tmp_path / "doc.txt")
    with pytest.raises(OutputError, match="changed while"), Fragments(tmp_path, "doc.txt", "other layout") as doc:
        os.truncate(tmp_path / "doc.txt", 3)
        doc.part("a", "k1", {"sig": "5", "n": "5"}, unused)
    assert (tmp_path / "doc.txt").stat().st_size == 3 != stamp.st_size  # the failed write replaced nothing
    assert [p.name for p in tmp_path.rglob(".*.tmp")] == []


def test_a_discarded_file_replaces_nothing(tmp_path: Path) -> None:
    (tmp_path / "doc.txt").write_text("before")
    with Fragments(tmp_path, "doc.txt", "layout") as doc:
        doc.write("after")
        doc.discard = True
    assert (tmp_path / "doc.txt").read_text() == "before"
    assert [p.name for p in tmp_path.rglob(".*.tmp")] == []
