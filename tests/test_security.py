"""Nothing from a corpus is executed or escapes the output directory; XML is read safely."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import run_tmpipe
from pipeline.errors import InputError
from pipeline.xmlsafe import parse

BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<tmx version="1.4"><body><tu><tuv xml:lang="en"><seg>&lol4;</seg></tuv></tu></body></tmx>
"""


def test_entity_bombs_are_refused(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.tmx"
    bomb.write_text(BILLION_LAUGHS)
    with pytest.raises(InputError, match=r"bomb.tmx:1: XML declares entities"):
        parse(bomb)


def test_external_entities_are_not_read(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET")
    xxe = tmp_path / "xxe.tmx"
    xxe.write_text(f'<?xml version="1.0"?><!DOCTYPE t [<!ENTITY x SYSTEM "file://{secret}">]>'
                   "<tmx><body><seg>&x;</seg></body></tmx>")
    with pytest.raises(InputError):
        parse(xxe)
    from lxml import etree
    from pipeline.xmlsafe import parser
    tree = etree.parse(str(xxe), parser())  # even the raw parser never expands it
    assert "TOP-SECRET" not in etree.tostring(tree, encoding="unicode")


def test_malformed_xml_error_names_file_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.xlf"
    bad.write_text("<xliff>\n<file>\n<unit>&</unit></file></xliff>")
    with pytest.raises(InputError, match=r"bad.xlf:3: not well-formed XML"):
        parse(bad)


def test_hostile_paths_and_locales_stay_inside_the_output(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus" / "fr-FR"
    corpus.mkdir(parents=True)
    pair = ('<span data-ttu-id="../../x-1">Oui</span><span class="sxs-lookup">'
            '<span data-stu-id="../../x-1">Yes</span></span>\n')
    (corpus / "..evil$(touch pwned).md").write_text(
        "---\nms.contentlocale: ../../../tmp/evil\n---\n" + pair, encoding="utf-8")
    out = tmp_path / "out"
    result = run_tmpipe("build", tmp_path / "corpus", "-o", out, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    for output in manifest["outputs"]:
        target = (out / output["path"]).resolve()
        assert target.is_relative_to(out.resolve()), output
    written = {p.resolve() for p in tmp_path.rglob("*")} - {p.resolve() for p in (tmp_path / "corpus").rglob("*")}
    assert all(p.is_relative_to(out.resolve()) or p == out.resolve() or p == (tmp_path / "corpus").resolve()
               for p in written), sorted(written)
    assert not (tmp_path / "pwned").exists()
    assert set(manifest["extraction"]["by_locale"]) == {"fr-FR"}
