"""A build's outputs as tasks: every export format per target locale, and QA.

Once extraction is committed, :func:`plan` splits the outputs into tasks: a
format that writes each target locale apart (``@exporter(..., per_locale=True)``)
becomes one task per locale, a corpus-wide format (CSV, Parquet) one task, QA
one task.  :func:`run` runs them, biggest first, in ``jobs`` worker processes
that each open the TM read-only (in process when ``jobs`` is 1).

A task's **fingerprint** digests what its files depend on: tmpipe's version and code,
the options, and the path and content hash of every article of its locale (of
the whole corpus for corpus-wide tasks).  It is embedded in the files it writes
(the signature's ``input``) and kept in ``OUT/.tmpipe-state.json`` with the size
and modification time of each file.  When a later build plans the same task
with the same fingerprint and its files are still as that run left them, the
task is not run again and its manifest entries are kept: a build after a
hand-off that touched one locale rewrites that locale's files only.
"""

from __future__ import annotations

import ctypes
import hashlib
import json
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass
from multiprocessing.connection import Connection
from multiprocessing.connection import wait as mp_wait
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any

from .. import __version__, code_digest, progress
from ..atomic import atomic_open
from ..errors import OutputError
from ..export import DocumentContext, ExportOptions, get_format
from ..qa import QaConfig
from ..store import Store, open_store
from .documents import write_format
from .qa import MEMO, run_qa

__all__ = ["Job", "Task", "plan", "run", "STATE"]

#: Where a build keeps each task's fingerprint and the files it wrote.
STATE = ".tmpipe-state.json"
_STATE_VERSION = 1
QA = "qa"
#: Tasks that need much memory of their own (pyarrow ~150 MB; QA's language models): never two at once.
MEMORY_HEAVY = frozenset({"parquet", "parquet-dataset", QA})
#: What a task returns: the manifest entries of the files it wrote, and the seconds it took.
Result = tuple[list[dict[str, Any]], float]


@dataclass(frozen=True, slots=True)
class Job:
    """What every task of one build shares (picklable: sent to the worker processes)."""

    tm: Path
    out: Path
    source_locale: str
    export: ExportOptions
    formats: tuple[str, ...]
    qa: QaConfig | None
    english: Path | None = None
    baseline: Path | None = None
    corpus_root: str | None = None
    reports: tuple[str, ...] | None = None
    """QA report formats to write (None: the default ones)."""


@dataclass(frozen=True, slots=True)
class Task:
    """One unit of output work."""

    name: str
    """Export format, or ``qa``."""
    locales: tuple[str, ...] | None
    """Target locales it writes; None: the whole TM."""
    fingerprint: str | None
    """Digest of everything its files depend on; None: never reused (QA against outside inputs)."""
    weight: int
    """Pairs it reads: the biggest tasks start first."""

    @property
    def key(self) -> str:
        return f"{self.name} {' '.join(self.locales) if self.locales else '*'}"

    @property
    def label(self) -> str:
        """For people: ``tmx fr-FR``, ``csv``, ``QA``."""
        return "QA" if self.name == QA else f"{self.name} {' '.join(self.locales)}" if self.locales else self.name


def options_of(job: Job, name: str) -> dict[str, Any]:
    """The options that change what task ``name`` writes (the signature's ``options``)."""
    if name == QA:
        return {"qa": repr(job.qa), "corpus_root": job.corpus_root, **({"reports": job.reports} if job.reports else {})}
    return {"format": name, "source_locale": job.source_locale, **asdict(job.export)}


def signature(job: Job, task: Task) -> dict[str, Any]:
    """The reproducibility signature embedded in a task's files."""
    return {"tool": "tmpipe", "version": __version__, "options": options_of(job, task.name),
            "input": task.fingerprint or ""}


def _digest(*parts: str) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode("utf-8", "surrogatepass"))
        digest.update(b"\0")
    return digest.hexdigest()


def plan(job: Job, store: Store) -> list[Task]:
    """The tasks of a build over ``store`` (committed), biggest first."""
    by_locale: dict[str, Any] = {}  # locale → running sha256
    corpus = hashlib.sha256()
    for locale, path, sha in store.file_hashes():
        line = f"{path}\0{sha}\n".encode("utf-8", "surrogatepass")
        corpus.update(line)
        by_locale.setdefault(locale, hashlib.sha256()).update(line)
    pairs = store.pairs_by_locale()
    targets = sorted({target for _, target in store.locale_pairs()})
    total = sum(pairs.values())
    whole = corpus.hexdigest()
    release = f"{__version__}\0{code_digest()}"  # a checkout of other code writes other files
    tasks = []
    for name in job.formats:
        options = json.dumps(options_of(job, name), sort_keys=True)
        if get_format(name).per_locale and not (name == "tmx" and job.export.multilingual):
            for locale in targets:
                fingerprint = _digest(release, options, by_locale[locale].hexdigest())
                tasks.append(Task(name, (locale,), fingerprint, pairs.get(locale, 0)))
        else:
            tasks.append(Task(name, None, _digest(release, options, whole), total))
    if job.qa is not None:
        outside = job.english is not None or job.baseline is not None
        suppress = _file_digest(job.qa.suppress) if job.qa.suppress else ""
        qa_input = None if outside else _digest(release, json.dumps(options_of(job, QA)), suppress, whole)
        tasks.append(Task(QA, None, qa_input, 3 * total))  # the longest single task
    return sorted(tasks, key=lambda t: -t.weight)


def _file_digest(path: Path) -> str:
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except OSError:
        return "unreadable"


def run_task(job: Job, task: Task, meter: progress.Meter | None = None) -> Result:
    """Run one task; returns the manifest entries of the files it wrote, and the seconds it took.
    ``meter`` counts its progress (:mod:`pipeline.progress`)."""
    started = time.perf_counter()
    progress.use(meter)
    try:
        entries = _entries(job, task)
    finally:
        progress.use(None)
    return entries, round(time.perf_counter() - started, 3)


def _entries(job: Job, task: Task) -> list[dict[str, Any]]:
    store = open_store(job.tm, readonly=True)
    try:
        sig = signature(job, task)
        if task.name == QA:
            assert job.qa is not None
            result = run_qa(store, job.out, job.qa, english=job.english, baseline=job.baseline,
                            corpus_root=job.corpus_root, memo=job.out / MEMO, formats=job.reports)
            return [o.to_json() for o in result.outputs]
        everything = tuple(store.locale_pairs())
        pairs = everything if task.locales is None else tuple(p for p in everything if p[1] in task.locales)
        ctx = DocumentContext(pairs, everything, job.export, sig)
        return [{**o.to_json(), "signature": sig} for o in write_format(get_format(task.name), store, job.out, ctx)]
    finally:
        store.close()


# -- reuse -----------------------------------------------------------------------


def _stamp(path: Path) -> list[int] | None:
    try:
        info = path.stat()
    except OSError:
        return None
    return [info.st_size, info.st_mtime_ns]


def read_state(out: Path) -> dict[str, Any]:
    """The previous build's task records (empty when missing, unreadable or of another version)."""
    try:
        data = json.loads((out / STATE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("state") != _STATE_VERSION:
        return {}
    tasks = data.get("tasks")
    return tasks if isinstance(tasks, dict) else {}


def _reusable(task: Task, record: Any, out: Path) -> list[dict[str, Any]] | None:
    """The entries a task's last run wrote, when its fingerprint and files are unchanged."""
    if task.fingerprint is None or not isinstance(record, dict) or record.get("fingerprint") != task.fingerprint:
        return None
    files = record.get("files")
    if not isinstance(files, dict) or any(_stamp(out / path) != stamp for path, stamp in files.items()):
        return None
    entries = record.get("entries")
    return entries if isinstance(entries, list) else None


def write_state(out: Path, records: dict[str, Any]) -> None:
    with atomic_open(out / STATE) as handle:
        json.dump({"state": _STATE_VERSION, "tasks": records}, handle, ensure_ascii=False)
        handle.write("\n")


# -- running ---------------------------------------------------------------------


@dataclass(slots=True)
class Outcome:
    """What :func:`run` did: manifest entries in task order, and the state to keep."""

    entries: list[dict[str, Any]]
    """Manifest entries of every task's files, in task order."""
    records: dict[str, Any]
    """Per task key: fingerprint, files and entries (``.tmpipe-state.json``)."""
    seconds: dict[str, float]
    """Per task run (not reused): how long it took."""
    reused: int
    """Tasks whose files were kept."""


def run(job: Job, tasks: Sequence[Task], jobs: int = 1, reporter: progress.Silent = progress.Silent()) -> Outcome:
    """Run the tasks that cannot be reused, in ``jobs`` processes; their entries in task order.
    ``reporter`` is told as each task starts and ends."""
    previous = read_state(job.out)
    results: dict[str, list[dict[str, Any]]] = {}
    todo = []
    for task in tasks:
        kept = _reusable(task, previous.get(task.key), job.out)
        if kept is None:
            todo.append(task)
        else:
            results[task.key] = kept
    seconds = {}
    for task, (entries, took) in _execute(job, todo, jobs, reporter):
        results[task.key] = entries
        seconds[task.key] = took
        reporter.end(task.label, took)
    records = {}
    for task in tasks:
        if task.fingerprint is not None:
            files = {e["path"]: _stamp(job.out / e["path"]) for e in results[task.key]}
            records[task.key] = {"fingerprint": task.fingerprint, "files": files, "entries": results[task.key]}
    entries = [entry for task in tasks for entry in results[task.key]]
    return Outcome(entries, records, seconds, len(tasks) - len(todo))


def _execute(job: Job, tasks: list[Task], jobs: int, reporter: progress.Silent) -> Iterator[tuple[Task, Result]]:
    """Each task in a forked child process, ``jobs`` at a time (in this process when forking is not safe).

    A child per task: what a task loads (pyarrow, the language models of QA) is freed when it
    ends, so the build's memory is the largest ``jobs`` tasks', not their sum; and forking a
    process that has no other thread is cheap and safe.
    """
    if threading.active_count() > 1 or (jobs <= 1 and len(tasks) <= 1):
        for task in tasks:
            meter = progress.Meter(on_change=reporter.refresh)
            reporter.start(task.label, meter)
            yield task, run_task(job, task, meter)
        return
    context = multiprocessing.get_context("fork")
    pending = list(reversed(tasks))
    running: dict[Any, tuple[Task, BaseProcess]] = {}  # receiving end → (task, child)
    try:
        while pending or running:
            while pending and len(running) < jobs:
                chosen = next_task(pending, [t for t, _ in running.values()])
                if chosen is None:  # only memory-heavy tasks left, and one is running
                    break
                receive, send = context.Pipe(duplex=False)
                meter = progress.Meter()
                process: BaseProcess = context.Process(target=_child, args=(job, chosen, send, meter),
                                                       name=f"tmpipe {chosen.key}")
                # A Ctrl-C now waits until the child is known here (so it is stopped and joined) and,
                # in the child, until its handler is in place (no traceback from process start-up).
                signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
                try:
                    process.start()
                    running[receive] = (chosen, process)
                finally:
                    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
                send.close()
                reporter.start(chosen.label, meter)
            ready_ones = mp_wait(list(running), timeout=0.25)  # the reporter redraws while tasks run
            reporter.refresh()
            for ready in ready_ones:
                done, child = running.pop(ready)
                yield done, _result(done, ready, child)  # type: ignore[arg-type]
    except BaseException:
        for _, child in running.values():  # they remove their half-written files as they stop
            if child.pid and child.is_alive():
                os.kill(child.pid, signal.SIGINT)
        for _, child in running.values():
            child.join()
        raise


def next_task(pending: list[Task], running: list[Task]) -> Task | None:
    """Take the next task (``pending`` is reversed: the last is the biggest), but never a second
    memory-heavy one while one runs: a light one goes instead, or none (None)."""
    if any(t.name in MEMORY_HEAVY for t in running):
        for at in range(len(pending) - 1, -1, -1):
            if pending[at].name not in MEMORY_HEAVY:
                return pending.pop(at)
        return None
    return pending.pop()


def _child(job: Job, task: Task, send: Connection, meter: progress.Meter) -> None:
    """A task's process: runs it and sends back ``("ok", result)`` or ``("error", exception)``."""
    try:
        ctypes.CDLL(None).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG: dies with the build
    except (OSError, AttributeError):
        pass
    try:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})  # blocked by the parent around the fork
        send.send(("ok", run_task(job, task, meter)))
    except KeyboardInterrupt:
        send.send(("interrupted", None))
    except BaseException as exc:  # noqa: BLE001 - re-raised in the parent
        send.send(("error", exc))


def _result(task: Task, receive: Connection, child: BaseProcess) -> Result:
    try:
        status, value = receive.recv()
    except EOFError:
        child.join()
        raise OutputError(f"{task.key}: the process writing it ended abnormally (exit code {child.exitcode})") from None
    finally:
        receive.close()
    child.join()
    if status == "interrupted":
        raise KeyboardInterrupt
    if status == "error":
        raise value
    return value  # type: ignore[no-any-return]
