"""PO specifics: contexts that never collide, references, MT as fuzzy, whitespace, header."""

from __future__ import annotations

import json

import polib
import pytest

from pipeline.export.po import gettext_language
from support.builds import EDGE_CORPUS, Built, build_once


@pytest.fixture(scope="module")
def edge(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return build_once(tmp_path_factory, EDGE_CORPUS, "--split-mt", "--multilingual")


@pytest.fixture(scope="module")
def french(edge: Built) -> polib.POFile:
    return polib.pofile(str(edge.out / "po/fr-FR.po"))


def test_header(edge: Built, french: polib.POFile) -> None:
    meta = french.metadata
    assert meta["Language"] == "fr_FR"
    assert meta["Content-Type"] == "text/plain; charset=UTF-8"
    assert meta["X-Generator"] == f"tmpipe {edge.manifest['version']}"
    entry = next(o for o in edge.manifest["outputs"] if o["path"] == "po/fr-FR.po")
    assert json.loads(meta["X-Tmpipe-Signature"]) == entry["signature"]
    assert meta["PO-Revision-Date"] == "2024-06-10 06:13+0000"
    assert polib.pofile(str(edge.out / "po/sr-Latn-RS.po")).metadata["Language"] == "sr_RS@latin"


def test_one_entry_per_occurrence_with_its_reference(edge: Built, french: polib.POFile) -> None:
    store = edge.store()
    rows = list(store.segments("fr-FR"))
    store.close()
    assert len(french) == len(rows)
    for entry, row in zip(french, rows):
        path = row.article.path
        assert entry.occurrences == [(path, str(row.line))]
        assert entry.msgctxt in (row.id, f"{path}#{row.id}") or entry.msgctxt.startswith(f"{path}#{row.id}.")


def test_contexts_never_collide(french: polib.POFile) -> None:
    keys = [(e.msgctxt, e.msgid) for e in french]
    assert len(keys) == len(set(keys))
    contexts = [e.msgctxt for e in french if e.msgid in ("Shared", "Export the report.")]
    assert contexts == ["fr-FR/guide.md#e1a2b-112", "fr-FR/repeated.md#e1a2b-112",
                        "fr-FR/repeated.md#e1a2b-114", "fr-FR/repeated.md#e1a2b-114.2"]
    assert french.find("Export guide", by="msgid", msgctxt="e1a2b-101") is not None, "plain id when unique"


def test_machine_translation_is_fuzzy_and_said_so(french: polib.POFile) -> None:
    for entry in french:
        mt = entry.occurrences[0][0].endswith("repeated.md")
        assert entry.fuzzy == mt
        assert entry.comment.splitlines()[0] == ("MT: machine translation, needs review" if mt else "HT")


def test_messages_are_raw_markdown_without_outer_whitespace(french: polib.POFile) -> None:
    entry = french.find("e1a2b-110", by="msgctxt")
    assert entry.msgid == "<strong>Find</strong> an entry by amount,\ndate, or account."
    ws = json.loads(entry.comment.splitlines()[1].split(": ", 1)[1])
    assert ws == {"source": ["\n", "\n"], "target": ["\n", "\n"]}
    assert french.find("e1a2b-102", by="msgctxt").msgid == "Select **File** &gt; **Save** to _save_ the report."
    assert all(e.msgid == e.msgid.strip() and e.msgstr == e.msgstr.strip() for e in french)


@pytest.mark.parametrize("tag, name", [
    ("fr-FR", "fr_FR"), ("sr-Latn-RS", "sr_RS@latin"), ("sr-Cyrl-RS", "sr_RS@cyrillic"),
    ("zh-Hans-CN", "zh_CN"), ("es-419", "es_419"), ("de", "de"), ("und", "und"),
])
def test_gettext_language_names(tag: str, name: str) -> None:
    assert gettext_language(tag) == name
