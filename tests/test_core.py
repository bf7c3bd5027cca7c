"""The compiled core against the pure-Python reference: same Pairs, Anomalies, Segments and Documents
for the fixtures, the bundled corpus, the dev corpus and generated text; which core is in use and why;
and an install without a C compiler, which must give a working pure-Python tmpipe."""

from __future__ import annotations

import hashlib
import importlib
import os
import shutil
import subprocess
import sys
import types
import zipfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import CORPUS, ROOT, TMPIPE
from test_inline import SEGMENTS
from test_inline import _cases as inline_cases
from test_spans import NOISE, articles
from test_spans import _cases as span_cases

from pipeline import core
from pipeline.extract import document, inline, spans
from pipeline.model import Document

cinline = pytest.importorskip("pipeline.extract.cinline", reason="the compiled core is not built")
cspans = pytest.importorskip("pipeline.extract.cspans", reason="the compiled core is not built")

FIXTURES = ROOT / "tests" / "fixtures"


def _extract_both(data: bytes, path: str, monkeypatch: pytest.MonkeyPatch) -> tuple[Document, Document]:
    """``extract_bytes`` with the reference scanner, then with the compiled one."""
    found = []
    for scanner in (spans.scan_pairs, cspans.scan_pairs):
        monkeypatch.setattr(document, "scan_pairs", scanner)
        found.append(document.extract_bytes(data, path))
    return found[0], found[1]


def _articles(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.suffix in (".md", ".markdown") and p.is_file())


def test_extraction_uses_the_core_in_use() -> None:
    expected = cspans.scan_pairs if core.compiled() else spans.scan_pairs
    assert document.scan_pairs is expected
    assert document._illegal_chars is (cspans.illegal_chars if core.compiled() else document.illegal_chars)
    from pipeline.extract import parse_segment
    assert parse_segment is (cinline.parse_segment if core.compiled() else inline.parse_segment)


def test_compiled_core_is_in_use_where_it_was_built() -> None:
    """A built module that the switch does not pick (stale, broken) would leave the suite testing the
    pure-Python core twice without a word: here it fails instead."""
    if os.environ.get(core.PURE_ENV):
        assert not core.compiled() and core.describe() == f"pure Python: {core.PURE_ENV} is set"
    else:
        assert core.compiled(), core.describe()


def _environ(**changes: str) -> dict[str, str]:
    """This process's environment without TMPIPE_PURE, with ``changes``."""
    return {**{k: v for k, v in os.environ.items() if k != core.PURE_ENV}, **changes}


@pytest.mark.parametrize("pure", [False, True], ids=["default", "TMPIPE_PURE"])
def test_version_names_the_core(pure: bool) -> None:
    env = _environ(**{core.PURE_ENV: "1"}) if pure else _environ()
    done = subprocess.run([str(TMPIPE), "--version"], capture_output=True, text=True, env=env, check=True)
    name = "pure Python: TMPIPE_PURE is set" if pure else "compiled"
    assert done.stdout.strip() == f"tmpipe 0.1.0 (core: {name})"


def test_a_module_built_from_another_source_is_stale(tmp_path: Path) -> None:
    source = tmp_path / "compiled.pyx"
    source.write_text("# one version\n")
    extension = tmp_path / "compiled.cpython-311-x86_64-linux-gnu.so"
    extension.write_bytes(b"\x7fELF...\0" + hashlib.sha256(source.read_bytes()).hexdigest().encode() + b"\0...")
    assert not core.stale(extension)
    source.write_text("# another version\n")
    assert core.stale(extension)
    source.unlink()  # an installed wheel has no .pyx: nothing to compare with
    assert not core.stale(extension)


def test_built_modules_are_found_without_importing_them(tmp_path: Path) -> None:
    import importlib.machinery
    assert core.built("pipeline.export.cnone", tmp_path) is None
    (tmp_path / "export").mkdir()
    made = tmp_path / "export" / f"cnone{importlib.machinery.EXTENSION_SUFFIXES[0]}"
    made.write_bytes(b"")
    assert core.built("pipeline.export.cnone", tmp_path) == made


@pytest.mark.parametrize("name", core.MODULES)
def test_every_module_is_built_from_its_source(name: str) -> None:
    """What the switch reads from the files (no import) is what the modules say once imported."""
    extension = core.built(name)
    assert extension is not None and not core.stale(extension)
    module = importlib.import_module(name)
    assert Path(module.__file__ or "") == extension
    assert module.SOURCE_SHA256 == hashlib.sha256(extension.with_name(name.rsplit(".", 1)[1] + ".pyx").read_bytes()).hexdigest()


@pytest.mark.parametrize("first", ["pipeline.store", "pipeline.export", "pipeline.extract", "pipeline.qa",
                                   "pipeline.cli", "pipeline.build"])
def test_the_core_is_the_same_whatever_is_imported_first(first: str) -> None:
    """A compiled module imports the pure modules it twins, which ask for twins as they are imported:
    whichever package a process imports first, every twin is the compiled one (or, with TMPIPE_PURE,
    every one the pure one)."""
    probe = (f"import {first}, sys, pipeline.cli\nfrom pipeline import core\n"
             "loaded = sorted(m for m in core.MODULES if m in sys.modules)\n"
             "print(core.describe(), loaded == sorted(core.MODULES))")
    for env, expected in ((_environ(), "compiled True"), (_environ(**{core.PURE_ENV: "1"}), "pure Python: TMPIPE_PURE is set False")):
        done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env, cwd=ROOT)
        assert done.stdout.strip() == expected, done.stderr[-2000:]


@pytest.mark.parametrize("module", [cinline, cspans], ids=["cinline", "cspans"])
def test_the_built_module_matches_its_source(module: types.ModuleType) -> None:
    source = Path(module.__file__ or "").with_name(module.__name__.rsplit(".", 1)[1] + ".pyx")
    assert module.SOURCE_SHA256 == hashlib.sha256(source.read_bytes()).hexdigest()


@pytest.mark.parametrize("article, expected", span_cases())
def test_span_fixtures_both_ways(article: str, expected: list) -> None:
    assert list(cspans.scan_pairs(article)) == list(spans.scan_pairs(article))


@pytest.mark.parametrize("raw, expected", inline_cases())
def test_inline_fixtures_both_ways(raw: str, expected: list[str]) -> None:
    assert cinline.parse_segment(raw) == inline.parse_segment(raw)


@pytest.mark.parametrize("root", [CORPUS, FIXTURES], ids=["corpus", "fixtures"])
def test_project_articles_give_identical_documents(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    paths = _articles(root)
    assert len(paths) >= 5
    for path in paths:
        pure, fast = _extract_both(path.read_bytes(), path.relative_to(root).as_posix(), monkeypatch)
        assert pure == fast, path


@pytest.mark.shared
def test_dev_corpus_gives_identical_documents(dev_corpus: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    paths = _articles(dev_corpus)
    pairs = 0
    for path in paths:
        pure, fast = _extract_both(path.read_bytes(), path.relative_to(dev_corpus).as_posix(), monkeypatch)
        assert pure == fast, path
        pairs += len(pure.pairs)
    assert pairs > 10_000


# Characters where a hand-written recognizer and a regular expression may part: Unicode spaces
# (\x1c-\x1f, \x85, U+2028 are str.isspace), letters that case-fold to ASCII, NUL, astral characters.
TRICKY = st.sampled_from(list("\x1c\x1f\x85\u2028\u3000\u00a0\u212a\u0130\u0131\u017f\x00\U0001f600\t\r\n"))
SEGMENTS_TRICKY = st.lists(st.one_of(SEGMENTS, TRICKY, st.sampled_from([
    "<xref:a>", "<XREF:", "<https://x>", "<HTTP:", "<mailto:a@b>", "[!include[a](b)]", "[!INCLUDE [a](b)]",
    "``", "```", "`` a ``", "![", "](a \"t\")", "](a 'b')", "](a (b))", "<a\n href=x>", "</a >", "<b/>",
    "<!-- x -->", "<!---->", "\\`", "\\\\", "***", "____", "**_", "<kbd>", "<img src=x>", "</span >",
])), max_size=12).map("".join)


@settings(max_examples=1500, deadline=None)
@given(SEGMENTS_TRICKY)
def test_generated_segments_both_ways(raw: str) -> None:
    assert cinline.parse_segment(raw) == inline.parse_segment(raw)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(max_codepoint=0x10FFFF), max_size=40).flatmap(
    lambda text: st.sampled_from(["", "\u00e9", "\u0100", "\U0001f600", "\ud800\x00\uffff\x0b"]).map(text.__add__)))
def test_illegal_characters_both_ways(text: str) -> None:
    assert cspans.illegal_chars(text) == document.illegal_chars(text)


@settings(max_examples=400, deadline=None)
@given(articles())
def test_generated_articles_both_ways(case: tuple[str, list]) -> None:
    assert list(cspans.scan_pairs(case[0])) == list(spans.scan_pairs(case[0]))


ARTICLE_NOISE = st.lists(st.one_of(NOISE, TRICKY, st.sampled_from([
    '<span data-ttu-id="a b">', '<span data-ttu-id="">', "<span data-ttu-id=\"x-1\"", "data-stu-id=",
    '</span><span class="sxs-lookup"><span data-stu-id="x-1">', '<span\tclass="k">', "<span>", "</span >",
    "\r\n", "\r", '<span data-ttu-id="data-ttu-id=x">',
])), max_size=25).map("".join)


@settings(max_examples=1500, deadline=None)
@given(ARTICLE_NOISE)
def test_generated_markup_both_ways(text: str) -> None:
    assert list(cspans.scan_pairs(text)) == list(spans.scan_pairs(text))


def _project_copy(dest: Path) -> Path:
    """The files a build reads, copied (the tracked and new ones: no .so, no build/)."""
    files = subprocess.run(["git", "ls-files", "-co", "--exclude-standard", "pyproject.toml", "setup.py",
                            "README.md", "pipeline"], cwd=ROOT, capture_output=True, text=True, check=True)
    for rel in files.stdout.split():
        if (ROOT / rel).is_file() and not rel.endswith((".so", ".c")):
            (dest / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / rel, dest / rel)
    return dest


def _version(pythonpath: Path, cwd: Path) -> str:
    """``tmpipe --version`` of the tmpipe under ``pythonpath``, checked to be that one."""
    run = subprocess.run([sys.executable, "-c", "import pipeline.cli as cli; print(cli.__file__); cli.main()",
                          "--version"], capture_output=True, text=True, cwd=cwd, env=_environ(PYTHONPATH=str(pythonpath)))
    where, version = run.stdout.splitlines()
    assert where.startswith(str(pythonpath)), where
    return version


def _not_built_lines(output: str) -> list[str]:
    return [line for line in output.splitlines() if "the compiled core is not built" in line]


NOT_BUILT = "tmpipe 0.1.0 (core: pure Python: pipeline.extract.cinline is not built"


@pytest.mark.skipif(shutil.which("gcc") is None, reason="no C compiler")
@pytest.mark.parametrize("cc", ["gcc", "/nonexistent/cc"], ids=["compiler", "no-compiler"])
def test_a_wheel_holds_the_core_or_says_it_does_not(cc: str, tmp_path: Path) -> None:
    """A wheel built from a copy of the project: with a compiler it holds the compiled core; without,
    the build still succeeds, says so in one line, and the installed tmpipe runs on the pure path."""
    project = _project_copy(tmp_path / "project")
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "-v", "--no-deps", "--no-build-isolation",
                            "-w", str(tmp_path / "dist"), str(project)],
                           capture_output=True, text=True, env=_environ(CC=cc, PIP_NO_INPUT="1"), timeout=600)
    assert built.returncode == 0, built.stdout[-3000:] + built.stderr[-3000:]
    wheel = next((tmp_path / "dist").glob("tmpipe-*.whl"))
    extensions = [name for name in zipfile.ZipFile(wheel).namelist() if name.endswith(".so")]
    said = _not_built_lines(built.stdout + built.stderr)
    if cc == "gcc":
        assert sorted(name.split(".")[0] for name in extensions) == sorted(m.replace(".", "/") for m in core.MODULES)
        assert not said
    else:
        assert extensions == [] and len(said) == 1, said
    zipfile.ZipFile(wheel).extractall(tmp_path / "site")
    version = _version(tmp_path / "site", tmp_path)
    assert version == "tmpipe 0.1.0 (core: compiled)" if cc == "gcc" else version.startswith(NOT_BUILT), version


def test_an_editable_build_without_a_compiler_gives_the_pure_core(tmp_path: Path) -> None:
    """What ``make`` runs (``pip install -e``), through the same PEP 660 hook, with CC pointing nowhere:
    an editable build copies each extension it built into the source tree, so one that failed must not
    be listed (it was, and the whole install failed)."""
    project = _project_copy(tmp_path / "project")
    built = subprocess.run([sys.executable, "-c", "from setuptools import build_meta; "
                            f"print(build_meta.build_editable({str(tmp_path / 'dist')!r}))"],
                           cwd=project, capture_output=True, text=True, env=_environ(CC="/nonexistent/cc"),
                           timeout=600)
    assert built.returncode == 0, built.stdout[-3000:] + built.stderr[-3000:]
    assert len(_not_built_lines(built.stdout + built.stderr)) == 1
    assert (tmp_path / "dist" / built.stdout.split()[-1]).is_file()
    assert not list(project.rglob("*.so"))
    assert _version(project, tmp_path).startswith(NOT_BUILT)
