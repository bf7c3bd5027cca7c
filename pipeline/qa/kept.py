"""What a QA run keeps for its reports: findings by part, and the counts of all of them.

The reports list at most ``max_findings`` findings per check, in the order the checks
found them.  With a cache (:mod:`pipeline.qa.cache`) findings come in *parts* (an
article's segment findings, a text group's, a locale's), and a rebuild reads most parts
back instead of computing them.  :class:`Kept` is one part's share of the reports: which
of its findings are listed (all, or the first *k* of some checks'), and a key that names
exactly that.  A report copies its rendering of a part from its previous file while the
key is unchanged (:mod:`pipeline.report.fragments`), so a stored part whose key did not
change is never read, decoded nor rendered again.

:class:`Tally` counts every finding and builds the kept parts.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from .config import QaConfig
from .findings import Finding
from .registry import CHECKS

__all__ = ["Kept", "Tally", "bucket", "first_of_each", "part_name"]


@dataclass(slots=True)
class Kept:
    """One part's findings that the reports list."""

    name: str
    """Unique in a run: :func:`part_name` of the part's owner and key, or ``#n`` for a run of
    findings that belong to no part."""
    key: str | None
    """Digest of the listed findings: the part's stored findings, which of them are listed, and
    the suppressions; None when it cannot be told (the part is rendered every time)."""
    checks: dict[str, int]
    """Findings listed per check, in the order the checks first appear."""
    locales: frozenset[str]
    """Locales of the listed findings."""
    severities: frozenset[str]
    """Severities the listed findings may have (their checks' severities in the part)."""
    _findings: list[Finding] | None = None
    _load: Callable[[], list[Finding]] | None = field(default=None, repr=False)
    count: int = field(init=False)
    """How many findings are listed."""

    def __post_init__(self) -> None:
        self.count = sum(self.checks.values())


    def findings(self) -> list[Finding]:
        """The listed findings, in order (read from the cache for a stored part: while the run's
        cache is open)."""
        if self._findings is not None:
            return self._findings
        assert self._load is not None
        return first_of_each(self._load(), self.checks)

    def read(self) -> None:
        """Read a stored part's findings now: they stay readable once the cache is closed."""
        self._findings = self.findings()


def first_of_each(findings: Iterable[Finding], checks: dict[str, int]) -> list[Finding]:
    """The first ``checks[c]`` findings of each check ``c``, in order."""
    left = dict(checks)
    kept = []
    for finding in findings:
        if left.get(finding.check, 0) > 0:
            left[finding.check] -= 1
            kept.append(finding)
    return kept


def bucket(finding: Finding) -> int:
    """The similarity histogram's bucket of a finding, or -1 (the summary's ``similarity_histogram``)."""
    similarity = finding.extra.get("similarity")
    return min(int(similarity * 10), 9) if isinstance(similarity, float | int) and finding.line else -1


def part_name(owner: str, key: str) -> str:
    """A part's name in the reports' records: a digest of its owner and key (a text group's key
    is its whole text)."""
    return hashlib.blake2b(f"{owner}\0{key}".encode("utf-8", "surrogatepass"), digest_size=12).hexdigest()


def _key(digest: str | None, salt: str, checks: dict[str, int]) -> str | None:
    if digest is None:
        return None
    listed = ",".join(f"{check}={n}" for check, n in sorted(checks.items()))
    return hashlib.blake2b(f"{digest}:{salt}:{listed}".encode(), digest_size=12).hexdigest()


class Tally:
    """The counts of a run's findings, and the parts kept for the reports (:attr:`parts`)."""

    def __init__(self, config: QaConfig, suppressed: set[str] | frozenset[str], keep_all: bool) -> None:
        self.max_findings = config.max_findings
        self.fingerprints = suppressed
        self.salt = hashlib.sha256("\n".join(sorted(suppressed)).encode()).hexdigest()[:16] if suppressed else ""
        self.by_check: dict[str, dict[str, Any]] = {
            info.id: {"title": info.title, "severity": (config.settings(info.id).severity or info.severity),
                      "count": 0, "suppressed": 0, "by_severity": Counter()} for info in CHECKS.values()}
        self.by_severity: Counter[str] = Counter()
        self.by_locale: dict[str, Counter[str]] = {}
        self.locale_severity: dict[str, Counter[str]] = {}
        self.parts: list[Kept] = []
        self.kept_per_check: Counter[str] = Counter()
        self.truncated: Counter[str] = Counter()
        self.everything: dict[str, Finding] | None = {} if keep_all else None
        self.similarity: list[int] = [0] * 10
        self.suppressed = 0
        self._loose: Kept | None = None  # the run of findings of no part being kept

    def _count(self, check: str, severity: str, locale: str, n: int) -> None:
        entry = self.by_check[check]
        entry["count"] += n
        entry["by_severity"][severity] += n
        self.by_severity[severity] += n
        self.by_locale.setdefault(locale, Counter())[check] += n
        self.locale_severity.setdefault(locale, Counter())[severity] += n

    def _add(self, finding: Finding) -> bool:
        """Count one finding; whether it is kept for the reports."""
        fp = finding.fingerprint
        if self.everything is not None:
            self.everything.setdefault(fp, finding)
        if fp in self.fingerprints:
            self.by_check[finding.check]["suppressed"] += 1
            self.suppressed += 1
            return False
        self._count(finding.check, finding.severity, finding.locale, 1)
        at = bucket(finding)
        if at >= 0:
            self.similarity[at] += 1
        if self.kept_per_check[finding.check] < self.max_findings:
            self.kept_per_check[finding.check] += 1
            return True
        self.truncated[finding.check] += 1
        return False

    def add(self, finding: Finding) -> None:
        """A finding of no part."""
        if not self._add(finding):
            return
        loose = self._loose
        if loose is None:
            loose = self._loose = Kept(f"#{len(self.parts)}", None, {}, frozenset(), frozenset(), [])
            self.parts.append(loose)
        assert loose._findings is not None
        loose._findings.append(finding)
        loose.checks[finding.check] = loose.checks.get(finding.check, 0) + 1
        loose.count += 1
        loose.locales |= {finding.locale}
        loose.severities |= {finding.severity}

    def add_part(self, name: str, digest: str | None, findings: Sequence[Finding]) -> None:
        """A part's findings, as computed (``digest``: of their stored JSON)."""
        self._loose = None
        kept = [finding for finding in findings if self._add(finding)]
        if kept:
            checks = dict(Counter(finding.check for finding in kept))
            self.parts.append(Kept(name, _key(digest, self.salt, checks), checks,
                                   frozenset(f.locale for f in kept), frozenset(f.severity for f in kept), kept))

    def counted(self, checks: Sequence[str]) -> bool:
        """Whether findings of ``checks`` are only counted from now on: none is kept any more for
        the reports, none is to be suppressed, none listed for a baseline."""
        return not self.fingerprints and self.everything is None and all(
            self.kept_per_check[check] >= self.max_findings for check in checks)

    def add_stored(self, name: str | None, digest: str | None, counts: list[list[Any]],
                   load: Callable[[], list[Finding]]) -> None:
        """A stored part, by its counts (``[check, severity, locale, bucket, n]`` rows): its findings
        are read only when each must be looked at (suppressions, a baseline to write).  ``name``
        None: parts summed together, none of whose findings is kept."""
        if self.fingerprints or self.everything is not None:
            assert name is not None
            return self.add_part(name, digest, load())
        self._loose = None
        checks: dict[str, int] = {}
        for check, severity, locale, at, n in counts:
            self._count(check, severity, locale, n)
            if at >= 0:
                self.similarity[at] += n
            listed = min(n, max(self.max_findings - self.kept_per_check[check], 0))
            self.kept_per_check[check] += listed
            self.truncated[check] += n - listed
            if listed:
                checks[check] = checks.get(check, 0) + listed
        if checks:
            assert name is not None, "summed parts keep no finding"
            # which of a check's findings are listed is their order's business: any of its rows may be
            rows = [row for row in counts if row[0] in checks]
            self.parts.append(Kept(name, _key(digest, self.salt, checks), checks, frozenset(r[2] for r in rows),
                                   frozenset(r[1] for r in rows), None, load))
