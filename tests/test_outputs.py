"""Outputs as tasks (pipeline/outputs.py), through real ``tmpipe build`` runs: split per locale, run in
worker processes, reused only when their articles, options and files are unchanged."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path

import pytest

from conftest import CORPUS, run_tmpipe

FRENCH = Path("fr-FR/unable-to-sign-in.md")
EPOCH = "1718000000"


def build(corpus: Path, out: Path, *args: str) -> dict:
    os.environ["SOURCE_DATE_EPOCH"] = EPOCH  # the same bytes whenever the inputs are the same
    try:
        run_tmpipe("build", corpus, "-o", out, "-q", *args, check=True)
    finally:
        del os.environ["SOURCE_DATE_EPOCH"]
    return json.loads((out / "manifest.json").read_text(encoding="utf-8"))


def files(out: Path) -> dict[str, tuple[str, int]]:
    """``{path: (sha256, mtime_ns)}`` of every output file (the TM, state and caches aside)."""
    return {str(p.relative_to(out)): (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns)
            for p in sorted(out.rglob("*"))
            if p.is_file() and not any(part.startswith(".") for part in p.relative_to(out).parts)
            and not p.name.startswith("tm.sqlite") and p.name != "manifest.json"}


def digests(out: Path) -> dict[str, str]:
    return {path: sha for path, (sha, _) in files(out).items()}


@pytest.fixture()
def corpus(tmp_path: Path) -> Path:
    return Path(shutil.copytree(CORPUS, tmp_path / "corpus"))


def test_every_format_is_split_per_locale_and_qa_is_one_task(corpus: Path, tmp_path: Path) -> None:
    manifest = build(corpus, tmp_path / "out")
    keys = set(manifest["tasks"]["seconds"])
    locales = {"ar-SA", "de-DE", "fr-FR", "ja-JP"}
    for fmt in ("tmx", "xliff-1.2", "xliff-2", "po"):
        assert {f"{fmt} {locale}" for locale in locales} <= keys
    assert {"csv *", "parquet *", "qa *"} <= keys
    assert manifest["tasks"]["reused"] == 0
    for entry in manifest["outputs"][1:]:
        if entry["format"] in ("tmx", "po") and entry.get("target_locale"):
            assert entry["signature"]["options"]["format"] == entry["format"]


def test_jobs_2_writes_the_same_bytes_as_jobs_1(corpus: Path, tmp_path: Path) -> None:
    one = build(corpus, tmp_path / "one", "--jobs", "1")
    two = build(corpus, tmp_path / "two", "--jobs", "2")
    assert digests(tmp_path / "one") == digests(tmp_path / "two")
    assert one["outputs"] == two["outputs"]


def test_a_rebuild_of_the_same_corpus_rewrites_nothing(corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = build(corpus, out)
    before = files(out)
    second = build(corpus, out)
    assert second["tasks"] == {"run": 0, "reused": first["tasks"]["run"], "seconds": {}}
    assert files(out) == before, "same bytes, not even rewritten"
    assert second["outputs"] == first["outputs"]


def test_a_change_in_one_locale_rewrites_that_locale_and_the_corpus_wide_outputs(corpus: Path,
                                                                                tmp_path: Path) -> None:
    out = tmp_path / "out"
    build(corpus, out)
    before = files(out)
    article = corpus / FRENCH
    article.write_text(article.read_text(encoding="utf-8").replace("Si vous avez", "Si vous aviez", 1),
                       encoding="utf-8")
    manifest = build(corpus, out)
    ran = set(manifest["tasks"]["seconds"])
    assert {key for key in ran if not key.endswith("*")} == {
        "tmx fr-FR", "xliff-1.2 fr-FR", "xliff-2 fr-FR", "po fr-FR"}
    after = files(out)
    for path, (sha, mtime) in after.items():
        if "fr-FR" in path or path.startswith(("csv/", "parquet/", "qa/")) or path.endswith((".csv", ".parquet")):
            continue
        assert (sha, mtime) == before[path], f"{path} was rewritten"
    assert after["tmx/en-US_fr-FR.tmx"][0] != before["tmx/en-US_fr-FR.tmx"][0]
    fresh = build(corpus, tmp_path / "fresh")
    tables = (".csv", ".parquet")  # they carry the TM's row ids, which depend on its history
    assert ({p: d for p, d in digests(out).items() if not p.endswith(tables)}
            == {p: d for p, d in digests(tmp_path / "fresh").items() if not p.endswith(tables)}), \
        "an incremental build writes what a fresh one writes"
    assert manifest["outputs"] == fresh["outputs"]


@pytest.mark.parametrize("damage", ["edit", "delete"])
def test_a_damaged_output_is_written_again(corpus: Path, tmp_path: Path, damage: str) -> None:
    out = tmp_path / "out"
    build(corpus, out)
    expected = digests(out)
    target = out / "xliff-1.2/en-US_ja-JP.xlf"
    if damage == "edit":
        target.write_text("<broken", encoding="utf-8")
    else:
        target.unlink()
    manifest = build(corpus, out)
    assert set(manifest["tasks"]["seconds"]) == {"xliff-1.2 ja-JP"}
    assert digests(out) == expected


def test_other_options_run_every_task_again(corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    build(corpus, out)
    manifest = build(corpus, out, "--split-mt")
    assert manifest["tasks"]["reused"] == 1  # only QA: export options do not change it
    assert "qa *" not in manifest["tasks"]["seconds"]
    assert (out / "tmx/mt/en-US_ja-JP.tmx").is_file()


def test_a_corrupt_state_file_means_everything_runs(corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    build(corpus, out)
    (out / ".tmpipe-state.json").write_text("{not json", encoding="utf-8")
    manifest = build(corpus, out)
    assert manifest["tasks"]["reused"] == 0


def test_two_memory_heavy_tasks_never_run_at_once() -> None:
    """A light task goes beside a heavy one; with only heavy ones left, the next one waits."""
    from pipeline.outputs.tasks import Task, next_task

    qa, parquet, tmx = Task("qa", None, None, 9), Task("parquet", None, None, 5), Task("tmx", ("fr-FR",), None, 1)
    pending = [tmx, parquet]  # reversed: parquet is next
    assert next_task(pending, [qa]) is tmx and pending == [parquet]
    assert next_task(pending, [qa]) is None and pending == [parquet]
    assert next_task(pending, [tmx]) is parquet and pending == []
