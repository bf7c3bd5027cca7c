"""What every writer of files shares: the manifest entry of a file, what a renderer returns,
and the reproducibility signature as text.  Exporters and reports import this, never each other.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

__all__ = ["Output", "Rendered", "signature_text", "timestamp"]


@dataclass(frozen=True, slots=True)
class Output:
    """One file a build wrote; becomes an entry of ``manifest.json`` ``outputs``."""

    path: str
    """Relative to the output directory, ``/`` separators."""
    format: str
    """Registry name of the format (``tmx``, ``xliff-1.2``, ``qa-json``...)."""
    units: int
    """Units, rows or findings written."""
    source_locale: str | None = None
    """Source language, when the file has one."""
    target_locale: str | None = None
    """Target language, when the file is for one locale."""
    extra: dict[str, Any] = field(default_factory=dict)
    """Format-specific facts (``{"mt": true}`` for a machine-translation TMX...)."""

    def to_json(self) -> dict[str, Any]:
        return {"path": self.path, "format": self.format, "source_locale": self.source_locale,
                "target_locale": self.target_locale, "units": self.units, **self.extra}


@dataclass(slots=True)
class Rendered:
    """A part of a file as a renderer wrote it."""

    text: str
    """The text."""
    counts: dict[str, int]
    """What it holds, summed over a file's parts for its manifest entry (``units``,
    ``illegal_chars``…)."""


def signature_text(signature: dict[str, Any]) -> str:
    """The reproducibility signature as one line of JSON with sorted keys."""
    return json.dumps(signature, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def timestamp() -> datetime:
    """Now in UTC, or ``SOURCE_DATE_EPOCH`` when set (reproducible builds)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), timezone.utc)
    return datetime.now(timezone.utc).replace(microsecond=0)
