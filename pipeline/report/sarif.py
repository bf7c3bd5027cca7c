"""``sarif``: SARIF 2.1.0, so code-review tools annotate the article lines.

One run, one rule per check (its title, default level), one result per finding
located at ``file:line`` relative to the corpus root (``uriBaseId`` ``CORPUS``),
with the finding's fingerprint as ``partialFingerprints``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

from ..qa.findings import Finding
from .registry import Report, ReportContext, register

__all__ = ["LEVELS", "SARIF"]

SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
#: tmpipe severity → SARIF result level.
LEVELS = {"error": "error", "warning": "warning", "info": "note"}
_ENCODER = json.JSONEncoder(ensure_ascii=False)
_SLICE = 512  # findings encoded at once


def _result(finding: Finding, index: int) -> dict[str, Any]:
    location: dict[str, Any] = {"artifactLocation": {"uri": quote(finding.file, safe="/"), "uriBaseId": "CORPUS"}}
    if finding.line > 0:
        location["region"] = {"startLine": finding.line}
    properties = {"locale": finding.locale, "severity": finding.severity}
    if finding.id:
        properties["segmentId"] = finding.id
    if finding.source:
        properties["source"] = finding.source
    if finding.target:
        properties["target"] = finding.target
    properties.update({k: v for k, v in finding.extra.items() if k not in properties})
    return {"ruleId": finding.check, "ruleIndex": index, "level": LEVELS[finding.severity],
            "message": {"text": finding.message}, "locations": [{"physicalLocation": location}],
            "partialFingerprints": {"tmpipeFinding/v1": finding.fingerprint}, "properties": properties}


def render_sarif(ctx: ReportContext) -> Iterator[str]:
    """One run, one rule per check, one result per listed finding."""
    rules = [{"id": check_id, "name": "".join(w.title() for w in check_id.split("-")),
              "shortDescription": {"text": meta["title"]},
              "defaultConfiguration": {"level": LEVELS[meta["severity"]]}}
             for check_id, meta in ctx.checks.items()]
    index = {rule["id"]: i for i, rule in enumerate(rules)}
    run: dict[str, Any] = {
        "tool": {"driver": {"name": "tmpipe", "version": ctx.signature.get("version", ""),
                            "rules": rules}},
        "automationDetails": {"id": f"tmpipe-qa/{ctx.signature.get('input', '')[:16]}"},
        "columnKind": "unicodeCodePoints",
        "properties": {"signature": ctx.signature, "summary": {k: ctx.summary[k] for k in
                                                               ("findings", "suppressed", "by_severity")}},
    }
    if ctx.corpus_root:
        run["originalUriBaseIds"] = {"CORPUS": {"uri": Path(ctx.corpus_root).resolve().as_uri() + "/"}}
    encode = _ENCODER.encode  # the C encoder (json.dump to a file runs the pure-Python one)
    head = json.dumps({"$schema": SCHEMA, "version": "2.1.0"}, ensure_ascii=False)[:-1]
    body = json.dumps(run, ensure_ascii=False)[:-1]
    yield f'{head}, "runs": [{body}, "results": ['
    findings = ctx.findings
    for at in range(0, len(findings), _SLICE):
        yield ("\n" if not at else ",\n") + ",\n".join(
            encode(_result(finding, index[finding.check])) for finding in findings[at:at + _SLICE])
    yield "\n]}]}\n"


SARIF = register(Report("sarif", "qa.sarif", "qa/qa.sarif: SARIF 2.1.0 for code-scanning views, file:line from the corpus root",
                        render_sarif))
