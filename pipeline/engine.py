"""Where extraction runs: in process, in local worker processes, or as Dask tasks.

An engine is an ordered ``imap(func, items)``: results come back in the order
of ``items`` whatever runs them, so every engine builds the identical TM.  At
most a bounded window of tasks is in flight, so memory stays flat however large
the corpus is.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from .errors import ConfigError

__all__ = ["ENGINES", "cpus_available", "open_engine"]

T = TypeVar("T")
R = TypeVar("R")
Imap = Callable[[Callable[[T], R], Iterable[T]], Iterator[R]]

ENGINES = ("local", "dask")


def cpus_available() -> int:
    """The CPUs this process may run on: ``os.process_cpu_count()`` (Python 3.13+), else the
    affinity mask (a container's or ``taskset``'s limit), else every CPU of the machine."""
    counted = getattr(os, "process_cpu_count", None)
    if counted is not None:
        return int(counted() or 1)
    try:
        return len(os.sched_getaffinity(0)) or 1
    except (AttributeError, OSError):  # not Linux
        return os.cpu_count() or 1


@contextmanager
def open_engine(name: str = "local", jobs: int = 1, scheduler: str | None = None) -> Iterator[Imap]:
    """An ordered ``imap`` for the named engine.

    ``local`` with ``jobs == 1`` runs in this process; with more, in a pool of
    worker processes.  ``dask`` submits each item as a task to the
    dask.distributed scheduler at ``scheduler`` (``tcp://host:8786``), or to a
    ``LocalCluster`` of ``jobs`` workers started for the run.
    """
    if name == "local":
        if jobs <= 1:
            yield map  # type: ignore[misc]
            return
        context = multiprocessing.get_context("fork" if os.name == "posix" else "spawn")
        with context.Pool(jobs) as pool:
            # Not pool.imap: it reads every item at once and queues every result the caller has
            # not taken yet, so a slower consumer (the TM's inserts) let memory grow with the corpus.
            yield lambda func, items: _pool_imap(pool, func, items, window=16 * jobs)
        return
    if name == "dask":
        with _dask_client(jobs, scheduler) as client:
            yield lambda func, items: windowed(lambda item: client.submit(func, item, pure=False).result, items,
                                               window=8 * max(jobs, 1))
        return
    raise ConfigError(f"unknown engine {name!r}; choose from: {', '.join(ENGINES)}")


@contextmanager
def _dask_client(jobs: int, scheduler: str | None) -> Iterator[Any]:
    try:
        from distributed import Client, LocalCluster
    except ImportError as exc:  # pragma: no cover - dask is a dependency
        raise ConfigError("the dask engine needs dask.distributed: pip install 'dask[distributed]'") from exc
    if scheduler:
        with Client(scheduler) as client:
            yield client
        return
    with LocalCluster(n_workers=max(jobs, 1), threads_per_worker=1, processes=True,
                      dashboard_address=None) as cluster, Client(cluster) as client:
        yield client


def _pool_imap(pool: Any, func: Callable[[T], R], items: Iterable[T], window: int) -> Iterator[R]:
    """``pool.imap`` (chunks of 4) with at most ``window`` items handed to the pool and not yet yielded:
    the pool's feeder thread takes an item only when a slot is free."""
    slots = threading.Semaphore(window)
    stop = threading.Event()

    def gated() -> Iterator[T]:
        for item in items:
            while not slots.acquire(timeout=0.1):
                if stop.is_set():  # the caller stopped early: let the pool shut down
                    return
            yield item

    try:
        for result in pool.imap(func, gated(), chunksize=4):
            slots.release()
            yield result
    finally:
        stop.set()


def windowed(submit: Callable[[T], Callable[[], R]], items: Iterable[T], window: int) -> Iterator[R]:
    """Results of ``submit(item)()`` in input order, with at most ``window`` items submitted and not yet
    yielded: ``submit`` starts the work and returns how to wait for its result."""
    pending: deque[Callable[[], R]] = deque()
    for item in items:
        pending.append(submit(item))
        if len(pending) >= window:
            yield pending.popleft()()
    while pending:
        yield pending.popleft()()
