"""The report registry: format name → writer, and what a report writer is given."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..registry import Registry
from ..export.registry import Output
from ..qa.findings import Finding
from ..qa.kept import Kept

__all__ = ["REPORTS", "ReportContext", "Reporter", "get_report", "report"]


@dataclass(frozen=True, slots=True)
class ReportContext:
    """What every report writer gets."""

    out: Path
    """The output directory of the build; reports go below ``out / folder``."""
    folder: str
    """Sub-folder for the reports, relative to ``out`` (``qa``)."""
    summary: dict[str, Any]
    """The run's counts (see ``docs/qa-json.md``)."""
    parts: Sequence[Kept]
    """The new findings the reports list, by part, in report order (:mod:`pipeline.qa.kept`): a
    report may copy a part's rendering from its previous file while the part's key is unchanged
    (:mod:`pipeline.report.fragments`), else it reads its findings."""
    checks: dict[str, dict[str, Any]]
    """Check id → ``{"title", "severity"}`` for every registered check, in report order."""
    signature: dict[str, Any]
    """Tool, version, options and input fingerprint to embed."""
    corpus_root: str | None = None
    """Where the article paths are relative to, when known (for SARIF ``originalUriBaseIds``)."""

    @property
    def findings(self) -> list[Finding]:
        """Every finding the reports list, in order (each part read)."""
        return [finding for part in self.parts for finding in part.findings()]

    @property
    def count(self) -> int:
        """How many findings the reports list."""
        return sum(part.count for part in self.parts)

    def path(self, name: str) -> Path:
        """Where to write the report file ``name``."""
        return self.out / self.folder / name

    def output(self, name: str, format: str, **extra: Any) -> Output:
        """The manifest entry of a report file written to ``path(name)``."""
        return Output(f"{self.folder}/{name}", format, self.count, extra={
            "findings": self.summary["findings"], "suppressed": self.summary["suppressed"],
            "by_severity": self.summary["by_severity"], **extra})


Reporter = Callable[[ReportContext], Iterator[Output]]

#: Report format name → writer, filled by the format modules' ``@report`` decorators.
REPORTS: Registry[Reporter] = Registry("report format")
report = REPORTS.register
get_report = REPORTS.lookup
