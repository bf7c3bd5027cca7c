"""What the translation memory gives back: typed rows that renderers and checks read.

The store (:mod:`pipeline.store`) makes these from its tables; exporters, QA checks and
reports take them and never see SQL.  Each side of a pair comes back as the
:class:`~pipeline.model.Segment` extraction found (runs and inline codes, as stored),
so nothing downstream parses markup again.

Rows are slotted dataclasses, not frozen ones: a build makes hundreds of thousands
(a frozen dataclass costs several times more to make); treat them as read-only.
"""

from __future__ import annotations

from dataclasses import dataclass

from .model import Origin, Segment

__all__ = ["ArticleRow", "ArticleStamp", "OccurrenceKey", "OccurrenceRow", "UnitRow", "UnitStamp", "QaUnit", "Located",
           "AnomalyRow", "FileRow", "VariantRow", "LengthRow", "ArticleKey", "SourceUse", "is_mt"]


@dataclass(slots=True)
class ArticleRow:
    """An article of the TM: its path, locale and front matter."""

    path: str
    """Path relative to the corpus root, ``/`` separators."""
    locale: str
    """Target locale (BCP 47 as stored)."""
    source_locale: str
    """Locale of the English twins."""
    sha256: str
    """Content hash of the file as it was extracted."""
    translation_type: str | None
    """``ms.translationtype`` (``MT``/``HT``), or None."""
    source_commit: str | None
    """``ms.sourcegitcommit``, or None."""
    locfileid: str | None
    """``ms.locfileid``, or None."""
    lasthandoff: str | None
    """``ms.lasthandoff`` as written, or None."""


@dataclass(slots=True)
class OccurrenceRow:
    """One pair where it occurs in an article (what XLIFF, PO and the segments table write)."""

    article: ArticleRow
    """The article it occurs in (one object shared by the article's rows)."""
    seq: int
    """Position among the article's pairs, from 0."""
    id: str
    """The segment id (``7ccd2-106``)."""
    line: int
    """1-based line of the pair in the article."""
    end_line: int
    """1-based line where the pair ends."""
    unit_id: int
    """Id of its deduplicated unit in this TM."""
    source: Segment
    """The English side, as extracted."""
    target: Segment
    """The translation, as extracted."""
    origin: Origin
    """``span`` or ``aligned``."""
    score: float | None
    """The aligner's confidence (None for span pairs)."""


@dataclass(slots=True)
class UnitRow:
    """A deduplicated unit with the provenance of its first occurrence (what TMX and the units
    table write)."""

    id: int
    """Id in this TM."""
    key: bytes
    """BLAKE2b-128 of source locale, target locale, source and target (each followed by NUL):
    stable across builds and TMs (TMX's ``tuid`` is its hex form)."""
    source_locale: str
    """Source language as stored."""
    target_locale: str
    """Target language as stored."""
    source: Segment
    """The English side."""
    target: Segment
    """The translation."""
    repetitions: int
    """How many times the pair occurs in the corpus."""
    mt_repetitions: int
    """How many of those are in machine-translated (MT) articles."""
    article: ArticleRow
    """The article of its first occurrence (corpus order: path, then position)."""
    seg_id: str
    """Segment id of the first occurrence."""
    line: int
    """Line of the first occurrence."""
    origin: Origin
    """``origin`` of the first occurrence."""
    score: float | None
    """``score`` of the first occurrence."""


def is_mt(unit: UnitRow) -> bool:
    """Every occurrence of the unit is machine translation."""
    return unit.mt_repetitions == unit.repetitions


@dataclass(slots=True)
class ArticleStamp:
    """What an article's occurrences are made of, read without their texts."""

    path: str
    """Article path."""
    sha256: str
    """Its content hash."""
    unit_ids: list[int]
    """The unit of each of its occurrences, in order."""


@dataclass(slots=True)
class OccurrenceKey:
    """What identifies an occurrence to a reader of a catalogue: its segment id and source."""

    path: str
    """Article path."""
    id: str
    """Segment id."""
    source_raw: str
    """The English text as written."""


@dataclass(slots=True)
class UnitStamp:
    """What a unit first seen in an article is made of, read without its texts: a rebuild tells
    from these which articles' units changed."""

    path: str
    """The article of the unit's first occurrence."""
    sha256: str
    """That article's content hash."""
    seq: int
    """Position of the first occurrence in it."""
    key: bytes
    """The unit's key (its locales and texts)."""
    repetitions: int
    """Its repetitions."""
    mt_repetitions: int
    """Its MT repetitions."""
    id: int
    """Its id in this TM."""


@dataclass(slots=True)
class QaUnit:
    """A unit as segment checks see it: one locale's distinct source/target pair."""

    key: bytes
    """The unit's key (see :attr:`UnitRow.key`)."""
    unit_id: int
    """Id in this TM."""
    locale: str
    """Target locale."""
    source_locale: str
    """Source locale."""
    source_raw: str
    """The English text as written, markup included."""
    target_raw: str
    """The translation as written."""
    source_text: str
    """Plain English text: text runs, entities decoded (``source.text``)."""
    target_text: str
    """Plain target text (``target.text``)."""
    source: Segment
    """The English side as runs and codes."""
    target: Segment
    """The translation as runs and codes."""


@dataclass(slots=True)
class ArticleKey:
    """An article by its path and content: what a memo of its findings is valid for."""

    path: str
    """Article path."""
    sha256: str
    """Its content hash."""


@dataclass(slots=True)
class SourceUse:
    """How one locale's units use a short source text (:meth:`~pipeline.store.Store.qa_short_source_uses`)."""

    source_text: str
    """The source's plain text."""
    locale: str
    """The target locale."""
    identical: int
    """Units of that locale whose target is the source text as it is."""
    translated: int
    """Units of that locale whose target differs."""


@dataclass(slots=True)
class Located:
    """Where one occurrence is: what a segment finding is copied to."""

    file: str
    """Article path."""
    line: int
    """Line of the pair."""
    id: str
    """Segment id."""
    unit_id: int
    """The unit that occurs there."""


@dataclass(slots=True)
class AnomalyRow:
    """What extraction could not read as a pair, with its article."""

    locale: str
    """The article's locale."""
    file: str
    """The article's path."""
    line: int
    """1-based line (0: the whole file)."""
    kind: str
    """``broken-quote``, ``orphan-target``, ``front-matter``…"""
    message: str
    """What went wrong."""
    snippet: str
    """The raw text at the problem, on one line."""
    seg_id: str | None
    """The segment id involved, when known."""


@dataclass(slots=True)
class FileRow:
    """An article with pairs, for checks that look at whole articles."""

    path: str
    """Article path."""
    locale: str
    """Its locale."""
    source_commit: str | None
    """``ms.sourcegitcommit``."""
    pairs: int
    """How many pairs it holds."""


@dataclass(slots=True)
class VariantRow:
    """One variant of a text group: a source (or target) text with one of its translations (or
    sources), for the consistency checks."""

    locale: str
    """Target locale of the group."""
    key_text: str
    """The text the group shares (plain)."""
    other_text: str
    """This variant's other side (plain)."""
    source_raw: str
    """A source as written, of a unit of this variant."""
    target_raw: str
    """A target as written, of a unit of this variant."""
    repetitions: int
    """Occurrences of the variant."""
    where: list[tuple[str, int, str]]
    """``(file, line, id)`` of its first occurrences, in corpus order."""


@dataclass(slots=True)
class LengthRow:
    """An occurrence whose target/source length ratio is outside given bounds."""

    file: str
    """Article path."""
    line: int
    """Line of the pair."""
    id: str
    """Segment id."""
    source_raw: str
    """The English text as written."""
    target_raw: str
    """The translation as written."""
    source_text: str
    """Plain English text."""
    target_text: str
    """Plain target text."""
