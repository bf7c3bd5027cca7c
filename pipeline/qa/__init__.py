"""QA over a translation memory: checks in a registry, their findings, and gates.

:func:`run_checks` runs every enabled check (one module per family: ``untranslated``,
``language``, ``drift``, ``versions``, ``consistency``, ``markup``, ``numbers``, ``urls``,
``anomalies``, ``typography``, ``length``), drops the findings a baseline file accepts and
returns a :class:`QaResult` with the summary and the findings the reports list.  Reports
are written by the output layer (:mod:`pipeline.outputs.qa`).
"""

from __future__ import annotations

# Registration order is report order.
from . import untranslated, language, drift, versions, consistency  # noqa: F401,E402,I001
from . import markup, numbers, urls, anomalies, typography, length  # noqa: F401,E402,I001
from .config import QaConfig, load_config, load_suppressions, write_suppressions
from .findings import SEVERITIES, Finding, Severity
from .registry import CHECKS, CheckContext, CheckInfo, QaSegment, check, get_check
from .runner import ArticleMemo, QaResult, Recalled, gate, run_checks, settings_digest

__all__ = ["CHECKS", "CheckContext", "CheckInfo", "Finding", "QaConfig", "QaResult", "QaSegment", "SEVERITIES",
           "Severity", "ArticleMemo", "Recalled", "check", "gate", "get_check", "load_config", "load_suppressions", "run_checks",
           "settings_digest", "write_suppressions"]
