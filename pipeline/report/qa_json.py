"""``qa-json``: the whole QA result as one JSON document (schema in ``docs/qa-json.md``)."""

from __future__ import annotations

import json
from collections.abc import Iterator

from ..export.registry import Output
from ..export.splice import Splicer, layout
from ..qa.findings import Finding
from .fragments import write_parts
from .registry import ReportContext, report

__all__ = ["write_qa_json", "SCHEMA_VERSION"]

SCHEMA_VERSION = 1
_ENCODER = json.JSONEncoder(ensure_ascii=False)


@report("qa-json", "qa/qa.json: the summary and every listed finding (schema in docs/qa-json.md)")
def write_qa_json(ctx: ReportContext) -> Iterator[Output]:
    """Write ``qa/qa.json``: ``{"schema", "signature", "checks", "summary", "findings": [...]}``."""
    name = "qa.json"
    # json.dumps, not json.dump: dump() to a file runs the pure-Python encoder, dumps() the C one
    # (same text); each part's findings are encoded and written together (see .fragments).
    encode = _ENCODER.encode

    def render(findings: list[Finding]) -> str:
        return ",\n  ".join(encode(finding.to_json()) for finding in findings)

    with Splicer(ctx.out, f"{ctx.folder}/{name}", layout("qa-json")) as doc:
        doc.write('{"schema": ')
        doc.write(json.dumps({"name": "tmpipe-qa", "version": SCHEMA_VERSION}))
        for key, value in (("signature", ctx.signature), ("checks", ctx.checks), ("summary", ctx.summary)):
            doc.write(f',\n "{key}": ')
            doc.write(encode(value))
        doc.write(',\n "findings": [')
        write_parts(doc, ctx.parts, render, first="\n  ", sep=",\n  ")
        doc.write("\n ]}\n")
    yield ctx.output(name, "qa-json")
