"""The extraction stage: a corpus's articles into the TM, reading only what changed.

``extract_corpus`` walks the corpus roots, reads each article whose file status changed since it
was last read (in ``--jobs`` worker processes, or Dask tasks), extracts it when its content hash
changed (or aligns it with its English, ``--align-with``), and writes its rows into the store;
then it settles the locales articles take from their root and brings the TM's counts and
indexes up to date.  Nothing here holds more than one article's pairs at a time.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .align.source import english_source, extract_aligned
from .corpus import Root, Selection, Source, corpus_roots, walk
from .engine import open_engine
from .extract import extract_bytes, path_locale
from .model import SOURCE_LOCALE, Anomaly, Document, DocumentMeta
from .progress import Silent
from .root_locales import settle
from .store import READER_INDEXES, DocRows, Store, doc_rows

__all__ = ["DEFER_AFTER", "RACY_NS", "RunStats", "extract_corpus", "extract_source", "file_stat", "roots_of", "sources"]

#: Counts ``n`` more steps of the current stage.
Advance = Callable[[int], None]


@dataclass(slots=True)
class RunStats:
    """What one extraction run did."""

    seen: int = 0
    """Articles found in the corpus."""
    extracted: int = 0
    """Articles (re)extracted because they are new or changed."""
    unchanged: int = 0
    """Articles skipped because their content hash is unchanged."""
    removed: int = 0
    """Articles dropped from the TM because they left the corpus."""
    seconds: float = 0.0
    """Wall time of the run, the TM's commit included."""
    settled: int = 0
    """Articles extracted again because the locale they take from their corpus root changed."""
    not_articles: int = 0
    """Markdown files left out: no locale, no ``data-ttu-id``, no front matter (a README)."""


def roots_of(corpora: Sequence[Path | Root], locales: tuple[tuple[str | None, str], ...] = ()) -> list[Root]:
    """The corpus roots of the paths given (roots are kept as they are)."""
    if all(isinstance(root, Root) for root in corpora):
        return list(corpora)  # type: ignore[arg-type]
    return corpus_roots([Path(root) for root in corpora], dict(locales))  # type: ignore[arg-type]


def sources(corpora: Sequence[Path | Root], select: Selection = Selection(),
            locales: tuple[tuple[str | None, str], ...] = ()) -> Iterator[Source]:
    """Articles of every corpus root; with several roots, paths are prefixed by the root's name."""
    for root in roots_of(corpora, locales):
        yield from walk(root, select=select)


def extract_source(source: Source, known_sha: str | None = None,
                   source_locale: str = SOURCE_LOCALE, align_with: str | None = None) -> Document | str:
    """The Document for a source, or its relative path when its hash equals ``known_sha``.

    With ``align_with`` (a folder of English articles), an article without span pairs is aligned
    with its English (:func:`pipeline.align.source.extract_aligned`); its hash covers the English
    too, so it is always read again.

    Never raises for a bad file: unreadable or skipped files become a Document
    holding one anomaly, so they are reported like any other problem.
    """
    root = source.root or Root(source.path)

    def unread(kind: str, message: str) -> Document:
        locale, locale_from = path_locale(source.inner, root.locale, root.locale_from or "")
        meta = DocumentMeta(source.rel, locale, source_locale=source_locale, locale_from=locale_from)
        return Document(meta, "", 0, 0, anomalies=(Anomaly(kind, 0, message),))

    if source.skip:
        return unread("skipped", source.skip)
    try:
        data = source.path.read_bytes()
    except OSError as exc:
        return unread("read-error", f"cannot read: {exc.strerror or exc}")
    if known_sha is not None and hashlib.sha256(data).hexdigest() == known_sha:
        return source.rel
    options: dict[str, Any] = {"locale": root.locale, "locale_from": root.locale_from or "",
                               "locale_path": source.inner, "source_locale": source_locale}
    if align_with is not None:
        return extract_aligned(data, source.rel, english_source(align_with), **options)
    return extract_bytes(data, source.rel, **options)


#: A file changed less than this long before it was read may change again within the same
#: timestamp: its status is not trusted (stored as None), so the next build reads it again.
RACY_NS = 2_000_000_000


def file_stat(path: Path, now_ns: int | None = None) -> str | None:
    """A file's size, modification and change times and inode, as one string; None when it cannot
    be trusted to tell a change (it is missing, or changed just before ``now_ns``)."""
    try:
        info = os.stat(path)
    except OSError:
        return None
    now_ns = time.time_ns() if now_ns is None else now_ns
    if max(info.st_mtime_ns, info.st_ctime_ns) > now_ns - RACY_NS:
        return None
    return f"{info.st_size}:{info.st_mtime_ns}:{info.st_ctime_ns}:{info.st_ino}"


#: Articles extracted before the readers' indexes are dropped until the end (and a quarter of the
#: TM's): below that, keeping them up to date costs less than building them again.
DEFER_AFTER = 200


def _extract(task: tuple[Source, str | None, str, str | None]) -> DocRows | tuple[str, str | None]:
    """Pool worker: ``extract_source`` over one task tuple, returning the rows the store writes
    (plain tuples: cheap to send back, and the TM's process only runs SQL), or ``(path, stat)``
    when the content is unchanged; either way with the file's status from before it was read."""
    source = task[0]
    stat = None if source.skip else file_stat(source.path)
    result = extract_source(*task)
    return (result, stat) if isinstance(result, str) else doc_rows(result)._replace(stat=stat)


def extract_corpus(corpora: Sequence[Path | Root], store: Store, *, jobs: int = 1, engine: str = "local",
                   scheduler: str | None = None, source_locale: str = SOURCE_LOCALE,
                   progress: Silent = Silent(), select: Selection = Selection(),
                   align_with: Path | None = None) -> RunStats:
    """Bring the store up to date with the corpus: only new or changed articles are extracted.

    An article whose file status (size, times, inode) is the one recorded when it was last read
    is not read again (as ``git`` and ``make`` decide); any other is read and its content hash
    compared with the stored one.  ``progress`` is told of the two stages: reading the articles,
    then indexing the TM (counts, locales settled, indexes)."""
    roots = roots_of(corpora)
    with progress.stage("reading articles", "articles", lambda: sum(1 for _ in sources(roots, select))) as meter:
        stats, seen, deferred = _read(roots, store, jobs, engine, scheduler, source_locale, meter.advance, select,
                                      str(align_with) if align_with is not None else None)
    with progress.stage("indexing the TM", "steps", 4 + len(READER_INDEXES)) as meter:
        store.set_roots((root.prefix, str(root.path.resolve())) for root in roots)
        stats.removed = store.remove(path for path in store.known_hashes() if path not in seen)
        meter.advance()
        stats.settled = settle(roots, store, lambda some: sources(some, select),
                               lambda source: _extract((source, None, source_locale,
                                                        str(align_with) if align_with is not None else None)))
        meter.advance()
        stats.not_articles = len(store.remove_empty_unlocalized())  # read this run: not unchanged ones
        stats.seen -= stats.not_articles
        stats.extracted -= stats.not_articles
        meter.advance()
        store.prune_units()
        meter.advance()
        if deferred:
            store.restore_indexes(done=lambda name: meter.advance())
    return stats


def _read(roots: Sequence[Root], store: Store, jobs: int, engine: str, scheduler: str | None, source_locale: str,
          progress: Advance, select: Selection, english: str | None) -> tuple[RunStats, set[str], bool]:
    """Extract what changed into ``store``: the run's counts, the articles seen, whether the readers'
    indexes were dropped (:meth:`Store.defer_indexes`); ``english``: the folder to align articles
    without spans with (``--align-with``)."""
    known = store.known_files()
    stats = RunStats()
    seen: set[str] = set()
    trusted: list[str] = []

    def tasks() -> Iterator[tuple[Source, str | None, str, str | None]]:  # runs in the engine's feeder thread
        for source in sources(roots, select):
            sha, stat = known.get(source.rel, (None, None))
            # an aligned article depends on its English too: with align_with every article is read
            if english is None and stat is not None and not source.skip and file_stat(source.path) == stat:
                trusted.append(source.rel)  # unchanged since it was last read: not read again
                continue
            yield source, sha, source_locale, english

    deferred = False  # the readers' indexes, while many articles are written (a first build)
    counted = 0  # unchanged articles told to ``progress``
    with open_engine(engine, jobs, scheduler) as imap:
        for result in imap(_extract, tasks()):
            if isinstance(result, DocRows):
                stats.extracted += 1
                seen.add(result.path)
                if not deferred and stats.extracted > max(DEFER_AFTER, len(known) // 4):
                    store.defer_indexes()
                    deferred = True
                store.put_rows(result)
            else:
                path, stat = result
                seen.add(path)
                if stat != known[path][1]:
                    store.set_stat(path, stat)
            progress(1 + len(trusted) - counted)  # the unchanged ones too, as the feeder finds them
            counted = len(trusted)
    seen.update(trusted)
    progress(len(trusted) - counted)
    stats.seen = len(seen)
    stats.unchanged = stats.seen - stats.extracted
    return stats, seen, deferred
