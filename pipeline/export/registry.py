"""The export registry: format name → :class:`Format`, and the pieces a format is made of.

A format is pure: it turns typed rows (:mod:`pipeline.rows`) into text and never sees the
TM, a file or a cache.  The output layer (:mod:`pipeline.outputs`) asks the format what
files it writes, reads the rows each needs and writes the files:

- a :class:`Document` is a head, one part per article and a tail; a part is an article's
  occurrences (``articles``) or the units an article shows first (``units``), rendered by
  :attr:`Document.render`, or copied from the previous build when what it is made of is
  unchanged;
- a :class:`Stream` is written from every unit of the TM in one order (the multilingual TMX);
- a :class:`Table` is a table of rows, for columnar files (Parquet).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, Literal, TypeVar

from ..output import Output, Rendered
from ..registry import Registry
from ..rows import OccurrenceRow, UnitRow

__all__ = ["Document", "DocumentContext", "ExportOptions", "Format", "FORMATS", "Part", "Shape", "Stream", "Table",
           "get_format", "register"]

Row = TypeVar("Row", OccurrenceRow, UnitRow)
Shape = Literal["articles", "units"]


@dataclass(frozen=True, slots=True)
class ExportOptions:
    """Switches that change what exporters write."""

    split_mt: bool = False
    """Write units that are machine translation only to a separate file."""
    multilingual: bool = False
    """Also write one multilingual TMX across all target locales."""


@dataclass(frozen=True, slots=True)
class DocumentContext:
    """What a format is told about the files it is asked for."""

    pairs: tuple[tuple[str, str], ...]
    """``(source_locale, target_locale)`` pairs to write, as stored (one for a per-locale task)."""
    all_pairs: tuple[tuple[str, str], ...]
    """Every locale pair of the TM (a target locale with several source locales names its files
    apart)."""
    options: ExportOptions
    """User switches."""
    signature: dict[str, Any]
    """Reproducibility signature (tool, version, options, input fingerprint) to embed."""


@dataclass(slots=True)
class Part(Generic[Row]):
    """One part of a document as its renderer is given it."""

    rows: list[Row]
    """An article's occurrences, or the units it shows first."""
    values: Mapping[str, str]
    """The document's values the part holds (:attr:`Document.values`), written as given."""
    colliding: frozenset[int] = frozenset()
    """Of the part's keys (:attr:`Document.keyed`), those that occur more than once in the document."""


@dataclass(frozen=True, slots=True)
class Document(Generic[Row]):
    """One file of a format: a head, one part per article, a tail."""

    path: str
    """Relative to the output directory."""
    shape: Shape
    """What its parts are made of: an article's occurrences, or the units it shows first."""
    head: str
    """Text before the first part."""
    tail: str
    """Text after the last part."""
    render: Callable[[Part[Row]], Rendered]
    """One part's text and counts."""
    output: Callable[[dict[str, int]], Output]
    """The manifest entry, from the parts' summed counts (``parts``: how many were written)."""
    pairs: tuple[tuple[str, str | None], ...]
    """Whose rows the parts are made of, in order: ``(target_locale, source_locale)``; a source
    locale None takes every source locale of the target locale."""
    values: Callable[[int], dict[str, str]] = field(default=lambda number: {})
    """The values of the document that part ``number`` (from 1) holds: its position, the build's
    signature...  (The output layer may render a part once and fill them in later.)"""
    select: Callable[[Row], bool] | None = None
    """Which rows of a part belong here (None: all): TMX's ``--split-mt`` splits units in two files."""
    keyed: Callable[[str, str], int] | None = None
    """The key of an occurrence, from its segment id and source as written, that must be unique
    in the document: the output layer finds the keys that collide and hands each part its own
    (:attr:`Part.colliding`)."""
    id_part: Callable[[str], str] = str
    """What :attr:`keyed` makes of a segment id: two occurrences whose ids' parts differ never
    share a key, so the output layer reads the keys of repeated ids and of ids it changes only."""
    optional: bool = False
    """Written only when some part has a row for it (else no file)."""


@dataclass(frozen=True, slots=True)
class Stream:
    """A file written from every unit of its locale pairs in one order, with no parts."""

    path: str
    """Relative to the output directory."""
    pairs: tuple[tuple[str, str], ...]
    """``(source_locale, target_locale)`` pairs whose units it is written from."""
    order: Callable[[UnitRow], Any]
    """The sort key of a unit (the output layer sorts on disk past a bound)."""
    render: Callable[[Iterator[UnitRow], dict[str, int]], Iterator[str]]
    """The file's text, chunk by chunk, from the units in order; it counts what it writes into
    the dict it is given."""
    output: Callable[[dict[str, int]], Output]
    """The manifest entry, from those counts."""


@dataclass(frozen=True, slots=True)
class Table:
    """A table format's file: its columns and how to make record batches of rows."""

    path: str
    """Relative to the output directory (a folder of partitions for a dataset)."""
    name: str
    """``segments`` (one row per occurrence) or ``units`` (one per unit)."""
    columns: tuple[str, ...]
    """Column names, in order."""
    cells: Callable[[Any], tuple[Any, ...]]
    """A row's cells, in column order."""
    types: Mapping[str, str] = field(default_factory=dict)
    """The type of each column that does not hold text: ``int64`` or ``float64``."""
    partition: str | None = None
    """The column that holds the target locale, when the table is a dataset of one file per
    target locale in Hive layout (``target_locale=fr-FR/part-0.parquet``, the column left out)."""


@dataclass(frozen=True, slots=True)
class Format:
    """A registered export format."""

    name: str
    """Registry name (``tmx``, ``xliff-1.2``...)."""
    description: str
    """One line for ``tmpipe formats``."""
    files: Callable[[DocumentContext], Sequence[Document[Any] | Stream | Table]]
    """What it writes for a context."""
    per_locale: bool = False
    """Whether it writes each target locale apart (a build runs it as one task per locale)."""


#: Format name → format, filled by the format modules' :func:`register` calls.
FORMATS: Registry[Format] = Registry("export format")
get_format = FORMATS.lookup


def register(fmt: Format) -> Format:
    """Add a format to the registry."""
    return FORMATS.add(fmt.name, fmt)
