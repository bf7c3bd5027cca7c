"""Align a plain localized article with its English: structure first, then sentences.

1. Both sides are cut into blocks (:mod:`.blocks`), the blocks into pieces and units
   (:mod:`.units`): the English by Microsoft's sentence rule, the translation eagerly.
2. Blocks are matched by their kind and quote depth (a translation keeps the structure): where
   the two sequences agree they are zipped; where they differ a small dynamic programme on kind
   and length decides which blocks pair and which stand alone.
3. Inside a matched block, pieces are zipped when both sides have as many, and the sentences of
   each piece pair are aligned by length and anchors (:mod:`.gale`).  A block whose pieces do not
   agree is aligned as one run of sentences.
4. Every bead with sentences on both sides becomes a :class:`~pipeline.model.Pair` with
   ``origin="aligned"`` and a score (:mod:`.score`); every sentence left alone, and every block
   with no partner, becomes an :class:`~pipeline.model.Anomaly` (``unaligned-source`` or
   ``unaligned-target``).  Nothing is dropped silently.
"""

from __future__ import annotations

import dataclasses
import difflib
import hashlib
import math
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

from ..extract.inline import parse_segment
from ..model import Anomaly, Pair
from .blocks import Block, blocks
from .gale import Bead, align, length_probability
from .score import anchors, pair_score, visible_length
from .units import Piece, pieces, units

__all__ = ["align_texts", "Side"]

_SNIPPET = 120
#: An include that starts a unit, written ``[!INCLUDE[…](…)]`` (Microsoft's tools read the form
#: with a space after ``INCLUDE`` as text): outside the pair when both sides start with it.
_LEADING_INCLUDE = re.compile(r"(\[!include\[[^\]\n]*\]\([^)\n]*\)\])\s*(?=\S)", re.I)
#: Cost of leaving a block without partner, against a kind mismatch (3) and a length mismatch
#: (|log ratio| per block, 0 for a perfect ratio).
_GAP = 2.5


@dataclass(frozen=True, slots=True)
class Side:
    """One block of one side, cut into units."""

    block: Block
    units: tuple[tuple[int, int], ...]
    """``(start, end)`` of each unit in the block's text."""
    piece: tuple[int, ...]
    """The index of the piece each unit belongs to."""
    edges: tuple[Piece, ...] = ()
    """Each piece."""
    lengths: tuple[int, ...] = ()
    """The visible length of each unit."""

    def raw(self, first: int, count: int) -> str:
        return self.block.text[self.units[first][0]:self.units[first + count - 1][1]]

    def line(self, unit: int, end: bool = False) -> int:
        at = self.units[unit][1 if end else 0]
        return self.block.line + self.block.text.count("\n", 0, at)

    @property
    def length(self) -> int:
        return sum(self.lengths)


def sides(text: str, locale: str, strict: bool) -> list[Side]:
    """The blocks of an article that hold units, cut into them (``strict``: the English, else a
    translation)."""
    found = []
    for block in blocks(text):
        spans: list[tuple[int, int]] = []
        owner: list[int] = []
        cut = pieces(block.text, block.kind)
        for index, piece in enumerate(cut):
            for span in units(block.text, piece, locale, strict=strict):
                spans.append(span)
                owner.append(index)
        if spans:
            lengths = tuple(visible_length(block.text[a:b]) for a, b in spans)
            found.append(Side(block, tuple(spans), tuple(owner), tuple(cut), lengths))
    return found


def _by_piece(side: Side) -> list[list[int]]:
    """The units of each piece, in order."""
    groups: list[list[int]] = [[] for _ in side.edges]
    for unit, piece in enumerate(side.piece):
        groups[piece].append(unit)
    return groups


def _match_blocks(target: list[Side], english: list[Side], ratio: float) -> Iterator[tuple[int | None, int | None]]:
    """Pairs of block indexes (target, English); None where a block has no partner."""
    signature_t = [(s.block.kind, s.block.depth) for s in target]
    signature_e = [(s.block.kind, s.block.depth) for s in english]
    if signature_t == signature_e:  # the usual case: the translation kept the structure
        yield from zip(range(len(target)), range(len(english)))
        return
    matcher = difflib.SequenceMatcher(None, signature_t, signature_e, autojunk=False)
    for tag, t1, t2, e1, e2 in matcher.get_opcodes():
        if tag == "equal" or (tag == "replace" and t2 - t1 == e2 - e1):
            yield from zip(range(t1, t2), range(e1, e2))
        else:
            yield from _match_region(target, english, ratio, t1, t2, e1, e2)


def _match_region(target: list[Side], english: list[Side], ratio: float,
                  t1: int, t2: int, e1: int, e2: int) -> Iterator[tuple[int | None, int | None]]:
    """Needleman–Wunsch on one region where the block sequences differ."""
    n, m = t2 - t1, e2 - e1
    cost = [[0.0] * (m + 1) for _ in range(n + 1)]
    move = [[0] * (m + 1) for _ in range(n + 1)]
    for i in range(1, n + 1):
        cost[i][0], move[i][0] = i * _GAP, 1
    for j in range(1, m + 1):
        cost[0][j], move[0][j] = j * _GAP, 2
    for i in range(1, n + 1):
        ti = target[t1 + i - 1]
        for j in range(1, m + 1):
            ej = english[e1 + j - 1]
            same = ti.block.kind == ej.block.kind and ti.block.depth == ej.block.depth
            pair = cost[i - 1][j - 1] + (0 if same else 3) \
                + abs(math.log((ti.length + 5) / (ej.length * ratio + 5)))
            options = (pair, cost[i - 1][j] + _GAP, cost[i][j - 1] + _GAP)
            best = min(range(3), key=options.__getitem__)
            cost[i][j], move[i][j] = options[best], best
    path: list[tuple[int | None, int | None]] = []
    i, j = n, m
    while i or j:
        step = move[i][j]
        if step == 0:
            path.append((t1 + i - 1, e1 + j - 1))
            i, j = i - 1, j - 1
        elif step == 1:
            path.append((t1 + i - 1, None))
            i -= 1
        else:
            path.append((None, e1 + j - 1))
            j -= 1
    return reversed(path)


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
    t_pieces, e_pieces = len(target.edges), len(english.edges)
    if t_pieces == e_pieces:
        groups = list(zip(_by_piece(english), _by_piece(target)))
    else:
        groups = [(list(range(len(english.units))), list(range(len(target.units))))]
    for e_units, t_units in groups:
        if not e_units or not t_units:
            for unit in e_units:
                _unaligned(out, english, unit, 1, True, target.line(0))
            for unit in t_units:
                _unaligned(out, target, unit, 1, False, target.line(unit))
            continue
        _align_units(out, target, english, e_units, t_units, ratio)


def _align_units(out: _Result, target: Side, english: Side, e_units: list[int], t_units: list[int],
                 ratio: float) -> None:
    e_raw = [english.raw(u, 1) for u in e_units]
    t_raw = [target.raw(u, 1) for u in t_units]
    e_anchors = [anchors(r) for r in e_raw]
    t_anchors = [anchors(r) for r in t_raw]
    e_lengths = [english.lengths[u] for u in e_units]
    t_lengths = [target.lengths[u] for u in t_units]
    if len(t_units) == 1:  # one target sentence: it translates whatever the English piece holds
        beads = [Bead(0, len(e_units), 0, 1, 0.0, length_probability(sum(e_lengths), t_lengths[0], ratio))]
    else:
        beads = align(e_lengths, t_lengths, ratio, e_anchors, t_anchors)
    for bead in beads:
        if not bead.target_count:
            line = target.line(t_units[min(bead.target_start, len(t_units) - 1)])
            _unaligned(out, english, e_units[bead.source_start], bead.source_count, True, line)
            continue
        t_first = t_units[bead.target_start]
        if not bead.source_count:
            _unaligned(out, target, t_first, bead.target_count, False, target.line(t_first))
            continue
        e_first = e_units[bead.source_start]
        source = english.raw(e_first, bead.source_count)
        translation = target.raw(t_first, bead.target_count)
        line = target.line(t_first)
        lead = _LEADING_INCLUDE.match(source)
        if lead and lead.group(1) == (_LEADING_INCLUDE.match(translation) or lead).group(1) and \
                translation.startswith(lead.group(1)):
            t_lead = _LEADING_INCLUDE.match(translation)
            assert t_lead is not None
            line += translation.count("\n", 0, t_lead.end())
            source, translation = source[lead.end():], translation[t_lead.end():]
        s_anchors = frozenset().union(*e_anchors[bead.source_start:bead.source_start + bead.source_count])
        g_anchors = frozenset().union(*t_anchors[bead.target_start:bead.target_start + bead.target_count])
        score = pair_score(bead.source_count, bead.target_count, bead.length_p, s_anchors, g_anchors)
        last = t_first + bead.target_count - 1
        out.pairs.append(Pair(
            id=_pair_id(source, out.ids),
            source=parse_segment(source),
            target=parse_segment(translation),
            line=line,
            end_line=target.line(last, end=True),
            origin="aligned",
            score=score,
        ))


def align_texts(target_text: str, english_text: str, locale: str) -> tuple[list[Pair], list[Anomaly]]:
    """The aligned pairs of a plain localized article and its English, and what stayed unaligned."""
    target = sides(target_text, locale, strict=False)
    english = sides(english_text, "en-US", strict=True)
    out = _Result([], [], Counter())
    total_e = sum(s.length for s in english)
    ratio = (sum(s.length for s in target) / total_e) if total_e else 1.0
    ratio = min(max(ratio, 0.2), 5.0)
    for t, e in _match_blocks(target, english, ratio):
        if t is not None and e is not None:
            _align_block(out, target[t], english[e], ratio)
        elif t is not None:
            side = target[t]
            for unit in range(len(side.units)):
                _unaligned(out, side, unit, 1, False, side.line(unit))
        elif e is not None:
            side = english[e]
            for unit in range(len(side.units)):
                _unaligned(out, side, unit, 1, True, 0)
    out.anomalies.sort(key=lambda a: a.line)
    return out.pairs, out.anomalies
