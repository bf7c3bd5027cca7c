"""Source drift against a git checkout, version drift against a baseline TM, English path matching."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from pipeline.build import BuildOptions, build
from pipeline.qa import QaConfig
from pipeline.qa.drift import closest, word_diff
from pipeline.english import EnglishTree
from pipeline.qa.runner import run_checks
from pipeline.store import open_store

from test_qa_support import QA_CORPUS

SOURCE = "Select the project.\n\nPost the journal.\n"


def _checks(corpus: Path, out: Path, **kwargs: object) -> list:
    build([corpus], out, BuildOptions(formats=(), qa=False))
    store = open_store(out / "tm.sqlite", readonly=True)
    try:
        result = run_checks(store, QaConfig(), **kwargs)  # type: ignore[arg-type]
    finally:
        store.close()
    return result.findings


def _git(repo: Path, *args: str) -> str:
    env = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@t", "HOME": str(repo), "PATH": "/usr/bin:/bin"}
    return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, text=True,
                          env=env).stdout.strip()


def _article(commit: str) -> str:
    return (f"---\nms.contentlocale: fr-FR\nms.sourcegitcommit: {commit}\n---\n"
            '<span data-ttu-id="bb001-101">Sélectionnez le projet.</span><span class="sxs-lookup">'
            '<span data-stu-id="bb001-101">Select the project.</span></span>\n\n'
            '<span data-ttu-id="bb001-102">Validez le journal.</span><span class="sxs-lookup">'
            '<span data-stu-id="bb001-102">Post the journal.</span></span>\n')


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_git_checkout_says_the_article_changed_since_translation(tmp_path: Path) -> None:
    repo = tmp_path / "docs"
    (repo / "articles").mkdir(parents=True)
    _git(repo, "init", "-q")
    (repo / "articles" / "a.md").write_text(SOURCE, encoding="utf-8")
    _git(repo, "add", ".")
    _git(repo, "commit", "-qm", "one")
    first = _git(repo, "rev-parse", "HEAD")
    (repo / "articles" / "a.md").write_text(SOURCE.replace("Post the journal.", "Post the journal now."),
                                            encoding="utf-8")
    _git(repo, "commit", "-qam", "two")
    corpus = tmp_path / "corpus" / "fr-FR" / "articles"
    corpus.mkdir(parents=True)
    (corpus / "a.md").write_text(_article(first), encoding="utf-8")
    findings = _checks(tmp_path / "corpus", tmp_path / "out", english=repo / "articles")
    drift = [f for f in findings if f.check == "source-drift"]
    assert [(f.id, f.extra.get("english")) for f in drift if f.id] == [("bb001-102", "Post the journal now.")]
    changed = [f for f in drift if f.extra.get("reason") == "article-changed"]
    assert len(changed) == 1 and changed[0].extra["commit"] == first and "1 of 2" in changed[0].message
    # translated from HEAD: the article did not change since (the stale segment is still reported)
    (corpus / "a.md").write_text(_article(_git(repo, "rev-parse", "HEAD")), encoding="utf-8")
    findings = _checks(tmp_path / "corpus", tmp_path / "out", english=repo / "articles")
    assert [f.extra.get("reason") for f in findings if f.check == "source-drift"] == [None]


def test_version_drift_against_a_baseline_tm(tmp_path: Path) -> None:
    old = tmp_path / "old" / "fr-FR"
    old.mkdir(parents=True)
    shutil.copy(QA_CORPUS / "fr-FR" / "articles" / "planted-2.md", old / "a.md")
    build([tmp_path / "old"], tmp_path / "base", BuildOptions(formats=(), qa=False))
    text = (old / "a.md").read_text(encoding="utf-8")
    new = tmp_path / "new" / "fr-FR"
    new.mkdir(parents=True)
    (new / "a.md").write_text(text.replace('"aa002-100">Save the invoice.', '"aa002-100">Save the invoices.')
                              .replace("Validez le journal.", "Comptabilisez le journal."), encoding="utf-8")
    baseline = open_store(tmp_path / "base" / "tm.sqlite", readonly=True)
    try:
        findings = _checks(tmp_path / "new", tmp_path / "out", baseline=baseline)
    finally:
        baseline.close()
    drift = {f.id: f for f in findings if f.check == "version-drift"}
    assert set(drift) == {"aa002-100", "aa002-102"}
    assert drift["aa002-100"].extra["reason"] == "stale-target" and drift["aa002-100"].severity == "warning"
    assert drift["aa002-102"].extra["reason"] == "target-edited" and drift["aa002-102"].severity == "info"


def test_english_paths_match_by_longest_common_suffix(tmp_path: Path) -> None:
    for rel in ("articles/a/index.md", "articles/b/index.md", "articles/x.md", "other/x.md", "solo.md"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("x", encoding="utf-8")
    tree = EnglishTree(tmp_path)
    assert tree.match("fr-FR/articles/a/index.md") == "articles/a/index.md"
    assert tree.match("fr-fr/articles/x.md") == "articles/x.md"
    assert tree.match("fr-FR/index.md") is None  # ambiguous: a/ or b/
    assert tree.match("supplement/fr-FR/docs/guide/x.md") is None  # only the file name in common, twice
    assert tree.match("ja-JP/solo.md") == "solo.md"
    assert tree.match("fr-FR/unknown.md") is None


def test_closest_sentence_and_word_diff() -> None:
    best, score = closest("Select the project.", ["Open the invoice.", "Select the projects now.", "Delete it."])
    assert best == "Select the projects now." and 0.4 < score < 1
    diff = word_diff("Select the project.", "Select the projects now.")
    assert "".join(t for op, t in diff if op != "+") == "Select the project."
    assert "".join(t for op, t in diff if op != "-") == "Select the projects now."
