"""``qa-json``: the whole QA result as one JSON document (schema in ``docs/qa-json.md``)."""

from __future__ import annotations

import json
from collections.abc import Iterator

from .registry import Report, ReportContext, register

__all__ = ["QA_JSON", "SCHEMA_VERSION"]

SCHEMA_VERSION = 1
_ENCODER = json.JSONEncoder(ensure_ascii=False)
_SLICE = 512  # findings encoded at once


def render_qa_json(ctx: ReportContext) -> Iterator[str]:
    """``{"schema", "signature", "checks", "summary", "findings": [...]}``, the findings most severe first."""
    encode = _ENCODER.encode  # the C encoder (json.dump to a file runs the pure-Python one)
    yield '{"schema": ' + json.dumps({"name": "tmpipe-qa", "version": SCHEMA_VERSION})
    for key, value in (("signature", ctx.signature), ("checks", ctx.checks), ("summary", ctx.summary)):
        yield f',\n "{key}": {encode(value)}'
    yield ',\n "findings": ['
    findings = ctx.findings
    for at in range(0, len(findings), _SLICE):
        yield ("\n  " if not at else ",\n  ") + ",\n  ".join(encode(f.to_json()) for f in findings[at:at + _SLICE])
    yield "\n ]}\n"


QA_JSON = register(Report("qa-json", "qa.json", "qa/qa.json: the summary and every listed finding (schema in docs/qa-json.md)",
                          render_qa_json))
