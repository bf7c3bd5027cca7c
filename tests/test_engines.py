"""Every engine builds the identical TM: in process, local worker processes, a Dask LocalCluster."""

from __future__ import annotations

from collections.abc import Iterator
import sqlite3
from pathlib import Path

import pytest

from conftest import CORPUS
from pipeline.build import BuildOptions, build
from pipeline.errors import ConfigError
from pipeline.engine import open_engine


def _content(out: Path) -> list:
    db = sqlite3.connect(out / "tm.sqlite")
    try:
        return [list(db.execute(sql)) for sql in (
            "SELECT source_locale, target_locale, source_raw, target_raw, repetitions FROM units ORDER BY id",
            "SELECT locale, file, seq, line, id, unit_id FROM segments ORDER BY locale, file, seq",
            "SELECT file_id, line, kind, message FROM anomalies ORDER BY id",
        )]
    finally:
        db.close()


def _csv(out: Path) -> bytes:
    return (out / "segments.csv").read_bytes()


@pytest.mark.parametrize("engine, jobs", [("local", 2), ("dask", 2)])
def test_engines_build_identical_outputs(tmp_path: Path, engine: str, jobs: int) -> None:
    pytest.importorskip("distributed")
    reference = build([CORPUS], tmp_path / "ref", BuildOptions(formats=("csv",)))
    other = build([CORPUS], tmp_path / engine, BuildOptions(formats=("csv",), jobs=jobs, engine=engine))
    assert _content(tmp_path / "ref") == _content(tmp_path / engine)
    assert _csv(tmp_path / "ref") == _csv(tmp_path / engine)
    assert reference["extraction"]["pairs"] == other["extraction"]["pairs"] > 0
    assert reference["signature"]["input"] == other["signature"]["input"]


def test_unknown_engine_lists_the_valid_ones() -> None:
    with pytest.raises(ConfigError, match="choose from: local, dask"):
        with open_engine("spark"):
            pass


def test_local_pool_keeps_a_bounded_window_in_flight() -> None:
    """A slow consumer (the TM's inserts) must not let the pool read the whole corpus ahead:
    items taken minus results consumed stays within the window (16 per job) plus one chunk."""


    taken = 0

    def items() -> Iterator[int]:
        nonlocal taken
        for n in range(2000):
            taken += 1
            yield n

    ahead = []
    with open_engine("local", 2) as imap:
        for consumed, result in enumerate(imap(abs, items()), start=1):
            assert result == consumed - 1
            ahead.append(taken - consumed)
    assert max(ahead) <= 16 * 2 + 4
    assert taken == 2000


def test_local_pool_stops_cleanly_when_the_caller_stops_early() -> None:


    with open_engine("local", 2) as imap:
        results = imap(abs, iter(range(10_000)))
        assert [next(results) for _ in range(5)] == [0, 1, 2, 3, 4]
        results.close()  # type: ignore[attr-defined]
