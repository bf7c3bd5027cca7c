"""``qa-json``: the whole QA result as one JSON document (schema in ``docs/qa-json.md``)."""

from __future__ import annotations

import json
from collections.abc import Iterator

from ..atomic import atomic_open
from ..export.registry import Output
from .registry import ReportContext, report

__all__ = ["write_qa_json", "SCHEMA_VERSION"]

SCHEMA_VERSION = 1


@report("qa-json")
def write_qa_json(ctx: ReportContext) -> Iterator[Output]:
    """Write ``qa/qa.json``: ``{"schema", "signature", "checks", "summary", "findings": [...]}``."""
    name = "qa.json"
    with atomic_open(ctx.path(name)) as handle:
        handle.write('{"schema": ')
        json.dump({"name": "tmpipe-qa", "version": SCHEMA_VERSION}, handle)
        for key, value in (("signature", ctx.signature), ("checks", ctx.checks), ("summary", ctx.summary)):
            handle.write(f',\n "{key}": ')
            json.dump(value, handle, ensure_ascii=False, sort_keys=False)
        handle.write(',\n "findings": [')
        for i, finding in enumerate(ctx.findings):
            handle.write(",\n  " if i else "\n  ")
            json.dump(finding.to_json(), handle, ensure_ascii=False)
        handle.write("\n ]}\n")
    yield ctx.output(name, "qa-json")
