"""``python -m bench.align_eval`` (``make align-eval``): pair recall and precision of the aligner.

The truth is corpus-dev's span pairs (:mod:`bench.align_truth`).  Each stripped article is
aligned against (a) the English side of its own spans and, for the main family, (b) the real
English at ``ms.sourcegitcommit``.  A pair counts when source and target equal a true pair after
whitespace is collapsed.  Printed: recall and precision per locale and overall, the naive
baseline (blocks zipped in order, sentences zipped where both sides have as many, else the whole
block as one pair) beside them, precision above and below score thresholds, the misses by kind
with the worst files, and the cost of aligning against extracting the same articles with spans.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from pathlib import Path

from pipeline.align import REVIEW_BELOW, align_texts
from pipeline.align.article import sides
from pipeline.extract import extract_bytes

from .align_truth import Article, articles, norm

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus-dev"

Aligned = list[tuple[str, str, float]]


def aligner(target: str, english: str, locale: str) -> Aligned:
    pairs, _ = align_texts(target, english, locale)
    return [(p.source.raw, p.target.raw, p.score or 0.0) for p in pairs]


def baseline(target: str, english: str, locale: str) -> Aligned:
    """Blocks zipped in order; inside, sentences zipped when the counts agree, else one pair."""
    found: Aligned = []
    for t, e in zip(sides(target, locale, strict=False), sides(english, "en-US", strict=True)):
        if len(t.units) == len(e.units):
            found += [(e.raw(k, 1), t.raw(k, 1), 1.0) for k in range(len(e.units))]
        else:
            found.append((e.raw(0, len(e.units)), t.raw(0, len(t.units)), 1.0))
    return found


class Tally:
    """True positives, truth and predictions, per locale."""

    def __init__(self) -> None:
        self.tp: Counter[str] = Counter()
        self.truth: Counter[str] = Counter()
        self.predicted: Counter[str] = Counter()
        #: the same counts without merged-paragraph ids (truth) and what was found inside them
        self.tp_np: Counter[str] = Counter()
        self.truth_np: Counter[str] = Counter()
        self.predicted_np: Counter[str] = Counter()
        self.scores: list[tuple[float, bool, bool]] = []
        """(score, right, inside a merged-paragraph id) of every pair found."""
        self.misses: dict[str, Counter[str]] = defaultdict(Counter)
        self.examples: dict[str, list[str]] = defaultdict(list)

    def add(self, article: Article, found: Aligned, english: str) -> None:
        truth = Counter((norm(p.source.raw), norm(p.target.raw)) for p in article.pairs)
        predicted = Counter((norm(s), norm(t)) for s, t, _ in found)
        hits = truth & predicted
        merged = [norm(p.source.raw) for p in article.pairs if "-p" in p.id]
        self.tp[article.locale] += sum(hits.values())
        self.truth[article.locale] += sum(truth.values())
        self.predicted[article.locale] += sum(predicted.values())
        truth_np = Counter({k: v for k, v in truth.items() if k[0] not in merged})
        predicted_np = Counter({k: v for k, v in predicted.items() if not any(k[0] in m for m in merged)})
        self.tp_np[article.locale] += sum((truth_np & predicted_np).values())
        self.truth_np[article.locale] += sum(truth_np.values())
        self.predicted_np[article.locale] += sum(predicted_np.values())
        budget = Counter(hits)
        for s, t, score in found:
            key = (norm(s), norm(t))
            good = budget[key] > 0
            budget[key] -= good
            self.scores.append((score, good, any(key[0] in m for m in merged)))
        self._misses(article, truth - predicted, predicted, english)

    def _misses(self, article: Article, missed: Counter[tuple[str, str]],
                predicted: Counter[tuple[str, str]], english: str) -> None:
        sources = {s for s, _ in predicted}
        pids = {norm(p.source.raw) for p in article.pairs if "-p" in p.id}
        flat = norm(english)
        for (source, _target), count in missed.items():
            if source in pids:
                kind = "merged-paragraph id (one unit for a whole paragraph)"
            elif source not in flat:
                kind = "English side differs (source text not in the English article)"
            elif source in sources:
                kind = "target boundary (right English unit, wrong target span)"
            elif any(source in m for m in sources):
                kind = "unit merged with a neighbour (inside a longer aligned source)"
            elif any(source.startswith(m) or source.endswith(m) for m in sources):
                kind = "unit cut in several (an aligned source starts or ends it)"
            else:
                kind = "left unaligned or not a unit"
            self.misses[kind][article.path] += count
            if len(self.examples[kind]) < 3:
                self.examples[kind].append(f"{article.path}: {source[:70]!r}")


def _row(name: str, tally: Tally, base: Tally, locales: Iterable[str] | None = None) -> str:
    keys = list(locales) if locales is not None else list(tally.truth)
    tp, truth, pred = (sum(c[k] for k in keys) for c in (tally.tp, tally.truth, tally.predicted))
    btp, btruth, bpred = (sum(c[k] for k in keys) for c in (base.tp, base.truth, base.predicted))
    return (f"  {name:<10} {truth:>7} {100 * tp / max(truth, 1):>8.2f} {100 * tp / max(pred, 1):>9.2f}"
            f"   {100 * btp / max(btruth, 1):>8.2f} {100 * btp / max(bpred, 1):>9.2f}")


def report(title: str, tally: Tally, base: Tally) -> None:
    print(f"\n{title}")
    print(f"  {'locale':<10} {'pairs':>7} {'recall':>8} {'precision':>9}   {'baseline':>8} {'(prec.)':>9}"
          f"   {'recall':>8} {'precision':>9} without merged-paragraph ids")
    for locale in sorted(tally.truth):
        print(_row(locale, tally, base, [locale]) + _without(tally, [locale]))
    print(_row("overall", tally, base) + _without(tally, list(tally.truth)))


def _without(tally: Tally, keys: list[str]) -> str:
    tp, truth, pred = (sum(c[k] for k in keys) for c in (tally.tp_np, tally.truth_np, tally.predicted_np))
    return f"   {100 * tp / max(truth, 1):>8.2f} {100 * tp / max(pred, 1):>9.2f}"


def thresholds(tally: Tally) -> None:
    print("\nprecision by score (both runs; in brackets without pairs inside merged-paragraph ids):")
    print("  threshold   pairs above  precision above        pairs below  precision below")
    for limit in (0.3, 0.4, REVIEW_BELOW, 0.6, 0.7, 0.8):
        row = [f"  {limit:>9.2f}"]
        for side in (lambda score: score >= limit, lambda score: score < limit):
            every = [good for score, good, _ in tally.scores if side(score)]
            clean = [good for score, good, merged in tally.scores if side(score) and not merged]
            row.append(f"{len(every):>7} ({len(clean):>6}) {100 * sum(every) / max(len(every), 1):>6.2f}%"
                       f" ({100 * sum(clean) / max(len(clean), 1):>6.2f}%)")
        print("   ".join(row) + ("  <- REVIEW_BELOW" if limit == REVIEW_BELOW else ""))


def misses(tally: Tally) -> None:
    print("\nmisses by kind (truth pairs not found), with the files that lose most:")
    for kind, files in sorted(tally.misses.items(), key=lambda item: -sum(item[1].values())):
        print(f"  {sum(files.values()):>6}  {kind}")
        for path, count in files.most_common(3):
            print(f"          {count:>4}  {path}")
        for example in tally.examples[kind][:2]:
            print(f"                e.g. {example}")


def cost(corpus: list[Article], rounds: int = 3) -> None:
    """Best-of-``rounds`` seconds to align every article against extracting it with spans."""
    def timed(work: Callable[[], None]) -> float:
        best = float("inf")
        for _ in range(rounds):
            start = time.perf_counter()
            work()
            best = min(best, time.perf_counter() - start)
        return best

    def extract_all() -> None:
        for article in corpus:
            extract_bytes(article.span_bytes, article.path)

    def align_all() -> None:
        for article in corpus:
            align_texts(article.target, article.english, article.locale)

    extract_s, align_s = timed(extract_all), timed(align_all)
    print(f"\ncost: extracting {len(corpus)} span articles {extract_s:.2f} s; aligning the same articles"
          f" stripped {align_s:.2f} s; ratio {align_s / extract_s:.2f}x (target <= 3x)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--no-cost", action="store_true", help="skip the timing")
    args = parser.parse_args(argv)
    if not args.corpus.is_dir():
        print(f"align-eval: skipped: {args.corpus} is not there (../shared is absent)")
        return 0
    corpus = list(articles(args.corpus))
    runs = {"stripped English (the spans' own source side)": lambda a: a.english,
            "real English at ms.sourcegitcommit (main family)": lambda a: a.at_source}
    everything = Tally()
    for title, english_of in runs.items():
        tally, base = Tally(), Tally()
        for article in corpus:
            english = english_of(article)
            if english is None:
                continue
            found = aligner(article.target, english, article.locale)
            tally.add(article, found, english)
            everything.add(article, found, english)
            base.add(article, baseline(article.target, english, article.locale), english)
        report(title, tally, base)
    thresholds(everything)
    misses(everything)
    if not args.no_cost:
        cost(corpus)
    return 0


if __name__ == "__main__":
    sys.exit(main())
