"""The check registry: id → check, with its default severity, title and options.

A check is a pure function that yields :class:`~pipeline.qa.findings.Finding`
objects.  Two kinds exist:

* ``segment`` checks look at one occurrence at a time:
  ``check(seg: QaSegment, ctx: CheckContext) -> Iterable[Finding]``; the runner
  streams the TM once and hands every occurrence to every enabled segment check;
* ``corpus`` checks need the whole TM (SQL aggregation, other files):
  ``check(store: Store, ctx: CheckContext) -> Iterable[Finding]``.

Metadata sits on the :func:`check` decorator; the title is the docstring's first line.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from ..registry import Registry
from ..extract.inline import parse_segment
from ..model import Segment
from ..store import SegmentRow, Store
from .findings import Finding, Severity

__all__ = ["CHECKS", "CheckContext", "CheckInfo", "QaSegment", "check", "get_check"]

Scope = Literal["segment", "corpus"]


class QaSegment:
    """One occurrence as checks see it: the stored row, with source and target parsed on demand."""

    __slots__ = ("row", "_source", "_target")

    def __init__(self, row: SegmentRow) -> None:
        self.row = row
        self._source: Segment | None = None
        self._target: Segment | None = None

    @property
    def source(self) -> Segment:
        """The English side as runs and inline codes."""
        if self._source is None:
            self._source = parse_segment(self.row.source_raw)
        return self._source

    @property
    def target(self) -> Segment:
        """The translated side as runs and inline codes."""
        if self._target is None:
            self._target = parse_segment(self.row.target_raw)
        return self._target

    def finding(self, ctx: "CheckContext", message: str, *, severity: Severity | None = None,
                key: str = "", **extra: Any) -> Finding:
        """A finding of ``ctx``'s check located at this occurrence."""
        row = self.row
        return Finding(ctx.info.id, severity or ctx.severity, row.locale, row.file, row.line, row.id,
                       row.source_raw, row.target_raw, message, extra, key)


@dataclass(frozen=True, slots=True)
class CheckContext:
    """What a check is given besides the data: its settings and the run's inputs."""

    info: "CheckInfo"
    """The check's registry entry."""
    severity: Severity
    """Severity of its findings (the default, or the configured override)."""
    options: dict[str, Any]
    """The check's options: its defaults updated with ``tmpipe.toml``."""
    do_not_translate: tuple[str, ...] = ()
    """Product and UI names that need no translation (from ``tmpipe.toml``)."""
    english: Path | None = None
    """``--english DIR``: the current English articles, or None."""
    baseline: Store | None = None
    """``--baseline TM``: an earlier translation memory opened read-only, or None."""
    cache: dict[str, Any] = field(default_factory=dict)
    """Per-run memo for expensive helpers (a language detector...); never per-unit state."""


Segmentwise = Callable[[QaSegment, CheckContext], Iterable[Finding]]
Corpuswise = Callable[[Store, CheckContext], Iterable[Finding]]


@dataclass(frozen=True, slots=True)
class CheckInfo:
    """A registered check."""

    id: str
    """Registry id, as used in ``tmpipe.toml``, ``--max`` and reports."""
    severity: Severity
    """Default severity of its findings."""
    scope: Scope
    """``segment`` (one occurrence at a time) or ``corpus`` (the whole TM)."""
    func: Callable[..., Iterable[Finding]]
    """The check itself."""
    options: dict[str, Any]
    """Default options (thresholds...)."""
    needs: str | None = None
    """``english`` or ``baseline`` when the check only runs given that input."""

    @property
    def title(self) -> str:
        """The first line of the check's docstring."""
        return (self.func.__doc__ or self.id).strip().splitlines()[0].rstrip(".")


#: Check id → registered check, in registration (= report) order.
CHECKS: Registry[CheckInfo] = Registry("QA check")
get_check = CHECKS.lookup


def check(id: str, *, severity: Severity, scope: Scope = "segment", needs: str | None = None,
          **options: Any) -> Callable[[Callable[..., Iterable[Finding]]], Callable[..., Iterable[Finding]]]:
    """Register a check under ``id`` with its default severity and options."""
    def register(func: Callable[..., Iterable[Finding]]) -> Callable[..., Iterable[Finding]]:
        CHECKS.add(id, CheckInfo(id, severity, scope, func, dict(options), needs))
        return func
    return register
