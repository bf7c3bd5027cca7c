"""Running the checks over a TM: segment checks once per unit, locale by locale, then the corpus checks.

With a cache file (:mod:`pipeline.qa.cache`), findings are kept in parts (an article's segment
findings, a text group's or a locale's corpus findings): a run recomputes only the parts that the
articles changed since the last run can affect, and reads the others back in part order.

Findings are counted as they come; suppressed ones (in the baseline file) are
counted apart and not kept; at most ``max_findings`` per check are kept for the
reports.  :class:`QaResult` carries the summary, the kept findings, the gate and
the report outputs.
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import json
from collections import Counter
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from contextlib import closing, contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from .. import __version__, progress
from ..store import Store
from .config import QaConfig
from .findings import SEVERITIES, Finding, Severity, severity_rank
from .registry import CHECKS, CheckContext, CheckInfo, QaRow, QaSegment, end_pass
from .cache import (SEGMENT, QaCache, Spoilt, decode, decode_part, encode, encode_part, findings_sha, part_key,
                    settings_digest, temp_keys, text_digest)
from .kept import Kept, Tally, bucket, part_name

__all__ = ["QaResult", "checking", "run_checks", "gate"]


@dataclass(slots=True)
class QaResult:
    """What one QA run found and wrote."""

    summary: dict[str, Any]
    """Counts: ``findings`` (new), ``suppressed``, ``by_severity``, ``by_check``, ``by_locale``..."""
    parts: list[Kept]
    """The new (not suppressed) findings kept for the reports, by part, in report order."""
    outputs: list[Any] = field(default_factory=list)
    """The report files written (:class:`~pipeline.export.registry.Output`)."""
    signature: dict[str, Any] = field(default_factory=dict)
    """Tool, version, options and input fingerprint."""
    fingerprints: dict[str, Finding] | None = None
    """Every finding by fingerprint, suppressed ones too (only when a baseline is to be written)."""

    @property
    def findings(self) -> list[Finding]:
        """The findings kept for the reports, in report order."""
        return [finding for part in self.parts for finding in part.findings()]

    def gate(self, fail_on: Severity | None = None, max: dict[str, int] | None = None) -> list[str]:
        """Why the gate is reached: ``[]`` when it is not (only new findings count)."""
        return gate(self.summary, fail_on, max or {})


def gate(summary: dict[str, Any], fail_on: Severity | None, max: dict[str, int]) -> list[str]:
    """Reasons a QA gate is reached, for ``--fail-on`` and ``--max CHECK=N``."""
    reasons = []
    if fail_on is not None:
        worst = [s for s in SEVERITIES if severity_rank(s) >= severity_rank(fail_on)
                 and summary["by_severity"].get(s, 0)]
        if worst:
            counts = ", ".join(f"{summary['by_severity'][s]} {s}" for s in worst)
            reasons.append(f"--fail-on {fail_on}: {counts} finding(s)")
    for check_id, limit in sorted(max.items()):
        count = summary["by_check"].get(check_id, {}).get("count", 0)
        if count > limit:
            reasons.append(f"--max {check_id}={limit}: {count} finding(s)")
    return reasons


def _contexts(config: QaConfig, english: Path | None, baseline: Store | None,
              skipped: dict[str, str]) -> list[CheckContext]:
    contexts = []
    cache: dict[str, Any] = {}
    for info in CHECKS.values():
        settings = config.settings(info.id)
        if not settings.enabled:
            skipped[info.id] = "disabled in configuration"
            continue
        if info.needs == "english" and english is None:
            skipped[info.id] = "needs --english DIR"
            continue
        if info.needs == "baseline" and baseline is None:
            skipped[info.id] = "needs --baseline TM"
            continue
        contexts.append(CheckContext(info, settings.severity or info.severity, {**info.options, **settings.options},
                                     config.do_not_translate, english, baseline, cache))
    return contexts


# Read-only SQL of the unit-level pass.  TODO: move to the Store (proposed ``Store.qa_units(locale)``
# and ``Store.qa_occurrences(locale)``); it sits here while the store is being changed elsewhere.
_QA_LOCALES = "SELECT DISTINCT locale FROM files ORDER BY locale"
#: The files a pass is restricted to: every file, or those in the temporary ``qa_files``.
_ALL, _SOME = "", " AND f.path IN (SELECT k FROM temp.qa_files)"
#: The units that occur in a locale's articles, each once (the rows a segment check sees).
_QA_UNITS = (
    "SELECT key, source_raw, target_raw, source_text, target_text, source_locale, id, source_codes, target_codes"
    " FROM units"
    " WHERE id IN (SELECT o.unit_id FROM occurrences o JOIN files f ON f.id = o.file_id WHERE f.locale = ?{})")
#: Where a locale's units occur, in the order of :meth:`Store.segments`: file path, then pair order.
_QA_OCCURRENCES = (
    "SELECT f.path, o.line, o.seg_id, o.unit_id FROM files f JOIN occurrences o ON o.file_id = f.id"
    " WHERE f.locale = ?{} ORDER BY f.path, o.seq")


def _unit_findings(store: Store, locale: str, segmentwise: list[CheckContext], cache: QaCache | None = None,
                   files: str = _ALL) -> dict[int, tuple[Finding, ...]]:
    """Unit id → the findings of every segment check on that unit (units with findings only), for
    the units of ``locale``'s ``files``.

    With ``cache``, a unit it holds is not checked, and the units checked are written to it."""
    found: dict[int, tuple[Finding, ...]] = {}
    checks = [(ctx.info.func, ctx) for ctx in segmentwise]
    rows: Iterable[tuple[Any, ...]] = store.db.execute(_QA_UNITS.format(files), (locale,))
    known: dict[bytes, str | None] = {}
    if cache is not None and cache.holds_units:  # a rebuild: the changed articles' units, looked up in batches
        rows = list(rows)
        known = cache.units(locale, [row[0] for row in rows])
    kept: list[tuple[bytes, str | None]] = []
    checked = 0
    for key, source_raw, target_raw, source_text, target_text, source_locale, unit_id, source_codes, target_codes in (
            rows):
        checked += 1
        if checked % 256 == 0:
            progress.advance(256)
        stored = known.get(key)
        if stored is not None:
            try:
                findings: tuple[Finding, ...] | list[Finding] = decode(stored, source_raw, target_raw)
            except (ValueError, TypeError):  # not what encode() writes: check the unit
                pass
            else:
                if findings:
                    found[unit_id] = tuple(findings)
                continue
        seg = QaSegment(QaRow(locale, "", 0, 0, "", source_raw, target_raw, source_text, target_text,
                              None, None, None, None, source_locale, unit_id, 0, source_codes, target_codes))
        findings = [finding for func, ctx in checks for finding in func(seg, ctx)]
        if findings:
            found[unit_id] = tuple(findings)
        if cache is not None:
            kept.append((key, encode(findings, source_raw, target_raw)))
            if len(kept) >= 1000:
                cache.keep(locale, kept)
                kept.clear()
    if cache is not None:
        cache.keep(locale, kept)
    progress.advance(checked % 256)
    return found


def _segment_findings(store: Store, segmentwise: list[CheckContext], cache: QaCache | None = None,
                      files: str = _ALL) -> Iterator[Finding]:
    """Every segment check's findings at every occurrence in ``files``, in corpus order.

    Each distinct unit is checked once per locale (unless ``cache`` holds it); its findings are
    then copied to each of its occurrences.  Memory holds the findings of one locale's units at a
    time.
    """
    for (locale,) in store.db.execute(_QA_LOCALES).fetchall():
        found = _unit_findings(store, locale, segmentwise, cache, files)
        if not found:
            continue
        for path, line, seg_id, unit_id in store.db.execute(_QA_OCCURRENCES.format(files), (locale,)):
            at = found.get(unit_id)
            if at is not None:
                for f in at:
                    yield Finding(f.check, f.severity, f.locale, path, line, seg_id, f.source, f.target, f.message,
                                  f.extra, f.key)


def _article_part(finding: Finding) -> tuple[str, ...]:
    return finding.locale, finding.file


def _only_files(store: Store, paths: Iterable[str]) -> str:
    """Restrict a pass to ``paths`` (the temporary table ``qa_files``)."""
    temp_keys(store.db, "qa_files", paths)
    return _SOME


def _dirty(store: Store, cache: QaCache, owner: str, by: str) -> set[str]:
    """The keys of ``owner``'s parts that the changed articles may affect, and those stored as
    "recheck"; ``by`` is what a part is (:attr:`Parts.by`, or ``article``)."""
    dirty = set(cache.part_keys(owner, recheck=True))
    if by == "article":
        dirty.update(part_key(locale, path) for path, locale in store.db.execute(
            "SELECT path, locale FROM files WHERE path IN (SELECT k FROM temp.qa_changed)"))
        dirty.update(part_key(locale, path) for path in cache.changed if (locale := cache.old_locale(path)))
    elif by == "locale":
        dirty.update(part_key(locale) for locale in cache.changed_locales)
    else:  # the texts of the changed articles now, and before: the groups they were in
        column = "source_text" if by == "source" else "target_text"
        dirty.update(part_key(locale, text) for locale, text in store.db.execute(
            f"SELECT DISTINCT u.target_locale, u.{column} FROM temp.qa_changed c JOIN files f ON f.path = c.k"
            f" JOIN occurrences o ON o.file_id = f.id JOIN units u ON u.id = o.unit_id"))
        old = cache.old_texts(by)
        if old:
            dirty.update(cache.parts_of_texts(owner, old))
    return dirty


@dataclass(frozen=True, slots=True)
class Part:
    """A part's findings as this run computed them."""

    name: str
    """The owner and the part's key (:attr:`~pipeline.qa.kept.Kept.name`)."""
    digest: str | None
    """:func:`~pipeline.qa.cache.findings_sha` of their stored JSON (None: not stored)."""
    findings: list[Finding]


@dataclass(frozen=True, slots=True)
class Stored:
    """A part read back from the cache as the tally sees it: its counts, its findings on demand
    (the tally needs them only while it must look at each finding)."""

    name: str | None
    """As :attr:`Part.name`; None for parts summed together by SQLite."""
    digest: str | None
    """:func:`~pipeline.qa.cache.findings_sha` of its findings' JSON."""
    counts: list[list[Any]]
    """``[check, severity, locale, similarity bucket (-1: none), n]`` rows (:func:`_counts`)."""
    load: Callable[[], list[Finding]]
    """The part's findings, read and decoded."""


def _counts(findings: Iterable[Finding]) -> str:
    """What :class:`Stored` counts, as JSON."""
    counted = Counter((f.check, f.severity, f.locale, bucket(f)) for f in findings)
    return json.dumps([[*key, n] for key, n in counted.items()], ensure_ascii=False)


def _summed() -> list[Finding]:
    raise AssertionError("parts summed by SQLite have no findings to read")


def _reused(cache: QaCache, owner: str, dirty: set[str] | None, fresh: Iterable[Finding],
            part_of: Callable[[Finding], tuple[str, ...]], texts: bool = False,
            counted: Callable[[], bool] = lambda: False) -> Iterator[Part | Stored]:
    """``fresh`` findings (those of the ``dirty`` parts, or of every part when None) by part, and
    the stored parts of the others, in part order; the fresh parts are stored for next time (with
    ``texts``, a part is a text group, stored with its text's digest).  Once ``counted()`` (the
    tally keeps no more findings of the owner's checks), the stored parts left are summed by
    SQLite as one :class:`Stored` and the fresh parts follow."""
    stored = iter(()) if dirty is None else (row for row in cache.parts(owner) if row[0] not in dirty)
    if dirty:
        cache.forget(owner, dirty)

    def load(part: str, row: int) -> list[Finding]:
        try:
            return decode_part(cache.findings(row))
        except (ValueError, TypeError) as exc:
            cache.spoilt(f"{owner} part {part!r} unreadable ({exc})")

    def read(part: str, text: str, row: int, sha: str | None) -> Stored:
        try:
            counts = json.loads(text)
            if not all(len(row) == 5 for row in counts):
                raise ValueError("not five fields")
        except (ValueError, TypeError) as exc:
            cache.spoilt(f"{owner} part {part!r} counts unreadable ({exc})")
        return Stored(part_name(owner, part), sha, counts, lambda: load(part, row))

    def rest(first: str) -> Stored:
        """The stored parts from ``first`` on, summed (the tally only counts them now)."""
        return Stored(None, None, cache.count_from(owner, first, dirty or set()), _summed)

    waiting = next(stored, None)
    for fields, group in itertools.groupby(fresh, key=part_of):
        key = part_key(*fields)
        while waiting is not None and waiting[0] < key:
            if counted():
                yield rest(waiting[0])
                waiting = None
                break
            yield read(*waiting)
            waiting = next(stored, None)
        findings = list(group)
        text = encode_part(findings)
        sha = None if text is None else findings_sha(text)
        cache.put(owner, key, text, _counts(findings), text_digest(*fields) if texts else None, sha)
        yield Part(part_name(owner, key), sha, findings)
    while waiting is not None:
        if counted():
            yield rest(waiting[0])
            break
        yield read(*waiting)
        waiting = next(stored, None)


def _findings(store: Store, contexts: list[CheckContext], cache: QaCache | None = None,
              counted: Callable[[Sequence[str]], bool] = lambda checks: False
              ) -> Generator[Finding | Part | Stored, None, None]:
    """Every finding, in report order; with ``cache``, the stored parts of what did not change
    (:func:`_reused`; ``counted(checks)``: whether the tally keeps no more findings of ``checks``)."""
    segmentwise = [ctx for ctx in contexts if ctx.info.scope == "segment"]
    if segmentwise:
        try:
            if cache is None:
                yield from _segment_findings(store, segmentwise)
            elif not cache.owner(SEGMENT, settings_digest(segmentwise)):
                yield from _reused(cache, SEGMENT, None, _segment_findings(store, segmentwise, cache), _article_part)
            else:
                dirty = _dirty(store, cache, SEGMENT, "article")
                files = _only_files(store, (part.partition("\0")[2] for part in dirty))
                checks = [ctx.info.id for ctx in segmentwise]
                yield from _reused(cache, SEGMENT, dirty, _segment_findings(store, segmentwise, cache, files),
                                   _article_part, counted=lambda: counted(checks))
        finally:
            end_pass(segmentwise[0].cache)  # models and memos of the segment checks: not needed any more
    for ctx in contexts:
        if ctx.info.scope != "corpus":
            continue
        if not ctx.info.needs:
            progress.advance()  # a corpus check, counted as it starts (those with a need count occurrences)
        parts = ctx.info.parts
        if cache is None or parts is None:
            yield from ctx.info.func(store, ctx)
        elif not cache.owner(ctx.info.id, settings_digest([ctx])):
            yield from _reused(cache, ctx.info.id, None, ctx.info.func(store, ctx), parts.of, parts.by != "locale")
        else:
            dirty = _dirty(store, cache, ctx.info.id, parts.by)
            only = frozenset(tuple(part.split("\0")) for part in dirty)
            yield from _reused(cache, ctx.info.id, dirty, ctx.info.func(store, replace(ctx, only=only)), parts.of,
                               parts.by != "locale", functools.partial(counted, [ctx.info.id]))


class _Nothing:
    def close(self) -> None:
        pass


def input_fingerprint(store: Store) -> str:
    """A digest of every article's path and content hash (the build's input fingerprint)."""
    digest = hashlib.sha256()
    for path, sha in sorted(store.known_hashes().items()):
        digest.update(f"{path}\0{sha}\n".encode())
    return digest.hexdigest()


@contextmanager
def checking(store: Store, config: QaConfig, *, english: Path | None = None, baseline: Store | None = None,
             suppressed: set[str] | frozenset[str] = frozenset(), keep_all: bool = False,
             cache: Path | None = None) -> Iterator[QaResult]:
    """Run every enabled check; count, suppress and keep findings; no report is written.

    ``cache`` is the file that keeps findings between runs (:mod:`pipeline.qa.cache`): only what
    the articles changed since the last run can affect is checked.  None checks everything.
    The result's stored parts can be read inside the block (the reports are written there), and
    the cache's changes are committed when it ends without an error.  :class:`Spoilt`: the cache
    failed while findings were read (and is gone): run again."""
    skipped: dict[str, str] = {}
    contexts = _contexts(config, english, baseline, skipped)
    tally = Tally(config, suppressed, keep_all)
    # the units of the segment pass, a step per corpus check, and every occurrence for the checks
    # against an outside input (--english, --baseline), which walk them all
    progress.expect(lambda: store.unit_count() + sum(
        sum(store.pairs_by_locale().values()) if ctx.info.needs else 1 for ctx in contexts if ctx.info.scope == "corpus"))
    qa_cache = QaCache(cache, store) if cache is not None else None
    # closed here, not when collected: a run that stops leaves the cache it found
    with closing(qa_cache or _Nothing()):
        with closing(_findings(store, contexts, qa_cache, tally.counted)) as found:
            for item in found:
                if isinstance(item, Finding):
                    tally.add(item)
                elif isinstance(item, Part):
                    tally.add_part(item.name, item.digest, item.findings)
                else:
                    tally.add_stored(item.name, item.digest, item.counts, item.load)
        yield _result(store, config, contexts, skipped, tally, english, baseline)
        if qa_cache is not None:
            qa_cache.commit()


def run_checks(store: Store, config: QaConfig, *, english: Path | None = None, baseline: Store | None = None,
               suppressed: set[str] | frozenset[str] = frozenset(), keep_all: bool = False,
               cache: Path | None = None) -> QaResult:
    """:func:`checking`, its result's findings all read."""
    for attempt in range(2):
        try:
            with checking(store, config, english=english, baseline=baseline, suppressed=suppressed,
                          keep_all=keep_all, cache=cache) as result:
                for part in result.parts:
                    part.read()
            return result
        except Spoilt:  # the cache failed while its findings were being read, and is gone: count afresh
            if attempt:
                raise
    raise AssertionError("unreachable")


def _result(store: Store, config: QaConfig, contexts: list[CheckContext], skipped: dict[str, str], tally: Tally,
            english: Path | None, baseline: Store | None) -> QaResult:
    by_check, by_severity, truncated, similarity = tally.by_check, tally.by_severity, tally.truncated, tally.similarity
    by_locale, locale_severity = tally.by_locale, tally.locale_severity
    n_suppressed, everything = tally.suppressed, tally.everything
    memo = contexts[0].cache if contexts else {}
    summary = {
        "findings": sum(by_severity.values()),
        "suppressed": n_suppressed,
        "by_severity": {s: by_severity.get(s, 0) for s in SEVERITIES},
        "by_check": {k: {**v, "by_severity": {s: v["by_severity"].get(s, 0) for s in SEVERITIES}}
                     for k, v in by_check.items()},
        "by_locale": {loc: dict(sorted(c.items())) for loc, c in sorted(by_locale.items())},
        "by_locale_severity": {loc: {s: c.get(s, 0) for s in SEVERITIES} for loc, c in sorted(locale_severity.items())},
        "checks_run": [ctx.info.id for ctx in contexts],
        "checks_skipped": skipped,
        "truncated": {check: truncated[check] for check in CHECKS if truncated[check]},  # registry order
    }
    if "report:source-drift" in memo:
        files = memo["report:source-drift"]
        summary["source_drift"] = {
            "english": str(english), "files": files,
            "files_with_drift": sum(1 for f in files.values() if f["drifted"]),
            "segments": sum(f["segments"] for f in files.values() if f["english"]),
            "drifted": sum(f["drifted"] for f in files.values()),
            "similarity_histogram": similarity,
        }
    signature = {"tool": "tmpipe", "version": __version__, "input": input_fingerprint(store),
                 "options": {"config": str(config.path) if config.path else None,
                             "english": str(english) if english else None,
                             "baseline": str(baseline.path) if baseline is not None and baseline.path else None,
                             "checks": summary["checks_run"],
                             "severity": {k: v["severity"] for k, v in by_check.items()},
                             "do_not_translate": list(config.do_not_translate)}}
    return QaResult(summary, tally.parts, [], signature, everything)
