"""make qa-eval's matching and tables (evals/qa.py), on findings and labels written here."""

from __future__ import annotations

from pathlib import Path

import pytest

from evals.qa import Label, evaluate, load_labels, main
from pipeline.qa.findings import Finding


def _finding(check: str, severity: str, seg_id: str) -> Finding:
    return Finding(check, severity, "fr-FR", "fr-FR/a.md", 1, seg_id, "s", "t", "m")  # type: ignore[arg-type]


def test_precision_is_weighted_by_findings_and_recall_counts_true_labels() -> None:
    labels = {l.key: l for l in [
        Label("untranslated", "fr-FR", "fr-FR/a.md", "1", "true", "r"),
        Label("untranslated", "fr-FR", "fr-FR/a.md", "2", "false", "r"),
        Label("url-mismatch", "fr-FR", "fr-FR/a.md", "3", "true", "r"),
        Label("url-mismatch", "fr-FR", "fr-FR/a.md", "9", "true", "r"),  # not reported: a recall miss
    ]}
    findings = [_finding("untranslated", "error", "1"), _finding("untranslated", "error", "2"),
                _finding("untranslated", "error", "4"), _finding("untranslated", "error", "5"),
                _finding("url-mismatch", "error", "3")]
    table, unlabelled = evaluate(findings, labels)
    assert [f.id for f in unlabelled] == ["4", "5"]
    rows = {line.split("|")[1].strip() + "/" + line.split("|")[2].strip(): line for line in table.splitlines()
            if line.startswith("| ") and line.count("|") == 9}
    assert rows["untranslated/error"].rstrip(" |").endswith("50.0%")
    # overall: 4 findings at 50% and 1 at 100%: (2 + 1) / 5
    assert rows["**overall**/error"].rstrip(" |").endswith("60.0%")
    recall = next(line for line in table.splitlines() if line.startswith("| url-mismatch") and line.count("|") == 7)
    assert "50.0%" in recall


def test_a_bad_label_names_its_line(tmp_path: Path) -> None:
    path = tmp_path / "labels.tsv"
    path.write_text("check\tlocale\tfile\tid\tverdict\treason\nuntranslated\tfr-FR\ta.md\t1\tmaybe\tr\n",
                    encoding="utf-8")
    with pytest.raises(SystemExit, match=r"labels.tsv:2:"):
        load_labels(path)


def test_the_project_labels_load() -> None:
    labels = load_labels()
    assert len(labels) > 500 and {l.verdict for l in labels.values()} <= {"true", "false", "wrong-check"}


def test_skips_without_the_dev_corpus(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--corpus", str(tmp_path / "absent")]) == 0
    assert "skipped" in capsys.readouterr().out
