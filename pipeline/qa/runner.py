"""Running the checks over a TM: segment checks once per unit, locale by locale, then the corpus checks.

Segment checks see each distinct unit of a locale once (:meth:`~pipeline.store.Store.qa_units`);
its findings are then copied to each of its occurrences, in corpus order.  A run may be given
an :class:`ArticleMemo`, which recalls an article's segment findings from an earlier run with
the same settings while the article's content is the same and the corpus facts say the same of
its sources (:meth:`CorpusFacts.about`), and keeps those of the articles it checks: a rebuild
reads and checks only the units of the articles that changed.  Corpus checks run on the whole TM.

Findings are counted as they come (:class:`~.tally.Tally`); suppressed ones (in the baseline
file) are counted apart; at most ``max_findings`` per check are kept for the reports, the most
severe first.  :class:`QaResult` carries the summary and the kept findings.
"""

from __future__ import annotations

import hashlib
import itertools
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any, Protocol

from .. import __version__, code_digest, progress
from ..output import Output
from ..rows import ArticleKey, QaUnit
from ..store import Store
from .config import QaConfig
from .findings import SEVERITIES, Finding, Severity, severity_rank
from .names import corpus_facts
from .registry import CHECKS, CheckContext, CorpusFacts, QaSegment, end_pass
from .tally import Tally

__all__ = ["ArticleMemo", "QaResult", "Recalled", "gate", "run_checks", "settings_digest"]

#: Libraries whose data checks read (a new version may find other things).
_LIBRARIES = ("lingua-language-detector", "regex", "wordfreq", "babel")


@dataclass(slots=True)
class Recalled:
    """An article's segment findings as a memo kept them."""

    facts: list[tuple[str, str]]
    """``(source, what the corpus facts said of it)`` for the article's sources they concern."""
    findings: list[Finding]
    """Its findings, located, in order."""


class ArticleMemo(Protocol):
    """Segment findings of articles, kept between runs with the same settings."""

    def recall(self, locale: str, articles: Sequence[ArticleKey]) -> dict[str, Recalled]:
        """By path, what was kept for those of ``articles`` whose content is the one kept."""

    def keep(self, locale: str, article: ArticleKey, facts: list[tuple[str, str]], findings: Sequence[Finding]) -> None:
        """Keep an article's segment findings, with what the corpus facts said of its sources."""


@dataclass(slots=True)
class QaResult:
    """What one QA run found."""

    summary: dict[str, Any]
    """Counts: ``findings`` (new), ``suppressed``, ``by_severity``, ``by_check``, ``by_locale``..."""
    findings: list[Finding]
    """The new (not suppressed) findings the reports list, most severe first."""
    signature: dict[str, Any] = field(default_factory=dict)
    """Tool, version, options and input fingerprint."""
    fingerprints: dict[str, Finding] | None = None
    """Every finding by fingerprint, suppressed ones too (only when a baseline is to be written)."""
    outputs: list[Output] = field(default_factory=list)
    """The report files written."""

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


def _library_version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "absent"


def settings_digest(contexts: Sequence[CheckContext]) -> str:
    """The digest of everything besides a unit that the segment checks of ``contexts`` depend on:
    tmpipe's version and code, the libraries checks read data from, severities and options."""
    checks = [[ctx.info.id, ctx.severity, sorted(ctx.options.items())] for ctx in contexts]
    dnt = list(contexts[0].do_not_translate) if contexts else []
    data = json.dumps([__version__, code_digest(), [_library_version(n) for n in _LIBRARIES], checks, dnt],
                      sort_keys=True, default=repr)
    return hashlib.sha256(data.encode()).hexdigest()


def _contexts(config: QaConfig, english: Path | None, baseline: Store | None,
              skipped: dict[str, str], corpus: CorpusFacts = CorpusFacts()) -> list[CheckContext]:
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
                                     config.do_not_translate, english, baseline, cache, corpus=corpus))
    return contexts


def _unit_findings(units: Iterable[QaUnit], segmentwise: list[CheckContext],
                   sources: dict[int, str]) -> dict[int, tuple[Finding, ...]]:
    """Unit id → the findings of every segment check on that unit (units with findings only);
    ``sources`` gets the source of each unit the corpus facts concern."""
    found: dict[int, tuple[Finding, ...]] = {}
    checks = [(ctx.info.func, ctx) for ctx in segmentwise]
    facts = segmentwise[0].corpus
    for unit in units:
        seg = QaSegment(unit)
        findings = tuple(finding for func, ctx in checks for finding in func(seg, ctx))
        if findings:
            found[unit.unit_id] = findings
        if facts.concerns(unit.source_text):
            sources[unit.unit_id] = unit.source_text
        progress.advance()
    return found


def _segment_findings(store: Store, segmentwise: list[CheckContext], memo: ArticleMemo | None) -> Iterator[Finding]:
    """Every segment check's findings at every occurrence, in corpus order: recalled for the
    articles the memo holds, else found by checking each unit of the others once (memory holds
    the findings of one locale's units at a time)."""
    facts = segmentwise[0].corpus
    for locale in store.locales():
        articles = list(store.qa_articles(locale))
        recalled = {} if memo is None else {
            path: kept for path, kept in memo.recall(locale, articles).items()
            if all(facts.about(locale, source) == said for source, said in kept.facts)}
        if len(recalled) == len(articles):
            for article in articles:
                yield from recalled[article.path].findings
            continue
        paths = [article.path for article in articles if article.path not in recalled] if recalled else None
        progress.expect(lambda: store.qa_unit_count(locale, paths))  # called at once, if at all
        sources: dict[int, str] = {}
        found = _unit_findings(store.qa_units(locale, paths), segmentwise, sources)
        places = itertools.groupby(store.qa_occurrences(locale, paths), key=lambda place: place.file)
        for article in articles:
            kept = recalled.get(article.path)
            if kept is not None:
                yield from kept.findings
                continue
            path, group = next(places)
            assert path == article.path, (path, article.path)
            located, concerned = [], set()
            for place in group:
                if place.unit_id in sources:
                    concerned.add(sources[place.unit_id])
                for f in found.get(place.unit_id, ()):
                    located.append(Finding(f.check, f.severity, f.locale, place.file, place.line, place.id,
                                           f.source, f.target, f.message, f.extra, f.key))
            if memo is not None:
                memo.keep(locale, article, [(source, facts.about(locale, source)) for source in sorted(concerned)],
                          located)
            yield from located


def _findings(store: Store, contexts: list[CheckContext], memo: ArticleMemo | None) -> Iterator[Finding]:
    segmentwise = [ctx for ctx in contexts if ctx.info.scope == "segment"]
    if segmentwise:
        try:
            yield from _segment_findings(store, segmentwise, memo)
        finally:
            end_pass(segmentwise[0].cache)  # models and memos of the segment checks: not needed any more
    for ctx in contexts:
        if ctx.info.scope == "corpus":
            if not ctx.info.needs:
                progress.advance()  # a corpus check, counted as it starts (those with a need count occurrences)
            yield from ctx.info.func(store, ctx)


def run_checks(store: Store, config: QaConfig, *, english: Path | None = None, baseline: Store | None = None,
               suppressed: set[str] | frozenset[str] = frozenset(), keep_all: bool = False,
               memo: Callable[[str], ArticleMemo] | None = None) -> QaResult:
    """Run every enabled check; count, suppress and keep findings (no report is written).

    ``memo(scope)`` gives the memo of segment findings for the settings digest ``scope``
    (:func:`settings_digest`), or None to check every article."""
    skipped: dict[str, str] = {}
    facts = corpus_facts(store) if config.settings("untranslated").enabled else CorpusFacts()
    contexts = _contexts(config, english, baseline, skipped, facts)
    # a step per corpus check, and every occurrence for the checks against an outside input
    # (--english, --baseline), which walk them all; the segment pass adds the units it checks
    progress.expect(lambda: sum(
        sum(store.pairs_by_locale().values()) if ctx.info.needs else 1 for ctx in contexts if ctx.info.scope == "corpus"))
    tally = Tally(config, suppressed, keep_all)
    segmentwise = [ctx for ctx in contexts if ctx.info.scope == "segment"]
    unit_memo = memo(settings_digest(segmentwise)) if memo is not None and segmentwise else None
    for finding in _findings(store, contexts, unit_memo):
        tally.add(finding)
    return _result(store, config, contexts, skipped, tally, english, baseline)


def _result(store: Store, config: QaConfig, contexts: list[CheckContext], skipped: dict[str, str], tally: Tally,
            english: Path | None, baseline: Store | None) -> QaResult:
    by_check, by_severity = tally.by_check, tally.by_severity
    memo = contexts[0].cache if contexts else {}
    summary = {
        "findings": sum(by_severity.values()),
        "suppressed": tally.suppressed,
        "by_severity": {s: by_severity.get(s, 0) for s in SEVERITIES},
        "by_check": {k: {**v, "by_severity": {s: v["by_severity"].get(s, 0) for s in SEVERITIES}}
                     for k, v in by_check.items()},
        "by_locale": {loc: dict(sorted(c.items())) for loc, c in sorted(tally.by_locale.items())},
        "by_locale_severity": {loc: {s: c.get(s, 0) for s in SEVERITIES}
                               for loc, c in sorted(tally.locale_severity.items())},
        "checks_run": [ctx.info.id for ctx in contexts],
        "checks_skipped": skipped,
        "truncated": tally.truncated(),
    }
    if "report:source-drift" in memo:
        files = memo["report:source-drift"]
        summary["source_drift"] = {
            "english": str(english), "files": files,
            "files_with_drift": sum(1 for f in files.values() if f["drifted"]),
            "segments": sum(f["segments"] for f in files.values() if f["english"]),
            "drifted": sum(f["drifted"] for f in files.values()),
            "similarity_histogram": tally.similarity,
        }
    signature = {"tool": "tmpipe", "version": __version__, "input": store.input_fingerprint(),
                 "options": {"config": str(config.path) if config.path else None,
                             "english": str(english) if english else None,
                             "baseline": str(baseline.path) if baseline is not None and baseline.path else None,
                             "checks": summary["checks_run"],
                             "severity": {k: v["severity"] for k, v in by_check.items()},
                             "do_not_translate": list(config.do_not_translate)}}
    return QaResult(summary, tally.listed(), signature, tally.everything)
