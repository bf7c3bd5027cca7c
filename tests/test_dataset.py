"""``parquet-dataset``: the TM as a Hive-partitioned Parquet dataset that pyarrow and Dask read directly."""

from __future__ import annotations

import json
import shutil
import sqlite3
from collections import Counter
from pathlib import Path

import pytest

from conftest import CORPUS
from pipeline.build import BuildOptions, build
from pipeline.export import FORMATS

ds = pytest.importorskip("pyarrow.dataset")


def _tm_counts(out: Path) -> tuple[dict[str, int], dict[str, int]]:
    db = sqlite3.connect(out / "tm.sqlite")
    try:
        segments = dict(db.execute("SELECT locale, COUNT(*) FROM segments GROUP BY locale"))
        units = dict(db.execute("SELECT target_locale, COUNT(*) FROM units GROUP BY target_locale"))
        return segments, units
    finally:
        db.close()


def _dataset_counts(root: Path) -> dict[str, int]:
    table = ds.dataset(root, format="parquet", partitioning="hive").to_table(columns=["target_locale"])
    return dict(Counter(table.column("target_locale").to_pylist()))


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dataset") / "out"
    build([CORPUS], out, BuildOptions(formats=("parquet-dataset",), qa=False))
    return out


def test_registered() -> None:
    assert "parquet-dataset" in FORMATS


def test_rows_per_locale_match_the_tm(built: Path) -> None:
    segments, units = _tm_counts(built)
    assert len(segments) >= 4 and sum(segments.values()) > 100
    assert _dataset_counts(built / "dataset" / "segments") == segments
    assert _dataset_counts(built / "dataset" / "units") == units


def test_layout_is_one_file_per_locale_without_the_partition_column(built: Path) -> None:
    import pyarrow.parquet as pq

    segments, _ = _tm_counts(built)
    for table in ("segments", "units"):
        folders = sorted(p.name for p in (built / "dataset" / table).iterdir())
        assert folders == [f"target_locale={locale}" for locale in sorted(segments)]
    part = built / "dataset" / "segments" / f"target_locale={min(segments)}" / "part-0.parquet"
    schema = pq.read_schema(part)
    assert "locale" not in schema.names and "target_locale" not in schema.names
    assert {"file", "line", "id", "source_raw", "target_raw", "unit_id", "seq"} <= set(schema.names)
    signature = json.loads(schema.metadata[b"tmpipe.signature"])
    assert signature["tool"] == "tmpipe"


def test_content_equals_the_tm_segments(built: Path) -> None:
    db = sqlite3.connect(built / "tm.sqlite")
    try:
        expected = list(db.execute("SELECT locale, file, seq, id, source_raw, target_raw, line FROM segments"
                                   " ORDER BY locale, file, seq"))
    finally:
        db.close()
    table = ds.dataset(built / "dataset" / "segments", format="parquet", partitioning="hive").to_table()
    rows = sorted(zip(*(table.column(name).to_pylist() for name in
                        ("target_locale", "file", "seq", "id", "source_raw", "target_raw", "line"))))
    assert rows == sorted(expected)


def test_manifest_lists_every_partition(built: Path) -> None:
    manifest = json.loads((built / "manifest.json").read_text(encoding="utf-8"))
    entries = [o for o in manifest["outputs"] if o["format"] == "parquet-dataset"]
    segments, units = _tm_counts(built)
    by_table = {(o["table"], o["target_locale"]): o["units"] for o in entries}
    assert by_table == {**{("segments", k): v for k, v in segments.items()},
                        **{("units", k): v for k, v in units.items()}}
    for entry in entries:
        assert (built / entry["path"]).is_file()


@pytest.mark.filterwarnings("ignore:The inplace keyword")  # raised inside dask with pandas 3
def test_dask_reads_it(built: Path) -> None:
    dd = pytest.importorskip("dask.dataframe")
    frame = dd.read_parquet(str(built / "dataset" / "segments"))
    counts = frame.groupby("target_locale", observed=True).size().compute()
    segments, _ = _tm_counts(built)
    assert {str(k): int(v) for k, v in counts.items()} == segments


def test_duckdb_reads_it(built: Path) -> None:
    duckdb = pytest.importorskip("duckdb")
    pattern = str(built / "dataset" / "segments" / "*" / "*.parquet")
    rows = duckdb.sql(f"SELECT target_locale, COUNT(*) FROM read_parquet('{pattern}', hive_partitioning = true)"
                      " GROUP BY 1").fetchall()
    assert dict(rows) == _tm_counts(built)[0]


def test_a_locale_that_left_the_corpus_leaves_the_dataset(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    out = tmp_path / "out"
    build([corpus], out, BuildOptions(formats=("parquet-dataset",), qa=False))
    before = _tm_counts(out)[0]
    gone = sorted(before)[0]
    for folder in corpus.iterdir():
        if folder.is_dir() and folder.name.lower() == gone.lower():
            shutil.rmtree(folder)
    build([corpus], out, BuildOptions(formats=("parquet-dataset",), qa=False))
    after = _tm_counts(out)[0]
    assert gone not in after
    assert _dataset_counts(out / "dataset" / "segments") == after
    assert not (out / ".dataset-new").exists() and not (out / ".dataset-old").exists()
