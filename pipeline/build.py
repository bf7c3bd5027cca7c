"""The pipeline as data: walk → extract → store → export, and the manifest that indexes it all.

``extract_corpus`` streams articles through worker processes into the store;
``build`` adds the exports and writes ``manifest.json``.  Nothing here holds
more than one article's pairs at a time.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from . import __version__
from .atomic import atomic_open
from .corpus import Root, Selection, Source, corpus_roots, walk
from .engine import open_engine
from . import outputs
from .errors import ConfigError, InputError, Interrupted, OutputError
from .export import FORMATS, DocumentContext, ExportOptions, get_format
from .align.source import english_source, extract_aligned
from .extract import extract_bytes, path_locale
from .model import SOURCE_LOCALE, Anomaly, Document, DocumentMeta
from .output import Output
from .outputs import Job, plan
from .outputs.documents import write_format
from .output_folder import MANIFEST, TM_NAME, no_pairs_message, qa_settings
from .qa import load_config
from .qa.inputs import input_warnings
from .root_locales import settle
from .progress import Silent
from .report import REPORTS
from .store import READER_INDEXES, DocRows, Store, doc_rows, open_store

__all__ = ["BuildOptions", "RunStats", "build", "export", "extract_corpus", "extract_source", "sources",
           "split_formats",
           "DEFAULT_FORMATS", "MANIFEST", "TM_NAME"]

#: Formats ``tmpipe build`` writes unless told otherwise (the ones registered).
DEFAULT_FORMATS = ("tmx", "xliff-1.2", "xliff-2", "po", "csv", "parquet")

Advance = Callable[[int], None]


@dataclass(frozen=True, slots=True)
class BuildOptions:
    """Everything that changes what a build produces."""

    jobs: int = 1
    """Worker processes for extraction (1 = in process)."""
    engine: str = "local"
    """Where extraction runs: ``local`` or ``dask`` (see :mod:`pipeline.engine`)."""
    scheduler: str | None = None
    """Address of a dask.distributed scheduler; None starts a LocalCluster."""
    formats: tuple[str, ...] = DEFAULT_FORMATS
    """Export formats to write."""
    source_locale: str = SOURCE_LOCALE
    """Language of the English twins."""
    export: ExportOptions = field(default_factory=ExportOptions)
    """Exporter switches."""
    qa: bool = True
    """Run the QA checks and write their reports into ``OUT/qa/`` (a build never fails on findings)."""
    qa_config: Path | None = None
    """``tmpipe.toml`` with QA settings (None: ``./tmpipe.toml`` when it exists)."""
    english: Path | None = None
    """Current English articles, for the ``source-drift`` check."""
    baseline: Path | None = None
    """An earlier TM, for the ``version-drift`` check."""
    locales: tuple[tuple[str | None, str], ...] = ()
    """``--locale``: (corpus root as given, or None for every root; locale of its articles that name none)."""
    select: Selection = field(default_factory=Selection)
    """``--include``/``--exclude``: which files of the corpus are read."""
    align_with: Path | None = None
    """English articles to align plain localized articles (those without span pairs) with."""


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


def _roots(corpora: Sequence[Path | Root], locales: tuple[tuple[str | None, str], ...] = ()) -> list[Root]:
    if all(isinstance(root, Root) for root in corpora):
        return list(corpora)  # type: ignore[arg-type]
    return corpus_roots([Path(root) for root in corpora], dict(locales))  # type: ignore[arg-type]


def sources(corpora: Sequence[Path | Root], select: Selection = Selection(),
            locales: tuple[tuple[str | None, str], ...] = ()) -> Iterator[Source]:
    """Articles of every corpus root; with several roots, paths are prefixed by the root's name."""
    for root in _roots(corpora, locales):
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
_RACY_NS = 2_000_000_000


def file_stat(path: Path, now_ns: int | None = None) -> str | None:
    """A file's size, modification and change times and inode, as one string; None when it cannot
    be trusted to tell a change (it is missing, or changed just before ``now_ns``)."""
    try:
        info = os.stat(path)
    except OSError:
        return None
    now_ns = time.time_ns() if now_ns is None else now_ns
    if max(info.st_mtime_ns, info.st_ctime_ns) > now_ns - _RACY_NS:
        return None
    return f"{info.st_size}:{info.st_mtime_ns}:{info.st_ctime_ns}:{info.st_ino}"


#: Articles extracted before the readers' indexes are dropped until the end (and a quarter of the
#: TM's): below that, keeping them up to date costs less than building them again.
_DEFER_AFTER = 200


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
    roots = _roots(corpora)
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
                if not deferred and stats.extracted > max(_DEFER_AFTER, len(known) // 4):
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


@contextmanager
def _locked(out: Path) -> Iterator[None]:
    """Hold an exclusive lock on the output directory for the whole build."""
    try:
        out.mkdir(parents=True, exist_ok=True)
        handle = open(out / ".tmpipe.lock", "w")
    except OSError as exc:
        raise OutputError(f"{out}: cannot write output directory: {exc.strerror or exc}") from exc
    with handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            raise OutputError(f"{out}: another tmpipe build is writing here; try again when it ends") from None
        for stale in out.rglob(".*.tmp"):  # left by a build that was killed mid-write
            stale.unlink(missing_ok=True)
        yield


def build(corpora: Sequence[Path], out: Path, options: BuildOptions = BuildOptions(),
          progress: Silent = Silent()) -> dict[str, Any]:
    """Run the whole pipeline into ``out``; returns the manifest it wrote.

    The TM is committed once extraction is done (a build interrupted before
    leaves it as it was); the outputs are then written as tasks
    (:mod:`pipeline.outputs`), in ``options.jobs`` processes, each file
    atomically; ``manifest.json`` is written last.  ``options.formats`` may name QA report
    formats too: then only those reports are written.
    """
    formats, reports = split_formats(options.formats)  # an unknown name fails before any work
    if reports and not options.qa:
        raise ConfigError(f"-f {reports[0]} is a QA report: it needs QA (leave out --no-qa)")
    qa_config = load_config(options.qa_config) if options.qa else None
    roots = _roots(corpora, options.locales)  # a missing corpus path fails before anything is created
    select = replace(options.select, outputs=(*options.select.outputs, Path(out).resolve()))
    root = corpora[0] if len(corpora) == 1 and Path(corpora[0]).is_dir() else None
    job = Job(out / TM_NAME, out, options.source_locale, options.export, formats, qa_config,
              options.english, options.baseline, str(root) if root else None, reports or None)
    created = [path for path in (out, out / ".tmpipe.lock", job.tm) if not path.exists()]
    with _locked(out):
        store = open_store(job.tm)
        try:
            started = time.perf_counter()
            stats = extract_corpus(roots, store, jobs=options.jobs, engine=options.engine,
                                   scheduler=options.scheduler, source_locale=options.source_locale,
                                   progress=progress, select=select, align_with=options.align_with)
            with progress.stage("committing the TM"):
                if not store.has_pairs():
                    raise InputError(no_pairs_message(corpora, store.summary()))
                store.commit()
        except BaseException as exc:
            store.close()
            if isinstance(exc, InputError):
                _discard(created)  # no TM is written, and nothing is left that was not there
            raise
        try:  # a Ctrl-C from here on finds the TM committed, whatever it interrupts
            try:
                stats.seconds = round(time.perf_counter() - started, 3)
                summary = store.summary()
                signature = _signature(store, formats, options.export, options.source_locale)
                coverage, warnings = input_warnings(store, job.english, job.baseline) if qa_config else (None, [])
                tasks = plan(job, store)
            finally:
                store.close()
            outcome = outputs.run(job, tasks, options.jobs, progress)
            outputs.write_state(out, outcome.records)
            manifest = {
                "tool": "tmpipe",
                "version": __version__,
                "created": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
                "signature": signature,
                "extraction": {**summary, "run": asdict(stats)},
                "outputs": [Output(TM_NAME, "sqlite", summary["units"]).to_json(), *outcome.entries],
                "tasks": {"run": len(outcome.seconds), "reused": outcome.reused, "seconds": outcome.seconds},
                "qa": {**qa_settings(job.english, job.baseline, qa_config.path if qa_config else None,
                                        job.corpus_root), **({"english_coverage": asdict(coverage)} if coverage else {})},
                "warnings": warnings,
            }
            _write_manifest(out, manifest)
        except KeyboardInterrupt:
            raise Interrupted("the TM is up to date and no file is half-written;"
                              " run the build again to finish the exports") from None
    return manifest


def split_formats(names: Sequence[str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """``(export formats, report formats)`` of the names given with ``-f``; an unknown one is an
    error listing both kinds."""
    for name in names:
        if name not in FORMATS and name not in REPORTS:
            raise ConfigError(f"unknown format {name!r}; choose from the export formats"
                              f" {', '.join(sorted(FORMATS))} or the QA reports {', '.join(REPORTS)}")
    return tuple(n for n in names if n in FORMATS), tuple(n for n in names if n in REPORTS)


def _discard(created: Sequence[Path]) -> None:
    """Remove the output folder or TM a failed build created (with the TM's journal files)."""
    for path in reversed(created):
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        else:
            for name in (path.name, f"{path.name}-wal", f"{path.name}-shm", f"{path.name}-journal"):
                (path.parent / name).unlink(missing_ok=True)


def _signature(store: Store, formats: Sequence[str], export: ExportOptions, source_locale: str) -> dict[str, Any]:
    return {"tool": "tmpipe", "version": __version__,
            "options": {"formats": list(formats), "source_locale": source_locale, **asdict(export)},
            "input": store.input_fingerprint()}


def _write_manifest(out: Path, manifest: dict[str, Any]) -> None:
    with atomic_open(out / MANIFEST) as handle:
        json.dump(manifest, handle, ensure_ascii=False, indent=2)
        handle.write("\n")


def export(tm: Path, out: Path, formats: Sequence[str], options: ExportOptions = ExportOptions()) -> dict[str, Any]:
    """Write ``formats`` from an existing TM into ``out``; returns the manifest.

    When ``out`` already holds a manifest (a build directory), its entries for
    the files written are replaced and the rest kept.
    """
    chosen = [get_format(name) for name in formats]
    with _locked(out):
        store = open_store(tm, readonly=True)
        try:
            pairs = tuple(store.locale_pairs())
            ctx = DocumentContext(pairs, pairs, options, _signature(store, formats, options, SOURCE_LOCALE))
            written_outputs = [{**o.to_json(), "signature": ctx.signature}
                               for fmt in chosen for o in write_format(fmt, store, out, ctx)]
        finally:
            store.close()
        previous = _read_manifest(out / MANIFEST)
        written = {o["path"] for o in written_outputs}
        manifest = {**previous, "tool": "tmpipe", "version": __version__,
                    "created": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
                    "signature": ctx.signature,
                    "outputs": [o for o in previous.get("outputs", []) if o.get("path") not in written]
                    + written_outputs}
        _write_manifest(out, manifest)
    return manifest


def _read_manifest(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        raise OutputError(f"{path}: existing manifest cannot be read: {exc}") from exc
    return data if isinstance(data, dict) else {}
