"""The check registry: id → check, with its default severity, title and options.

A check is a pure function that yields :class:`~pipeline.qa.findings.Finding`
objects.  Two kinds exist:

* ``segment`` checks look at one translation unit at a time:
  ``check(seg: QaSegment, ctx: CheckContext) -> Iterable[Finding]``.  A check's
  findings must depend only on the unit's locale, source and target (and the run's
  settings): the runner hands each distinct unit of a locale to every enabled segment
  check once, then copies its findings to every occurrence of the unit (file, line and
  segment id filled in), in corpus order; a build may recall a unit's findings from
  its previous run instead of checking it again;
* ``corpus`` checks need the whole TM (its queries, other files):
  ``check(store: Store, ctx: CheckContext) -> Iterable[Finding]``, recomputed every run.

Metadata sits on the :func:`check` decorator; the title is the docstring's first line.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, TypeVar

from ..model import Code, Segment
from ..registry import Registry
from ..rows import QaUnit
from ..store import Store
from .findings import Finding, Severity
from .text import same_text

__all__ = ["CHECKS", "CheckContext", "CheckInfo", "CorpusFacts", "QaSegment", "after_pass", "check", "end_pass",
           "get_check", "source_memo"]

Scope = Literal["segment", "corpus"]
_T = TypeVar("_T")


class QaSegment:
    """One unit as checks see it: ``row`` (a :class:`~pipeline.rows.QaUnit`: locale, source and
    target as written and as plain text) and both sides as runs and inline codes, as extraction
    found them."""

    __slots__ = ("row", "_identical")

    def __init__(self, row: QaUnit) -> None:
        self.row = row
        self._identical: bool | None = None

    @property
    def source(self) -> Segment:
        """The English side as runs and inline codes."""
        return self.row.source

    @property
    def target(self) -> Segment:
        """The translated side as runs and inline codes."""
        return self.row.target

    @property
    def source_codes(self) -> tuple[Code, ...]:
        """The inline codes of the English side."""
        return self.row.source.codes

    @property
    def target_codes(self) -> tuple[Code, ...]:
        """The inline codes of the translated side."""
        return self.row.target.codes

    @property
    def identical(self) -> bool:
        """Whether source and target are the same text once entities are decoded and whitespace
        collapsed (:func:`~pipeline.qa.text.collapse`)."""
        if self._identical is None:
            self._identical = same_text(self.row.source_raw, self.row.target_raw)
        return self._identical

    def finding(self, ctx: "CheckContext", message: str, *, severity: Severity | None = None,
                key: str = "", **extra: Any) -> Finding:
        """A finding of ``ctx``'s check at this unit (the runner relocates it to each occurrence)."""
        row = self.row
        return Finding(ctx.info.id, severity or ctx.severity, row.locale, "", 0, "", row.source_raw,
                       row.target_raw, message, extra, key)


@dataclass(frozen=True, slots=True)
class CorpusFacts:
    """What the whole TM says about the short sources it leaves identical somewhere, learnt once
    per run (:func:`pipeline.qa.names.corpus_facts`) and read by segment checks."""

    names: frozenset[str] = frozenset()
    """Sources left identical in two locales or more and translated in none: names (products,
    places, types, API members), whatever their words."""
    translated_in: frozenset[tuple[str, str]] = frozenset()
    """``(locale, source)``: a source that the locale leaves identical in some unit and
    translates in another (a miss, not a name)."""
    mostly_translated: frozenset[str] = frozenset()
    """Sources left identical somewhere but translated in more locales than left identical."""
    max_chars: int = 64
    """The longest source the facts are learnt of (a sentence is never a name)."""

    def concerns(self, source_text: str) -> bool:
        """Whether the facts may say anything of this source."""
        return 0 < len(source_text.strip()) <= self.max_chars

    def about(self, locale: str, source_text: str) -> str:
        """What the facts say of one unit's source in one locale (a unit's segment findings may
        depend on that and nothing else of the corpus): a memo of findings is valid while it holds."""
        text = source_text.strip()
        return "".join("1" if fact else "0" for fact in (
            text in self.names, (locale, text) in self.translated_in, text in self.mostly_translated))


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
    corpus: CorpusFacts = CorpusFacts()
    """Facts learnt from the whole TM (names...), the same for every check of a run."""


_AFTER_PASS: list[Callable[[dict[str, Any]], None]] = []


def after_pass(func: Callable[[dict[str, Any]], None]) -> Callable[[dict[str, Any]], None]:
    """Register ``func(cache)`` to run when the segment checks of a run are done (``cache`` is the
    run's :attr:`CheckContext.cache`): to let go of what only they needed (models, memos)."""
    _AFTER_PASS.append(func)
    return func


def end_pass(cache: dict[str, Any]) -> None:
    """Run every :func:`after_pass` hook (the runner calls it after the segment checks)."""
    for hook in _AFTER_PASS:
        hook(cache)


def source_memo(func: Callable[[str], _T]) -> Callable[[str], _T]:
    """Memoise a pure helper of one text (bounded LRU): the English source of a unit recurs in
    every target locale, so what a check derives from it alone is computed once per run, not once
    per locale.  The memo is emptied when the segment checks are done (:func:`end_pass`)."""
    cached = functools.lru_cache(maxsize=8192)(func)
    after_pass(lambda cache: cached.cache_clear())
    return cached


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
    """``segment`` (one unit at a time) or ``corpus`` (the whole TM)."""
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
