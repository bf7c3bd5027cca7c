"""Align a plain localized article with its English: structure first, then sentences.

1. Both sides are cut into blocks, pieces and units (:mod:`.side`): the English by Microsoft's
   sentence rule, the translation eagerly.
2. Blocks are matched by their kind and quote depth (:mod:`.match`).
3. Inside a matched block, pieces are zipped when both sides have as many, and the sentences of
   each piece pair are aligned by length and anchors (:mod:`.gale`).  A block whose pieces do not
   agree is aligned as one run of sentences.
4. Every bead with sentences on both sides becomes a :class:`~pipeline.model.Pair` with
   ``origin="aligned"`` and a score (:mod:`.score`); every sentence left alone, and every block
   with no partner, becomes an :class:`~pipeline.model.Anomaly` (``unaligned-source`` or
   ``unaligned-target``).  Nothing is dropped silently.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from dataclasses import dataclass

from ..extract import parse_segment
from ..model import Anomaly, Pair
from . import gale, side
from .match import match_blocks
from .score import anchors, pair_score
from .side import Side

__all__ = ["align_texts", "sides"]

sides = side.sides
align = gale.align
length_probability = gale.length_probability

_SNIPPET = 120
#: An include that starts a unit, written ``[!INCLUDE[…](…)]`` (Microsoft's tools read the form
#: with a space after ``INCLUDE`` as text): outside the pair when both sides start with it.
_LEADING_INCLUDE = re.compile(r"(\[!include\[[^\]\n]*\]\([^)\n]*\)\])\s*(?=\S)", re.I)


@dataclass(slots=True)
class _Result:
    pairs: list[Pair]
    anomalies: list[Anomaly]
    ids: Counter[str]


def _pair_id(source: str, seen: Counter[str]) -> str:
    """An id from the English text (stable when sentences are added elsewhere), numbered on repeats."""
    base = "a" + hashlib.sha1(" ".join(source.split()).encode()).hexdigest()[:8]
    seen[base] += 1
    return base if seen[base] == 1 else f"{base}-{seen[base]}"


def _unaligned(out: _Result, side: Side, first: int, count: int, english: bool, line: int) -> None:
    raw = side.raw(first, count)
    snippet = " ".join(raw.split())[:_SNIPPET]
    if english:
        out.anomalies.append(Anomaly("unaligned-source", line, f"English text (line {side.line(first)}) has no"
                                     " translation in this article", snippet))
    else:
        out.anomalies.append(Anomaly("unaligned-target", line, "translated text has no English"
                                     " counterpart", snippet))


def _align_block(out: _Result, target: Side, english: Side, ratio: float) -> None:
    if len(target.groups) == len(english.groups):
        groups = zip(english.groups, target.groups)
    else:
        groups = zip([(0, len(english.units))], [(0, len(target.units))])
    for (e_first, e_count), (t_first, t_count) in groups:
        if not e_count or not t_count:
            for unit in range(e_first, e_first + e_count):
                _unaligned(out, english, unit, 1, True, target.line(0))
            for unit in range(t_first, t_first + t_count):
                _unaligned(out, target, unit, 1, False, target.line(unit))
        elif t_count == 1:  # one target sentence: it translates whatever the English piece holds
            length_p = length_probability(sum(english.lengths[e_first:e_first + e_count]), target.lengths[t_first],
                                          ratio)
            _pair(out, target, english, e_first, e_count, t_first, 1, length_p)
        else:
            _align_units(out, target, english, e_first, e_count, t_first, t_count, ratio)


def _align_units(out: _Result, target: Side, english: Side, e_first: int, e_count: int, t_first: int,
                 t_count: int, ratio: float) -> None:
    e_anchors = [anchors(english.raw(u, 1)) for u in range(e_first, e_first + e_count)]
    t_anchors = [anchors(target.raw(u, 1)) for u in range(t_first, t_first + t_count)]
    beads = align(list(english.lengths[e_first:e_first + e_count]), list(target.lengths[t_first:t_first + t_count]),
                  ratio, e_anchors, t_anchors)
    for bead in beads:
        if not bead.target_count:
            line = target.line(t_first + min(bead.target_start, t_count - 1))
            _unaligned(out, english, e_first + bead.source_start, bead.source_count, True, line)
        elif not bead.source_count:
            unit = t_first + bead.target_start
            _unaligned(out, target, unit, bead.target_count, False, target.line(unit))
        else:
            s_anchors = frozenset().union(*e_anchors[bead.source_start:bead.source_start + bead.source_count])
            g_anchors = frozenset().union(*t_anchors[bead.target_start:bead.target_start + bead.target_count])
            _pair(out, target, english, e_first + bead.source_start, bead.source_count,
                  t_first + bead.target_start, bead.target_count, bead.length_p, (s_anchors, g_anchors))


def _pair(out: _Result, target: Side, english: Side, e_first: int, e_count: int, t_first: int, t_count: int,
          length_p: float, known: tuple[frozenset[str], frozenset[str]] | None = None) -> None:
    """The pair of English units ``e_first…`` and target units ``t_first…`` (``known``: the
    anchors of each side, when they are)."""
    source = english.raw(e_first, e_count)
    translation = target.raw(t_first, t_count)
    line = target.line(t_first)
    if known is not None:
        s_anchors, g_anchors = known
    elif e_count == 1:
        s_anchors, g_anchors = anchors(source), anchors(translation)
    else:
        s_anchors = frozenset().union(*(anchors(english.raw(u, 1)) for u in range(e_first, e_first + e_count)))
        g_anchors = anchors(translation)
    lead = _LEADING_INCLUDE.match(source) if source.startswith("[!") else None
    t_lead = _LEADING_INCLUDE.match(translation) if lead else None
    if lead and t_lead and lead.group(1) == t_lead.group(1):
        line += translation.count("\n", 0, t_lead.end())
        source, translation = source[lead.end():], translation[t_lead.end():]
    out.pairs.append(Pair(
        id=_pair_id(source, out.ids),
        source=parse_segment(source),
        target=parse_segment(translation),
        line=line,
        end_line=target.line(t_first + t_count - 1, end=True),
        origin="aligned",
        score=pair_score(e_count, t_count, length_p, s_anchors, g_anchors),
    ))


def align_texts(target_text: str, english_text: str, locale: str) -> tuple[list[Pair], list[Anomaly]]:
    """The aligned pairs of a plain localized article and its English, and what stayed unaligned."""
    target = sides(target_text, locale, strict=False)
    english = sides(english_text, "en-US", strict=True)
    out = _Result([], [], Counter())
    total_e = sum(s.length for s in english)
    ratio = (sum(s.length for s in target) / total_e) if total_e else 1.0
    ratio = min(max(ratio, 0.2), 5.0)
    for t, e in match_blocks(target, english, ratio):
        if t is not None and e is not None:
            _align_block(out, target[t], english[e], ratio)
        elif t is not None:
            for unit in range(len(target[t].units)):
                _unaligned(out, target[t], unit, 1, False, target[t].line(unit))
        elif e is not None:
            for unit in range(len(english[e].units)):
                _unaligned(out, english[e], unit, 1, True, 0)
    out.anomalies.sort(key=lambda a: a.line)
    return out.pairs, out.anomalies
