"""Walk corpus folders: which files are articles, and which are skipped and why.

A corpus root is a folder (or one file) given on the command line (:class:`Root`).  Articles
are the Markdown files below it, but never those of a tmpipe output folder (one with a tmpipe
``manifest.json``, wherever it sits) and only those a :class:`Selection` of ``--include`` and
``--exclude`` patterns keeps.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from .errors import ConfigError, InputError
from .locales import is_tag, locale_of_name, normalize_tag

__all__ = ["Root", "Selection", "Source", "corpus_roots", "is_output_folder", "walk", "ARTICLE_SUFFIXES"]

ARTICLE_SUFFIXES = (".md", ".markdown")
#: What a locale comes from when an article names none (``DocumentMeta.locale_from``).
FROM_OPTION, FROM_NAME = "--locale", "folder name"


@dataclass(frozen=True, slots=True)
class Root:
    """A corpus root as given on the command line."""

    path: Path
    """The folder (or single article) as given."""
    prefix: str = ""
    """What the paths of its articles start with: ``""`` with one root, ``"<folder name>/"`` with several."""
    locale: str | None = None
    """The locale of its articles that name none (``--locale``, else its or an ancestor's folder name)."""
    locale_from: str | None = None
    """Where ``locale`` comes from: ``--locale`` or ``folder name`` (None when it is None)."""


@dataclass(frozen=True, slots=True)
class Selection:
    """Which files below a root are read: ``--include``/``--exclude`` patterns and output folders."""

    include: tuple[str, ...] = ()
    """Glob patterns; when any is given, only the articles matching one (or inside a folder that matches)."""
    exclude: tuple[str, ...] = ()
    """Glob patterns of articles and folders never read."""
    outputs: tuple[Path, ...] = ()
    """Resolved output folders of this run, never entered (even before they hold a manifest)."""

    def excluded(self, rel: str) -> bool:
        return _matches(self.exclude, rel)

    def included(self, rel: str) -> bool:
        return not self.include or _matches(self.include, rel)


def _matches(patterns: Sequence[str], rel: str) -> bool:
    """Whether a pattern matches ``rel`` (its path inside the root) or one of its folders.

    Patterns match from the right, one ``*`` per path component (``includes/*.md``,
    ``*.fr-fr.md``, ``archive``); a pattern starting with ``/`` matches from the root."""
    parts = rel.split("/")
    for end in range(1, len(parts) + 1):
        path = "/".join(parts[:end])
        for pattern in patterns:
            if PurePosixPath("/" + path if pattern.startswith("/") else path).match(pattern):
                return True
    return False


@dataclass(frozen=True, slots=True)
class Source:
    """An article to extract."""

    path: Path
    """Where to read it."""
    rel: str
    """Its path relative to the corpus root (``/`` separators), the key in the TM."""
    skip: str | None = None
    """Why it is not read (a symlink out of the corpus...), or None."""
    root: Root | None = None
    """The corpus root it was found under."""

    @property
    def inner(self) -> str:
        """Its path inside its root (``rel`` without the root's name): where a locale folder may be."""
        prefix = self.root.prefix if self.root else ""
        return self.rel[len(prefix):]


def corpus_roots(corpora: Sequence[Path], locales: Mapping[str | None, str] | None = None) -> list[Root]:
    """The roots of a run: each with its prefix and the locale of its articles that name none.

    ``locales`` maps a root as given (None: every root) to its ``--locale``.  Without one, a
    root's folder name or the nearest ancestor's that names a locale gives it; a missing root
    is an error."""
    locales = dict(locales or {})
    for value in locales.values():
        if not is_tag(value):
            raise ConfigError(f"--locale {value}: not a language tag (expected one such as fr-FR)")
    given = {Path(key).resolve(): tag for key, tag in locales.items() if key is not None}
    unknown = set(given) - {Path(root).resolve() for root in corpora}
    if unknown:
        raise ConfigError(f"--locale {sorted(unknown)[0]}=…: not one of the corpus roots given")
    roots = []
    for root in corpora:
        root = Path(root)
        if not root.exists():
            raise InputError(f"{root}: corpus path does not exist")
        if root.is_dir() and is_output_folder(root):
            raise InputError(f"{root}: a tmpipe output folder (it holds tmpipe's manifest.json), not a corpus")
        prefix = f"{root.resolve().name}/" if len(corpora) > 1 else ""
        tag: str | None = given.get(root.resolve(), locales.get(None))
        if tag:
            roots.append(Root(root, prefix, normalize_tag(tag), FROM_OPTION))
            continue
        folder = root.resolve() if root.is_dir() else root.resolve().parent
        named = next((found for part in (folder, *folder.parents) if (found := locale_of_name(part.name))), None)
        roots.append(Root(root, prefix, named, FROM_NAME if named else None))
    return roots


def is_output_folder(folder: Path | str) -> bool:
    """Whether ``folder`` is a tmpipe output folder: it holds a ``manifest.json`` tmpipe wrote."""
    try:
        with open(os.path.join(folder, "manifest.json"), encoding="utf-8") as handle:
            data = json.loads(handle.read(1 << 22))
    except (OSError, ValueError):
        return False
    return isinstance(data, dict) and data.get("tool") == "tmpipe"


def walk(root: Root | Path, prefix: str = "", select: Selection = Selection()) -> Iterator[Source]:
    """Yield the articles under ``root`` in sorted order; never follows links out of it.

    Hidden folders (``.git``) and tmpipe output folders are not entered.  Directory symlinks
    are not followed (a loop cannot trap the walk) and a file symlink that points outside the
    corpus is not read: both are yielded with ``skip`` set, so they are reported rather than
    silently left out.  Folders are listed with ``os.scandir`` and paths joined as strings (a
    large corpus is mostly unchanged articles, each costing this walk and one ``stat``).
    """
    if not isinstance(root, Root):
        root = Root(Path(root), prefix)
    path = root.path
    if not path.exists():
        raise InputError(f"{path}: corpus path does not exist")
    real_root = path.resolve()
    if path.is_file():
        yield _source(path, root.prefix + path.as_posix().lstrip("/"), real_root.parent, root)
        return
    try:
        top = _listing(os.fspath(path))
    except OSError as exc:
        raise InputError(f"{path}: cannot read corpus folder: {exc.strerror}") from None
    unreadable: list[tuple[str, OSError]] = []
    skip = frozenset(str(p) for p in select.outputs)
    yield from _walk(top, root, real_root, unreadable, select, skip)
    for rel, error in unreadable:
        yield Source(path / rel, root.prefix + rel, f"cannot read folder: {error.strerror}", root)


def _listing(folder: str) -> list[os.DirEntry[str]]:
    with os.scandir(folder) as entries:
        return sorted(entries, key=lambda entry: entry.name)


def _walk(entries: list[os.DirEntry[str]], root: Root, real_root: Path, unreadable: list[tuple[str, OSError]],
          select: Selection, skip: frozenset[str], rel_folder: str = "") -> Iterator[Source]:
    """One folder's articles, then its sub-folders' (what ``os.walk`` top-down gives, sorted)."""
    prefix = root.prefix
    folders = []
    for entry in entries:
        if entry.name.startswith(".") and entry.is_dir():
            continue
        rel = f"{rel_folder}{entry.name}"
        if entry.is_dir(follow_symlinks=False):
            if not select.excluded(rel):
                folders.append((entry, rel))
        elif entry.is_symlink() and entry.is_dir():  # not entered; said, not silently left out
            if not select.excluded(rel):
                yield Source(Path(entry.path), prefix + rel,
                             f"directory symlink to {os.path.realpath(entry.path)} not followed", root)
    for entry in entries:
        if entry.name.lower().endswith(ARTICLE_SUFFIXES) and not entry.is_dir():
            rel = rel_folder + entry.name
            if select.excluded(rel) or not select.included(rel):
                continue
            path = Path(entry.path)
            yield _source(path, prefix + rel, real_root, root) if entry.is_symlink() else Source(path, prefix + rel,
                                                                                                 root=root)
    for entry, rel in folders:
        if os.path.realpath(entry.path) in skip:
            continue
        try:
            inner = _listing(entry.path)
        except OSError as error:
            unreadable.append((rel, error))
            continue
        if any(e.name == "manifest.json" for e in inner) and is_output_folder(entry.path):
            continue  # a tmpipe output folder (its reports are Markdown too): never corpus
        yield from _walk(inner, root, real_root, unreadable, select, skip, f"{rel}/")


def _source(path: Path, rel: str, real_root: Path, root: Root) -> Source:
    if path.is_symlink():
        target = path.resolve()
        if not target.is_relative_to(real_root):
            return Source(path, rel, f"symlink points outside the corpus ({target}); not followed", root)
    return Source(path, rel, root=root)
