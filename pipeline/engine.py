"""Where extraction runs: in process, in local worker processes, or as Dask tasks.

An engine is an ordered ``imap(func, items)``: results come back in the order
of ``items`` whatever runs them, so every engine builds the identical TM.  At
most a bounded window of tasks is in flight, so memory stays flat however large
the corpus is.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from .errors import ConfigError

__all__ = ["ENGINES", "open_engine"]

T = TypeVar("T")
R = TypeVar("R")
Imap = Callable[[Callable[[T], R], Iterable[T]], Iterator[R]]

ENGINES = ("local", "dask")


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
            yield lambda func, items: pool.imap(func, items, chunksize=4)
        return
    if name == "dask":
        with _dask_client(jobs, scheduler) as client:
            yield lambda func, items: _dask_imap(client, func, items, window=8 * max(jobs, 1))
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


def _dask_imap(client: Any, func: Callable[[T], R], items: Iterable[T], window: int) -> Iterator[R]:
    """Submit tasks keeping at most ``window`` in flight; yield results in input order."""
    pending: deque[Any] = deque()
    for item in items:
        pending.append(client.submit(func, item, pure=False))
        if len(pending) >= window:
            yield pending.popleft().result()
    while pending:
        yield pending.popleft().result()
