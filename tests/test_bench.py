"""The benchmark harness runs end to end on a tiny corpus and writes every field (no timing assertions)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from conftest import CORPUS, ROOT

from pipeline import core

RUN_FIELDS = {"name", "command", "returncode", "wall_s", "cpu_s", "user_s", "sys_s", "maxrss_mb",
              "tree_rss_mb", "tree_pss_mb", "peak_rss_mb", "load_before"}


def test_bench_writes_every_field(tmp_path: Path) -> None:
    results = tmp_path / "results"
    done = subprocess.run(
        [sys.executable, "-m", "bench", "--sizes", "0.05,0.1", "--seed", str(CORPUS), "--formats", "csv,tmx",
         "--workdir", str(tmp_path / "work"), "--results", str(results)],
        cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "tmpipe/floor" in done.stdout and "targets:" in done.stdout
    report = json.loads((results / "latest.json").read_text())
    assert report["core"] == core.describe()  # the builds' subprocesses share this environment
    assert {"tool", "version", "core", "created", "machine", "options", "sizes", "scaling", "targets"} <= set(report)
    assert [size["size_mb"] for size in report["sizes"]] == [0.05, 0.1]
    for size in report["sizes"]:
        assert size["corpus"]["bytes"] >= size["size_mb"] * 1e6
        assert size["corpus"]["changed_files"] >= 1
        assert set(size["runs"]) == {"floor", "status-quo", "tmpipe-j1", "tmpipe-j2", "pure-j2", "unchanged",
                                     "incremental", "one-locale"}
        cores = {name: probe["core"] for name, probe in size["extraction"].items()}
        assert cores == {"default": report["core"], "pure": "pure Python: TMPIPE_PURE is set"}
        for probe in size["extraction"].values():
            assert probe["pairs"] == size["counts"]["floor_pairs"]
            assert all(value > 0 for value in probe["us_per_pair"].values())
        for run in size["runs"].values():
            assert RUN_FIELDS <= set(run) and run["returncode"] == 0
            assert run["wall_s"] > 0 and run["peak_rss_mb"] > 0
        assert size["counts"]["floor_pairs"] > 0 and size["counts"]["tmpipe_pairs"] > 0
        assert size["counts"]["tmpipe_run"]["extracted"] == size["corpus"]["files"]
        assert size["counts"]["incremental_run"]["extracted"] == size["corpus"]["changed_files"]
        assert size["counts"]["unchanged_run"]["extracted"] == 0
        assert size["counts"]["one-locale_run"]["extracted"] == size["corpus"]["changed_files_one_locale"] >= 1
        assert set(size["ratios"]) == {"tmpipe_j1_over_floor", "tmpipe_j2_over_floor", "pure_j2_over_floor",
                                       "extract_tm_over_floor", "pure_extract_tm_over_floor", "status_quo_over_tmpipe_j1",
                                       "status_quo_over_tmpipe_j2", "incremental_over_full", "unchanged_over_full",
                                       "one_locale_over_full", "incremental_over_floor", "unchanged_over_floor"}
        assert all(value is not None for value in size["ratios"].values())
    assert report["scaling"]["rss_tmpipe-j2"] > 0
    assert set(report["targets"]) == {"tmpipe_over_floor", "status_quo_over_tmpipe", "extract_tm_over_floor",
                                      "peak_rss_mb", "rss_growth", "incremental_over_floor", "unchanged_over_floor"}
    assert not (tmp_path / "work" / "size-0.05").exists()  # corpora are removed unless --keep


def test_generated_corpus_is_perturbed_but_keeps_every_pair(tmp_path: Path) -> None:
    from bench.corpus import generate, touch
    from pipeline.extract import extract_bytes

    made = generate(tmp_path / "c", 0.3, CORPUS)
    assert made.copies >= 2 and made.bytes >= 300_000
    first = {p.relative_to(tmp_path / "c" / "c000"): p for p in (tmp_path / "c" / "c000").rglob("*.md")}
    for rel, original in first.items():
        copy = tmp_path / "c" / "c001" / rel
        if not copy.exists():
            continue
        a, b = (extract_bytes(p.read_bytes(), str(rel)) for p in (original, copy))
        assert len(a.pairs) == len(b.pairs) and len(a.anomalies) == len(b.anomalies), rel
        assert [x.kind for x in a.anomalies] == [x.kind for x in b.anomalies]
        if a.pairs:
            assert {p.id for p in a.pairs} != {p.id for p in b.pairs}
    changed = touch(tmp_path / "c", 0.25)
    assert len(changed) >= 1
