"""OmegaT 3.6 headless: does a CAT tool apply our TMX as 100% matches?

Modelled on ``../shared/harness/omegat-tmx-check.sh`` and its ``lib/omegat_tmx.py``,
reduced to what our TMX files need (we always write ``xml:lang`` and exact tags):

1. From the TMX, the text OmegaT matches on: with its default settings ("level 1")
   everything inside ``bpt``/``ept``/``ph``/``it``/``ut``/``sub``/``hi`` is dropped,
   texts are NFC-normalised, and when a source occurs in several ``tu`` the last wins.
2. A throwaway project whose ``source/segments.utf8`` holds each distinct source as
   one paragraph (OmegaT's text filter segments on blank lines; sentence
   segmentation off), the TMX in ``tm/auto/`` (exact matches are inserted).
3. ``java -jar OmegaT.jar PROJECT --mode=console-translate`` and OmegaT's own
   exported ``PROJECT-omegat.tmx`` read back: a segment counts as applied when
   OmegaT's translation equals the TMX's target text.

OmegaT trims outer whitespace from project segments but not from TMX sources, so a
source whose level-1 text starts or ends with whitespace (text next to a dropped
code) can never match; such sources are listed in ``unmatchable``, not expected.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape

from lxml import etree

__all__ = ["JAR", "OmegatRun", "unavailable", "run_omegat", "level1"]

JAR = Path(os.environ.get("OMEGAT_JAR", "/usr/share/omegat/OmegaT.jar"))
JAVA = os.environ.get("JAVA", "java")
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_INLINE = {"bpt", "ept", "ph", "it", "ut", "sub", "hi"}


@dataclass
class OmegatRun:
    """What OmegaT did with one TMX."""

    expected: dict[str, str] = field(default_factory=dict)
    """Source → target text OmegaT should insert (level-1 texts)."""
    applied: dict[str, str] = field(default_factory=dict)
    """Source → target OmegaT did insert (from its exported project TMX)."""
    unmatchable: list[str] = field(default_factory=list)
    """Sources with outer whitespace at level 1: OmegaT never matches them."""
    log: str = ""
    """OmegaT's console output."""

    @property
    def rejected(self) -> bool:
        """OmegaT refused to load the TMX (it still exits 0 then)."""
        return "TF_TM_LOAD_ERROR" in self.log

    @property
    def matched(self) -> list[str]:
        """Expected sources OmegaT filled with exactly the TMX's target."""
        return [s for s, t in self.expected.items() if self.applied.get(s) == t]

    @property
    def failures(self) -> list[tuple[str, str, str | None]]:
        """``(source, wanted, got)`` for every expected source not applied as is."""
        return [(s, t, self.applied.get(s)) for s, t in self.expected.items() if self.applied.get(s) != t]


def unavailable() -> str | None:
    """Why OmegaT cannot run here, or None."""
    if not JAR.is_file():
        return f"OmegaT not installed ({JAR} missing; apt-get install omegat)"
    if not shutil.which(JAVA):
        return "java not found (apt-get install default-jre-headless)"
    return None


def level1(seg: etree._Element) -> str:
    """A ``seg`` as OmegaT reads it by default: text outside inline elements, NFC."""
    parts = [seg.text or ""]
    for child in seg:
        if child.tag not in _INLINE:
            parts.append(level1(child))
        parts.append(child.tail or "")
    return unicodedata.normalize("NFC", "".join(parts))


def _strip(text: str) -> str:
    return text.strip(" \t\n\r\f\v\u00a0\u2028\u2029\x1c\x1d\x1e\x1f")


def _expectations(tmx: Path, src: str, tgt: str) -> tuple[dict[str, str], list[str]]:
    expected: dict[str, str] = {}
    unmatchable: list[str] = []
    for _, tu in etree.iterparse(str(tmx), tag="tu", huge_tree=True):
        texts = {tuv.get(XML_LANG, "").lower(): level1(tuv.find("seg")) for tuv in tu.iterfind("tuv")}
        tu.clear()
        source, target = texts.get(src.lower()), texts.get(tgt.lower())
        if source is None or target is None or not _strip(source):
            continue
        if "\r" in source or "\n\n" in source.replace(" ", "").replace("\t", ""):
            continue  # cannot be one text-filter paragraph
        if _strip(source) != source:
            unmatchable.append(source)
            continue
        expected.pop(source, None)
        expected[source] = target  # the last tu wins, as in OmegaT
    return expected, unmatchable


def _project_file(src: str, tgt: str) -> str:
    return f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<omegat>
    <project version="1.0">
        <source_dir>__DEFAULT__</source_dir>
        <target_dir>__DEFAULT__</target_dir>
        <tm_dir>__DEFAULT__</tm_dir>
        <glossary_dir>__DEFAULT__</glossary_dir>
        <glossary_file>__DEFAULT__</glossary_file>
        <dictionary_dir>__DEFAULT__</dictionary_dir>
        <source_lang>{escape(src)}</source_lang>
        <target_lang>{escape(tgt)}</target_lang>
        <source_tok>org.omegat.tokenizer.DefaultTokenizer</source_tok>
        <target_tok>org.omegat.tokenizer.DefaultTokenizer</target_tok>
        <sentence_seg>false</sentence_seg>
        <support_default_translations>true</support_default_translations>
        <remove_tags>false</remove_tags>
    </project>
</omegat>
"""


_PREFS = """<?xml version="1.0" encoding="UTF-8" ?>
<omegat>
  <preference version="1.0">
    <ext_tmx_show_level2>false</ext_tmx_show_level2>
    <ext_tmx_use_slash>false</ext_tmx_use_slash>
  </preference>
</omegat>
"""


def _translations(project_tmx: Path) -> dict[str, str]:
    out: dict[str, str] = {}
    if not project_tmx.is_file():
        return out
    for _, tu in etree.iterparse(str(project_tmx), tag="tu"):
        segs = ["".join(tuv.find("seg").itertext()) for tuv in tu.iterfind("tuv")]
        if len(segs) >= 2:
            out[unicodedata.normalize("NFC", segs[0])] = unicodedata.normalize("NFC", segs[1])
        tu.clear()
    return out


def run_omegat(tmx: Path, src: str, tgt: str, workdir: Path, timeout: float = 300) -> OmegatRun:
    """Load ``tmx`` into a fresh OmegaT project ``src`` → ``tgt`` and report what was applied."""
    expected, unmatchable = _expectations(tmx, src, tgt)
    project = workdir / "proj"
    for sub in ("source", "target", "tm/auto", "glossary", "dictionary", "omegat"):
        (project / sub).mkdir(parents=True, exist_ok=True)
    (workdir / "config").mkdir(exist_ok=True)
    (workdir / "home").mkdir(exist_ok=True)
    (project / "omegat.project").write_text(_project_file(src, tgt), encoding="utf-8")
    (workdir / "config" / "omegat.prefs").write_text(_PREFS, encoding="utf-8")
    shutil.copy(tmx, project / "tm" / "auto" / "input.tmx")
    sources = list(expected) + unmatchable
    (project / "source" / "segments.utf8").write_text("\n\n".join(sources) + "\n", encoding="utf-8")
    command = [JAVA, "-Djava.awt.headless=true", "-Dfile.encoding=UTF-8", f"-Duser.home={workdir / 'home'}",
               "-jar", str(JAR), str(project), "--mode=console-translate", f"--config-dir={workdir / 'config'}",
               "--disable-project-locking", "--no-team"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
    applied = _translations(project / f"{project.name}-omegat.tmx")
    return OmegatRun(expected, applied, unmatchable, done.stdout + done.stderr)
