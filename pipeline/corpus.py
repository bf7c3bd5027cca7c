"""Walk corpus folders: which files are articles, and which are skipped and why."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from .errors import InputError

__all__ = ["Source", "walk", "ARTICLE_SUFFIXES"]

ARTICLE_SUFFIXES = (".md", ".markdown")


@dataclass(frozen=True, slots=True)
class Source:
    """An article to extract."""

    path: Path
    """Where to read it."""
    rel: str
    """Its path relative to the corpus root (``/`` separators), the key in the TM."""
    skip: str | None = None
    """Why it is not read (a symlink out of the corpus...), or None."""


def walk(root: Path, prefix: str = "") -> Iterator[Source]:
    """Yield the articles under ``root`` in sorted order; never follows links out of it.

    Hidden folders (``.git``) are not entered.  Directory symlinks are not
    followed (a loop cannot trap the walk) and a file symlink that points
    outside the corpus is not read: both are yielded with ``skip`` set, so
    they are reported rather than silently left out.
    """
    if not root.exists():
        raise InputError(f"{root}: corpus path does not exist")
    real_root = root.resolve()
    if root.is_file():
        yield _source(root, prefix + root.as_posix().lstrip("/"), real_root.parent)
        return
    unreadable: list[OSError] = []
    for folder, dirs, files in os.walk(root, onerror=unreadable.append):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in [d for d in dirs if Path(folder, d).is_symlink()]:
            dirs.remove(name)  # os.walk would not enter it either; say so instead of staying silent
            path = Path(folder, name)
            yield Source(path, prefix + path.relative_to(root).as_posix(),
                         f"directory symlink to {os.path.realpath(path)} not followed")
        for name in sorted(files):
            if not name.lower().endswith(ARTICLE_SUFFIXES):
                continue
            path = Path(folder, name)
            yield _source(path, prefix + path.relative_to(root).as_posix(), real_root)
    for error in unreadable:
        if error.filename and Path(error.filename) == root:
            raise InputError(f"{root}: cannot read corpus folder: {error.strerror}")
        where = Path(error.filename or root)
        yield Source(where, prefix + where.relative_to(root).as_posix(),
                     f"cannot read folder: {error.strerror}")


def _source(path: Path, rel: str, real_root: Path) -> Source:
    if path.is_symlink():
        target = path.resolve()
        if not target.is_relative_to(real_root):
            return Source(path, rel, f"symlink points outside the corpus ({target}); not followed")
    return Source(path, rel)
