"""An article's part of a file: the key of what its rows are made of, and the rows.

Keys are read from the TM without texts (an article's content hash and the units of its
occurrences; or the units it shows first, with their keys and counts): a part whose key is
unchanged since the last build is copied (:mod:`.fragments`), and only the others' rows are
read.  ``shape`` is ``articles`` (a part is an article's occurrences) or ``units`` (the units
an article shows first, over one locale pair).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import groupby
from typing import Any

from ..store import Store

__all__ = ["PartKey", "digest", "part_keys", "part_rows"]


@dataclass(frozen=True, slots=True)
class PartKey:
    """One article's part: its path, the key of its rows and how many rows it has."""

    path: str
    key: str
    rows: int


def digest(*parts: Any) -> str:
    """A short digest of ``parts`` (their ``repr``)."""
    return hashlib.blake2b(repr(parts).encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


def part_keys(store: Store, shape: str, target: str, source: str | None) -> Iterator[PartKey]:
    """The part of each article over one locale pair (any source locale when ``source`` is None,
    ``articles`` only), in path order."""
    if shape == "articles":
        for stamp in store.article_stamps(target, source):
            yield PartKey(stamp.path, digest(stamp.sha256, stamp.unit_ids), len(stamp.unit_ids))
        return
    assert source is not None
    for path, group in groupby(store.unit_stamps(source, target), key=lambda stamp: stamp.path):
        stamps = list(group)
        yield PartKey(path, digest(stamps[0].sha256, [(s.seq, s.key, s.repetitions, s.mt_repetitions, s.id)
                                                      for s in stamps]), len(stamps))


def part_rows(store: Store, shape: str, target: str, source: str | None, paths: list[str]) -> Iterator[list[Any]]:
    """The rows of the parts of ``paths`` (sorted), one list per article, in that order."""
    if shape == "articles":
        return store.article_occurrences(target, paths, source)
    assert source is not None
    return store.article_units(source, target, paths)
