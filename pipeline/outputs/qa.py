"""QA as a build's output: run the checks, then write each report into ``OUT/qa/``."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..atomic import atomic_open
from ..errors import InputError
from ..output import Output
from ..qa import CHECKS, QaConfig, QaResult, load_suppressions, run_checks, write_suppressions
from ..report import DEFAULT_REPORTS, ReportContext, get_report
from ..store import Store, open_store
from .fragments import CACHE
from .memo import QaMemo

__all__ = ["QA_FOLDER", "MEMO", "run_qa"]

#: Reports go to ``OUT/qa/``.
QA_FOLDER = "qa"
#: The memo of segment findings, below the output directory.
MEMO = f"{CACHE}/qa-memo.sqlite"


def run_qa(store: Store, out: Path, config: QaConfig | None = None, english: Path | None = None,
           baseline: Path | Store | None = None, *, suppress: Path | None = None,
           formats: Sequence[str] | None = None, write_baseline: Path | None = None,
           corpus_root: str | None = None, signature: dict[str, Any] | None = None,
           memo: Path | None = None) -> QaResult:
    """Run the checks over ``store`` and write the reports into ``out/qa/``.

    ``english`` is a folder of current English articles (enables ``source-drift``);
    ``baseline`` an earlier TM (path or store, enables ``version-drift``);
    ``suppress`` a baseline file of accepted findings (default: the config's);
    ``write_baseline`` writes every current finding's fingerprint to that file;
    ``memo`` is the file of segment findings kept between runs (:mod:`.memo`), or None."""
    config = config or QaConfig()
    reports = [get_report(name) for name in (formats if formats is not None else DEFAULT_REPORTS)]
    if english is not None and not Path(english).is_dir():
        raise InputError(f"{english}: --english must be a folder of English articles")
    suppress = suppress or config.suppress
    suppressed = load_suppressions(suppress) if suppress else set()
    base = open_store(baseline, readonly=True) if isinstance(baseline, (str, Path)) else baseline
    memos: list[QaMemo] = []

    def unit_memo(scope: str) -> QaMemo:
        assert memo is not None
        memos.append(QaMemo(memo, scope))
        return memos[-1]
    try:
        result = run_checks(store, config, english=Path(english) if english else None, baseline=base,
                            suppressed=suppressed, keep_all=write_baseline is not None,
                            memo=unit_memo if memo is not None else None)
        if signature:
            result.signature = {**result.signature, "build": signature}
        if write_baseline is not None and result.fingerprints is not None:
            result.summary["baseline_written"] = write_suppressions(write_baseline, result.fingerprints.values())
        checks = {info.id: {"title": info.title, "severity": result.summary["by_check"][info.id]["severity"]}
                  for info in CHECKS.values()}
        ctx = ReportContext(result.summary, result.findings, checks, result.signature, corpus_root)
        for report in reports:
            rel = f"{QA_FOLDER}/{report.file}"
            with atomic_open(Path(out) / rel) as handle:
                for chunk in report.render(ctx):
                    handle.write(chunk)
            result.outputs.append(Output(rel, report.name, len(result.findings), extra={
                "findings": result.summary["findings"], "suppressed": result.summary["suppressed"],
                "by_severity": result.summary["by_severity"]}))
        for each in memos:
            each.commit()
        return result
    finally:
        for each in memos:
            each.close()
        if base is not None and base is not baseline:
            base.close()
