"""Sorting more items than memory should hold: sorted runs spill to temporary files and are merged."""

from __future__ import annotations

import heapq
import os
import pickle
import tempfile
from collections.abc import Callable, Iterable, Iterator
from typing import Any, Generic, TypeVar

__all__ = ["ExternalSorter", "external_sort", "SORT_CHUNK"]

#: Items :func:`external_sort` holds in memory before spilling a sorted run to disk.
SORT_CHUNK = 20_000

T = TypeVar("T")


def external_sort(items: Iterable[T], key: Callable[[T], Any] | None, chunk: int | None = None) -> Iterator[T]:
    """``sorted(items, key=key)`` holding at most ``chunk`` (:data:`SORT_CHUNK`) items in memory;
    sorted runs spill to temporary files and are merged (see :class:`ExternalSorter`)."""
    sorter = ExternalSorter(key, chunk)
    try:
        for item in items:
            sorter.add(item)
    except BaseException:
        sorter.close()
        raise
    yield from sorter.sorted()


class ExternalSorter(Generic[T]):
    """Items added one by one, then given back sorted (by ``key``, stable), holding at most
    ``chunk`` (:data:`SORT_CHUNK`) of them in memory: each full chunk is sorted and spilled to
    a temporary file, and the runs are merged; nothing is written when all fit in one chunk."""

    def __init__(self, key: Callable[[T], Any] | None = None, chunk: int | None = None) -> None:
        self.key = key
        self.chunk = chunk or SORT_CHUNK
        self._batch: list[T] = []
        self._tmp: tempfile.TemporaryDirectory[str] | None = None
        self._files: list[str] = []

    def add(self, item: T) -> None:
        if len(self._batch) >= self.chunk:
            self._spill()
        self._batch.append(item)

    def _spill(self) -> None:
        if self._tmp is None:
            self._tmp = tempfile.TemporaryDirectory(prefix="tmpipe-sort-")
        path = os.path.join(self._tmp.name, f"{len(self._files)}.pickle")
        batch = sorted(self._batch, key=self.key)  # type: ignore[arg-type,type-var]
        self._batch = []
        with open(path, "wb") as handle:
            for at in range(0, len(batch), _PICKLE_BATCH):  # a list per pickle: far fewer calls
                pickle.dump(batch[at:at + _PICKLE_BATCH], handle, protocol=pickle.HIGHEST_PROTOCOL)
        self._files.append(path)

    def sorted(self) -> Iterator[T]:
        """Every item added, sorted; the temporary files are removed once it ends (or is closed)."""
        try:
            if not self._files:
                batch, self._batch = sorted(self._batch, key=self.key), []  # type: ignore[arg-type,type-var]
                yield from batch
                return
            if self._batch:
                self._spill()
            yield from heapq.merge(*(_unpickle(path) for path in self._files), key=self.key)
        finally:
            self.close()

    def close(self) -> None:
        """Forget the items and remove the temporary files."""
        self._batch = []
        self._files = []
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None


#: Items pickled together when :class:`ExternalSorter` spills a run.
_PICKLE_BATCH = 256


def _unpickle(path: str) -> Iterator[Any]:
    with open(path, "rb") as handle:
        while True:
            try:
                yield from pickle.load(handle)
            except EOFError:
                return
