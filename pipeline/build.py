"""The pipeline as data: walk → extract → store → export, and the manifest that indexes it all.

``build`` brings the TM up to date with the corpus (:mod:`pipeline.extraction`), commits it,
writes the outputs as tasks (:mod:`pipeline.outputs`) and ``manifest.json`` last; ``export``
writes formats again from an existing TM.
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

from . import __version__, outputs
from .atomic import atomic_open
from .corpus import Selection
from .errors import ConfigError, InputError, Interrupted, OutputError
from .export import FORMATS, DocumentContext, ExportOptions, get_format
from .extraction import RunStats, extract_corpus, roots_of
from .model import SOURCE_LOCALE
from .output import Output
from .outputs import Job, plan
from .outputs.documents import write_format
from .output_folder import MANIFEST, TM_NAME, no_pairs_message, qa_settings
from .qa import load_config
from .qa.inputs import input_warnings
from .progress import Silent
from .report import REPORTS
from .store import Store, open_store

__all__ = ["BuildOptions", "build", "export", "split_formats", "write_manifest", "DEFAULT_FORMATS", "MANIFEST", "TM_NAME"]

#: Formats ``tmpipe build`` writes unless told otherwise (the ones registered).
DEFAULT_FORMATS = ("tmx", "xliff-1.2", "xliff-2", "po", "csv", "parquet")


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
    roots = roots_of(corpora, options.locales)  # a missing corpus path fails before anything is created
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
            write_manifest(out, manifest)
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


def write_manifest(out: Path, manifest: dict[str, Any]) -> None:
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
        write_manifest(out, manifest)
    return manifest


def _read_manifest(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        raise OutputError(f"{path}: existing manifest cannot be read: {exc}") from exc
    return data if isinstance(data, dict) else {}
