"""Bad input: every case gives an exact, located outcome; the rest of the corpus is still built.

Each case writes one bad file next to a good article, runs ``tmpipe build`` as a
subprocess and checks: exit 0 with no traceback, the good article's pairs are all
there, ``occurrences = pairs + occurrences_in_anomalies`` holds, the anomalies add up to
``anomalies_by_kind`` (in all and over the locales), and the bad file's findings are
exactly the expected ``(kind, line)`` list.
"""

from __future__ import annotations

import codecs
import json
import os
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import CORPUS, run_tmpipe

GOOD = CORPUS / "fr-FR" / "unable-to-sign-in.md"
GOOD_PAIRS = 12
HEAD = "---\ntitle: Titre\nms.contentlocale: fr-FR\nms.translationtype: HT\n---\n"


def pair(seg_id: str, target: str, source: str) -> str:
    return (f'<span data-ttu-id="{seg_id}">{target}</span><span class="sxs-lookup">'
            f'<span data-stu-id="{seg_id}">{source}</span></span>')


BODY = f"{pair('b0b0b-101', 'Un', 'One')}\n\n{pair('b0b0b-102', 'Deux', 'Two')}\n"


def build(tmp_path: Path, write: Callable[[Path], None]) -> tuple[dict, list[tuple[str, str, int]]]:
    corpus = tmp_path / "corpus"
    (corpus / "fr-FR").mkdir(parents=True)
    (corpus / "fr-FR" / "good.md").write_bytes(GOOD.read_bytes())
    write(corpus / "fr-FR")
    result = run_tmpipe("build", corpus, "-o", tmp_path / "out", "-f", "csv")
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text(encoding="utf-8"))
    ext = manifest["extraction"]
    assert ext["occurrences"] == ext["pairs"] + ext["occurrences_in_anomalies"]
    assert ext["anomalies"] == sum(ext["anomalies_by_kind"].values()) == sum(
        row["anomalies"] for row in ext["by_locale"].values())
    db = sqlite3.connect(tmp_path / "out" / "tm.sqlite")
    try:
        good = db.execute("SELECT COUNT(*) FROM segments WHERE file = 'fr-FR/good.md'").fetchone()[0]
        findings = list(db.execute(
            "SELECT f.path, a.kind, a.line FROM anomalies a JOIN files f ON f.id = a.file_id"
            " WHERE f.path != 'fr-FR/good.md' ORDER BY f.path, a.line, a.kind"))
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    finally:
        db.close()
    assert good == GOOD_PAIRS, "the rest of the corpus is processed"
    return manifest, findings


def pairs_of(tmp_path: Path, path: str) -> list[tuple[str, str, str]]:
    db = sqlite3.connect(tmp_path / "out" / "tm.sqlite")
    try:
        return list(db.execute("SELECT id, target_raw, source_raw FROM segments WHERE file = ? ORDER BY seq", (path,)))
    finally:
        db.close()


def test_invalid_utf8_is_replaced_and_reported_at_its_line(tmp_path: Path) -> None:
    data = (HEAD + BODY).encode().replace(b"Deux", b"De\xffux")
    _, findings = build(tmp_path, lambda d: (d / "bad.md").write_bytes(data))
    assert findings == [("fr-FR/bad.md", "encoding", 8)]
    assert pairs_of(tmp_path, "fr-FR/bad.md")[1][1] == "De\ufffdux"


@pytest.mark.parametrize("encode", [
    lambda text: codecs.BOM_UTF8 + text.encode("utf-8"),
    lambda text: codecs.BOM_UTF16_LE + text.encode("utf-16-le"),
    lambda text: codecs.BOM_UTF16_BE + text.encode("utf-16-be"),
    lambda text: text.encode("utf-16-le"),  # no BOM
], ids=["utf-8-bom", "utf-16-le-bom", "utf-16-be-bom", "utf-16-le-no-bom"])
def test_boms_and_utf16_are_read(tmp_path: Path, encode: Callable[[str], bytes]) -> None:
    manifest, findings = build(tmp_path, lambda d: (d / "bom.md").write_bytes(encode(HEAD + BODY)))
    assert findings == []
    assert [p[0] for p in pairs_of(tmp_path, "fr-FR/bom.md")] == ["b0b0b-101", "b0b0b-102"]
    assert manifest["extraction"]["by_locale"]["fr-FR"]["files"] == 2


@pytest.mark.parametrize("newline", ["\r\n", "\r"], ids=["crlf", "lone-cr"])
def test_crlf_and_lone_cr_line_ends_count_lines(tmp_path: Path, newline: str) -> None:
    text = (HEAD + "\n" + BODY).replace("\n", newline)
    _, findings = build(tmp_path, lambda d: (d / "eol.md").write_bytes(text.encode()))
    assert findings == []
    db = sqlite3.connect(tmp_path / "out" / "tm.sqlite")
    assert list(db.execute("SELECT line FROM segments WHERE file = 'fr-FR/eol.md' ORDER BY seq")) == [(7,), (9,)]
    db.close()


def test_control_characters_are_reported_once_per_line(tmp_path: Path) -> None:
    text = HEAD + pair("c0c0c-101", "Bip\x07 et\x0b", "Beep\x07") + "\n"
    _, findings = build(tmp_path, lambda d: (d / "ctrl.md").write_text(text, encoding="utf-8"))
    assert findings == [("fr-FR/ctrl.md", "illegal-char", 6)]
    assert pairs_of(tmp_path, "fr-FR/ctrl.md")[0][1] == "Bip\x07 et\x0b", "the TM keeps the text as written"


def test_unterminated_front_matter(tmp_path: Path) -> None:
    text = "---\ntitle: Titre\nms.contentlocale: fr-FR\n" + BODY
    _, findings = build(tmp_path, lambda d: (d / "fm.md").write_text(text, encoding="utf-8"))
    assert findings == [("fr-FR/fm.md", "front-matter", 1)]
    assert len(pairs_of(tmp_path, "fr-FR/fm.md")) == 2


def test_yaml_that_does_not_parse(tmp_path: Path) -> None:
    text = "---\ntitle: Titre\nms.date: [07/30/2020\nms.contentlocale: fr-FR\n---\n" + BODY
    _, findings = build(tmp_path, lambda d: (d / "yaml.md").write_text(text, encoding="utf-8"))
    assert findings == [("fr-FR/yaml.md", "front-matter", 4)]
    assert len(pairs_of(tmp_path, "fr-FR/yaml.md")) == 2, "locale from the folder, pairs still read"


def test_span_that_never_closes_at_end_of_file(tmp_path: Path) -> None:
    text = HEAD + BODY + '<span data-ttu-id="b0b0b-103">Trois</span><span class="sxs-lookup"><span data-stu-id="b0b0b-103">Thr'
    _, findings = build(tmp_path, lambda d: (d / "eof.md").write_text(text, encoding="utf-8"))
    assert findings == [("fr-FR/eof.md", "unterminated", 9)]


def test_broken_quoting_that_swallows_pairs(tmp_path: Path) -> None:
    text = (HEAD + '<span data-ttu-id="b0b0b-103&quot;>Trois</span><span class=&quot;sxs-lookup&quot;>'
            '<span data-stu-id=&quot;b0b0b-103&quot;>Three</span></span>\n'
            '<span data-ttu-id=&quot;b0b0b-104&quot;>Quatre</span><span class=&quot;sxs-lookup&quot;>'
            '<span data-stu-id=&quot;b0b0b-104&quot;>Four</span></span> "\n' + BODY)
    _, findings = build(tmp_path, lambda d: (d / "quote.md").write_text(text, encoding="utf-8"))
    assert findings == [("fr-FR/quote.md", "broken-quote", 6), ("fr-FR/quote.md", "swallowed", 7)]
    assert [p[0] for p in pairs_of(tmp_path, "fr-FR/quote.md")] == ["b0b0b-101", "b0b0b-102"]


def test_duplicate_ids_in_one_file_keep_both_pairs(tmp_path: Path) -> None:
    text = HEAD + BODY + "\n" + pair("b0b0b-101", "Un encore", "One again") + "\n"
    _, findings = build(tmp_path, lambda d: (d / "dup.md").write_text(text, encoding="utf-8"))
    assert findings == [("fr-FR/dup.md", "duplicate-id", 6), ("fr-FR/dup.md", "duplicate-id", 10)]
    assert [p[0] for p in pairs_of(tmp_path, "fr-FR/dup.md")] == ["b0b0b-101", "b0b0b-102", "b0b0b-101"]


def test_empty_file(tmp_path: Path) -> None:
    manifest, findings = build(tmp_path, lambda d: (d / "empty.md").write_bytes(b""))
    assert findings == [] and manifest["extraction"]["files"] == 2


def test_fifty_megabyte_single_line(tmp_path: Path) -> None:
    filler = "x" * 2_500
    count = 20_000
    line = "".join(f"{pair(f'f1f1f-{n}', f'Cible {n}', f'Source {n}')}{filler}" for n in range(count))
    assert len(line) > 50_000_000
    _, findings = build(tmp_path, lambda d: (d / "huge.md").write_text(HEAD + line, encoding="utf-8"))
    assert findings == []
    db = sqlite3.connect(tmp_path / "out" / "tm.sqlite")
    assert db.execute("SELECT COUNT(*), MIN(line), MAX(line) FROM segments WHERE file = 'fr-FR/huge.md'"
                      ).fetchone() == (count, 6, 6)
    db.close()


def test_binary_file_named_md(tmp_path: Path) -> None:
    data = bytes(range(256)) * 40
    _, findings = build(tmp_path, lambda d: (d / "image.md").write_bytes(data))
    assert findings == [("fr-FR/image.md", "binary", 0)]


def test_directory_symlink_loop_is_reported_not_followed(tmp_path: Path) -> None:
    def write(folder: Path) -> None:
        (folder / "sub").mkdir()
        (folder / "sub" / "loop").symlink_to(folder, target_is_directory=True)
    _, findings = build(tmp_path, write)
    assert findings == [("fr-FR/sub/loop", "skipped", 0)]


def test_symlink_out_of_the_corpus_is_not_followed(tmp_path: Path) -> None:
    outside = tmp_path / "secret.md"
    outside.write_text(HEAD + BODY, encoding="utf-8")
    _, findings = build(tmp_path, lambda d: (d / "link.md").symlink_to(outside))
    assert findings == [("fr-FR/link.md", "skipped", 0)]
    assert pairs_of(tmp_path, "fr-FR/link.md") == []


def test_dangling_symlink_is_a_read_error(tmp_path: Path) -> None:
    _, findings = build(tmp_path, lambda d: (d / "gone.md").symlink_to(d / "missing.md"))
    assert findings == [("fr-FR/gone.md", "read-error", 0)]


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their permissions")
def test_unreadable_file(tmp_path: Path) -> None:
    def write(folder: Path) -> None:
        (folder / "locked.md").write_text(HEAD + BODY, encoding="utf-8")
        (folder / "locked.md").chmod(0)
    _, findings = build(tmp_path, write)
    assert findings == [("fr-FR/locked.md", "read-error", 0)]


def test_unreadable_file_in_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The same outcome as above, whoever runs the tests: the read itself fails."""
    from pipeline.extraction import extract_source
    from pipeline.corpus import Source
    path = tmp_path / "locked.md"
    path.write_text(HEAD + BODY, encoding="utf-8")

    def denied(self: Path) -> bytes:
        raise PermissionError(13, "Permission denied", str(self))
    monkeypatch.setattr(Path, "read_bytes", denied)
    doc = extract_source(Source(path, "fr-FR/locked.md"))
    assert not isinstance(doc, str)
    assert [(a.kind, a.message) for a in doc.anomalies] == [("read-error", "cannot read: Permission denied")]


def test_content_locale_that_is_not_a_tag_is_ignored(tmp_path: Path) -> None:
    text = HEAD.replace("ms.contentlocale: fr-FR", "ms.contentlocale: ../../etc") + BODY
    manifest, findings = build(tmp_path, lambda d: (d / "loc.md").write_text(text, encoding="utf-8"))
    assert findings == [("fr-FR/loc.md", "locale", 0)]
    assert set(manifest["extraction"]["by_locale"]) == {"fr-FR"}


def test_corpus_that_does_not_exist(tmp_path: Path) -> None:
    result = run_tmpipe("build", tmp_path / "nope", "-o", tmp_path / "out")
    assert result.returncode == 2
    assert result.stderr.strip() == f"tmpipe: error: {tmp_path / 'nope'}: corpus path does not exist"


def test_output_directory_that_is_not_writable(tmp_path: Path) -> None:
    (tmp_path / "plain-file").write_text("x")
    result = run_tmpipe("build", CORPUS, "-o", tmp_path / "plain-file" / "out")
    assert result.returncode == 3
    assert len(result.stderr.strip().splitlines()) == 1
    assert "cannot write output directory" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes whatever the permissions")
def test_read_only_output_directory(tmp_path: Path) -> None:
    out = tmp_path / "ro"
    out.mkdir()
    out.chmod(0o555)
    result = run_tmpipe("build", CORPUS, "-o", out)
    assert result.returncode == 3 and "Traceback" not in result.stderr
