"""CSV and Parquet tables written again after a change read only the changed articles' rows from
the TM (pipeline/export/tabular.py), and are byte for byte what a fresh export writes."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from pipeline.export import tabular
from pipeline.export.splice import CACHE
from pipeline.store import Store, open_store
from support.synthetic import export
from test_splice import article, put

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
    segment_tuples, first_units = Store.article_segment_tuples, Store.article_first_units

    def article_segment_tuples(self, locale, paths):  # type: ignore[no-untyped-def]
        seen.extend(f"segments {path}" for path in paths)
        return segment_tuples(self, locale, paths)

    def units(self, source_locale, target_locale, paths):  # type: ignore[no-untyped-def]
        seen.extend(f"units {path}" for path in paths)
        return first_units(self, source_locale, target_locale, paths)
    monkeypatch.setattr(Store, "article_segment_tuples", article_segment_tuples)
    monkeypatch.setattr(Store, "article_first_units", units)
    monkeypatch.setattr(tabular, "_RUN", 4)  # several row groups from 40 articles
    return seen


def tables(out: Path, fmt: str) -> list[bytes]:
    return [(out / f"{name}{SUFFIX[fmt]}").read_bytes() for name in TABLES]


def fresh(store: Store, tmp_path: Path, fmt: str) -> tuple[list[bytes], list]:
    out = tmp_path / f"fresh-{len(list(tmp_path.iterdir()))}"
    outputs = export(store, out, fmt)
    return tables(out, fmt), [o.to_json() for o in outputs]


@pytest.mark.parametrize("fmt", SUFFIX)
def test_a_rebuild_reads_only_what_changed(fmt: str, store: Store, tmp_path: Path, loads: list[str]) -> None:
    out = tmp_path / "out"
    export(store, out, fmt)
    assert len(loads) == 80, "a first export reads every article"
    loads.clear()
    edited = article(17)
    edited[2] = (edited[2][0], "A new sentence.", "Une nouvelle phrase.")
    put(store, "fr-FR/doc17.md", edited, "MT")
    outputs = export(store, out, fmt)
    if fmt == "csv":
        assert loads == ["segments fr-FR/doc17.md", "units fr-FR/doc17.md"]
    else:  # the row group of doc17's run, per table
        assert {"segments fr-FR/doc17.md", "units fr-FR/doc17.md"} <= set(loads)
        assert len(loads) < 40, loads
    loads.clear()
    expected, expected_outputs = fresh(store, tmp_path, fmt)
    assert len(loads) == 80
    assert tables(out, fmt) == expected
    assert [o.to_json() for o in outputs] == expected_outputs


@pytest.mark.parametrize("fmt", SUFFIX)
def test_added_removed_and_recounted_articles(fmt: str, store: Store, tmp_path: Path, loads: list[str]) -> None:
    """An added and a removed article, and one whose unit another article now repeats (its count
    in ``units`` changes though its content does not)."""
    out = tmp_path / "out"
    export(store, out, fmt)
    loads.clear()
    store.remove(["fr-FR/doc05.md"])
    put(store, "fr-FR/doc20a.md", article(99))
    put(store, "fr-FR/doc30.md", article(30) + [article(3)[0]])  # doc03's first unit, now twice
    export(store, out, fmt)
    assert "units fr-FR/doc03.md" in loads and "segments fr-FR/doc03.md" not in loads
    assert tables(out, fmt) == fresh(store, tmp_path, fmt)[0]


def test_parquet_row_groups_follow_the_runs(store: Store, tmp_path: Path, loads: list[str]) -> None:
    out = tmp_path / "out"
    export(store, out, "parquet")
    segments = pq.ParquetFile(out / "segments.parquet")
    sizes = [segments.metadata.row_group(i).num_rows for i in range(segments.metadata.num_row_groups)]
    assert len(sizes) > 2 and sum(sizes) == 160
    assert all(size % 4 == 0 for size in sizes), "a row group holds whole articles (4 pairs each)"
    rows = pq.read_table(out / "segments.parquet").to_pylist()
    assert [(r["file"], r["seq"]) for r in rows] == [(s.file, s.seq) for s in store.segments()]


@pytest.mark.parametrize("damage", ["garbage", "other-groups", "record"])
def test_a_damaged_parquet_or_record_reuses_nothing(damage: str, store: Store, tmp_path: Path,
                                                    loads: list[str]) -> None:
    out = tmp_path / "out"
    export(store, out, "parquet")
    target, record = out / "segments.parquet", out / CACHE / "segments.parquet.json"
    stamp = target.stat()
    if damage == "garbage":  # same size and time: the record describes it, the bytes are not Parquet
        target.write_bytes(b"x" * stamp.st_size)
        os.utime(target, ns=(stamp.st_atime_ns, stamp.st_mtime_ns))
    elif damage == "other-groups":  # a Parquet file the record describes, whose row groups are others
        pq.write_table(pq.read_table(target), target, row_group_size=7)
        data = json.loads(record.read_text(encoding="utf-8"))
        data["file"] = [target.stat().st_size, target.stat().st_mtime_ns]
        record.write_text(json.dumps(data), encoding="utf-8")
    else:
        record.write_text("{not json", encoding="utf-8")
    loads.clear()
    export(store, out, "parquet")
    assert sum(1 for load in loads if load.startswith("segments")) == 40
    assert tables(out, "parquet") == fresh(store, tmp_path, "parquet")[0]


@pytest.mark.parametrize("fmt", SUFFIX)
def test_a_new_tm_of_the_same_articles_numbers_its_units_anew(fmt: str, store: Store, tmp_path: Path,
                                                             loads: list[str]) -> None:
    """Unit ids are the TM's: the same articles stored in another order (a TM built again from
    scratch) have other ids, so no piece is the one recorded."""
    out = tmp_path / "out"
    export(store, out, fmt)
    other = open_store(tmp_path / "other.sqlite")
    try:
        for d in reversed(range(40)):
            put(other, f"fr-FR/doc{d:02d}.md", article(d), "MT" if d % 3 else "HT")
        loads.clear()
        export(other, out, fmt)
        assert len(loads) == 80
        assert tables(out, fmt) == fresh(other, tmp_path, fmt)[0]
    finally:
        other.close()


def _dataset(out: Path) -> dict[str, bytes]:
    return {path.relative_to(out).as_posix(): path.read_bytes() for path in sorted((out / "dataset").rglob("*.parquet"))}


def test_the_dataset_reuses_the_row_groups_of_its_partitions(store: Store, tmp_path: Path, loads: list[str]) -> None:
    put(store, "de-DE/doc00.md", article(0), locale="de-DE")  # a second partition
    out = tmp_path / "out"
    export(store, out, "parquet-dataset")
    assert len(loads) == 82
    loads.clear()
    edited = article(17)
    edited[0] = (edited[0][0], "A new sentence.", "Une nouvelle phrase.")
    put(store, "fr-FR/doc17.md", edited, "MT")
    outputs = export(store, out, "parquet-dataset")
    assert {"segments fr-FR/doc17.md", "units fr-FR/doc17.md"} <= set(loads)
    assert len(loads) < 40 and not any("de-DE" in load for load in loads), loads
    expected = tmp_path / "fresh"
    expected_outputs = export(store, expected, "parquet-dataset")
    assert _dataset(out) == _dataset(expected)
    assert [o.to_json() for o in outputs] == [o.to_json() for o in expected_outputs]
    assert {o.target_locale for o in outputs} == {"de-DE", "fr-FR"}
