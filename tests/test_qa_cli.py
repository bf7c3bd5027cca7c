"""``tmpipe qa`` and ``tmpipe build`` as real subprocesses: reports, manifest, gates, baselines."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import CORPUS, run_tmpipe
from test_qa_support import QA_CONFIG, QA_CORPUS, QA_ENGLISH

REPORTS = {"qa/qa.json": "qa-json", "qa/junit.xml": "junit", "qa/qa.sarif": "sarif", "qa/qa.md": "qa-markdown",
           "qa/qa.html": "qa-html"}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("qa-cli")
    result = run_tmpipe("build", QA_CORPUS, "-o", out, "-f", "csv", "--english", QA_ENGLISH, "--config", QA_CONFIG)
    assert result.returncode == 0, result.stderr  # findings never fail a build
    return out


def test_build_writes_and_lists_the_reports(built: Path) -> None:
    manifest = json.loads((built / "manifest.json").read_text(encoding="utf-8"))
    listed = {o["path"]: o for o in manifest["outputs"]}
    for path, fmt in REPORTS.items():
        assert (built / path).is_file() and listed[path]["format"] == fmt
        assert listed[path]["findings"] > 0
    assert "source-drift" in json.loads((built / "qa/qa.json").read_text(encoding="utf-8"))["summary"]["checks_run"]


def test_bundled_corpus_builds_with_qa(tmp_path: Path) -> None:
    result = run_tmpipe("build", CORPUS, "-o", tmp_path, "-f", "csv", "-q")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "qa" / "qa.html").is_file()


@pytest.mark.parametrize(("args", "code"), [
    ((), 0),
    (("--fail-on", "error"), 1),
    (("--fail-on", "warning"), 1),
    (("--max", "untranslated=100"), 0),
    (("--max", "untranslated=0"), 1),
    (("--max", "version-drift=0"), 0),
])
def test_gates_set_the_exit_code(built: Path, args: tuple[str, ...], code: int) -> None:
    result = run_tmpipe("qa", built, "--config", QA_CONFIG, "-q", *args)
    assert result.returncode == code, result.stderr
    assert ("QA gate reached" in result.stderr) == bool(code)


def test_gate_on_a_tm_file_and_clean_gate(tmp_path: Path, built: Path) -> None:
    config = tmp_path / "tmpipe.toml"
    config.write_text('[qa]\nfail_on = "error"\n[qa.checks.untranslated]\nenabled = false\n'
                      '[qa.checks.malformed-pair]\nseverity = "info"\n[qa.checks.wrong-language]\nenabled = false\n'
                      '[qa.checks.markup-mismatch]\nseverity = "warning"\n[qa.checks.url-mismatch]\n'
                      'severity = "warning"\n', encoding="utf-8")
    result = run_tmpipe("qa", built / "tm.sqlite", "--config", config, "-f", "qa-json")
    assert result.returncode == 0, result.stderr
    assert "untranslated" not in result.stdout.split("findings:")[0]


def test_baseline_accepts_known_findings(tmp_path: Path, built: Path) -> None:
    baseline = tmp_path / "accepted.json"
    wrote = run_tmpipe("qa", built, "--config", QA_CONFIG, "--fail-on", "info", "--write-baseline", baseline)
    assert wrote.returncode == 0, wrote.stderr
    data = json.loads(baseline.read_text(encoding="utf-8"))
    assert data["kind"] == "qa-baseline" and len(data["fingerprints"]) > 10
    again = run_tmpipe("qa", built, "--config", QA_CONFIG, "--suppress", baseline, "--fail-on", "info")
    assert again.returncode == 0, again.stderr
    report = json.loads((built / "qa/qa.json").read_text(encoding="utf-8"))
    assert report["summary"]["findings"] == 0 and report["summary"]["suppressed"] == len(data["fingerprints"])
    # one accepted finding removed from the baseline comes back as new
    first = next(iter(data["fingerprints"]))
    del data["fingerprints"][first]
    baseline.write_text(json.dumps(data), encoding="utf-8")
    third = run_tmpipe("qa", built, "--config", QA_CONFIG, "--suppress", baseline, "--fail-on", "info")
    assert third.returncode == 1
    assert [f["fingerprint"] for f in json.loads((built / "qa/qa.json").read_text())["findings"]] == [first]


@pytest.mark.parametrize(("args", "message"), [
    (("--max", "nonsense=1"), "expected CHECK=N"),
    (("-f", "pdf"), "unknown report format"),
])
def test_bad_arguments_exit_2(built: Path, args: tuple[str, ...], message: str) -> None:
    result = run_tmpipe("qa", built, *args)
    assert result.returncode == 2 and message in result.stderr


def test_bad_config_names_the_valid_checks(tmp_path: Path, built: Path) -> None:
    config = tmp_path / "tmpipe.toml"
    config.write_text("[qa.checks.no-such-check]\nenabled = false\n", encoding="utf-8")
    result = run_tmpipe("qa", built, "--config", config)
    assert result.returncode == 2 and "untranslated" in result.stderr
    config.write_text("[qa.checks.length-ratio]\nfence = \"wide\"\n", encoding="utf-8")
    assert "must be float" in run_tmpipe("qa", built, "--config", config).stderr


def test_help_ends_with_examples() -> None:
    result = run_tmpipe("qa", "--help")
    assert result.returncode == 0 and "Example:" in result.stdout and "--fail-on" in result.stdout


@pytest.mark.parametrize("toml, message", [
    ('[qa]\nfail_on = 3\n', "qa.fail_on: must be one of error, warning, info, not 3"),
    ('[qa]\nmax_findings = "many"\n', "qa.max_findings must be a count >= 0, not 'many'"),
    ('[qa]\nmax = 5\n', "qa.max: must be a table, not 5"),
    ('[qa.checks.length-ratio]\nfence = "wide"\n', "qa.checks.length-ratio.fence must be float"),
    ('[qa.checks.length-ratio]\nsevere = true\n', "unknown option qa.checks.length-ratio.severe"),
    ('[export]\nformats = ["tmx"]\n', "[export] is not a table tmpipe reads; its settings go in [qa]"),
    ('[qa]\nfail_on = "error"\n[export]\nx = 1\n', "[export] is not a table tmpipe reads"),
])
def test_config_errors_name_the_key(tmp_path: Path, toml: str, message: str) -> None:
    config = tmp_path / "tmpipe.toml"
    config.write_text(toml, encoding="utf-8")
    result = run_tmpipe("build", CORPUS, "-o", tmp_path / "out", "--config", config)
    assert result.returncode == 2 and message in result.stderr, result.stderr
    assert "Traceback" not in result.stderr and not (tmp_path / "out").exists()

