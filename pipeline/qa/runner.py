"""Running the checks over a TM: segment checks once per unit, locale by locale, then the corpus checks.

With a cache file (:mod:`pipeline.qa.unitcache`), a unit an earlier run checked with the same
settings is not checked again: its stored findings are placed at its current occurrences.

Findings are counted as they come; suppressed ones (in the baseline file) are
counted apart and not kept; at most ``max_findings`` per check are kept for the
reports.  :class:`QaResult` carries the summary, the kept findings, the gate and
the report outputs.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Generator, Iterator
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import __version__
from ..store import Store
from .config import QaConfig
from .findings import SEVERITIES, Finding, Severity, severity_rank
from .registry import CHECKS, CheckContext, CheckInfo, QaRow, QaSegment, end_pass
from .unitcache import UnitCache, decode, encode, settings_digest

__all__ = ["QaResult", "run_checks", "gate"]


@dataclass(slots=True)
class QaResult:
    """What one QA run found and wrote."""

    summary: dict[str, Any]
    """Counts: ``findings`` (new), ``suppressed``, ``by_severity``, ``by_check``, ``by_locale``..."""
    findings: list[Finding]
    """The new (not suppressed) findings kept for the reports, in check order."""
    outputs: list[Any] = field(default_factory=list)
    """The report files written (:class:`~pipeline.export.registry.Output`)."""
    signature: dict[str, Any] = field(default_factory=dict)
    """Tool, version, options and input fingerprint."""
    fingerprints: dict[str, Finding] | None = None
    """Every finding by fingerprint, suppressed ones too (only when a baseline is to be written)."""

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
#: The units that occur in a locale's articles, each once (the rows a segment check sees).
_QA_UNITS = (
    "SELECT key, source_raw, target_raw, source_text, target_text, source_locale, id, source_codes, target_codes"
    " FROM units"
    " WHERE id IN (SELECT o.unit_id FROM occurrences o JOIN files f ON f.id = o.file_id WHERE f.locale = ?)")
#: Where a locale's units occur, in the order of :meth:`Store.segments`: file path, then pair order.
_QA_OCCURRENCES = (
    "SELECT f.path, o.line, o.seg_id, o.unit_id FROM files f JOIN occurrences o ON o.file_id = f.id"
    " WHERE f.locale = ? ORDER BY f.path, o.seq")


def _unit_findings(store: Store, locale: str, segmentwise: list[CheckContext],
                   cache: UnitCache | None = None) -> dict[int, tuple[Finding, ...]]:
    """Unit id → the findings of every segment check on that unit (units with findings only).

    With ``cache``, a unit it holds is not checked, and every unit's findings are written to it."""
    found: dict[int, tuple[Finding, ...]] = {}
    checks = [(ctx.info.func, ctx) for ctx in segmentwise]
    known = cache.entries(locale) if cache is not None else {}
    kept: list[tuple[bytes, str]] = []
    hits = misses = 0
    for key, source_raw, target_raw, source_text, target_text, source_locale, unit_id, source_codes, target_codes in (
            store.db.execute(_QA_UNITS, (locale,))):
        stored = known.get(key)
        if stored is not None:
            try:
                findings: tuple[Finding, ...] | list[Finding] = decode(stored, source_raw, target_raw)
            except (ValueError, TypeError):  # not what encode() writes: check the unit
                pass
            else:
                hits += 1
                kept.append((key, stored))
                if findings:
                    found[unit_id] = tuple(findings)
                continue
        seg = QaSegment(QaRow(locale, "", 0, 0, "", source_raw, target_raw, source_text, target_text,
                              None, None, None, None, source_locale, unit_id, 0, source_codes, target_codes))
        findings = [finding for func, ctx in checks for finding in func(seg, ctx)]
        if findings:
            found[unit_id] = tuple(findings)
        if cache is not None:
            misses += 1
            text = encode(findings, source_raw, target_raw)
            if text is not None:
                kept.append((key, text))
    if cache is not None:
        cache.hits += hits
        cache.misses += misses
        cache.keep(locale, kept)
    return found


def _segment_findings(store: Store, segmentwise: list[CheckContext], cache: UnitCache | None = None
                      ) -> Iterator[Finding]:
    """Every segment check's findings at every occurrence, in corpus order.

    Each distinct unit is checked once per locale (unless ``cache`` holds it); its findings are
    then copied to each of its occurrences.  Memory holds the findings of one locale's units at a
    time.  ``cache`` is saved when every locale is done.
    """
    for (locale,) in store.db.execute(_QA_LOCALES).fetchall():
        found = _unit_findings(store, locale, segmentwise, cache)
        if not found:
            continue
        for path, line, seg_id, unit_id in store.db.execute(_QA_OCCURRENCES, (locale,)):
            at = found.get(unit_id)
            if at is not None:
                for f in at:
                    yield Finding(f.check, f.severity, f.locale, path, line, seg_id, f.source, f.target, f.message,
                                  f.extra, f.key)
    if cache is not None:
        cache.save()


def _findings(store: Store, contexts: list[CheckContext], cache: Path | None = None
              ) -> Generator[Finding, None, None]:
    segmentwise = [ctx for ctx in contexts if ctx.info.scope == "segment"]
    if segmentwise:
        units = None
        try:
            units = UnitCache(cache, settings_digest(segmentwise)) if cache is not None else None
            yield from _segment_findings(store, segmentwise, units)
        finally:
            if units is not None:
                units.discard()  # a run that stopped (an error, a Ctrl-C) leaves the earlier file
            end_pass(segmentwise[0].cache)  # models and memos of the segment checks: not needed any more
    for ctx in contexts:
        if ctx.info.scope == "corpus":
            yield from ctx.info.func(store, ctx)


def input_fingerprint(store: Store) -> str:
    """A digest of every article's path and content hash (the build's input fingerprint)."""
    digest = hashlib.sha256()
    for path, sha in sorted(store.known_hashes().items()):
        digest.update(f"{path}\0{sha}\n".encode())
    return digest.hexdigest()


def run_checks(store: Store, config: QaConfig, *, english: Path | None = None, baseline: Store | None = None,
               suppressed: set[str] | frozenset[str] = frozenset(), keep_all: bool = False,
               cache: Path | None = None) -> QaResult:
    """Run every enabled check; count, suppress and keep findings; no report is written.

    ``cache`` is the file that keeps the segment checks' findings per unit between runs
    (:mod:`pipeline.qa.unitcache`); None checks every unit."""
    skipped: dict[str, str] = {}
    contexts = _contexts(config, english, baseline, skipped)
    by_check: dict[str, dict[str, Any]] = {
        info.id: {"title": info.title, "severity": (config.settings(info.id).severity or info.severity),
                  "count": 0, "suppressed": 0, "by_severity": Counter()} for info in CHECKS.values()}
    by_severity: Counter[str] = Counter()
    by_locale: dict[str, Counter[str]] = {}
    locale_severity: dict[str, Counter[str]] = {}
    kept: list[Finding] = []
    kept_per_check: Counter[str] = Counter()
    truncated: Counter[str] = Counter()
    everything: dict[str, Finding] | None = {} if keep_all else None
    similarity: list[int] = [0] * 10
    n_suppressed = 0
    # closed here, not when collected: a run that stops leaves no temporary cache file behind
    with closing(_findings(store, contexts, cache)) as found:
        for finding in found:
            fp = finding.fingerprint
            if everything is not None:
                everything.setdefault(fp, finding)
            entry = by_check[finding.check]
            if fp in suppressed:
                entry["suppressed"] += 1
                n_suppressed += 1
                continue
            entry["count"] += 1
            entry["by_severity"][finding.severity] += 1
            by_severity[finding.severity] += 1
            by_locale.setdefault(finding.locale, Counter())[finding.check] += 1
            locale_severity.setdefault(finding.locale, Counter())[finding.severity] += 1
            if isinstance(finding.extra.get("similarity"), float | int) and finding.line:
                similarity[min(int(finding.extra["similarity"] * 10), 9)] += 1
            if kept_per_check[finding.check] < config.max_findings:
                kept_per_check[finding.check] += 1
                kept.append(finding)
            else:
                truncated[finding.check] += 1
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
        "truncated": dict(truncated),
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
    return QaResult(summary, kept, [], signature, everything)
