"""The export registry: format name → writer, and what a writer is given and returns."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..registry import Registry
from ..store import Store

__all__ = ["ExportContext", "ExportOptions", "Exporter", "Output", "exporter", "get_exporter", "EXPORTERS", "PER_LOCALE"]


@dataclass(frozen=True, slots=True)
class Output:
    """One file an exporter wrote; becomes an entry of ``manifest.json`` ``outputs``."""

    path: str
    """Relative to the output directory, ``/`` separators."""
    format: str
    """Registry name of the format (``tmx``, ``xliff-1.2``, ``csv``...)."""
    units: int
    """Units (or rows) written."""
    source_locale: str | None = None
    """Source language, when the file has one."""
    target_locale: str | None = None
    """Target language, when the file is for one locale."""
    extra: dict[str, Any] = field(default_factory=dict)
    """Format-specific facts (``{"mt": true}`` for a machine-translation TMX...)."""

    def to_json(self) -> dict[str, Any]:
        return {"path": self.path, "format": self.format, "source_locale": self.source_locale,
                "target_locale": self.target_locale, "units": self.units, **self.extra}


@dataclass(frozen=True, slots=True)
class ExportOptions:
    """Switches that change what exporters write."""

    split_mt: bool = False
    """Write units that are machine translation only to a separate file."""
    multilingual: bool = False
    """Also write one multilingual TMX across all target locales."""


@dataclass(frozen=True, slots=True)
class ExportContext:
    """What every exporter gets."""

    store: Store
    """The translation memory to read from (stream with ``units``/``segments``)."""
    out: Path
    """The output directory; write only below it, atomically."""
    options: ExportOptions
    """User switches."""
    signature: dict[str, Any]
    """Reproducibility signature (tool, version, options, input fingerprint) to embed."""
    locales: frozenset[str] | None = None
    """Target locales to write (None: all); a build splits one format into one task per locale."""

    def locale_pairs(self) -> list[tuple[str, str]]:
        """``(source_locale, target_locale)`` pairs to export: the TM's, limited to :attr:`locales`."""
        pairs = self.store.locale_pairs()
        return pairs if self.locales is None else [p for p in pairs if p[1] in self.locales]


Exporter = Callable[[ExportContext], Iterator[Output]]

#: Format name → writer. Filled by the format modules' ``@exporter`` decorators.
EXPORTERS: Registry[Exporter] = Registry("export format")
#: Formats whose files are per target locale and that honour ``ExportContext.locales``.
PER_LOCALE: set[str] = set()
get_exporter = EXPORTERS.lookup


def exporter(name: str, *, per_locale: bool = False, description: str = "") -> Callable[[Exporter], Exporter]:
    """Register a writer as format ``name``; ``per_locale``: it writes each target locale's files
    apart and honours ``ctx.locales``, so a build may run it as one task per locale;
    ``description``: what it writes, for people (``tmpipe formats``)."""
    if per_locale:
        PER_LOCALE.add(name)
    return EXPORTERS.register(name, description)
