"""Reusing rendered parts of a file on the next build: the one place rendered text is reused.

A file written as a head, parts and a tail (an XLIFF ``<file>`` per article, the TMX units an
article shows first, an article's PO entries or CSV rows) is written through
:class:`Fragments`: each part has a *key*, a digest of everything it is rendered from, and
the record of the file (``OUT/.tmpipe-cache/<path>.json``, beside the file's size and
modification time) keeps where each part's bytes are.  The next build copies every part
whose key is unchanged from the previous file (in the kernel, ``copy_file_range``) instead of
reading its rows and rendering it again, and writes byte for byte what a fresh build writes.

A part may hold values of the whole document (the build's signature, the part's position):
the renderer is given them as *values*; here it is given markers instead, the bytes between
markers are recorded, and a copy fills in the current values.

A Parquet file is written the same way in row groups (:class:`RowGroups`): a run of articles
whose key is unchanged is copied from the previous file's row group (decoded and encoded again
by pyarrow, never read from the TM).

A record of another layout (version, code, format, options), of another state of the file,
or one that cannot be read, reuses nothing.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Mapping
from pathlib import Path
from types import TracebackType
from typing import Any

from .. import __version__, code_digest
from ..atomic import atomic_open, atomic_path
from ..errors import OutputError
from ..output import Rendered

__all__ = ["CACHE", "Fragments", "RowGroups", "layout", "record_path"]

#: The build's cache folder, below the output directory.
CACHE = ".tmpipe-cache"
_RECORD_VERSION = 2
#: Delimits a value's name in rendered text: NUL is never written to an XML or PO export.
_MARK = "\x00"
#: Rendered bytes gathered before a write.
_BUFFER = 1 << 20
_KERNEL_COPY = getattr(os, "copy_file_range", None)  # Linux
_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))
#: Parts encoded at once when a record is written (memory holds one slice's text).
_RECORD_SLICE = 1024


def layout(*parts: str) -> str:
    """Digest of what every part of a file depends on besides its own key: tmpipe's version and
    code, and ``parts`` (format, locales, options)."""
    digest = hashlib.sha256(f"{__version__}\0{code_digest()}".encode())
    for part in parts:
        digest.update(b"\0" + part.encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


def record_path(out: Path, rel: str) -> Path:
    """Where the record of output file ``rel`` (relative to ``out``) is kept."""
    return out / CACHE / f"{rel}.json"


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


def _read_record(dest: Path, record: Path, layout_key: str) -> dict[str, Any]:
    """The parts recorded for ``dest``, or nothing when the record is missing, unreadable, of
    another layout, or of another state of the file (size, time)."""
    try:
        data = json.loads(record.read_text(encoding="utf-8"))
        info = os.stat(dest)
    except (OSError, ValueError):
        return {}
    if (not isinstance(data, dict) or data.get("record") != _RECORD_VERSION or data.get("layout") != layout_key
            or data.get("file") != [info.st_size, info.st_mtime_ns]):
        return {}
    parts = data.get("parts")
    return parts if isinstance(parts, dict) else {}


def _write_record(dest: Path, record: Path, layout_key: str, parts: dict[str, Any]) -> None:
    """Record ``parts`` for file ``dest`` as it now is (after it was put in place)."""
    info = os.stat(dest)
    encode = _ENCODER.encode  # the C encoder (json.dump runs the Python one), a slice at a time
    names = list(parts)
    with atomic_open(record) as handle:
        handle.write(f'{{"record":{_RECORD_VERSION},"layout":{encode(layout_key)},'
                     f'"file":{encode([info.st_size, info.st_mtime_ns])},"parts":{{')
        for at in range(0, len(names), _RECORD_SLICE):
            handle.write(("," if at else "") + ",".join(
                f"{encode(name)}:{encode(parts[name])}" for name in names[at:at + _RECORD_SLICE]))
        handle.write("}}")


class Fragments:
    """Writes one file part by part, reusing the previous build's parts (see the module).

    ``with Fragments(out, rel, layout) as doc``: :meth:`write` adds text outside any part
    (head, tail), :meth:`part` adds a part, copied or rendered.  The file replaces the previous
    one when the block ends without an error; with :attr:`discard` set, it replaces nothing."""

    def __init__(self, out: Path, rel: str, layout_key: str) -> None:
        self.dest = out / rel
        self.record = record_path(out, rel)
        self.layout = layout_key
        self.previous: dict[str, list[Any]] = _read_record(self.dest, self.record, layout_key)
        self.parts: dict[str, list[Any]] = {}
        self.discard = False
        """Set to leave no file (and no record) when the block ends."""
        self._offset = 0
        self._old: int | None = None
        self._new: int | None = None
        self._tmp: Any = None
        self._buffer: list[bytes] = []
        self._buffered = 0
        self._copy: list[int] = []  # [offset, length] of the old file's bytes still to copy

    def __enter__(self) -> Fragments:
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
        if kind is None and self.discard:
            self._tmp.__exit__(_Discarded, _Discarded(), None)  # removes the temporary file
            return
        self._tmp.__exit__(kind, exc, tb)  # replaces the file, or removes the temporary one
        if kind is None:
            _write_record(self.dest, self.record, self.layout, self.parts)

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

    def holds(self, name: str, key: str) -> bool:
        """Whether the previous file holds part ``name`` under ``key`` (:meth:`part` will copy it)."""
        entry = self.previous.get(name)
        return entry is not None and entry[0] == key and self._old is not None

    def write(self, text: str) -> None:
        """Text outside any part."""
        self._put(text.encode("utf-8"))

    def part(self, name: str, key: str, values: Mapping[str, str],
             render: Callable[[Mapping[str, str]], Rendered]) -> dict[str, int]:
        """Add part ``name``: copied from the previous file when its key is ``key``, else
        ``render(values)``-ed; ``values`` are the document's values it holds.  Returns its counts."""
        if self.holds(name, key):
            _, pieces, names, counts = self.previous[name]
            ranges = []
            for at, (offset, length) in enumerate(pieces):
                ranges.append([self._offset, length])
                self._copy_old(offset, length)
                if at < len(names):
                    self._put(values[names[at]].encode("utf-8"))
            self.parts[name] = [key, ranges, names, counts]
            return counts  # type: ignore[no-any-return]
        if not values:
            rendered = render(values)
            data = rendered.text.encode("utf-8")
            self.parts[name] = [key, [[self._offset, len(data)]], [], rendered.counts]
            self._put(data)
            return rendered.counts
        rendered = render({value: f"{_MARK}{value}{_MARK}" for value in values})
        texts = rendered.text.split(_MARK)
        assert len(texts) % 2 == 1, f"unbalanced value marks in part {name!r}"
        ranges, names = [], texts[1::2]
        for at, text in enumerate(texts[0::2]):
            data = text.encode("utf-8")
            ranges.append([self._offset, len(data)])
            self._put(data)
            if at < len(names):
                self._put(values[names[at]].encode("utf-8"))
        self.parts[name] = [key, ranges, names, rendered.counts]
        return rendered.counts


class _Discarded(Exception):
    """Raised into the temporary file's context to remove it."""


class RowGroups:
    """The record of a Parquet file written in row groups, one per run of articles: which row
    group of the previous file (``old``, as it is now) holds a run with the same key.

    The caller writes the file: a row group it copies or writes goes in with :meth:`add`, and
    :meth:`commit` records them once the file is in place at ``dest``."""

    def __init__(self, out: Path, rel: str, layout_key: str, old: Path | None = None) -> None:
        self.old = old or out / rel
        self.record = record_path(out, rel)
        self.layout = layout_key
        self.previous: dict[str, list[Any]] = _read_record(self.old, self.record, layout_key)
        self.groups: dict[str, list[Any]] = {}

    def held(self, name: str, key: str, rows: int) -> int | None:
        """The previous file's row group of run ``name`` when its key is ``key`` (and it holds
        ``rows`` rows), else None."""
        entry = self.previous.get(name)
        if entry is None or entry[0] != key or entry[2] != rows:
            return None
        return int(entry[1])

    def add(self, name: str, key: str, rows: int) -> None:
        """The next row group of the new file is run ``name``."""
        self.groups[name] = [key, len(self.groups), rows]

    def commit(self, dest: Path) -> None:
        """Record the row groups of the file now at ``dest``."""
        _write_record(dest, self.record, self.layout, self.groups)
