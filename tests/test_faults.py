"""Faults with real subprocesses: SIGKILL at any point, Ctrl-C, two builds at once.

After each, ``tm.sqlite`` passes ``PRAGMA integrity_check`` and holds either the
old or the new state, and every export a reader can see is complete.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import shutil
import signal
import sqlite3
import subprocess
import time
from pathlib import Path
from types import SimpleNamespace

import pytest
from lxml import etree

from conftest import CORPUS, TMPIPE, run_tmpipe
from pipeline import build as build_module, outputs
from pipeline.build import BuildOptions
from pipeline.errors import Interrupted

ARTICLES = [p for p in sorted(CORPUS.rglob("*.md")) if "data-ttu-id=" in p.read_text(encoding="utf-8")]


def make_corpus(root: Path, copies: int, variant: str = "") -> Path:
    """``copies`` perturbed replicas of the bundled articles (distinct units per copy)."""
    for n in range(copies):
        for article in ARTICLES:
            rel = article.relative_to(CORPUS)
            dest = root / rel.parts[0] / f"copy{n:03d}" / Path(*rel.parts[1:])
            dest.parent.mkdir(parents=True, exist_ok=True)
            text = article.read_text(encoding="utf-8")
            tag = f"{n}{variant if n % 10 == 0 else ''}"
            dest.write_text(text.replace("</span><span class=\"sxs-lookup\">", f" {tag}</span><span class=\"sxs-lookup\">"),
                            encoding="utf-8")
    return root


def state(out: Path) -> str:
    """A digest of the TM's content (units and occurrences), independent of row ids."""
    db = sqlite3.connect(out / "tm.sqlite")
    try:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        digest = hashlib.sha256()
        for sql in ("SELECT source_locale, target_locale, source_raw, target_raw, repetitions FROM units ORDER BY 1,2,3,4",
                    "SELECT file, seq, line, id, source_raw, target_raw FROM segments ORDER BY file, seq"):
            for row in db.execute(sql):
                digest.update(repr(row).encode())
        return digest.hexdigest()
    finally:
        db.close()


def assert_outputs_complete(out: Path) -> None:
    """Whatever export files exist parse completely (no half-written file is visible)."""
    manifest = out / "manifest.json"
    if manifest.exists():
        json.loads(manifest.read_text(encoding="utf-8"))
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    for path in list(out.rglob("*.tmx")) + list(out.rglob("*.xlf")):
        etree.parse(str(path), parser)


@pytest.fixture(scope="module")
def versions(tmp_path_factory: pytest.TempPathFactory) -> SimpleNamespace:
    """Corpus v1 and v2 (10% of files changed), and finished builds of each."""
    base = tmp_path_factory.mktemp("faults")
    v1 = make_corpus(base / "v1", 12)
    v2 = make_corpus(base / "v2", 12, variant=" v2")
    run_tmpipe("build", v1, "-o", base / "old", check=True)
    run_tmpipe("build", v2, "-o", base / "new", check=True)
    shutil.copytree(base / "old", base / "probe")
    started = time.monotonic()  # the build the tests interrupt: old state, then corpus v2
    run_tmpipe("build", v2, "-o", base / "probe", check=True)
    duration = time.monotonic() - started
    return SimpleNamespace(v1=v1, v2=v2, old=base / "old", new=base / "new", duration=duration)


@pytest.mark.parametrize(("fraction", "jobs"), [(0.15, 1), (0.4, 2), (0.65, 1), (0.9, 2)])
def test_sigkill_leaves_old_or_new_state(versions: SimpleNamespace, fraction: float, jobs: int,
                                         tmp_path: Path) -> None:
    out = tmp_path / "out"
    shutil.copytree(versions.old, out)
    old, new = state(versions.old), state(versions.new)
    assert old != new
    process = subprocess.Popen([str(TMPIPE), "build", str(versions.v2), "-o", str(out), "-q", "--jobs", str(jobs)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(versions.duration * fraction)
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert state(out) in (old, new)
    assert_outputs_complete(out)
    rerun = run_tmpipe("build", versions.v2, "-o", out, "-q")
    assert rerun.returncode == 0, rerun.stderr
    assert state(out) == new, "a later build completes the interrupted one"
    assert not list(out.rglob(".*.tmp")), "temporary files of the killed build are cleaned up"


def _locked(process: subprocess.Popen[str]) -> None:
    """Wait until the build holds its output directory's lock (``/proc/locks``), or ends: past the
    interpreter's start-up, where a SIGINT is Python's own traceback rather than tmpipe's."""
    while process.poll() is None and not any(
            line.split()[1:2] == ["FLOCK"] and line.split()[4:5] == [str(process.pid)]
            for line in Path("/proc/locks").read_text().splitlines()):
        time.sleep(0.002)


def _writing(out: Path, process: subprocess.Popen[str]) -> None:
    """Wait until the build writes an export (a temporary file appears), or ends."""
    while process.poll() is None and not any(out.rglob(".*.tmp")):
        time.sleep(0.005)


@pytest.mark.parametrize(("when", "jobs"), [(0.1, 1), ("exports", 1), ("exports", 2)])
def test_ctrl_c_stops_cleanly_with_a_message(versions: SimpleNamespace, tmp_path: Path, when: float | str,
                                             jobs: int) -> None:
    out = tmp_path / "out"
    shutil.copytree(versions.old, out)
    process = subprocess.Popen([str(TMPIPE), "build", str(versions.v2), "-o", str(out), "-q", "--jobs", str(jobs)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if when == "exports":
        _writing(out, process)
    else:
        _locked(process)
        time.sleep(versions.duration * float(when))
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=60)
    if process.returncode == 0:
        pytest.skip("the build finished before the signal arrived")
    assert process.returncode == 130, stderr
    lines = stderr.strip().splitlines()
    if state(out) == state(versions.old):  # stopped during extraction
        assert lines == ["tmpipe: interrupted; the TM is unchanged and no file is half-written;"
                         " run the build again to finish"]
    else:  # stopped while writing the exports: the TM was committed first
        assert state(out) == state(versions.new)
        assert lines == ["tmpipe: interrupted; the TM is up to date and no file is half-written;"
                         " run the build again to finish the exports"]
    assert_outputs_complete(out)
    assert not list(out.rglob(".*.tmp")), "the stopped writers removed their temporary files"
    rerun = run_tmpipe("build", versions.v2, "-o", out, "-q")
    assert rerun.returncode == 0, rerun.stderr
    assert state(out) == state(versions.new)


def test_a_held_lock_gives_a_clear_message(versions: SimpleNamespace, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    with open(out / ".tmpipe.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        result = run_tmpipe("build", CORPUS, "-o", out)
    assert result.returncode == 3
    assert result.stderr.strip() == f"tmpipe: error: {out}: another tmpipe build is writing here; try again when it ends"


def test_two_builds_at_once_never_corrupt(versions: SimpleNamespace, tmp_path: Path) -> None:
    out = tmp_path / "out"
    runs = [subprocess.Popen([str(TMPIPE), "build", str(getattr(versions, v)), "-o", str(out), "-q"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for v in ("v1", "v2")]
    results = [(run.wait(timeout=300), run.stderr.read()) for run in runs]  # type: ignore[union-attr]
    assert any(code == 0 for code, _ in results)
    for code, stderr in results:
        assert code == 0 or (code == 3 and "another tmpipe build is writing here" in stderr), stderr
    assert state(out) in (state(versions.old), state(versions.new))
    assert_outputs_complete(out)


@pytest.mark.parametrize("where", ["plan", "write_state", "write_manifest"])
def test_ctrl_c_after_the_tm_is_committed_says_so(versions: SimpleNamespace, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch, where: str) -> None:
    """However late the Ctrl-C (planning the outputs, recording them, writing the manifest), the
    message tells the TM was brought up to date, and a rerun finishes the build."""
    out = tmp_path / "out"
    shutil.copytree(versions.old, out)

    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt
    monkeypatch.setattr(build_module if where != "write_state" else outputs, where, interrupted)
    with pytest.raises(Interrupted, match="the TM is up to date and no file is half-written"):
        build_module.build([versions.v2], out, BuildOptions(formats=("tmx", "csv"), qa=False))
    assert state(out) == state(versions.new)
    assert_outputs_complete(out)
    monkeypatch.undo()
    build_module.build([versions.v2], out, BuildOptions(formats=("tmx", "csv"), qa=False))
    assert json.loads((out / "manifest.json").read_text(encoding="utf-8"))["extraction"]["run"]["extracted"] == 0
