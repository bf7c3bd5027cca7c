"""Reusing the per-article fragments of an export file on the next build.

XLIFF and PO files are written one fragment per article (an XLIFF ``<file>``, an
article's run of PO entries).  A :class:`Splicer` writes such a file and records, for
each fragment, a key (a digest of everything it was rendered from: for most, the
article's content hash) and where its bytes are, in ``OUT/.tmpipe-cache/<path>.json``
with the file's size and modification time.  The next build of the same file copies
each fragment whose key is unchanged from the previous file instead of reading its rows
from the TM and rendering it again: a rebuild after a small change costs about what the
change costs, and writes what a fresh build writes, byte for byte.

Values of the whole document that a fragment contains (the build's signature, the
article's position) are **holes**: the exporter renders :func:`hole`, the record keeps
the byte ranges between holes, and a copy fills in the current values.

The record is written after the file is in place and describes it by size and
modification time: a file changed by anything else, a record of another layout
(version, format, options) or an unreadable one reuses nothing.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from types import TracebackType
from typing import Any

from .. import __version__, code_digest, progress
from ..atomic import atomic_open, atomic_path
from ..errors import OutputError
from ..store import SegmentRow, Store

__all__ = ["CACHE", "Splicer", "hole", "layout", "each_article", "read_record", "record_path", "write_record"]

#: The build's cache folder, below the output directory.
CACHE = ".tmpipe-cache"
_RECORD_VERSION = 1
#: Delimits a hole's name in rendered text: NUL is never written to an XML or PO export.
_MARK = "\x00"
#: Rendered bytes gathered before a write.
_BUFFER = 1 << 20
_KERNEL_COPY = getattr(os, "copy_file_range", None)  # Linux
_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))
#: Fragments encoded at once when a record is written (memory holds one slice's text).
_RECORD_SLICE = 1024


def _copy_range(old: int, new: int, offset: int, length: int, dest: Path) -> None:
    """Copy ``length`` bytes at ``offset`` of file ``old`` to the end of ``new``: in the kernel
    (``copy_file_range``) where the file system allows, else through a buffer."""
    while length:
        try:
            if _KERNEL_COPY is None:
                raise OSError("no copy_file_range")
            done = _KERNEL_COPY(old, new, min(length, 1 << 30), offset)
        except OSError:  # another file system, an old kernel, another system: read and write
            data = os.pread(old, min(length, 1 << 24), offset)
            done = len(data)
            view = memoryview(data)
            while view:
                view = view[os.write(new, view):]
        if not done:
            raise OutputError(f"{dest}: changed while this build copied from it; build again")
        offset += done
        length -= done


def record_path(out: Path, rel: str) -> Path:
    """Where the record of output file ``rel`` (relative to ``out``) is kept."""
    return out / CACHE / f"{rel}.json"


def layout(*parts: str) -> str:
    """Digest of what every fragment of a file depends on: tmpipe's version and code, and
    ``parts`` (format, locales, options that change what a fragment holds)."""
    digest = hashlib.sha256(f"{__version__}\0{code_digest()}".encode())
    for part in parts:
        digest.update(b"\0" + part.encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


def hole(name: str) -> str:
    """What a renderer writes where the document's value ``name`` goes."""
    return f"{_MARK}{name}{_MARK}"


def read_record(dest: Path, record_path: Path, layout: str) -> dict[str, Any]:
    """The fragments recorded for file ``dest`` at ``record_path``, or nothing when the record is
    missing, unreadable, of another layout, or of another state of the file (size, time)."""
    try:
        record = json.loads(record_path.read_text(encoding="utf-8"))
        info = os.stat(dest)
    except (OSError, ValueError):
        return {}
    if (not isinstance(record, dict) or record.get("record") != _RECORD_VERSION
            or record.get("layout") != layout or record.get("file") != [info.st_size, info.st_mtime_ns]):
        return {}
    fragments = record.get("fragments")
    return fragments if isinstance(fragments, dict) else {}


def write_record(dest: Path, record_path: Path, layout: str, fragments: dict[str, Any]) -> None:
    """Record ``fragments`` for file ``dest`` as it now is (after it was put in place)."""
    info = os.stat(dest)
    encode = _ENCODER.encode  # the C encoder (json.dump runs the Python one), a slice at a time
    names = list(fragments)
    with atomic_open(record_path) as handle:
        handle.write(f'{{"record":{_RECORD_VERSION},"layout":{encode(layout)},'
                     f'"file":{encode([info.st_size, info.st_mtime_ns])},"fragments":{{')
        for at in range(0, len(names), _RECORD_SLICE):
            handle.write(("," if at else "") + ",".join(
                f"{encode(name)}:{encode(fragments[name])}" for name in names[at:at + _RECORD_SLICE]))
        handle.write("}}")


class Splicer:
    """Writes one export file fragment by fragment, reusing the previous build's (see the module).

    ``with Splicer(out, rel, layout) as doc``: :meth:`write` adds text outside any
    fragment (headers), :meth:`reuse` copies a fragment of the previous file when its
    key is unchanged, :meth:`add` writes a rendered one.  ``layout`` digests what every
    fragment depends on (version, format, options, locales)."""

    def __init__(self, out: Path, rel: str, layout: str) -> None:
        self.dest = out / rel
        self.record_path = record_path(out, rel)
        self.layout = layout
        self.previous: dict[str, list[Any]] = self._load()
        self.fragments: dict[str, list[Any]] = {}
        self._offset = 0
        self._old: int | None = None
        self._new: int | None = None
        self._tmp: Any = None
        self._buffer: list[bytes] = []
        self._buffered = 0
        self._copy: list[int] = []  # [offset, length] of the old file's bytes still to copy

    def _load(self) -> dict[str, list[Any]]:
        return read_record(self.dest, self.record_path, self.layout)

    def __enter__(self) -> Splicer:
        if self.previous:
            try:
                self._old = os.open(self.dest, os.O_RDONLY)
            except OSError:
                self.previous = {}
        self._tmp = atomic_path(self.dest)
        path = self._tmp.__enter__()
        try:
            self._new = os.open(path, os.O_WRONLY | os.O_TRUNC)
        except OSError as exc:
            self._tmp.__exit__(type(exc), exc, exc.__traceback__)
            raise OutputError(f"{self.dest}: cannot write: {exc.strerror or exc}") from exc
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        assert self._new is not None
        try:
            try:
                if kind is None:
                    self._flush()
            finally:
                os.close(self._new)
                if self._old is not None:
                    os.close(self._old)
        except BaseException as failure:  # the file is incomplete: it replaces nothing
            self._tmp.__exit__(type(failure), failure, failure.__traceback__)
            raise
        self._tmp.__exit__(kind, exc, tb)  # replaces the file, or removes the temporary one
        if kind is None:
            write_record(self.dest, self.record_path, self.layout, self.fragments)

    def _put(self, data: bytes) -> None:
        if self._copy:
            self._flush()
        self._buffer.append(data)
        self._buffered += len(data)
        self._offset += len(data)
        if self._buffered >= _BUFFER:
            self._flush()

    def _copy_old(self, offset: int, length: int) -> None:
        """Copy ``length`` bytes of the previous file from ``offset`` (at the next flush: runs of
        copies that follow each other in the old file become one)."""
        if self._copy and self._copy[0] + self._copy[1] == offset:
            self._copy[1] += length
        else:
            if self._copy or self._buffer:
                self._flush()
            self._copy = [offset, length]
        self._offset += length

    def _flush(self) -> None:
        """Write what is buffered, then copy what is pending (in the kernel where it can)."""
        assert self._new is not None
        if self._buffer:
            data = b"".join(self._buffer)
            self._buffer, self._buffered = [], 0
            view = memoryview(data)
            while view:
                view = view[os.write(self._new, view):]
        if self._copy:
            assert self._old is not None  # copies are only pending from a previous file
            (offset, length), self._copy = self._copy, []
            _copy_range(self._old, self._new, offset, length, self.dest)

    def write(self, text: str) -> None:
        """Text outside any fragment."""
        self._put(text.encode("utf-8"))

    def recorded(self, name: str) -> tuple[str, Any] | None:
        """``(key, info)`` of fragment ``name`` in the previous file, if it is there."""
        entry = self.previous.get(name)
        return (entry[0], entry[3]) if entry else None

    def reusable(self, name: str, key: str) -> bool:
        entry = self.previous.get(name)
        return entry is not None and entry[0] == key

    def reuse(self, name: str, key: str, holes: Mapping[str, str]) -> Any:
        """Copy fragment ``name`` from the previous file when its key is ``key``, filling its holes
        with ``holes``: returns the ``info`` it was added with, or None when it cannot be reused."""
        entry = self.previous.get(name)
        if entry is None or entry[0] != key or self._old is None:
            return None
        _, pieces, names, info = entry
        ranges = []
        for at, (offset, length) in enumerate(pieces):
            ranges.append([self._offset, length])
            self._copy_old(offset, length)
            if at < len(names):
                self._put(holes[names[at]].encode("utf-8"))
        self.fragments[name] = [key, ranges, names, info]
        return info

    def add(self, name: str, key: str, text: str, holes: Mapping[str, str] | None, info: Any) -> None:
        """Write fragment ``name`` rendered as ``text`` (holes marked with :func:`hole`; with
        ``holes`` None it has none, and may hold any character), and record it with ``key`` and
        ``info`` (what the exporter counts: units, replaced characters…)."""
        if holes is None:
            data = text.encode("utf-8")
            self.fragments[name] = [key, [[self._offset, len(data)]], [], info]
            self._put(data)
            return
        parts = text.split(_MARK)
        assert len(parts) % 2 == 1, f"unbalanced hole marks in fragment {name!r}"
        ranges, names = [], parts[1::2]
        for at, part in enumerate(parts[0::2]):
            data = part.encode("utf-8")
            ranges.append([self._offset, len(data)])
            self._put(data)
            if at < len(names):
                self._put(holes[names[at]].encode("utf-8"))
        self.fragments[name] = [key, ranges, names, info]


def each_article(doc: Splicer, store: Store, source_locale: str, target_locale: str,
                 render: Callable[[list[SegmentRow]], tuple[str, Any]],
                 holes: Callable[[int], Mapping[str, str]]) -> Iterator[Any]:
    """Write every article of a locale pair that has pairs, in path order, as one fragment:
    copied when its key (the article's content hash) is the recorded one,
    else rendered from its occurrences; yields each fragment's ``info``.

    ``holes(n)`` gives the hole values of the ``n``-th article (from 1)."""
    plan = store.articles(target_locale, source_locale)
    stale = [path for path, key in plan if not doc.reusable(path, key)]
    rows = store.article_segments(target_locale, stale)
    progress.expect(len(plan))
    for number, (path, key) in enumerate(plan, 1):
        values = holes(number)
        info = doc.reuse(path, key, values)
        if info is None:
            got, occurrences = next(rows)
            assert got == path, (got, path)
            text, info = render(occurrences)
            doc.add(path, key, text, values, info)
        progress.advance()
        yield info
