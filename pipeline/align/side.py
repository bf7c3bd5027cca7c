"""One side of an article cut into what the aligner pairs: blocks, their pieces, their units.

:func:`sides` is the reference the compiled core's ``cside.sides`` stands for (the same
:class:`Side` values for any text): :mod:`.blocks` gives the blocks, :mod:`.units` their pieces
and units, :func:`~.score.visible_length` each unit's length.
"""

from __future__ import annotations

from dataclasses import dataclass

from .blocks import Block, blocks
from .score import visible_length
from .units import pieces, units

__all__ = ["Side", "sides"]


@dataclass(frozen=True, slots=True)
class Side:
    """One block of one side, cut into units."""

    block: Block
    units: tuple[tuple[int, int], ...]
    """``(start, end)`` of each unit in the block's text."""
    groups: tuple[tuple[int, int], ...]
    """``(first unit, number of units)`` of each piece, in order."""
    lengths: tuple[int, ...]
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
        groups = []
        for start, end in pieces(block.text, block.kind):
            first = len(spans)
            spans += units(block.text, start, end, locale, strict=strict)
            groups.append((first, len(spans) - first))
        if spans:
            lengths = tuple(visible_length(block.text[a:b]) for a, b in spans)
            found.append(Side(block, tuple(spans), tuple(groups), lengths))
    return found
