"""QA over a translation memory: checks in a registry, findings, reports and gates.

``run_qa(store, out, config)`` runs every enabled check (one module per family:
``untranslated``, ``language``, ``drift``, ``versions``, ``consistency``,
``markup``, ``numbers``, ``urls``, ``anomalies``, ``typography``, ``length``),
drops the findings a baseline file accepts, writes the reports into ``out/qa/``
and returns a :class:`QaResult` with the summary and the manifest entries.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..store import Store, open_store
# Registration order is report order.
from . import untranslated, language, drift, versions, consistency  # noqa: F401,E402,I001
from . import markup, numbers, urls, anomalies, typography, length  # noqa: F401,E402,I001
from .config import QaConfig, load_config, load_suppressions, write_suppressions
from .findings import SEVERITIES, Finding, Severity
from .registry import CHECKS, CheckContext, CheckInfo, QaSegment, check, get_check
from .cache import Spoilt
from .runner import QaResult, checking, gate, run_checks

__all__ = ["CHECKS", "CheckContext", "CheckInfo", "Finding", "QaConfig", "QaResult", "QaSegment", "SEVERITIES",
           "Severity", "check", "gate", "get_check", "load_config", "load_suppressions", "run_qa",
           "write_suppressions", "QA_FOLDER"]

#: Reports go to ``OUT/qa/``.
QA_FOLDER = "qa"


def run_qa(store: Store, out: Path, config: QaConfig | None = None, english: Path | None = None,
           baseline: Path | Store | None = None, *, suppress: Path | None = None,
           formats: Sequence[str] | None = None, write_baseline: Path | None = None,
           corpus_root: str | None = None, signature: dict[str, Any] | None = None,
           cache: Path | None = None) -> QaResult:
    """Run the checks over ``store`` and write the reports into ``out/qa/``.

    ``english`` is a folder of current English articles (enables ``source-drift``);
    ``baseline`` an earlier TM (path or store, enables ``version-drift``);
    ``suppress`` a baseline file of accepted findings (default: the config's);
    ``write_baseline`` writes every current finding's fingerprint to that file;
    ``cache`` keeps the findings for the next run (a build's ``OUT/.tmpipe-cache/qa.sqlite``,
    :mod:`pipeline.qa.cache`): only what the articles changed since can affect is checked again.
    """
    from ..report import DEFAULT_REPORTS, get_report  # reports import qa.findings

    config = config or QaConfig()
    reporters = [get_report(name) for name in (formats if formats is not None else DEFAULT_REPORTS)]
    if english is not None and not Path(english).is_dir():
        raise InputError(f"{english}: --english must be a folder of English articles")
    suppress = suppress or config.suppress
    suppressed = load_suppressions(suppress) if suppress else set()
    base = open_store(baseline, readonly=True) if isinstance(baseline, (str, Path)) else baseline
    try:
        for attempt in range(2):
            try:
                with checking(store, config, english=Path(english) if english else None, baseline=base,
                              suppressed=suppressed, keep_all=write_baseline is not None, cache=cache) as result:
                    _report(result, out, reporters, signature, write_baseline, corpus_root)
                return result
            except Spoilt:  # the cache failed while findings were read, and is gone: count afresh
                if attempt:
                    raise
        raise AssertionError("unreachable")
    finally:
        if base is not None and base is not baseline:
            base.close()


def _report(result: QaResult, out: Path, reporters: Sequence[Any], signature: dict[str, Any] | None,
            write_baseline: Path | None, corpus_root: str | None) -> None:
    """Write the reports of ``result`` (its stored parts are read, or copied from the previous reports)."""
    from ..report import ReportContext

    if signature:
        result.signature = {**result.signature, "build": signature}
    if write_baseline is not None and result.fingerprints is not None:
        result.summary["baseline_written"] = write_suppressions(write_baseline, result.fingerprints.values())
    checks = {info.id: {"title": info.title, "severity": result.summary["by_check"][info.id]["severity"]}
              for info in CHECKS.values()}
    ctx = ReportContext(Path(out), QA_FOLDER, result.summary, result.parts, checks, result.signature, corpus_root)
    for write in reporters:
        result.outputs.extend(write(ctx))
