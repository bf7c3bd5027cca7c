"""CSV tables written again after a change read only the changed articles' rows from the TM
(their parts are copied, pipeline/outputs/fragments.py); CSV and Parquet tables are byte for byte
what a fresh export writes, and Parquet row groups hold whole articles (pipeline/outputs/tables.py)."""

from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq
import pytest

from pipeline.outputs import tables as parquet_tables
from pipeline.outputs.fragments import CACHE
from pipeline.store import Store, open_store
from support.synthetic import export
from test_fragments import article, put

TABLES = ("segments", "units")
SUFFIX = {"csv": ".csv", "parquet": ".parquet"}


@pytest.fixture()
def store(tmp_path: Path) -> Store:
    tm = open_store(tmp_path / "tm.sqlite")
    for d in range(40):
        put(tm, f"fr-FR/doc{d:02d}.md", article(d), "MT" if d % 3 else "HT")
    yield tm
    tm.close()


@pytest.fixture()
def loads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The articles whose rows a table writer reads from the TM (``segments`` and ``units``)."""
    seen: list[str] = []
    article_occurrences, article_units = Store.article_occurrences, Store.article_units

    def occurrences(self, locale, paths, source_locale=None):  # type: ignore[no-untyped-def]
        seen.extend(f"segments {path}" for path in paths)
        return article_occurrences(self, locale, paths, source_locale)

    def units(self, source_locale, target_locale, paths):  # type: ignore[no-untyped-def]
        seen.extend(f"units {path}" for path in paths)
        return article_units(self, source_locale, target_locale, paths)
    monkeypatch.setattr(Store, "article_occurrences", occurrences)
    monkeypatch.setattr(Store, "article_units", units)
    monkeypatch.setattr(parquet_tables, "_RUN", 4)  # several row groups from 40 articles
    return seen


def tables(out: Path, fmt: str) -> list[bytes]:
    return [(out / f"{name}{SUFFIX[fmt]}").read_bytes() for name in TABLES]


def fresh(store: Store, tmp_path: Path, fmt: str) -> tuple[list[bytes], list]:
    out = tmp_path / f"fresh-{len(list(tmp_path.iterdir()))}"
    outputs = export(store, out, fmt)
    return tables(out, fmt), [o.to_json() for o in outputs]


def test_a_rebuild_reads_only_what_changed(store: Store, tmp_path: Path, loads: list[str]) -> None:
    out = tmp_path / "out"
    export(store, out, "csv")
    assert len(loads) == 80, "a first export reads every article"
    loads.clear()
    edited = article(17)
    edited[2] = (edited[2][0], "A new sentence.", "Une nouvelle phrase.")
    put(store, "fr-FR/doc17.md", edited, "MT")
    outputs = export(store, out, "csv")
    assert loads == ["segments fr-FR/doc17.md", "units fr-FR/doc17.md"]
    loads.clear()
    expected, expected_outputs = fresh(store, tmp_path, "csv")
    assert len(loads) == 80
    assert tables(out, "csv") == expected
    assert [o.to_json() for o in outputs] == expected_outputs


def test_added_removed_and_recounted_articles(store: Store, tmp_path: Path, loads: list[str]) -> None:
    """An added and a removed article, and one whose unit another article now repeats (its count
    in ``units`` changes though its content does not)."""
    out = tmp_path / "out"
    export(store, out, "csv")
    loads.clear()
    store.remove(["fr-FR/doc05.md"])
    put(store, "fr-FR/doc20a.md", article(99))
    put(store, "fr-FR/doc30.md", article(30) + [article(3)[0]])  # doc03's first unit, now twice
    export(store, out, "csv")
    assert "units fr-FR/doc03.md" in loads and "segments fr-FR/doc03.md" not in loads
    assert tables(out, "csv") == fresh(store, tmp_path, "csv")[0]


@pytest.mark.parametrize("fmt", SUFFIX)
def test_a_table_written_again_is_what_a_fresh_export_writes(fmt: str, store: Store, tmp_path: Path) -> None:
    out = tmp_path / "out"
    export(store, out, fmt)
    store.remove(["fr-FR/doc05.md"])
    put(store, "fr-FR/doc30.md", article(30) + [article(3)[0]])
    outputs = export(store, out, fmt)
    expected, expected_outputs = fresh(store, tmp_path, fmt)
    assert tables(out, fmt) == expected
    assert [o.to_json() for o in outputs] == expected_outputs


def test_parquet_row_groups_follow_the_runs(store: Store, tmp_path: Path, loads: list[str]) -> None:
    out = tmp_path / "out"
    export(store, out, "parquet")
    segments = pq.ParquetFile(out / "segments.parquet")
    sizes = [segments.metadata.row_group(i).num_rows for i in range(segments.metadata.num_row_groups)]
    assert len(sizes) > 2 and sum(sizes) == 160
    assert all(size % 4 == 0 for size in sizes), "a row group holds whole articles (4 pairs each)"
    rows = pq.read_table(out / "segments.parquet").to_pylist()
    assert [(r["file"], r["seq"]) for r in rows] == [(s.article.path, s.seq) for s in store.segments()]


def test_a_new_tm_of_the_same_articles_numbers_its_units_anew(store: Store, tmp_path: Path,
                                                             loads: list[str]) -> None:
    """Unit ids are the TM's: the same articles stored in another order (a TM built again from
    scratch) have other ids, so no part is the one recorded."""
    out = tmp_path / "out"
    export(store, out, "csv")
    other = open_store(tmp_path / "other.sqlite")
    try:
        for d in reversed(range(40)):
            put(other, f"fr-FR/doc{d:02d}.md", article(d), "MT" if d % 3 else "HT")
        loads.clear()
        export(other, out, "csv")
        assert len(loads) == 80
        assert tables(out, "csv") == fresh(other, tmp_path, "csv")[0]
    finally:
        other.close()


def _dataset(out: Path) -> dict[str, bytes]:
    return {path.relative_to(out).as_posix(): path.read_bytes() for path in sorted((out / "dataset").rglob("*.parquet"))}


def test_the_dataset_written_again_is_what_a_fresh_export_writes(store: Store, tmp_path: Path) -> None:
    put(store, "de-DE/doc00.md", article(0), locale="de-DE")  # a second partition
    out = tmp_path / "out"
    export(store, out, "parquet-dataset")
    edited = article(17)
    edited[0] = (edited[0][0], "A new sentence.", "Une nouvelle phrase.")
    put(store, "fr-FR/doc17.md", edited, "MT")
    outputs = export(store, out, "parquet-dataset")
    expected = tmp_path / "fresh"
    expected_outputs = export(store, expected, "parquet-dataset")
    assert _dataset(out) == _dataset(expected)
    assert [o.to_json() for o in outputs] == [o.to_json() for o in expected_outputs]
    assert {o.target_locale for o in outputs} == {"de-DE", "fr-FR"}
    assert not [p for p in out.rglob("*") if p.name.startswith(".") and p.is_dir() and p.name != CACHE], \
        "no staging folder is left"


@pytest.mark.parametrize("fmt", ["parquet", "parquet-dataset"])
def test_parquet_written_again_reads_only_the_runs_that_changed(fmt: str, store: Store, tmp_path: Path,
                                                               loads: list[str]) -> None:
    out = tmp_path / "out"
    export(store, out, fmt)
    assert len(loads) == 80, "a first export reads every article"
    loads.clear()
    edited = article(17)
    edited[2] = (edited[2][0], "A new sentence.", "Une nouvelle phrase.")
    put(store, "fr-FR/doc17.md", edited, "MT")
    outputs = export(store, out, fmt)
    assert {"segments fr-FR/doc17.md", "units fr-FR/doc17.md"} <= set(loads)
    assert len(loads) < 40, "only the runs (row groups) that hold the edited article are read"
    loads.clear()
    expected = tmp_path / "fresh"
    assert [o.to_json() for o in outputs] == [o.to_json() for o in export(store, expected, fmt)]
    assert len(loads) == 80
    files = sorted(p.relative_to(out) for p in out.rglob("*.parquet") if CACHE not in p.parts)
    assert files and files == sorted(p.relative_to(expected) for p in expected.rglob("*.parquet")
                                     if CACHE not in p.parts)
    assert all((out / f).read_bytes() == (expected / f).read_bytes() for f in files)


def test_a_parquet_file_changed_by_hand_is_read_again_whole(store: Store, tmp_path: Path, loads: list[str]) -> None:
    """The record of a file is for the file as the build left it: another file in its place
    (here the same table of other rows) reuses nothing."""
    out, other = tmp_path / "out", tmp_path / "other"
    export(store, out, "parquet")
    store.remove(["fr-FR/doc05.md"])
    export(store, other, "parquet")
    (out / "segments.parquet").write_bytes((other / "segments.parquet").read_bytes())
    loads.clear()
    export(store, out, "parquet")
    assert sum(1 for load in loads if load.startswith("segments ")) == 39
    assert tables(out, "parquet") == tables(other, "parquet")
