"""The CLI as users run it: real subprocesses of the installed ``tmpipe`` script."""

from __future__ import annotations

import csv
import json
import sqlite3
from pathlib import Path

import pytest

from conftest import CORPUS, run_tmpipe


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("build") / "out"
    result = run_tmpipe("build", CORPUS, "-o", out, "-f", "csv", "-f", "parquet")
    assert result.returncode == 0, result.stderr
    assert "occurrences = pairs + occurrences in anomalies" in result.stdout
    return out


def test_manifest_indexes_the_build(built: Path) -> None:
    manifest = json.loads((built / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["tool"] == "tmpipe" and manifest["version"]
    ext = manifest["extraction"]
    assert ext["occurrences"] == ext["pairs"] + ext["occurrences_in_anomalies"] > 0
    assert ext["anomalies"] == sum(ext["anomalies_by_kind"].values()) == sum(
        row["anomalies"] for row in ext["by_locale"].values()) > ext["occurrences_in_anomalies"]
    assert set(ext["by_locale"]) >= {"fr-FR"}
    formats = {o["format"] for o in manifest["outputs"]}
    assert formats >= {"sqlite", "csv", "parquet"}
    for output in manifest["outputs"]:
        assert (built / output["path"]).is_file(), output
        assert set(output) >= {"path", "format", "source_locale", "target_locale", "units"}
    assert len(manifest["signature"]["input"]) == 64


def test_segments_table_has_one_row_per_pair(built: Path) -> None:
    manifest = json.loads((built / "manifest.json").read_text(encoding="utf-8"))
    with open(built / "segments.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == manifest["extraction"]["pairs"]
    assert set(rows[0]) >= {"locale", "file", "line", "id", "source_raw", "target_raw", "source_text",
                            "target_text", "translation_type"}
    seed = [r for r in rows if r["file"].endswith("unable-to-sign-in.md") and r["id"] == "7ccd2-107"]
    assert seed and seed[0]["source_text"].startswith("Find the appropriate contact at Support for Business")
    import pyarrow.parquet as pq
    assert pq.read_table(built / "segments.parquet").num_rows == len(rows)


def test_stats_reads_the_tm(built: Path) -> None:
    result = run_tmpipe("stats", built, "--json", check=True)
    summary = json.loads(result.stdout)
    db = sqlite3.connect(built / "tm.sqlite")
    assert summary["pairs"] == db.execute("SELECT COUNT(*) FROM occurrences").fetchone()[0]
    db.close()
    assert "total" in run_tmpipe("stats", built, check=True).stdout


def test_rebuild_is_incremental(built: Path) -> None:
    result = run_tmpipe("build", CORPUS, "-o", built, "-f", "csv", "-q", check=True)
    manifest = json.loads((built / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["extraction"]["run"]["extracted"] == 0
    assert manifest["extraction"]["run"]["unchanged"] == manifest["extraction"]["files"]
    assert result.stdout == ""


def test_extract_prints_pairs_with_file_and_line() -> None:
    result = run_tmpipe("extract", CORPUS / "fr-FR" / "unable-to-sign-in.md", "--json", check=True)
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["id"] for r in rows][:2] == ["7ccd2-103", "7ccd2-104"]
    assert rows[0]["line"] == 19 and rows[0]["locale"] == "fr-FR"


@pytest.mark.parametrize("args, code, message", [
    (["build", "no/such/corpus", "-o", "{tmp}/o"], 2, "corpus path does not exist"),
    (["build", str(CORPUS), "-o", "{tmp}/file/out"], 3, "cannot write output directory"),
    (["build", str(CORPUS), "-o", "{tmp}/o", "-f", "nope"], 2, "unknown format 'nope'; choose from the export"),
    (["stats", "{tmp}/missing"], 2, "no such translation memory"),
])
def test_errors_are_one_line_with_an_exit_code(tmp_path: Path, args: list[str], code: int, message: str) -> None:
    (tmp_path / "file").write_text("not a folder")
    result = run_tmpipe(*[a.replace("{tmp}", str(tmp_path)) for a in args])
    assert result.returncode == code
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], result.stderr
    assert "Traceback" not in result.stderr


def test_help_ends_with_examples() -> None:
    for command in ("build", "extract", "stats"):
        result = run_tmpipe(command, "--help", check=True)
        assert "Example:" in result.stdout and "tmpipe " + command in result.stdout


def test_export_writes_formats_from_an_existing_tm(built: Path, tmp_path: Path) -> None:
    out = tmp_path / "handoff"
    result = run_tmpipe("export", "--tm", built / "tm.sqlite", "-f", "tmx", "-f", "po", "--split-mt", "-o", out,
                        check=True)
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert {o["format"] for o in manifest["outputs"]} == {"tmx", "po"}
    assert any(o.get("mt") for o in manifest["outputs"]), "--split-mt writes machine-translation TMX files"
    for output in manifest["outputs"]:
        assert (out / output["path"]).is_file()
        assert f"{output['path']}\t{output['format']}\t{output['units']} units" in result.stdout
    assert manifest["signature"]["options"]["split_mt"] is True
    before = json.loads((built / "manifest.json").read_text(encoding="utf-8"))
    run_tmpipe("export", "--tm", built, "-f", "tmx", "-o", built, check=True)
    after = json.loads((built / "manifest.json").read_text(encoding="utf-8"))
    assert after["extraction"] == before["extraction"], "exporting into a build keeps its manifest"
    assert {o["path"] for o in before["outputs"]} <= {o["path"] for o in after["outputs"]}
    assert any(o["format"] == "tmx" for o in after["outputs"])


def test_export_of_a_missing_tm_is_a_one_line_error(tmp_path: Path) -> None:
    result = run_tmpipe("export", "--tm", tmp_path / "none.sqlite", "-f", "tmx", "-o", tmp_path / "o")
    assert result.returncode == 2, "a missing TM is bad input"
    assert result.stderr.strip() == f"tmpipe: error: {tmp_path / 'none.sqlite'}: no such translation memory"
