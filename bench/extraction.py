"""Extraction in process, in µs per pair, against the floor's regex pass in the same process.

Every article is read into memory first; then each pass goes over all of them, keeping nothing
(as a build does, which turns each Document into rows and drops it); the least CPU time of
``--repeat`` runs is kept:

- ``floor``: decode and ``bench.floor.PAIR.findall``;
- ``extract``: ``extract_bytes`` (decode, hash, front matter, the span scanner and inline codec, checks);
- ``rows``: ``extract_bytes`` and ``doc_rows``, the rows the TM is written from (what a worker does);
- ``scan``: the span scanner and inline codec alone, on the decoded texts.

The core is the one ``pipeline.core`` picks (``TMPIPE_PURE=1`` for the pure-Python one); ``python -m
bench`` runs this once per core.  Run: ``python -m bench.extraction CORPUS [--repeat N]``; prints
one JSON object.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pipeline import core
from pipeline.extract import extract_bytes, scan_pairs
from pipeline.store import doc_rows

from .floor import PAIR

__all__ = ["measure", "main"]


def _best(work: Callable[[], object], repeat: int) -> float:
    """The least CPU time of ``repeat`` runs: on a shared machine, wall time also counts the others' work."""
    best = float("inf")
    for _ in range(repeat):
        start = time.process_time()
        work()
        best = min(best, time.process_time() - start)
    return best


def measure(root: Path, repeat: int = 3) -> dict[str, Any]:
    """Seconds and µs per pair of each pass over the articles under ``root``."""
    articles = [(path.relative_to(root).as_posix(), path.read_bytes()) for path in sorted(root.rglob("*.md"))]
    texts = [data.decode("utf-8", "replace") for _, data in articles]
    pairs = sum(len(PAIR.findall(text)) for text in texts)

    def floor() -> None:
        for _, data in articles:
            PAIR.findall(data.decode("utf-8", "replace"))

    def extract() -> None:
        for rel, data in articles:
            extract_bytes(data, rel)

    def rows() -> None:
        for rel, data in articles:
            doc_rows(extract_bytes(data, rel))

    def scan() -> None:
        for text in texts:
            for _ in scan_pairs(text):
                pass

    seconds = {name: _best(work, repeat) for name, work in
               (("floor", floor), ("extract", extract), ("rows", rows), ("scan", scan))}
    return {
        "core": core.describe(), "files": len(articles), "pairs": pairs, "repeat": repeat,
        "seconds": {name: round(value, 4) for name, value in seconds.items()},
        "us_per_pair": {name: round(value / max(pairs, 1) * 1e6, 2) for name, value in seconds.items()},
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.extraction", description=__doc__.split("\n")[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    print(json.dumps(measure(args.corpus, args.repeat)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
