"""The current English articles given with ``--english DIR``: finding them, reading them, git history.

An article of the TM is matched to the English file with the longest common
path suffix (``fr-FR/articles/x.md`` ↔ ``articles/x.md``); a match must cover
the whole English path, the whole TM path, at least two components, or stop at
the TM path's locale folder; ties are ambiguous and match nothing.  With several
corpus roots, a TM path is compared without its root's folder name, so
``--english en`` and ``--english en/docs`` both match ``docs/x.md`` and ``x.md``.
"""

from __future__ import annotations

import html
import os
import re
import subprocess
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from .locales import locale_from_path

__all__ = ["EnglishTree", "sentences", "no_space"]

_SPACE = re.compile(r"\s+")
_FRONT = re.compile(r"\A\ufeff?---\s*\n.*?\n---\s*\n", re.S)
_LINE_PREFIX = re.compile(r"^\s*(?:>\s*)*(?:#{1,6}\s+|[-*+]\s+|\d+[.)]\s+)?(?:\[!\w+\]\s*)?")
_CELL = re.compile(r"\s*\|\s*|</?(?:td|th|tr|table|thead|tbody|p|li|ul|ol|div|br)\b[^>]*>", re.I)
_SENTENCE = re.compile(r"(?<=[.!?:])\s+(?=[\"“(*_\[`<]*[A-Z0-9])")
_QUOTE = re.compile(r"(?m)^[ \t]*(?:>[ \t]?)+")
_ANCHOR = re.compile(r"<a\s+name=[^>]*>\s*</a>", re.I)


def _collapse(text: str) -> str:
    if "&" in text:
        text = html.unescape(text)
    return _SPACE.sub(" ", text.replace("\u00a0", " ")).strip()


def no_space(text: str) -> str:
    """``text`` with entities decoded and every whitespace character removed."""
    return _SPACE.sub("", html.unescape(text) if "&" in text else text).replace("\u00a0", "")


def sentences(markdown: str) -> list[str]:
    """Candidate segments of an English article: sentences of lines, table cells and HTML cells."""
    markdown = _FRONT.sub("", markdown)
    found: list[str] = []
    seen: set[str] = set()
    for line in markdown.splitlines():
        line = _ANCHOR.sub("", _LINE_PREFIX.sub("", line, count=1))
        for cell in _CELL.split(line):
            cell = _collapse(cell)
            if not cell or cell.startswith(("```", "[!include", "[!INCLUDE", "<!--")):
                continue
            for sentence in _SENTENCE.split(cell):
                sentence = sentence.strip()
                if sentence and sentence not in seen and any(c.isalpha() for c in sentence):
                    seen.add(sentence)
                    found.append(sentence)
    return found


class EnglishTree:
    """An English folder: path matching, normalised article text, and git facts when it is a checkout."""

    def __init__(self, root: Path, cache_size: int = 16, prefixes: Sequence[str] = ()) -> None:
        self.root = Path(root)
        self._prefixes = sorted((p for p in prefixes if p), key=len, reverse=True)
        self._by_name: dict[str, list[tuple[str, ...]]] = {}
        for folder, dirs, files in os.walk(self.root):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            for name in files:
                if name.lower().endswith((".md", ".markdown")) and not name.startswith("."):
                    parts = Path(folder, name).relative_to(self.root).parts
                    self._by_name.setdefault(name.lower(), []).append(parts)
        self._articles: OrderedDict[str, dict[str, Any]] = OrderedDict()
        self._cache_size = cache_size
        self._git_top: Path | None | bool = False

    def match(self, tm_path: str) -> str | None:
        """The English path (relative to the root) for a TM article path, or None."""
        prefix = next((p for p in self._prefixes if tm_path.startswith(p)), "")
        parts = tuple(tm_path[len(prefix):].split("/"))
        best: list[tuple[str, ...]] = []
        best_len = 0
        for candidate in self._by_name.get(parts[-1].lower(), []):
            common = 0
            while (common < min(len(parts), len(candidate))
                   and parts[-1 - common].lower() == candidate[-1 - common].lower()):
                common += 1
            if common > best_len:
                best, best_len = [candidate], common
            elif common == best_len:
                best.append(candidate)
        if len(best) != 1:
            return None
        english = best[0]
        rest = parts[:len(parts) - best_len]
        if best_len in (len(english), len(parts)) or best_len >= 2 or (rest and locale_from_path([rest[-1], "x"])):
            return "/".join(english)
        return None

    def article(self, rel: str) -> dict[str, Any]:
        """``{"flat", "bare", "sentences", "closest"}`` of one English article, kept in a small LRU."""
        if rel in self._articles:
            self._articles.move_to_end(rel)
            return self._articles[rel]
        text = (self.root / rel).read_text(encoding="utf-8-sig", errors="replace")
        unquoted = _QUOTE.sub("", text)  # a segment may run over several "> " lines of an alert
        entry: dict[str, Any] = {"flat": _collapse(unquoted), "bare": no_space(unquoted), "sentences": None,
                                 "closest": {}}
        self._articles[rel] = entry
        if len(self._articles) > self._cache_size:
            self._articles.popitem(last=False)
        entry["text"] = text
        return entry

    def git_top(self) -> Path | None:
        """The top of the git work tree holding the root, or None when it is not a checkout."""
        if self._git_top is False:
            try:
                out = subprocess.run(["git", "-C", str(self.root), "rev-parse", "--show-toplevel"],
                                     capture_output=True, text=True, timeout=30)
                self._git_top = Path(out.stdout.strip()) if out.returncode == 0 else None
            except (OSError, subprocess.SubprocessError):
                self._git_top = None
        return self._git_top if isinstance(self._git_top, Path) else None

    def git_blobs(self, rel: str, commit: str) -> tuple[str | None, str | None]:
        """Object ids of the article at ``commit`` and at ``HEAD`` (None where it does not exist)."""
        top = self.git_top()
        if top is None:
            return None, None
        path = (self.root / rel).resolve().relative_to(top.resolve()).as_posix()
        query = f"{commit}:{path}\nHEAD:{path}\n"
        try:
            out = subprocess.run(["git", "-C", str(top), "cat-file", "--batch-check=%(objectname)"],
                                 input=query, capture_output=True, text=True, timeout=60)
        except (OSError, subprocess.SubprocessError):
            return None, None
        lines = out.stdout.splitlines()
        ids = [None if len(lines) <= i or "missing" in lines[i] else lines[i].strip() for i in range(2)]
        return ids[0], ids[1]

    def __iter__(self) -> Iterator[str]:
        for paths in self._by_name.values():
            for parts in paths:
                yield "/".join(parts)
