"""Length-based sentence alignment (Gale & Church 1993), with anchors.

Both sides are sequences of sentence lengths; a dynamic programme finds the cheapest chain of
**beads**, each pairing ``i`` English sentences with ``j`` target ones: ``1-1``, the merges
``1-2``/``2-1`` (and ``1-3``/``3-1``, which the eager target splitting needs), and ``1-0``/``0-1``
for a sentence the other side lacks.  A bead costs ``-log P(type) - log P(length ratio)``, the
length ratio being normal around the article's own ratio ``c`` (estimated from its matched
blocks: Japanese runs about a third of the English in characters, Russian about 1.1); shared
anchors (numbers, URLs, inline code, names kept in English) lower the cost, anchors one side has
and the other lacks raise it.

The hot loop works on plain lists of ints and floats, so a compiled core can replace it as is.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

__all__ = ["Bead", "align", "length_probability", "PRIORS"]

#: Prior probability of each bead type: Gale & Church's, with more weight on the target
#: merges, since targets are split eagerly (an extra split is cheap to merge back).
PRIORS: dict[tuple[int, int], float] = {
    (1, 1): 0.86, (1, 2): 0.07, (2, 1): 0.03, (1, 3): 0.015, (3, 1): 0.005,
    (1, 0): 0.01, (0, 1): 0.01,
}
_COST = {move: -math.log(p) for move, p in PRIORS.items()}
#: Variance of the target length per English character (Gale & Church's s² = 6.8).
_VARIANCE = 6.8
_ANCHOR_WEIGHT = 2.0


@dataclass(frozen=True, slots=True)
class Bead:
    """``source`` English sentences paired with ``target`` sentences, from the given indexes."""

    source_start: int
    source_count: int
    target_start: int
    target_count: int
    cost: float
    """The bead's cost in the programme (lower is likelier)."""
    length_p: float
    """Two-sided probability of a length difference at least this large (1 for a perfect ratio)."""


def length_probability(source: int, target: int, ratio: float) -> float:
    """Two-sided tail probability of the length deviation of ``target`` from ``ratio × source``."""
    if source == 0 and target == 0:
        return 1.0
    mean = (source + target / ratio) / 2
    delta = (target - source * ratio) / math.sqrt(mean * _VARIANCE * ratio + 1e-9)
    return max(math.erfc(abs(delta) / math.sqrt(2)), 1e-12)


def _anchor_cost(source: frozenset[str], target: frozenset[str]) -> float:
    if not source and not target:
        return 0.0
    shared = len(source & target)
    missing = len(source ^ target)
    return _ANCHOR_WEIGHT * (missing - shared) / (shared + missing)


def align(source: list[int], target: list[int], ratio: float,
          source_anchors: list[frozenset[str]] | None = None,
          target_anchors: list[frozenset[str]] | None = None) -> list[Bead]:
    """The cheapest chain of beads covering both sides, in order."""
    n, m = len(source), len(target)
    inf = math.inf
    cost = [[inf] * (m + 1) for _ in range(n + 1)]
    back: list[list[tuple[int, int]]] = [[(0, 0)] * (m + 1) for _ in range(n + 1)]
    cost[0][0] = 0.0
    src_sum = [0]
    for length in source:
        src_sum.append(src_sum[-1] + length)
    tgt_sum = [0]
    for length in target:
        tgt_sum.append(tgt_sum[-1] + length)
    use_anchors = bool(source_anchors and target_anchors and (any(source_anchors) or any(target_anchors)))
    # anchor sets of every run of 1 to 3 sentences, made once rather than in the inner loop
    s_runs = _runs(source_anchors, n) if use_anchors else {}
    t_runs = _runs(target_anchors, m) if use_anchors else {}
    moves = list(_COST.items())
    for i in range(n + 1):
        for j in range(m + 1):
            here = cost[i][j]
            if here == inf:
                continue
            for (di, dj), prior in moves:
                a, b = i + di, j + dj
                if a > n or b > m:
                    continue
                step = here + prior
                if di and dj:
                    step -= math.log(length_probability(src_sum[a] - src_sum[i], tgt_sum[b] - tgt_sum[j], ratio))
                    if use_anchors:
                        step += _anchor_cost(s_runs[i, di], t_runs[j, dj])
                if step < cost[a][b]:
                    cost[a][b] = step
                    back[a][b] = (di, dj)
    beads: list[Bead] = []
    i, j = n, m
    while i or j:
        di, dj = back[i][j]
        length_p = length_probability(src_sum[i] - src_sum[i - di], tgt_sum[j] - tgt_sum[j - dj], ratio) \
            if di and dj else 0.0
        beads.append(Bead(i - di, di, j - dj, dj, cost[i][j] - cost[i - di][j - dj], length_p))
        i, j = i - di, j - dj
    beads.reverse()
    return beads


def _runs(anchors: list[frozenset[str]] | None, size: int) -> dict[tuple[int, int], frozenset[str]]:
    """The union of the anchors of sentences ``i`` to ``i + k - 1``, for k from 1 to 3."""
    assert anchors is not None
    return {(i, k): frozenset().union(*anchors[i:i + k]) for i in range(size) for k in (1, 2, 3) if i + k <= size}
