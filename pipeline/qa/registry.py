"""The check registry: id → check, with its default severity, title and options.

A check is a pure function that yields :class:`~pipeline.qa.findings.Finding`
objects.  Two kinds exist:

* ``segment`` checks look at one translation unit at a time:
  ``check(seg: QaSegment, ctx: CheckContext) -> Iterable[Finding]``.  A check's
  findings must depend only on the unit's locale, source and target: the runner
  hands each distinct unit of a locale to every enabled segment check once, then
  copies its findings to every occurrence of the unit (file, line and segment id
  filled in), in corpus order.  ``seg.row``'s location fields (``file``, ``line``,
  ``end_line``, ``id``, ``seq``) and the article's front matter fields are blank;
* ``corpus`` checks need the whole TM (SQL aggregation, other files):
  ``check(store: Store, ctx: CheckContext) -> Iterable[Finding]``.  One that declares
  :class:`Parts` is recomputed by a rebuild only for the parts the changed articles affect.

Metadata sits on the :func:`check` decorator; the title is the docstring's first line.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, NamedTuple, TypeVar

from ..registry import Registry
from ..extract.inline import parse_segment
from ..model import Code, Segment
from ..store import SegmentRow, Store, codes_from_json
from .findings import Finding, Severity
from .text import same_text

__all__ = ["CHECKS", "CheckContext", "CheckInfo", "CorpusFacts", "Parts", "QaRow", "QaSegment", "after_pass", "check", "end_pass",
           "get_check", "source_memo"]

Scope = Literal["segment", "corpus"]
_T = TypeVar("_T")


class QaRow(NamedTuple):
    """A unit as the runner hands it to segment checks: the fields of a
    :class:`~pipeline.store.SegmentRow`, the location and front matter ones blank (a tuple:
    cheaper to make than the frozen dataclass, once per unit)."""

    locale: str
    file: str
    line: int
    end_line: int
    id: str
    source_raw: str
    target_raw: str
    source_text: str
    target_text: str
    translation_type: str | None
    source_commit: str | None
    locfileid: str | None
    lasthandoff: str | None
    source_locale: str
    unit_id: int
    seq: int
    source_codes: str | None = None
    """The source's inline codes as the extractor stored them (JSON), or None."""
    target_codes: str | None = None
    """The target's inline codes as the extractor stored them (JSON), or None."""


class QaSegment:
    """One unit as checks see it: the stored row, with source and target parsed on demand.

    ``row.source_text`` and ``row.target_text`` are the plain texts the extractor stored, which
    are ``source.text`` and ``target.text`` (the TM is written from the same parse), and
    :attr:`source_codes` and :attr:`target_codes` come from the codes it stored: checks that need
    only text or codes parse nothing.
    """

    __slots__ = ("row", "_source", "_target", "_identical", "_source_codes", "_target_codes")

    def __init__(self, row: SegmentRow | QaRow) -> None:
        self.row = row
        self._source: Segment | None = None
        self._target: Segment | None = None
        self._identical: bool | None = None
        self._source_codes: tuple[Code, ...] | None = None
        self._target_codes: tuple[Code, ...] | None = None

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

    @property
    def source_codes(self) -> tuple[Code, ...]:
        """``source.codes``: the inline codes of the English side."""
        if self._source_codes is None:
            self._source_codes = _codes(getattr(self.row, "source_codes", None), self, "source")
        return self._source_codes

    @property
    def target_codes(self) -> tuple[Code, ...]:
        """``target.codes``: the inline codes of the translated side."""
        if self._target_codes is None:
            self._target_codes = _codes(getattr(self.row, "target_codes", None), self, "target")
        return self._target_codes

    @property
    def identical(self) -> bool:
        """Whether source and target are the same text once entities are decoded and whitespace
        collapsed (:func:`~pipeline.qa.text.collapse`)."""
        if self._identical is None:
            self._identical = same_text(self.row.source_raw, self.row.target_raw)
        return self._identical

    def finding(self, ctx: "CheckContext", message: str, *, severity: Severity | None = None,
                key: str = "", **extra: Any) -> Finding:
        """A finding of ``ctx``'s check located at this unit (the runner relocates it to each occurrence)."""
        row = self.row
        return Finding(ctx.info.id, severity or ctx.severity, row.locale, row.file, row.line, row.id,
                       row.source_raw, row.target_raw, message, extra, key)


def _codes(stored: str | None, seg: QaSegment, side: str) -> tuple[Code, ...]:
    """The codes of one side: read from the stored JSON when the row has it, else parsed."""
    if stored is None:
        return seg.source.codes if side == "source" else seg.target.codes
    return () if stored == "[]" else codes_from_json(stored)


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

    @property
    def digest(self) -> str:
        """A digest of the facts (cached findings depend on them)."""
        parts = [sorted(self.names), sorted("\2".join(p) for p in self.translated_in), sorted(self.mostly_translated)]
        data = "\1".join("\0".join(part) for part in parts)
        return hashlib.sha256(data.encode("utf-8", "surrogatepass")).hexdigest()


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
    only: frozenset[tuple[str, ...]] | None = None
    """For a check with :attr:`CheckInfo.parts`: the only parts to find findings of (a rebuild
    reuses the others'), or None for every part."""
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


@dataclass(frozen=True, slots=True)
class Parts:
    """How a corpus check's findings divide into parts that a rebuild can reuse
    (:mod:`pipeline.qa.cache`).  The check yields its findings in the order of their parts, and
    given :attr:`CheckContext.only`, only those of these parts."""

    by: Literal["locale", "source", "target"]
    """A part is a locale's findings, or those of a source (target) text's group in a locale:
    what a changed article affects is every part of its locale, or of its texts."""
    of: Callable[[Finding], tuple[str, ...]]
    """The part of a finding: ``(locale,)`` or ``(locale, text)``."""


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
    parts: Parts | None = None
    """How a corpus check's findings divide for a rebuild to reuse; None: recomputed every run."""

    @property
    def title(self) -> str:
        """The first line of the check's docstring."""
        return (self.func.__doc__ or self.id).strip().splitlines()[0].rstrip(".")


#: Check id → registered check, in registration (= report) order.
CHECKS: Registry[CheckInfo] = Registry("QA check")
get_check = CHECKS.lookup


def check(id: str, *, severity: Severity, scope: Scope = "segment", needs: str | None = None,
          parts: Parts | None = None,
          **options: Any) -> Callable[[Callable[..., Iterable[Finding]]], Callable[..., Iterable[Finding]]]:
    """Register a check under ``id`` with its default severity and options."""
    def register(func: Callable[..., Iterable[Finding]]) -> Callable[..., Iterable[Finding]]:
        CHECKS.add(id, CheckInfo(id, severity, scope, func, dict(options), needs, parts))
        return func
    return register
