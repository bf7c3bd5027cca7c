"""Reports list the most severe findings first, and the per-check cap keeps the most severe (issue 14,
item 5), as a user sees them: ``tmpipe build`` then ``tmpipe qa`` as subprocesses."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from conftest import run_tmpipe
from test_qa_support import QA_CORPUS

RANK = {"error": 0, "warning": 1, "info": 2}


@pytest.fixture(scope="module")
def capped(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict, dict]:
    """A build whose reports list at most 2 findings per check, and one that lists them all."""
    base = tmp_path_factory.mktemp("order")
    (base / "tmpipe.toml").write_text("[qa]\nmax_findings = 2\n", encoding="utf-8")
    run_tmpipe("build", QA_CORPUS, "-o", base / "all", "-q", "-f", "csv", check=True)
    run_tmpipe("build", QA_CORPUS, "-o", base / "capped", "-q", "-f", "csv", "--config", base / "tmpipe.toml",
               check=True)
    full = json.loads((base / "all" / "qa" / "qa.json").read_text(encoding="utf-8"))
    few = json.loads((base / "capped" / "qa" / "qa.json").read_text(encoding="utf-8"))
    return base, full, few


def test_findings_are_listed_most_severe_first(capped: tuple[Path, dict, dict]) -> None:
    _, full, _ = capped
    ranks = [RANK[f["severity"]] for f in full["findings"]]
    assert ranks == sorted(ranks) and len(set(ranks)) == 3, "errors, then warnings, then infos"
    sarif = json.loads((capped[0] / "all" / "qa" / "qa.sarif").read_text(encoding="utf-8"))
    levels = [{"error": 0, "warning": 1, "note": 2}[r["level"]] for r in sarif["runs"][0]["results"]]
    assert levels == sorted(levels)


def test_the_cap_keeps_each_checks_most_severe_findings(capped: tuple[Path, dict, dict]) -> None:
    _, full, few = capped
    assert few["summary"]["by_check"] == full["summary"]["by_check"], "every finding is still counted"
    listed = Counter(f["check"] for f in few["findings"])
    assert max(listed.values()) == 2 and few["summary"]["truncated"]
    for check, n in listed.items():
        severities = [f["severity"] for f in full["findings"] if f["check"] == check]
        want = sorted(severities, key=RANK.__getitem__)[:n]
        assert sorted((f["severity"] for f in few["findings"] if f["check"] == check), key=RANK.__getitem__) == want
    mixed = [c for c, v in full["summary"]["by_check"].items() if sum(1 for n in v["by_severity"].values() if n) > 1]
    assert mixed, "the fixture must have a check with findings of two severities"


def test_qa_md_counts_per_severity_and_shows_the_worst_rows_first(capped: tuple[Path, dict, dict]) -> None:
    base, full, _ = capped
    result = run_tmpipe("qa", base / "all", "-f", "qa-markdown")
    assert result.returncode == 0, result.stderr
    text = (base / "all" / "qa" / "qa.md").read_text(encoding="utf-8")
    assert "| check | default | error | warning | info | suppressed | what it finds |" in text
    untranslated = full["summary"]["by_check"]["untranslated"]["by_severity"]
    row = next(line for line in text.splitlines() if line.startswith("| `untranslated` |"))
    assert [cell.strip() for cell in row.split("|")[3:6]] == [str(untranslated[s]) for s in ("error", "warning", "info")]
    first = text.split("most severe first", 1)[1].splitlines()[4]  # past the heading, blank, header, rule
    worst = full["findings"][0]
    assert f"{worst['file']}:{worst['line']}" in first and worst["check"] in first
