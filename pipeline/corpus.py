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
    they are reported rather than silently left out.  Folders are listed with
    ``os.scandir`` and paths joined as strings (a large corpus is mostly
    unchanged articles, each costing this walk and one ``stat``).
    """
    if not root.exists():
        raise InputError(f"{root}: corpus path does not exist")
    real_root = root.resolve()
    if root.is_file():
        yield _source(root, prefix + root.as_posix().lstrip("/"), real_root.parent)
        return
    try:
        top = _listing(os.fspath(root))
    except OSError as exc:
        raise InputError(f"{root}: cannot read corpus folder: {exc.strerror}") from None
    unreadable: list[tuple[str, OSError]] = []
    yield from _walk(top, root, prefix, real_root, unreadable)
    for rel, error in unreadable:
        yield Source(root / rel, prefix + rel, f"cannot read folder: {error.strerror}")


def _listing(folder: str) -> list[os.DirEntry[str]]:
    with os.scandir(folder) as entries:
        return sorted(entries, key=lambda entry: entry.name)


def _walk(entries: list[os.DirEntry[str]], root: Path, prefix: str, real_root: Path,
          unreadable: list[tuple[str, OSError]], rel_folder: str = "") -> Iterator[Source]:
    """One folder's articles, then its sub-folders' (what ``os.walk`` top-down gives, sorted)."""
    folders = []
    for entry in entries:
        if entry.name.startswith(".") and entry.is_dir():
            continue
        rel = f"{rel_folder}{entry.name}"
        if entry.is_dir(follow_symlinks=False):
            folders.append((entry, rel))
        elif entry.is_symlink() and entry.is_dir():  # not entered; said, not silently left out
            yield Source(Path(entry.path), prefix + rel,
                         f"directory symlink to {os.path.realpath(entry.path)} not followed")
    for entry in entries:
        if entry.name.lower().endswith(ARTICLE_SUFFIXES) and not entry.is_dir():
            path = Path(entry.path)
            rel = prefix + rel_folder + entry.name
            yield _source(path, rel, real_root) if entry.is_symlink() else Source(path, rel)
    for entry, rel in folders:
        try:
            inner = _listing(entry.path)
        except OSError as error:
            unreadable.append((rel, error))
            continue
        yield from _walk(inner, root, prefix, real_root, unreadable, f"{rel}/")


def _source(path: Path, rel: str, real_root: Path) -> Source:
    if path.is_symlink():
        target = path.resolve()
        if not target.is_relative_to(real_root):
            return Source(path, rel, f"symlink points outside the corpus ({target}); not followed")
    return Source(path, rel)
