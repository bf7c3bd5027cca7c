"""Precision and recall of the QA checks on hand-labelled findings of the dev corpus.

``python -m evals.qa`` (``make qa-eval``) builds the TM of ``../shared/corpus-dev`` (every locale
folder, ``supplement/`` and ``families/``) as a user would, runs every QA check with the default
settings, matches each finding to ``evals/qa-labels.tsv`` by (check, locale, file, id) and prints:

* per check and severity: findings, labelled, true, false, wrong check, precision
  (true / labelled), and overall per severity;
* recall on the labelled true problems: those reported by their check (any severity, and at
  warning or error for the checks whose default severity is one of those); overall over those
  checks;
* how many findings have no label yet (``--unlabelled FILE`` writes a sample of them, with their
  texts, for labelling; that file is for reading, never for the project).

Labels are keys and verdicts only (never the articles' text): ``check, locale, file, id, verdict,
reason``, with ``file`` relative to ``corpus-dev/`` (the path tmpipe records for an article when
built from those six roots).  Verdicts: ``true`` (a problem a reviewer would fix), ``false`` (not
a problem), ``wrong-check`` (a problem, but not the one this check names).  A ``true`` label is
also a recall target: the check must go on reporting that segment.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from pipeline.build import BuildOptions, build
from pipeline.qa import CHECKS, QaConfig
from pipeline.qa.findings import SEVERITIES, Finding
from pipeline.qa.runner import run_checks
from pipeline.store import open_store

__all__ = ["Label", "ROOTS", "evaluate", "load_labels", "main"]

HERE = Path(__file__).resolve().parent
LABELS = HERE / "qa-labels.tsv"
DEV_CORPUS = HERE.parent.parent / "shared" / "corpus-dev"
#: The corpus roots under ``corpus-dev``, built together (paths are prefixed by the root's name).
ROOTS = ("ar-SA", "fr-FR", "ja-JP", "ru-RU", "supplement", "families")
VERDICTS = ("true", "false", "wrong-check")
FIELDS = ("check", "locale", "file", "id", "verdict", "reason")

Key = tuple[str, str, str, str]


@dataclass(frozen=True, slots=True)
class Label:
    """One hand-made verdict on a finding (or on a segment a check should report)."""

    check: str
    """The check id."""
    locale: str
    """The article's locale."""
    file: str
    """The article, relative to ``corpus-dev/``."""
    id: str
    """The segment id (empty for a file-wide finding)."""
    verdict: str
    """``true``, ``false`` or ``wrong-check``."""
    reason: str
    """Why, in a line."""

    @property
    def key(self) -> Key:
        """What a finding is matched on."""
        return self.check, self.locale, self.file, self.id


def load_labels(path: Path = LABELS) -> dict[Key, Label]:
    """The labels of ``path`` by key; a bad row is an error naming its line."""
    labels: dict[Key, Label] = {}
    with open(path, encoding="utf-8", newline="") as handle:
        for number, row in enumerate(csv.reader(handle, delimiter="\t"), 1):
            if not row or row[0].startswith("#") or row == list(FIELDS):
                continue
            if len(row) != len(FIELDS) or row[4] not in VERDICTS:
                raise SystemExit(f"{path}:{number}: expected {', '.join(FIELDS)} with a verdict in "
                                 f"{'/'.join(VERDICTS)}, got {row!r}")
            label = Label(*row)
            if label.key in labels:
                raise SystemExit(f"{path}:{number}: duplicate label for {label.key}")
            labels[label.key] = label
    return labels


def key_of(finding: Finding) -> Key:
    """A finding's label key."""
    return finding.check, finding.locale, finding.file, finding.id or ""


def findings_of(corpus: Path, out: Path) -> list[Finding]:
    """Build (incrementally) the TM of ``corpus``'s roots into ``out`` and run every check on it."""
    build([corpus / root for root in ROOTS], out, BuildOptions(jobs=2, formats=(), qa=False))
    store = open_store(out / "tm.sqlite", readonly=True)
    try:
        return run_checks(store, QaConfig(max_findings=10**9)).findings
    finally:
        store.close()


def _ratio(hit: float, total: float) -> str:
    return f"{100 * hit / total:5.1f}%" if total else "    -"


def evaluate(findings: Iterable[Finding], labels: dict[Key, Label]) -> tuple[str, list[Finding]]:
    """The precision and recall tables as text, and the findings with no label."""
    counts: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    reported: dict[Key, str] = {}
    unlabelled = []
    for finding in findings:
        key = key_of(finding)
        cell = counts[finding.check, finding.severity]
        cell["findings"] += 1
        if key in reported:  # one segment id twice in a file: one verdict
            continue
        reported[key] = finding.severity
        label = labels.get(key)
        if label is None:
            unlabelled.append(finding)
            continue
        cell["labelled"] += 1
        cell[label.verdict] += 1
    lines = ["precision (true / labelled findings)", "",
             f"| {'check':<20} | {'severity':<8} | findings | labelled | true | false | wrong check | precision |",
             "|---|---|---:|---:|---:|---:|---:|---:|"]
    # overall: each cell's precision weighted by its findings (a cell's sample stands for all of them)
    totals: dict[str, Counter[str]] = defaultdict(Counter)
    weighted: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])  # severity → [findings, est. true]
    order: dict[str, int] = {s: i for i, s in enumerate(reversed(SEVERITIES))}
    for (check, severity), cell in sorted(counts.items(), key=lambda kv: (kv[0][0], order[kv[0][1]])):
        totals[severity].update(cell)
        if cell["labelled"]:
            weighted[severity][0] += cell["findings"]
            weighted[severity][1] += cell["findings"] * cell["true"] / cell["labelled"]
        lines.append(_row(check, severity, cell))
    for severity in sorted(totals, key=order.__getitem__):
        found, estimate = weighted[severity]
        lines.append(_row("**overall**", severity, totals[severity], estimate / found if found else None))
    lines.append("(overall precision: each cell's precision weighted by its number of findings)")
    lines += ["", "recall on labelled true problems (reported by their check)", "",
              f"| {'check':<20} | labelled true | reported | recall | at warning or error | recall |",
              "|---|---:|---:|---:|---:|---:|"]
    wanted: dict[str, Counter[str]] = defaultdict(Counter)
    for label in labels.values():
        if label.verdict != "true":
            continue
        cell = wanted[label.check]
        cell["true"] += 1
        at = reported.get(label.key)
        cell["reported"] += at is not None
        cell["gated"] += at in ("warning", "error")
    total: Counter[str] = Counter()
    for check in sorted(wanted):
        if CHECKS[check].severity != "info":
            total.update(wanted[check])
        lines.append(_recall(check, wanted[check]))
    lines.append(_recall("**overall** (warning/error checks)", total))
    lines += ["", f"findings with no label yet: {len(unlabelled)} of {len(reported)} distinct findings "
              f"({', '.join(f'{c} {n}' for c, n in sorted(Counter(f.check for f in unlabelled).items()))})"]
    return "\n".join(lines), unlabelled


def _row(check: str, severity: str, cell: Counter[str], precision: float | None = None) -> str:
    shown = _ratio(cell["true"], cell["labelled"]) if precision is None else f"{100 * precision:5.1f}%"
    return (f"| {check:<20} | {severity:<8} | {cell['findings']:8} | {cell['labelled']:8} | {cell['true']:4} | "
            f"{cell['false']:5} | {cell['wrong-check']:11} | {shown:>9} |")


def _recall(check: str, cell: Counter[str]) -> str:
    info = check in CHECKS and CHECKS[check].severity == "info"  # never gated by design: no column
    gated = f"{'-':>19} | {'-':>6}" if info else f"{cell['gated']:19} | {_ratio(cell['gated'], cell['true'])}"
    return (f"| {check:<20} | {cell['true']:13} | {cell['reported']:8} | {_ratio(cell['reported'], cell['true'])} | "
            f"{gated} |")


def write_sample(path: Path, unlabelled: list[Finding], per_cell: int) -> int:
    """Up to ``per_cell`` unlabelled findings per check and severity, picked by a digest of their
    key (a stable random sample), with their texts, as TSV for labelling by hand."""
    cells: dict[tuple[str, str], list[Finding]] = defaultdict(list)
    for finding in sorted(unlabelled, key=lambda f: hashlib.sha1("\t".join(key_of(f)).encode()).digest()):
        cells[finding.check, finding.severity].append(finding)
    written = 0
    with open(path, "w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle, delimiter="\t", lineterminator="\n")
        out.writerow([*FIELDS[:4], "severity", "message", "source", "target"])
        for (check, severity), found in sorted(cells.items()):
            for finding in found[:per_cell]:
                flat = [" ".join(t.split()) for t in (finding.message, finding.source, finding.target)]
                out.writerow([*key_of(finding), severity, *flat])
                written += 1
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m evals.qa", description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEV_CORPUS, help="corpus-dev folder")
    parser.add_argument("--out", type=Path, default=HERE.parent / "build" / "qa-eval", help="build folder")
    parser.add_argument("--labels", type=Path, default=LABELS)
    parser.add_argument("--unlabelled", type=Path, help="write a sample of unlabelled findings here (TSV)")
    parser.add_argument("--per-cell", type=int, default=40, help="sample size per check and severity")
    args = parser.parse_args(argv)
    if not args.corpus.is_dir():
        print(f"qa-eval: skipped: {args.corpus} is absent (the labelled set is the shared dev corpus)")
        return 0
    labels = load_labels(args.labels)
    table, unlabelled = evaluate(findings_of(args.corpus, args.out), labels)
    print(f"{len(labels)} labels ({args.labels.name}); corpus {args.corpus}\n")
    print(table)
    if args.unlabelled:
        n = write_sample(args.unlabelled, unlabelled, args.per_cell)
        print(f"wrote {n} unlabelled findings to {args.unlabelled}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
