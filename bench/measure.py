"""Run one command as a subprocess and measure it: wall time, CPU time, peak memory.

CPU time and ``maxrss`` come from ``wait4``'s rusage, which the kernel fills
with the process *and every descendant it reaped* (worker pools included);
``maxrss`` there is the largest single process.  Because workers run side by
side, the tree's memory is also sampled (``psutil``, every 20 ms) as the sum over
the process and its live descendants of their RSS, and of their PSS (proportional
set size: a page shared by *n* processes counts 1/*n* in each, so the sum is the
memory the tree really holds; the RSS sum counts shared libraries and
copy-on-write pages once per process).  ``peak_rss_mb``, the figure quoted, is
the larger of ``maxrss`` and the PSS sum.
"""

from __future__ import annotations

import os
import subprocess
import threading
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

__all__ = ["Measurement", "run"]

_SAMPLE_EVERY = 0.02


@dataclass(frozen=True, slots=True)
class Measurement:
    """What one run cost."""

    name: str
    """Which tool or mode ran (``floor``, ``status-quo``, ``tmpipe-j2``...)."""
    command: list[str]
    """The command line."""
    returncode: int
    """Exit status (negative: killed by that signal)."""
    wall_s: float
    """Elapsed time, seconds."""
    cpu_s: float
    """User + system CPU time of the process and its reaped descendants, seconds."""
    user_s: float
    """User CPU time, seconds."""
    sys_s: float
    """System CPU time, seconds."""
    maxrss_mb: float
    """``wait4`` ``ru_maxrss``: the largest single process of the tree, MB (10^6 bytes)."""
    tree_rss_mb: float
    """Sampled peak of the summed RSS of the process and its live descendants, MB (counts shared pages
    once per process)."""
    tree_pss_mb: float
    """Sampled peak of the summed PSS of the process and its live descendants, MB."""
    load_before: float
    """1-minute load average when the run started: other work on the machine skews the times."""

    @property
    def peak_rss_mb(self) -> float:
        """The peak memory quoted in tables: the larger of ``maxrss_mb`` and ``tree_pss_mb``."""
        return max(self.maxrss_mb, self.tree_pss_mb)

    def to_json(self) -> dict[str, Any]:
        return {**asdict(self), "peak_rss_mb": round(self.peak_rss_mb, 1)}


def _sample(pid: int, peak: list[float], done: threading.Event) -> None:
    """Keep ``peak[0]`` (RSS sum) and ``peak[1]`` (PSS sum) of the tree up to date until ``done``."""
    try:
        import psutil
    except ImportError:  # pragma: no cover - psutil comes with dask.distributed
        return
    try:
        root = psutil.Process(pid)
    except psutil.Error:
        return
    while not done.is_set():
        rss = pss = 0
        try:
            for proc in [root, *root.children(recursive=True)]:
                try:
                    info = proc.memory_full_info()  # /proc/PID/smaps_rollup
                    rss, pss = rss + info.rss, pss + getattr(info, "pss", info.rss)
                except psutil.Error:
                    pass
        except psutil.Error:
            return
        peak[0], peak[1] = max(peak[0], rss / 1e6), max(peak[1], pss / 1e6)
        done.wait(_SAMPLE_EVERY)


def run(name: str, command: Sequence[str], log: Path, *, cwd: Path | None = None,
        env: dict[str, str] | None = None) -> Measurement:
    """Run ``command`` to completion with stdout and stderr to ``log``; measure it."""
    log.parent.mkdir(parents=True, exist_ok=True)
    load = os.getloadavg()[0]
    with open(log, "wb") as out:
        start = time.perf_counter()
        proc = subprocess.Popen(list(command), stdout=out, stderr=subprocess.STDOUT, cwd=cwd,
                                env={**os.environ, **(env or {})})
        peak = [0.0, 0.0]
        done = threading.Event()
        sampler = threading.Thread(target=_sample, args=(proc.pid, peak, done), daemon=True)
        sampler.start()
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        done.set()
        sampler.join()
        proc.returncode = os.waitstatus_to_exitcode(status)
    return Measurement(
        name=name, command=list(command), returncode=proc.returncode, wall_s=round(wall, 3),
        cpu_s=round(usage.ru_utime + usage.ru_stime, 3), user_s=round(usage.ru_utime, 3),
        sys_s=round(usage.ru_stime, 3), maxrss_mb=round(usage.ru_maxrss * 1024 / 1e6, 1),
        tree_rss_mb=round(peak[0], 1), tree_pss_mb=round(peak[1], 1), load_before=round(load, 2))
