"""Progress of a build, for people: a bar with an ETA per stage on a terminal, one line per stage in a log.

Work reports what it did through a :class:`Meter` (``expect`` what is to come, ``advance`` as
it goes); the code doing the work calls the module functions :func:`expect` and :func:`advance`,
which count on the meter of the current stage or task (:func:`use`), and do nothing without one.
A meter is two integers in shared memory, so a task in a forked child process counts where the
parent can read it.  A :class:`Display` draws the meters: on a terminal, a line per running stage
or task redrawn in place, and a line for each as it ends; without one (a CI log), only those lines.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from multiprocessing.sharedctypes import RawValue
from typing import IO, Any

__all__ = ["Meter", "Display", "Silent", "advance", "expect", "use", "eta"]


class Meter:
    """Work done and expected, countable from a forked child (``done``/``total`` in shared memory)."""

    def __init__(self, total: int = 0, on_change: Callable[[], None] | None = None) -> None:
        self._done: Any = RawValue("q", 0)
        self._total: Any = RawValue("q", total)
        self.on_change = on_change
        """Called after each change in this process (a stage or task run in process redraws)."""

    @property
    def done(self) -> int:
        return int(self._done.value)

    @property
    def total(self) -> int:
        return int(self._total.value)

    def expect(self, count: int) -> None:
        """More work is to come: ``count`` more steps."""
        self._total.value += count
        if self.on_change:
            self.on_change()

    def advance(self, count: int = 1) -> None:
        """``count`` steps are done."""
        self._done.value += count
        if self.on_change:
            self.on_change()

    def finish(self) -> None:
        """Everything expected is done (work that was found unchanged is never counted step by step)."""
        self._done.value = max(self.done, self.total)


_current: Meter | None = None


def use(meter: Meter | None) -> None:
    """Count the calls of :func:`expect` and :func:`advance` in this process on ``meter``."""
    global _current
    _current = meter


def expect(count: int | Callable[[], int]) -> None:
    """The current meter's work grows by ``count`` steps, or by what ``count()`` says (called only
    when there is a meter: nothing is counted for nobody)."""
    if _current is not None:
        _current.expect(count() if callable(count) else count)


def advance(count: int = 1) -> None:
    """``count`` steps of the current meter's work are done (nothing without a meter)."""
    if _current is not None:
        _current.advance(count)


def eta(done: int, total: int, elapsed: float) -> float | None:
    """Seconds left at the rate so far; None until there is a rate to tell (a step done, 0.2 s gone)."""
    if done <= 0 or total <= done or elapsed < 0.2:
        return None if total > done else 0.0
    return elapsed * (total - done) / done


def _clock(seconds: float) -> str:
    minutes, secs = divmod(int(round(seconds)), 60)
    return f"{minutes // 60}:{minutes % 60:02d}:{secs:02d}" if minutes >= 60 else f"{minutes}:{secs:02d}"


class Silent:
    """What a build tells of its progress; this one tells nothing (``-q``, the Python API)."""

    @contextmanager
    def stage(self, label: str, unit: str = "", total: int | Callable[[], int] = 0) -> Iterator[Meter]:
        """A stage of the build: its meter while it runs (``total`` is what it expects, or how to
        count that, which only a reporter that shows it calls)."""
        yield Meter()

    def start(self, label: str, meter: Meter, unit: str = "") -> None:
        """A task begins (its meter may be counted by a child process)."""

    def end(self, label: str, seconds: float, note: str = "") -> None:
        """A task ended after ``seconds``."""

    def refresh(self) -> None:
        """Draw again (called while waiting for tasks)."""


class Display(Silent):
    """Progress on ``stream`` (stderr): bars with an ETA redrawn in place on a terminal, else one
    line per stage or task as it ends, with its time."""

    def __init__(self, stream: IO[str] | None = None, tty: bool | None = None, width: int = 24) -> None:
        self.stream = stream or sys.stderr
        self.tty = self.stream.isatty() if tty is None else tty
        self.width = width
        self._running: dict[str, tuple[Meter, float, str]] = {}  # label → (meter, start, unit)
        self._drawn = 0  # lines of the live block on screen
        self._last = 0.0

    @contextmanager
    def stage(self, label: str, unit: str = "", total: int | Callable[[], int] = 0) -> Iterator[Meter]:
        if callable(total):  # counting costs (a walk of the corpus): only for a bar to show
            total = total() if self.tty else 0
        meter = Meter(total, on_change=self._maybe_refresh)
        started = time.perf_counter()
        self.start(label, meter, unit)
        try:
            yield meter
        finally:
            meter.on_change = None
        meter.finish()
        done = f"{meter.done:,} {unit}".strip() if unit else ""
        self.end(label, time.perf_counter() - started, done)

    def start(self, label: str, meter: Meter, unit: str = "") -> None:
        self._running[label] = (meter, time.perf_counter(), unit)
        self.refresh(force=True)

    def end(self, label: str, seconds: float, note: str = "") -> None:
        self._running.pop(label, None)
        self._clear()
        detail = f"{note} in " if note else ""
        print(f"tmpipe: {label}: {detail}{seconds:.1f} s", file=self.stream, flush=True)
        self.refresh(force=True)

    def _maybe_refresh(self) -> None:
        self.refresh()

    def refresh(self, force: bool = False) -> None:
        if not self.tty:
            return
        now = time.perf_counter()
        if not force and now - self._last < 0.1:
            return
        self._last = now
        lines = [self._line(label, *entry, now) for label, entry in self._running.items()]
        self._clear()
        for line in lines:
            self.stream.write(f"{line}\x1b[K\n")
        self._drawn = len(lines)
        self.stream.flush()

    def _clear(self) -> None:
        if self.tty and self._drawn:
            self.stream.write(f"\x1b[{self._drawn}F\x1b[J")  # up to the live block's first line, clear below
            self._drawn = 0

    def _line(self, label: str, meter: Meter, started: float, unit: str, now: float) -> str:
        done, total, elapsed = meter.done, meter.total, now - started
        if total <= 0:  # not counted yet (a task that has just started)
            return f"{label:<20} [{'-' * self.width}]   0%  {_clock(elapsed)} ETA -:--"
        share = min(done / total, 1.0)
        filled = int(share * self.width)
        left = eta(done, total, elapsed)
        count = f"{done:,}/{total:,} {unit}".rstrip()
        return (f"{label:<20} [{'#' * filled}{'-' * (self.width - filled)}] {share:4.0%}  {count}"
                f"  {_clock(elapsed)} ETA {'-:--' if left is None else _clock(left)}")
