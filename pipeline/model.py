"""The data model at the centre of tmpipe.

Every stage speaks these types: the extractor yields a :class:`Document` per
article, the store keeps its :class:`Pair` occurrences and :class:`Anomaly`
reports, exporters render :class:`Segment` runs into their own inline markup.

A segment is a sequence of runs, each either :class:`Text` (translatable) or
:class:`Code` (inline markup kept verbatim).  ``segment.raw`` joins the raw
form of every run and is, by construction, the exact original inner text of
the span in the article.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import Literal, Union

__all__ = [
    "Anomaly",
    "Code",
    "CodeKind",
    "Document",
    "DocumentMeta",
    "Origin",
    "Pair",
    "Run",
    "Segment",
    "Text",
    "Unpaired",
    "SOURCE_LOCALE",
    "REVIEW_BELOW",
    "needs_review",
    "OWN_LOCALE",
    "NO_LOCALE",
]

#: The language of the ``sxs-lookup`` twin spans in Microsoft Docs articles.
SOURCE_LOCALE = "en-US"

#: An aligned pair scored below this needs a reviewer's look: XLIFF marks it for review and PO
#: makes it ``fuzzy`` (span pairs never need it: Microsoft's own markup paired them).  It falls
#: between the pairs that are right nine times in ten or more and those (merged English sentences,
#: lengths far off) that are right about half the time; ``make align-eval`` prints the precision
#: on either side.
REVIEW_BELOW = 0.5
#: ``DocumentMeta.locale_from`` of an article that names its locale itself, and of one that has none.
OWN_LOCALE, NO_LOCALE = "article", "none"

CodeKind = Literal["begin", "end", "standalone"]
Origin = Literal["span", "aligned"]


@dataclass(frozen=True, slots=True)
class Text:
    """A run of translatable text."""

    raw: str
    """The text exactly as written in the article (entities not decoded)."""

    @property
    def text(self) -> str:
        """The text as a reader sees it: HTML entities decoded."""
        return html.unescape(self.raw) if "&" in self.raw else self.raw


@dataclass(frozen=True, slots=True)
class Code:
    """An inline code: markup inside a segment that is not translated."""

    kind: CodeKind
    """``begin``/``end`` for the two halves of paired markup, else ``standalone``."""
    type: str
    """What the markup is: ``bold``, ``italic``, ``code``, ``link``, ``image``,
    ``xref``, ``include``, ``html`` (a tag), ``span`` (a nested span)."""
    raw: str
    """The markup exactly as written, e.g. ``**`` or ``](https://x.test)``."""
    pair: int
    """Identifier within the segment, 1-based: a ``begin`` and its ``end`` share
    it; a ``standalone`` code has one of its own."""


Run = Union[Text, Code]


@dataclass(frozen=True, slots=True)
class Segment:
    """One side (source or target) of a segment pair."""

    runs: tuple[Run, ...]
    """Text runs and inline codes, in document order."""

    @property
    def raw(self) -> str:
        """The original inner text of the span, rebuilt exactly."""
        runs = self.runs
        return runs[0].raw if len(runs) == 1 else "".join([run.raw for run in runs])

    @property
    def text(self) -> str:
        """Plain text: text runs only, entities decoded, markup dropped."""
        runs = self.runs
        if len(runs) == 1 and type(runs[0]) is Text:  # most segments
            return runs[0].text
        return "".join([run.text for run in runs if isinstance(run, Text)])

    @property
    def codes(self) -> tuple[Code, ...]:
        """The inline codes only, in order."""
        return tuple(run for run in self.runs if isinstance(run, Code))


@dataclass(frozen=True, slots=True)
class Pair:
    """A translated segment next to its English source, as found in an article."""

    id: str
    """The segment id shared by ``data-ttu-id`` and ``data-stu-id``, e.g.
    ``7ccd2-106`` or a merged-paragraph id ``3d14f-p103``."""
    source: Segment
    """The English text (inside ``data-stu-id``)."""
    target: Segment
    """The translation (inside ``data-ttu-id``)."""
    line: int
    """1-based line of the ``data-ttu-id`` attribute."""
    end_line: int
    """1-based line where the pair's closing ``</span></span>`` ends (for an aligned pair: where
    the target text ends)."""
    origin: Origin = "span"
    """``span``: read from a side-by-side span pair; ``aligned``: the aligner paired a sentence of
    a plain localized article with one of its English source."""
    score: float | None = None
    """The aligner's confidence in the pairing, 0 to 1 (None for span pairs)."""


@dataclass(frozen=True, slots=True)
class Anomaly:
    """Markup that could not be read as a pair: reported, never dropped."""

    kind: str
    """Short machine name: ``broken-quote``, ``swallowed``, ``orphan-target``,
    ``orphan-source``, ``id-mismatch``, ``unterminated``, ``malformed``,
    ``front-matter``, ``encoding``, ``read-error``."""
    line: int
    """1-based line where the problem starts (0 when it concerns the whole file)."""
    message: str
    """What went wrong, for people."""
    snippet: str = ""
    """The raw text at the problem, shortened to one line."""
    id: str | None = None
    """The segment id involved, when one could be read."""
    ttu: int = 0
    """How many ``data-ttu-id=`` occurrences this anomaly accounts for (0 or 1)."""


@dataclass(frozen=True, slots=True)
class Unpaired:
    """Translated text with no English twin (front matter ``title``/``description``)."""

    field: str
    """The front matter key."""
    text: str
    """The translated value."""
    line: int
    """1-based line of the key."""


@dataclass(frozen=True, slots=True)
class DocumentMeta:
    """Where an article comes from and what its front matter says."""

    path: str
    """Path relative to the corpus root, with ``/`` separators."""
    locale: str
    """Target locale as a BCP 47 tag (``fr-FR``)."""
    translation_type: str | None = None
    """``MT`` (machine) or ``HT`` (human), from ``ms.translationtype``."""
    source_commit: str | None = None
    """``ms.sourcegitcommit``: the English commit the translation was made from."""
    openlocfilehash: str | None = None
    """``ms.openlocfilehash``."""
    locfileid: str | None = None
    """``ms.locfileid``."""
    lasthandoff: str | None = None
    """``ms.lasthandoff``: the date of the last hand-off (as written, MM/DD/YYYY)."""
    source_locale: str = SOURCE_LOCALE
    """Locale of the English twins."""
    locale_from: str = OWN_LOCALE
    """Where ``locale`` comes from: ``article`` (its ``ms.contentlocale``, a locale folder or a file
    name suffix), else its corpus root's (``--locale``, ``folder name``, ``other articles``), or
    ``none`` when nothing says (``und``)."""


@dataclass(frozen=True, slots=True)
class Document:
    """Everything extracted from one article."""

    meta: DocumentMeta
    """Provenance and front matter."""
    sha256: str
    """Hex digest of the file's bytes, for incremental rebuilds."""
    size: int
    """Size in bytes."""
    occurrences: int
    """Number of ``data-ttu-id=`` occurrences in the file (escaped ones too)."""
    pairs: tuple[Pair, ...] = ()
    """Segment pairs, in document order."""
    anomalies: tuple[Anomaly, ...] = ()
    """Everything that could not be read as a pair."""
    unpaired: tuple[Unpaired, ...] = field(default=())
    """Translated front matter text with no English twin."""

    @property
    def accounted(self) -> int:
        """Occurrences covered by pairs and anomalies; equals ``occurrences``."""
        return len(self.pairs) + sum(a.ttu for a in self.anomalies)


def needs_review(origin: str, score: float | None) -> bool:
    """Whether a pair of this origin and score needs review (:data:`REVIEW_BELOW`)."""
    return origin == "aligned" and (score is None or score < REVIEW_BELOW)
