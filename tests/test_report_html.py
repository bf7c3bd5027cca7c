"""The HTML report in real headless Chromium: no console errors, the filter script runs, charts are drawn."""

from __future__ import annotations

import re
import shutil
import struct
import subprocess
import zlib
from pathlib import Path

import pytest

from pipeline.build import BuildOptions, build
from pipeline.outputs import run_qa
from pipeline.qa import load_config
from pipeline.store import open_store

from test_qa_support import QA_CONFIG, QA_CORPUS, QA_ENGLISH

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = [pytest.mark.tools, pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed")]
# With --enable-logging Chromium prints page console messages as `:INFO:CONSOLE:12] "text", source: ...`
# (older releases: `CONSOLE(12)]`).
_CONSOLE = re.compile(r":CONSOLE(?::\d+|\(\d+\))\] (.*)")


def _chromium(tmp: Path, url: str, *args: str) -> subprocess.CompletedProcess[str]:
    command = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-extensions",
               f"--user-data-dir={tmp / 'profile'}", "--enable-logging=stderr", "--v=0", *args, url]
    return subprocess.run(command, capture_output=True, text=True, timeout=180, cwd=tmp)


def _console(result: subprocess.CompletedProcess[str]) -> list[str]:
    return _CONSOLE.findall(result.stderr)


def _png_pixels(path: Path) -> tuple[int, int, bytes]:
    """Width, height and the decompressed (still filtered) scanlines of a PNG."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, width, height = 8, b"", 0, 0
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos:pos + 4])
        kind, body = data[pos + 4:pos + 8], data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height = struct.unpack(">II", body[:8])
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    return width, height, zlib.decompress(idat)


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("html")
    build([QA_CORPUS], out, BuildOptions(formats=(), qa=False))
    store = open_store(out / "tm.sqlite", readonly=True)
    try:
        run_qa(store, out, load_config(QA_CONFIG), english=QA_ENGLISH, formats=["qa-html"])
    finally:
        store.close()
    return out / "qa" / "qa.html"


def test_page_is_self_contained(page: Path) -> None:
    html = page.read_text(encoding="utf-8")
    assert not re.search(r"""(?:src|href)=["'](?:https?:)?//""", html), "external resource"
    assert "@import" not in html and "url(http" not in html
    assert html.count("<svg") >= 3  # per locale, per check, drift similarity


def test_console_errors_are_detected(tmp_path: Path) -> None:
    """The harness itself: a page with a script error must be caught, or the next test proves nothing."""
    bad = tmp_path / "bad.html"
    bad.write_text("<!DOCTYPE html><title>x</title><script>undefinedFunction();</script>", encoding="utf-8")
    result = _chromium(tmp_path, bad.as_uri(), "--dump-dom")
    assert any("undefinedFunction" in line for line in _console(result)), result.stderr[-2000:]


def test_page_loads_without_console_errors_and_runs_its_script(page: Path, tmp_path: Path) -> None:
    result = _chromium(tmp_path, page.as_uri(), "--dump-dom")
    assert result.returncode == 0, result.stderr[-2000:]
    assert _console(result) == []
    shown = re.search(r'id="f-count"[^>]*>(\d+) of (\d+) shown<', result.stdout)
    assert shown and shown.group(1) == shown.group(2) != "0"  # the filter script ran over every row


def test_screenshot_shows_the_charts(page: Path, tmp_path: Path) -> None:
    shot = tmp_path / "qa.png"
    result = _chromium(tmp_path, page.as_uri(), "--window-size=1280,1400", "--hide-scrollbars",
                       f"--screenshot={shot}")
    assert shot.is_file(), result.stderr[-2000:]
    assert _console(result) == []
    width, height, pixels = _png_pixels(shot)
    assert (width, height) == (1280, 1400)
    assert len(set(pixels)) > 64, "the screenshot is blank"
    assert len(pixels) >= width * height * 3  # RGB(A) scanlines: every pixel was drawn
