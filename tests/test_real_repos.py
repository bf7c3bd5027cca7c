"""A real localized repository and a CI log, as a new user meets them (issue 14).

Every test runs the installed ``tmpipe`` as a subprocess on small corpora written here: a
repository cloned under its own name, include files without front matter, several corpus
roots, an English folder, an output folder inside the corpus, a run without a terminal.
"""

from __future__ import annotations

import json
import os
import pty
import re
import sqlite3
import subprocess
from pathlib import Path

import pytest

from conftest import CORPUS, ROOT, TMPIPE, run_tmpipe
from pipeline.build import DEFAULT_FORMATS
from pipeline.engine import cpus_available
from pipeline.export import FORMATS
from pipeline.report import REPORTS


def pair(seg_id: str, target: str, source: str) -> str:
    return (f'<span data-ttu-id="{seg_id}">{target}</span><span class="sxs-lookup">'
            f'<span data-stu-id="{seg_id}">{source}</span></span>')


def article(locale: str | None, pairs: list[tuple[str, str, str]], mt: bool = False) -> str:
    head = "" if locale is None else (f"---\ntitle: T\nms.contentlocale: {locale}\n"
                                      f"ms.translationtype: {'MT' if mt else 'HT'}\n---\n")
    return head + "\n\n".join(pair(*p) for p in pairs) + "\n"


def write(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    return root


FRENCH = [("a1b2c-101", "Bonjour le monde.", "Hello world."), ("a1b2c-102", "Ouvrez le fichier.", "Open the file.")]
INCLUDE = [("f00d1-101", "Remarque importante.", "Important note.")]
JAPANESE = [("a1b2c-101", "こんにちは世界。", "Hello world.")]


def build(corpus: Path | list[Path], out: Path, *args: object, cwd: Path | None = None
          ) -> tuple[subprocess.CompletedProcess[str], dict]:
    roots = corpus if isinstance(corpus, list) else [corpus]
    result = run_tmpipe("build", *roots, "-o", out, *args, cwd=cwd)
    assert result.returncode == 0, result.stderr
    return result, json.loads((out / "manifest.json").read_text(encoding="utf-8"))


def locales_of(out: Path) -> dict[str, tuple[str, str]]:
    db = sqlite3.connect(out / "tm.sqlite")
    try:
        return {path: (locale, source) for path, locale, source in db.execute(
            "SELECT path, locale, locale_from FROM files")}
    finally:
        db.close()


# -- 1. the locale of articles that name none; 10. several roots ----------------------


def test_include_files_take_the_locale_the_roots_articles_agree_on(tmp_path: Path) -> None:
    corpus = write(tmp_path / "skype-fr", {"articles/a.md": article("fr-fr", FRENCH),
                                           "includes/note.md": article(None, INCLUDE)})
    result, manifest = build(corpus, tmp_path / "out", "-f", "tmx", "--no-qa")
    assert locales_of(tmp_path / "out") == {"articles/a.md": ("fr-FR", "article"),
                                            "includes/note.md": ("fr-FR", "other articles")}
    assert set(manifest["extraction"]["by_locale"]) == {"fr-FR"}
    assert [o["path"] for o in manifest["outputs"] if o["format"] == "tmx"] == ["tmx/en-US_fr-FR.tmx"]
    assert "Remarque importante." in (tmp_path / "out" / "tmx" / "en-US_fr-FR.tmx").read_text(encoding="utf-8")
    assert "articles without a locale of their own: 1 took their corpus root's (1 from its other articles)" in result.stdout
    assert manifest["extraction"]["anomalies_by_kind"] == {}
    # a Japanese article joins the root: its articles disagree now, and the include is und again
    write(corpus, {"articles/b.md": article("ja-jp", JAPANESE)})
    result, manifest = build(corpus, tmp_path / "out", "-f", "tmx", "--no-qa")
    assert locales_of(tmp_path / "out")["includes/note.md"] == ("und", "none")
    assert manifest["extraction"]["anomalies_by_kind"] == {"locale": 1}
    db = sqlite3.connect(tmp_path / "out" / "tm.sqlite")
    (message,) = db.execute("SELECT message FROM anomalies WHERE kind = 'locale'").fetchone()
    db.close()
    assert "--locale TAG" in message
    assert "give --locale TAG" in result.stdout


@pytest.mark.parametrize("layout, root, expected", [
    ("OfficeDocs-Contoso-pr.fr-FR", "OfficeDocs-Contoso-pr.fr-FR", "fr-FR"),  # a repository cloned under its name
    ("fr-fr", "fr-fr", "fr-FR"),
    ("docs.ja-jp/content", "docs.ja-jp/content", "ja-JP"),  # an ancestor's name
])
def test_a_root_or_ancestor_folder_name_gives_the_locale(tmp_path: Path, layout: str, root: str,
                                                         expected: str) -> None:
    corpus = write(tmp_path / layout, {"includes/note.md": article(None, INCLUDE)})
    _, manifest = build(tmp_path / root, tmp_path / "out", "-f", "tmx", "--no-qa")
    assert locales_of(tmp_path / "out") == {"includes/note.md": (expected, "folder name")}
    assert manifest["extraction"]["anomalies_by_kind"] == {}
    assert corpus.is_dir()


def test_locale_option_for_every_root_or_one(tmp_path: Path) -> None:
    plain = write(tmp_path / "plain", {"includes/note.md": article(None, INCLUDE)})
    other = write(tmp_path / "other", {"x.md": article(None, INCLUDE)})
    _, manifest = build(plain, tmp_path / "o1", "-f", "tmx", "--no-qa")
    assert locales_of(tmp_path / "o1") == {"includes/note.md": ("und", "none")}
    assert manifest["extraction"]["anomalies_by_kind"] == {"locale": 1}
    _, manifest = build(plain, tmp_path / "o2", "-f", "tmx", "--no-qa", "--locale", "de-de")
    assert locales_of(tmp_path / "o2") == {"includes/note.md": ("de-DE", "--locale")}
    assert manifest["extraction"]["anomalies_by_kind"] == {}
    _, _ = build([plain, other], tmp_path / "o3", "-f", "tmx", "--no-qa", "--locale", "./other/=pt-BR", cwd=tmp_path)
    assert locales_of(tmp_path / "o3") == {"plain/includes/note.md": ("und", "none"),
                                           "other/x.md": ("pt-BR", "--locale")}
    bad = run_tmpipe("build", plain, "-o", tmp_path / "o4", "--locale", "not a tag")
    assert bad.returncode == 2 and "--locale not a tag: not a language tag" in bad.stderr
    stray = run_tmpipe("build", plain, "-o", tmp_path / "o4", "--locale", f"{other}=pt-BR")
    assert stray.returncode == 2 and "not one of the corpus roots given" in stray.stderr
    assert not (tmp_path / "o4").exists()


@pytest.mark.parametrize("name", ["ent-fr", "ci-ja", "skype-fr", "docs-v2.1"])
def test_a_folder_name_that_is_no_locale_gives_none(tmp_path: Path, name: str) -> None:
    """A repository cloned as ``ent-fr``: ``ent`` is no two-letter language, so the include takes the
    locale of the one article that names it (an index without pairs counts too)."""
    corpus = write(tmp_path / name, {"includes/a.md": article(None, INCLUDE), "index.md": article("fr-FR", [])})
    build(corpus, tmp_path / "out", "-f", "tmx", "--no-qa")
    assert locales_of(tmp_path / "out")["includes/a.md"] == ("fr-FR", "other articles")


def test_a_roots_folder_name_is_never_a_locale_folder(tmp_path: Path) -> None:
    """``ci-ja`` is no locale (``ci`` is no language, ``JA`` no region): its articles' own locale and
    their agreement decide, and the include follows them."""
    fr = write(tmp_path / "ci-fr", {"a.md": article("fr-FR", FRENCH), "includes/n.md": article(None, INCLUDE)})
    ja = write(tmp_path / "ci-ja", {"a.md": article("ja-JP", JAPANESE), "includes/n.md": article(None, INCLUDE)})
    _, manifest = build([fr, ja], tmp_path / "out", "-f", "tmx", "--no-qa")
    assert set(manifest["extraction"]["by_locale"]) == {"fr-FR", "ja-JP"}
    assert locales_of(tmp_path / "out") == {
        "ci-fr/a.md": ("fr-FR", "article"), "ci-fr/includes/n.md": ("fr-FR", "other articles"),
        "ci-ja/a.md": ("ja-JP", "article"), "ci-ja/includes/n.md": ("ja-JP", "other articles")}


def test_summary_rows_and_anomalies_by_kind_add_up(tmp_path: Path) -> None:
    corpus = write(tmp_path / "c", {
        "fr-FR/a.md": article("fr-FR", FRENCH) + '<span data-ttu-id="x-9">seul</span>\n',  # an orphan target
        "fr-FR/b.md": "---\ntitle: [unclosed\n---\n" + pair("b-1", "Oui", "Yes") + "\n",  # a file-level finding
        "ja-JP/c.md": article("ja-JP", JAPANESE)})
    result, manifest = build(corpus, tmp_path / "out", "-f", "tmx", "--no-qa")
    ext = manifest["extraction"]
    kinds = ext["anomalies_by_kind"]
    assert set(kinds) == {"orphan-target", "front-matter"}
    assert ext["anomalies"] == sum(kinds.values()) == sum(row["anomalies"] for row in ext["by_locale"].values())
    assert ext["occurrences"] == ext["pairs"] + ext["occurrences_in_anomalies"]
    rows = re.findall(r"anomalies +(\d+)$", result.stdout, re.M)
    assert sum(map(int, rows)) == int(re.search(r"anomalies by kind \((\d+)\)", result.stdout).group(1)) == 2


def test_the_bundled_corpus_readme_is_not_an_article(tmp_path: Path) -> None:
    result, manifest = build(CORPUS, tmp_path / "out", "-f", "tmx", "--no-qa")
    assert "und" not in manifest["extraction"]["by_locale"]
    assert manifest["extraction"]["run"]["not_articles"] == 1
    assert "README.md" not in locales_of(tmp_path / "out")
    assert "not articles: 1 Markdown file(s) with no locale" in result.stdout


# -- 2. no pairs; 3. a mistyped corpus path; 9. exit codes ---------------------------------


def test_a_corpus_without_span_pairs_is_an_error_and_writes_no_tm(tmp_path: Path) -> None:
    english = write(tmp_path / "docs", {"articles/a.md": "---\ntitle: Hello\n---\n# Hello\n\nOpen the file.\n"})
    result = run_tmpipe("build", english, "-o", tmp_path / "out")
    assert result.returncode == 2, result.stderr
    assert "no segment pairs found in 1 article(s)" in result.stderr
    assert "live-sxs" in result.stderr and "--align-with EN_DIR" in result.stderr and "No TM was written" in result.stderr
    assert not (tmp_path / "out").exists()
    # an earlier TM is left as it was
    good = write(tmp_path / "good", {"fr-FR/a.md": article("fr-FR", FRENCH)})
    build(good, tmp_path / "kept", "-f", "tmx", "--no-qa")
    before = (tmp_path / "kept" / "tm.sqlite").read_bytes()
    assert run_tmpipe("build", english, "-o", tmp_path / "kept").returncode == 2
    assert (tmp_path / "kept" / "tm.sqlite").read_bytes() == before
    assert run_tmpipe("stats", tmp_path / "kept", check=True).stdout.count("fr-FR") == 1


def test_qa_on_a_tm_without_pairs_is_an_error(tmp_path: Path) -> None:
    from pipeline.extract import extract_bytes
    from pipeline.store import open_store
    store = open_store(tmp_path / "tm.sqlite")
    store.put(extract_bytes(b"---\nms.contentlocale: fr-FR\n---\nrien\n", "fr-FR/a.md"))
    store.commit()
    store.close()
    result = run_tmpipe("qa", tmp_path / "tm.sqlite", "--fail-on", "error")
    assert result.returncode == 2 and "the TM holds no pairs" in result.stderr


def test_a_mistyped_corpus_path_creates_nothing(tmp_path: Path) -> None:
    result = run_tmpipe("build", tmp_path / "corpsu", "-o", tmp_path / "out")
    assert result.returncode == 2 and "corpus path does not exist" in result.stderr
    assert not (tmp_path / "out").exists()
    (tmp_path / "existing").mkdir()
    assert run_tmpipe("build", tmp_path / "corpsu", "-o", tmp_path / "existing").returncode == 2
    assert list((tmp_path / "existing").iterdir()) == [], "no empty tm.sqlite, no lock"
    for command in (["stats", tmp_path / "existing"], ["qa", tmp_path / "existing"]):
        result = run_tmpipe(*command)
        assert result.returncode == 2 and "no tm.sqlite here" in result.stderr, result.stderr


def test_exit_codes_of_missing_unreadable_tms_and_corpus_folders(tmp_path: Path) -> None:
    (tmp_path / "junk.sqlite").write_bytes(b"not a database, not at all" * 100)
    corpus = write(tmp_path / "corpus", {"fr-FR/a.md": article("fr-FR", FRENCH)})
    cases = [(["stats", tmp_path / "missing.sqlite"], "no such translation memory"),
             (["qa", tmp_path / "junk.sqlite"], "not a tmpipe translation memory"),
             (["export", "--tm", tmp_path / "missing.sqlite", "-f", "tmx", "-o", tmp_path / "o"], "no such"),
             (["qa", corpus], "a corpus folder, not a build's output folder"),
             (["stats", corpus], "tmpipe build")]
    for args, message in cases:
        result = run_tmpipe(*args)
        assert result.returncode == 2, (args, result.stderr)
        assert message in result.stderr and "Traceback" not in result.stderr, result.stderr


# -- 4. qa uses the build's settings --------------------------------------------------------


def test_qa_uses_the_settings_of_the_build_that_wrote_out(tmp_path: Path) -> None:
    corpus = write(tmp_path / "repo-fr", {"articles/a.md": article("fr-FR", FRENCH)})
    english = write(tmp_path / "repo-en", {"articles/a.md": "# Hello\n\nHello world.\n\nOpen the old file.\n"})
    config = tmp_path / "conf" / "tmpipe.toml"
    config.parent.mkdir()
    config.write_text('[qa.checks.untranslated]\nseverity = "info"\n', encoding="utf-8")
    elsewhere = tmp_path / "ci"
    elsewhere.mkdir()
    _, manifest = build(corpus, tmp_path / "out", "-f", "tmx", "--english", english, "--config", config)
    assert manifest["qa"]["english"] == str(english.resolve()) and manifest["qa"]["config"] == str(config.resolve())
    built = json.loads((tmp_path / "out" / "qa" / "qa.json").read_text(encoding="utf-8"))["summary"]
    assert built["by_check"]["source-drift"]["count"] == 1
    result = run_tmpipe("qa", tmp_path / "out", "--fail-on", "warning", cwd=elsewhere)
    assert result.returncode == 1, result.stderr  # the drift finding is a warning: the gate is reached
    assert f"settings of the build: --english {english.resolve()}, --config {config.resolve()}" in result.stdout
    again = json.loads((tmp_path / "out" / "qa" / "qa.json").read_text(encoding="utf-8"))["summary"]
    assert again["by_check"]["source-drift"] == built["by_check"]["source-drift"]
    assert again["by_check"]["untranslated"]["severity"] == "info"
    plain = run_tmpipe("qa", tmp_path / "out", "--ignore-build-settings", "--fail-on", "warning", cwd=elsewhere)
    assert plain.returncode == 0, plain.stderr
    english.rename(tmp_path / "moved")
    gone = run_tmpipe("qa", tmp_path / "out", cwd=elsewhere)
    assert gone.returncode == 2 and "which is gone: give --english again" in gone.stderr
    given = run_tmpipe("qa", tmp_path / "out", "--english", tmp_path / "moved", cwd=elsewhere)
    assert given.returncode == 0 and "settings of the build: --config" in given.stdout


# -- 6. the output folder is never corpus; --include/--exclude ------------------------------


def test_an_output_folder_inside_the_corpus_is_never_read(tmp_path: Path) -> None:
    corpus = write(tmp_path / "c", {"fr-FR/a.md": article("fr-FR", FRENCH)})
    _, first = build(corpus, corpus / "out", "-f", "tmx")
    assert (corpus / "out" / "qa" / "qa.md").is_file()
    _, second = build(corpus, corpus / "out", "-f", "tmx")
    assert second["extraction"]["files"] == first["extraction"]["files"] == 1
    # another build's output folder below the corpus is recognised by its manifest
    build(corpus, corpus / "fr-FR" / "old-out", "-f", "tmx")
    _, third = build(corpus, tmp_path / "elsewhere", "-f", "tmx")
    assert set(locales_of(tmp_path / "elsewhere")) == {"fr-FR/a.md"}
    assert third["extraction"]["run"]["not_articles"] == 0
    as_corpus = run_tmpipe("build", corpus / "out", "-o", tmp_path / "o2")
    assert as_corpus.returncode == 2 and "a tmpipe output folder" in as_corpus.stderr


def test_include_and_exclude_globs(tmp_path: Path) -> None:
    corpus = write(tmp_path / "c", {"fr-FR/a.md": article("fr-FR", FRENCH),
                                    "fr-FR/archive/old.md": article("fr-FR", INCLUDE),
                                    "fr-FR/includes/n.md": article(None, INCLUDE),
                                    "ja-JP/a.md": article("ja-JP", JAPANESE)})
    build(corpus, tmp_path / "o1", "-f", "tmx", "--no-qa", "--exclude", "archive", "--exclude", "ja-JP/*.md")
    assert set(locales_of(tmp_path / "o1")) == {"fr-FR/a.md", "fr-FR/includes/n.md"}
    build(corpus, tmp_path / "o2", "-f", "tmx", "--no-qa", "--include", "includes/*.md", "--include", "/ja-JP")
    assert set(locales_of(tmp_path / "o2")) == {"fr-FR/includes/n.md", "ja-JP/a.md"}
    lines = run_tmpipe("extract", corpus, "--exclude", "fr-FR", check=True).stdout.splitlines()
    assert lines == ["ja-JP/a.md:6: a1b2c-101\tHello world.\tこんにちは世界。"]


# -- 7. progress and the closing summary; 8. --jobs ----------------------------------------


def test_without_a_terminal_each_stage_is_one_line_with_its_time(tmp_path: Path) -> None:
    corpus = write(tmp_path / "c", {"fr-FR/a.md": article("fr-FR", FRENCH, mt=True)})
    result, manifest = build(corpus, tmp_path / "out", "-f", "tmx", "-f", "po")
    stages = re.findall(r"^tmpipe: (.+?): (?:.* in )?(\d+\.\d) s$", result.stderr, re.M)
    assert [label for label, _ in stages][:3] == ["reading articles", "indexing the TM", "committing the TM"]
    assert "tmpipe: reading articles: 1 articles in " in result.stderr
    assert {label for label, _ in stages} >= {"tmx fr-FR", "po fr-FR", "QA"}
    assert "\r" not in result.stderr and "\x1b" not in result.stderr
    counts = json.loads((tmp_path / "out" / "qa" / "qa.json").read_text(encoding="utf-8"))["summary"]["by_severity"]
    assert (f"QA: {counts['error']} errors, {counts['warning']} warnings, {counts['info']} infos:"
            f" {tmp_path / 'out' / 'qa' / 'qa.html'}") in result.stdout
    assert "2 of 2 units are machine translation in every occurrence" in result.stdout
    assert "--split-mt" in result.stdout
    split, _ = build(corpus, tmp_path / "split", "-f", "tmx", "--split-mt", "--no-qa")
    assert "they are in tmx/mt/ (--split-mt)" in split.stdout


def test_on_a_terminal_every_stage_has_a_bar_with_an_eta(tmp_path: Path) -> None:
    corpus = write(tmp_path / "c", {f"fr-FR/a{n}.md": article("fr-FR", [(f"c{n:04x}-1{k:02d}", f"Texte {n} {k}.",
                                                                           f"Text {n} {k}.") for k in range(40)])
                                    for n in range(100)})
    main, child = pty.openpty()
    process = subprocess.Popen([str(TMPIPE), "build", corpus, "-o", tmp_path / "out", "-f", "tmx", "-j", "2"],
                               stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=child,
                               env={**os.environ, "PYTHONWARNINGS": "ignore"})
    os.close(child)
    chunks = []
    while True:
        try:
            data = os.read(main, 65536)
        except OSError:  # the child closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    os.close(main)
    assert process.wait(timeout=120) == 0
    screen = b"".join(chunks).decode("utf-8", "replace")
    for label in ("reading articles", "indexing the TM", "tmx fr-FR", "QA"):
        assert re.search(rf"{re.escape(label)} +\[[#-]+\] +\d+%.* ETA ", screen), label
    assert re.search(r"ETA 0:0\d", screen), "an ETA that counts"
    assert "tmpipe: QA: " in screen


def test_jobs_default_to_the_cpus_available(tmp_path: Path) -> None:
    assert cpus_available() == (os.process_cpu_count() if hasattr(os, "process_cpu_count")  # type: ignore[attr-defined]
                                else len(os.sched_getaffinity(0)))
    result = subprocess.run([str(TMPIPE), "build", "--help"], capture_output=True, text=True,
                            preexec_fn=lambda: os.sched_setaffinity(0, {min(os.sched_getaffinity(0))}))
    assert "Default: the CPUs available to tmpipe (1 here)" in " ".join(result.stdout.split())


# -- 11. --english ------------------------------------------------------------------------------


def _english_layout(tmp_path: Path) -> tuple[list[Path], Path]:
    fr = write(tmp_path / "ci-fr", {"top.md": article("fr-FR", FRENCH),
                                    "guide/deep.md": article("fr-FR", [("d0d0d-101", "Étape un.", "Step one.")])})
    ja = write(tmp_path / "ci-ja", {"top.md": article("ja-JP", JAPANESE)})
    english = write(tmp_path / "ci-en" / "ci-docs", {"top.md": "Hello world.\n\nOpen the file.\n",
                                                     "guide/deep.md": "Step one.\n"})
    return [fr, ja], english


@pytest.mark.parametrize("folder", ["ci-en", "ci-en/ci-docs"])
def test_english_matches_from_the_repository_or_its_content_folder(tmp_path: Path, folder: str) -> None:
    roots, _ = _english_layout(tmp_path)
    result, manifest = build(roots, tmp_path / "out", "-f", "tmx", "--english", tmp_path / folder)
    assert manifest["qa"]["english_coverage"]["matched"] == 3
    assert f"english: 3 of 3 articles matched in {tmp_path / folder}" in result.stdout
    qa = run_tmpipe("qa", tmp_path / "out")
    assert qa.returncode == 0 and "3 of 3 articles have an English article" in qa.stdout


def test_unmatched_articles_are_counted_and_listed(tmp_path: Path) -> None:
    roots, english = _english_layout(tmp_path)
    (english / "guide" / "deep.md").unlink()
    result, manifest = build(roots, tmp_path / "out", "-f", "tmx", "--english", english)
    assert manifest["qa"]["english_coverage"]["unmatched"] == ["ci-fr/guide/deep.md"]
    assert "2 of 3 articles matched" in result.stdout and "1 unmatched" in result.stdout
    report = json.loads((tmp_path / "out" / "qa" / "qa.json").read_text(encoding="utf-8"))
    assert [f["file"] for f in report["findings"] if f.get("reason") == "no-english"] == ["ci-fr/guide/deep.md"]


def test_an_english_folder_that_matches_nothing_warns_and_fails_qa(tmp_path: Path) -> None:
    roots, _ = _english_layout(tmp_path)
    unrelated = write(tmp_path / "elsewhere", {"other/thing.md": "Nothing here.\n"})
    result, manifest = build(roots, tmp_path / "out", "-f", "tmx", "--english", unrelated)
    assert "tmpipe: warning: --english" in result.stderr and "0 of 3 articles" in result.stderr
    assert manifest["warnings"] and manifest["qa"]["english_coverage"]["matched"] == 0
    qa = run_tmpipe("qa", tmp_path / "out")
    assert qa.returncode == 2 and "0 of 3 articles have an English article" in qa.stderr


def test_no_close_sentence_below_the_similarity_threshold(tmp_path: Path) -> None:
    corpus = write(tmp_path / "repo-fr", {"a.md": article("fr-FR", [
        ("e1-101", "Ouvrez le fichier de configuration.", "Open the configuration file."),
        ("e1-102", "Redémarrez le serveur ce soir.", "Restart the server tonight.")])})
    english = write(tmp_path / "repo-en", {"a.md": "Open the configuration files.\n\nBananas are yellow and sweet.\n"})
    build(corpus, tmp_path / "out", "-f", "tmx", "--english", english)
    report = json.loads((tmp_path / "out" / "qa" / "qa.json").read_text(encoding="utf-8"))
    drift = {f["id"]: f for f in report["findings"] if f["check"] == "source-drift"}
    assert drift["e1-101"]["english"] == "Open the configuration files." and drift["e1-101"]["similarity"] >= 0.5
    assert drift["e1-102"]["english"] is None and drift["e1-102"]["similarity"] < 0.5
    assert "no close sentence" in drift["e1-102"]["message"] and drift["e1-102"]["diff"] == []


# -- 12. extract: one line per pair ------------------------------------------------------------


def test_extract_text_is_one_line_per_pair(tmp_path: Path) -> None:
    corpus = write(tmp_path / "c", {"fr-FR/a.md": article("fr-FR", FRENCH) + pair(
        "m-1", "Deux\nlignes\tet \\ fin", "Two\r\nlines\tand \\ end") + "\n"})
    lines = run_tmpipe("extract", corpus, check=True).stdout.splitlines()
    assert len(lines) == 3
    assert lines[2] == "fr-FR/a.md:9: m-1\tTwo\\r\\nlines\\tand \\\\ end\tDeux\\nlignes\\tet \\\\ fin"
    assert all(line.count("\t") == 2 for line in lines)


# -- 13. small things ---------------------------------------------------------------------------


def test_formats_lists_exports_and_reports_with_descriptions() -> None:
    lines = run_tmpipe("formats", check=True).stdout.splitlines()
    for name in [*FORMATS, *REPORTS]:
        (line,) = [line for line in lines if re.match(rf"^  [* ] {re.escape(name)} ", line)]
        assert len(line.split(None, 2)[-1]) > 20, line
        assert line.startswith("  *") == (name in DEFAULT_FORMATS or name in REPORTS)


def test_build_accepts_report_formats(tmp_path: Path) -> None:
    corpus = write(tmp_path / "c", {"fr-FR/a.md": article("fr-FR", FRENCH)})
    _, manifest = build(corpus, tmp_path / "out", "-f", "qa-html", "-f", "tmx")
    assert {o["format"] for o in manifest["outputs"]} == {"sqlite", "tmx", "qa-html"}
    assert sorted(p.name for p in (tmp_path / "out" / "qa").iterdir()) == ["qa.html"]
    bad = run_tmpipe("build", corpus, "-o", tmp_path / "o2", "-f", "qa-html", "--no-qa")
    assert bad.returncode == 2 and "needs QA" in bad.stderr


def test_the_readme_lists_the_default_formats() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    (sentence,) = re.findall(r"by default \(([^)]*)\)", readme)
    assert re.findall(r"`([\w.-]+)`", sentence) == list(DEFAULT_FORMATS)

def test_a_baseline_of_other_locales_or_files_warns(tmp_path: Path) -> None:
    fr = write(tmp_path / "fr", {"fr-FR/a.md": article("fr-FR", FRENCH)})
    ja = write(tmp_path / "ja", {"ja-JP/a.md": article("ja-JP", JAPANESE)})
    other = write(tmp_path / "other", {"fr-FR/b.md": article("fr-FR", FRENCH)})
    build(ja, tmp_path / "ja-out", "-f", "tmx", "--no-qa")
    build(other, tmp_path / "other-out", "-f", "tmx", "--no-qa")
    result, _ = build(fr, tmp_path / "out", "-f", "tmx", "--baseline", tmp_path / "ja-out" / "tm.sqlite")
    assert "tmpipe: warning: --baseline" in result.stderr and "locales (ja-JP) are not this TM's" in result.stderr
    qa = run_tmpipe("qa", tmp_path / "out", "--baseline", tmp_path / "other-out" / "tm.sqlite")
    assert qa.returncode == 0 and "none of its 1 articles is one of this TM's 1" in qa.stderr


# -- the same on the shared dev corpus ----------------------------------------------------------


@pytest.mark.shared
def test_dev_corpus_locale_folder_root_and_english_coverage(dev_corpus: Path, tmp_path: Path) -> None:
    """One locale folder of the dev corpus given as the root: its name is the locale; the English
    of a year later matches the articles it still has (``index.tsv`` says which)."""
    result, manifest = build(dev_corpus / "fr-FR", tmp_path / "out", "-f", "tmx",
                             "--english", dev_corpus / "en-US" / "later")
    assert set(manifest["extraction"]["by_locale"]) == {"fr-FR"}
    rows = [line.split("\t") for line in (dev_corpus / "en-US" / "index.tsv").read_text().splitlines()[1:]]
    gone = sorted(path for path, _, _, later in rows if later == "no")
    coverage = manifest["qa"]["english_coverage"]
    assert coverage["matched"] == len(rows) - len(gone) and coverage["unmatched"] == gone
    report = json.loads((tmp_path / "out" / "qa" / "qa.json").read_text(encoding="utf-8"))
    drift = [f for f in report["findings"] if f["check"] == "source-drift" and f["line"]]
    assert drift and all((f["english"] is None) == (f["similarity"] < 0.5) for f in drift)
