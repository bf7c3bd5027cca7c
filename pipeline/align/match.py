"""Blocks of the two sides paired by structure: a translation keeps the article's structure.

Where the two sequences of block kinds (and quote depths) agree they are zipped; where they
differ, :mod:`difflib` finds the runs that agree, and a small dynamic programme on kind and
length decides, in each region between them, which blocks pair and which stand alone.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Iterator

from .side import Side

__all__ = ["match_blocks"]

#: Cost of leaving a block without partner, against a kind mismatch (3) and a length mismatch
#: (|log ratio| per block, 0 for a perfect ratio).
_GAP = 2.5


def match_blocks(target: list[Side], english: list[Side], ratio: float) -> Iterator[tuple[int | None, int | None]]:
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
