"""Counting a run's findings, and keeping the ones the reports list.

Every finding is counted (by check, severity, locale); a finding whose fingerprint is in
the baseline of accepted findings is counted as suppressed and nothing else.  The reports
list at most ``max_findings`` findings per check, the most severe first: a check's errors,
then its warnings, then its infos, each in the order they were found (corpus order).  The
findings kept are at most ``max_findings`` per check and severity, so memory stays flat.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from .config import QaConfig
from .findings import SEVERITIES, Finding, severity_rank
from .registry import CHECKS

__all__ = ["Tally", "bucket"]


def bucket(finding: Finding) -> int:
    """The similarity histogram's bucket of a finding, or -1 (the summary's ``similarity_histogram``)."""
    similarity = finding.extra.get("similarity")
    return min(int(similarity * 10), 9) if isinstance(similarity, float | int) and finding.line else -1


class Tally:
    """The counts of a run's findings and the findings kept for the reports."""

    def __init__(self, config: QaConfig, suppressed: set[str] | frozenset[str], keep_all: bool) -> None:
        self.max_findings = config.max_findings
        self.fingerprints = suppressed
        self.by_check: dict[str, dict[str, Any]] = {
            info.id: {"title": info.title, "severity": (config.settings(info.id).severity or info.severity),
                      "count": 0, "suppressed": 0, "by_severity": Counter()} for info in CHECKS.values()}
        self.by_severity: Counter[str] = Counter()
        self.by_locale: dict[str, Counter[str]] = {}
        self.locale_severity: dict[str, Counter[str]] = {}
        self.similarity: list[int] = [0] * 10
        self.suppressed = 0
        self.everything: dict[str, Finding] | None = {} if keep_all else None
        """Every finding by fingerprint, suppressed ones too (when a baseline is to be written)."""
        self._kept: dict[tuple[str, str], list[Finding]] = {}

    def add(self, finding: Finding) -> None:
        """Count one finding, and keep it when the reports may list it."""
        fp = finding.fingerprint
        if self.everything is not None:
            self.everything.setdefault(fp, finding)
        if fp in self.fingerprints:
            self.by_check[finding.check]["suppressed"] += 1
            self.suppressed += 1
            return
        check, severity, locale = finding.check, finding.severity, finding.locale
        entry = self.by_check[check]
        entry["count"] += 1
        entry["by_severity"][severity] += 1
        self.by_severity[severity] += 1
        self.by_locale.setdefault(locale, Counter())[check] += 1
        self.locale_severity.setdefault(locale, Counter())[severity] += 1
        at = bucket(finding)
        if at >= 0:
            self.similarity[at] += 1
        kept = self._kept.setdefault((check, severity), [])
        if len(kept) < self.max_findings:
            kept.append(finding)

    def listed(self) -> list[Finding]:
        """The findings the reports list: per check at most ``max_findings``, the most severe
        first; in all, by severity, then check (registry order), then the order they were found."""
        chosen: list[Finding] = []
        for check in CHECKS:
            left = self.max_findings
            for severity in SEVERITIES:  # most severe first
                kept = self._kept.get((check, severity), [])[:max(left, 0)]
                left -= len(kept)
                chosen.extend(kept)
        order = {check: at for at, check in enumerate(CHECKS)}
        return sorted(chosen, key=lambda f: (-severity_rank(f.severity), order[f.check]))

    def truncated(self) -> dict[str, int]:
        """Per check (registry order), the findings counted but not listed."""
        out = {}
        for check in CHECKS:
            listed = min(self.by_check[check]["count"], self.max_findings)
            if self.by_check[check]["count"] > listed:
                out[check] = self.by_check[check]["count"] - listed
        return out
