"""Every check on planted defects (must be found) and near misses (must not be)."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.build import BuildOptions, build
from pipeline.qa import CHECKS, Finding, load_config
from pipeline.qa.runner import run_checks
from pipeline.store import open_store

from test_qa_support import QA_CONFIG, QA_CORPUS, QA_ENGLISH, cases

CASES = cases()


@pytest.fixture(scope="module")
def findings(tmp_path_factory: pytest.TempPathFactory) -> list[Finding]:
    out = tmp_path_factory.mktemp("qa-planted")
    build([QA_CORPUS], out, BuildOptions(formats=(), qa=False))
    store = open_store(out / "tm.sqlite", readonly=True)
    try:
        return run_checks(store, load_config(QA_CONFIG), english=QA_ENGLISH).findings
    finally:
        store.close()


def _at(findings: list[Finding], check: str, file: str, seg_id: str, line: int = 0) -> list[Finding]:
    """Findings of ``check`` at a segment, or listing it among their variants (consistency checks)."""
    return [f for f in findings if f.check == check and (
        (f.file == file and f.id == seg_id)
        or any(f"{file}:{line}" in v["where"] for v in f.extra.get("variants", ())))]


def test_every_check_has_planted_hits_and_near_misses() -> None:
    expected = {c.check for c in CASES if c.expect}
    clean = {c.check for c in CASES if not c.expect}
    missing = set(CHECKS) - expected - {"version-drift"}  # version-drift: tests/test_qa_drift.py
    assert not missing, f"checks with no planted defect: {missing}"
    assert not (set(CHECKS) - clean - {"version-drift", "malformed-pair", "length-ratio",
                                       "inconsistent-source"}), "checks with no near miss"


@pytest.mark.parametrize("case", [c for c in CASES if c.expect], ids=str)
def test_planted_defect_is_found(findings: list[Finding], case) -> None:
    hits = _at(findings, case.check, case.file, case.id, case.line)
    assert hits, f"{case.file}:{case.line}: {case.check} did not report {case.id}"
    if case.severity:
        assert {f.severity for f in hits} == {case.severity}, f"{case.file}:{case.line}: {hits}"


@pytest.mark.parametrize("case", [c for c in CASES if not c.expect], ids=str)
def test_near_miss_is_not_reported(findings: list[Finding], case) -> None:
    hits = _at(findings, case.check, case.file, case.id, case.line)
    assert not hits, f"{case.file}:{case.line}: {case.check} wrongly reported {case.id}: {hits[0].message}"


def test_ordinary_segments_are_clean(findings: list[Finding]) -> None:
    planted = {(c.file, c.id) for c in CASES}
    noise = [f for f in findings if f.id and f.id.startswith("aa001-") and (f.file, f.id) not in planted
             and f.check != "inconsistent-source"]
    assert not noise, [(f.check, f.id, f.message) for f in noise[:5]]


def test_findings_carry_locations_and_json(findings: list[Finding]) -> None:
    for finding in findings:
        data = finding.to_json()
        assert data["file"] and data["locale"] and data["severity"] in ("error", "warning", "info")
        assert len(data["fingerprint"]) == 24
    drift = next(f for f in findings if f.check == "source-drift" and f.id == "aa001-133")
    assert drift.extra["english"] == "Choose the billing account and the currency."
    assert 0.5 < drift.extra["similarity"] < 1
    assert ["+", "and the currency"] in drift.extra["diff"]
    assert "".join(t for op, t in drift.extra["diff"] if op != "-") == drift.extra["english"]
    variants = next(f for f in findings if f.check == "inconsistent-target").extra["variants"]
    assert sorted(v["target"] for v in variants) == ["Enregistrer la facture.", "Enregistrez la facture."]
    assert all(v["where"] for v in variants)


def test_malformed_pair_comes_from_anomalies(findings: list[Finding]) -> None:
    hit = [f for f in findings if f.check == "malformed-pair"]
    assert [(f.file, f.extra["kind"]) for f in hit] == [("fr-FR/articles/broken.md", "orphan-target")]


def test_missing_english_article_is_info(findings: list[Finding]) -> None:
    missing = [f for f in findings if f.check == "source-drift" and f.extra.get("reason") == "no-english"]
    assert {f.file for f in missing} == {"fr-FR/articles/broken.md"}  # ja/ru planted.md match articles/planted.md
    assert all(f.severity == "info" and f.line == 0 for f in missing)
