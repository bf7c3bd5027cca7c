"""The report registry: format name → :class:`Report`, and what a report is given.

A report is pure: :attr:`Report.render` turns a :class:`ReportContext` (the run's summary and
the findings it lists) into text, chunk by chunk; the output layer writes it to
``OUT/qa/<file>``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from ..qa.findings import Finding
from ..registry import Registry

__all__ = ["REPORTS", "Report", "ReportContext", "get_report", "register"]


@dataclass(frozen=True, slots=True)
class ReportContext:
    """What every report gets."""

    summary: dict[str, Any]
    """The run's counts (see ``docs/qa-json.md``)."""
    findings: Sequence[Finding]
    """The new findings the reports list, most severe first (at most ``max_findings`` per check)."""
    checks: dict[str, dict[str, Any]]
    """Check id → ``{"title", "severity"}`` for every registered check, in report order."""
    signature: dict[str, Any]
    """Tool, version, options and input fingerprint to embed."""
    corpus_root: str | None = None
    """Where the article paths are relative to, when known (for SARIF ``originalUriBaseIds``)."""


@dataclass(frozen=True, slots=True)
class Report:
    """A registered report format."""

    name: str
    """Registry name (``qa-json``, ``sarif``...)."""
    file: str
    """The file it writes below ``OUT/qa/``."""
    description: str
    """One line for ``tmpipe formats``."""
    render: Callable[[ReportContext], Iterator[str]]
    """The report's text, chunk by chunk."""


#: Report format name → report, filled by the report modules' :func:`register` calls.
REPORTS: Registry[Report] = Registry("report format")
get_report = REPORTS.lookup


def register(report: Report) -> Report:
    """Add a report format to the registry."""
    return REPORTS.add(report.name, report)
