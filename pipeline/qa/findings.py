"""What a check reports: :class:`Finding`, severities and fingerprints."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any, Literal

__all__ = ["Finding", "Severity", "SEVERITIES", "severity_rank", "fingerprint"]

Severity = Literal["error", "warning", "info"]

#: Severities from most to least serious.
SEVERITIES: tuple[Severity, ...] = ("error", "warning", "info")


def severity_rank(severity: str) -> int:
    """``error`` → 2, ``warning`` → 1, ``info`` → 0 (higher is more serious)."""
    return {"error": 2, "warning": 1, "info": 0}[severity]


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem a check found at one place in the corpus."""

    check: str
    """Registry id of the check (``untranslated``, ``source-drift``...)."""
    severity: Severity
    """``error``, ``warning`` or ``info``."""
    locale: str
    """Target locale of the article (``fr-FR``)."""
    file: str
    """Article path relative to the corpus root, ``/`` separators."""
    line: int
    """1-based line in the article (0 when the finding concerns the whole file or corpus)."""
    id: str | None
    """Segment id (``7ccd2-106``), or None for file-level findings."""
    source: str
    """The English text as written (inline markup included); may be empty."""
    target: str
    """The translation as written; may be empty."""
    message: str
    """What is wrong, for people, on one line."""
    extra: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)
    """Check-specific facts (``similarity``, ``diff``, ``variants``...), JSON-serialisable."""
    key: str = ""
    """Extra identity for the fingerprint when file/id/source/target are not enough."""
    _fingerprint: str = field(default="", compare=False, hash=False, repr=False)
    """The fingerprint once computed (the runner, qa-json and SARIF all ask for it)."""

    @property
    def fingerprint(self) -> str:
        """A stable identity that survives line moves; used by baseline/suppression files."""
        if not self._fingerprint:
            object.__setattr__(self, "_fingerprint", fingerprint(self))
        return self._fingerprint

    def to_json(self) -> dict[str, Any]:
        """The finding as a qa-json object (fixed fields, then ``extra`` fields, then the fingerprint)."""
        data: dict[str, Any] = {
            "check": self.check, "severity": self.severity, "locale": self.locale, "file": self.file,
            "line": self.line, "id": self.id, "source": self.source, "target": self.target,
            "message": self.message,
        }
        for name, value in self.extra.items():
            data.setdefault(name, value)
        data["fingerprint"] = self.fingerprint
        return data


def fingerprint(finding: Finding) -> str:
    """Hash of check, locale, file, id, source, target and key (never the line or message)."""
    # one update of the parts each followed by NUL: the same digest as an update per part and NUL
    data = "\0".join((finding.check, finding.locale, finding.file, finding.id or "", finding.source,
                      finding.target, finding.key, ""))
    return hashlib.blake2b(data.encode("utf-8", "surrogatepass"), digest_size=12).hexdigest()
