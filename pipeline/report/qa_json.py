"""``qa-json``: the whole QA result as one JSON document (schema in ``docs/qa-json.md``)."""

from __future__ import annotations

import json
from collections.abc import Iterator

from ..atomic import atomic_open
from ..export.registry import Output
from .registry import ReportContext, report

__all__ = ["write_qa_json", "SCHEMA_VERSION"]

SCHEMA_VERSION = 1
_ENCODER = json.JSONEncoder(ensure_ascii=False)


@report("qa-json")
def write_qa_json(ctx: ReportContext) -> Iterator[Output]:
    """Write ``qa/qa.json``: ``{"schema", "signature", "checks", "summary", "findings": [...]}``."""
    name = "qa.json"
    # json.dumps, not json.dump: dump() to a file runs the pure-Python encoder, dumps() the C one
    # (same text); each finding is encoded and written on its own, so memory holds one at a time.
    encode = _ENCODER.encode
    with atomic_open(ctx.path(name)) as handle:
        handle.write('{"schema": ')
        handle.write(json.dumps({"name": "tmpipe-qa", "version": SCHEMA_VERSION}))
        for key, value in (("signature", ctx.signature), ("checks", ctx.checks), ("summary", ctx.summary)):
            handle.write(f',\n "{key}": ')
            handle.write(encode(value))
        handle.write(',\n "findings": [')
        for i, finding in enumerate(ctx.findings):
            handle.write(",\n  " if i else "\n  ")
            handle.write(encode(finding.to_json()))
        handle.write("\n ]}\n")
    yield ctx.output(name, "qa-json")
