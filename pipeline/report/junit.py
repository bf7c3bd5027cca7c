"""``junit``: JUnit XML for CI test views: a testsuite per check, a testcase per file.

A file with an ``error`` or ``warning`` finding is a failed testcase (``type`` is
the worst severity) listing every finding as ``file:line: message``; a file
with ``info`` findings only passes and lists them in ``system-out``; a check
with no finding has one passing testcase, so every check that ran shows up.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from typing import Any

from lxml import etree

from ..atomic import atomic_path
from ..export.registry import Output
from ..export.splice import layout, read_record, record_path, write_record
from ..qa.findings import Finding, severity_rank
from .registry import ReportContext, report

__all__ = ["write_junit"]


def _line(finding: Finding) -> str:
    where = f"{finding.file}:{finding.line}" if finding.line else finding.file
    seg = f" [{finding.id}]" if finding.id else ""
    return f"{finding.severity}: {where}{seg}: {finding.message}"


#: What XML 1.0 cannot hold of what findings may carry: control characters but tab, LF and CR; U+FFFE/U+FFFF.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _clean(text: str) -> str:
    """XML 1.0 cannot hold most control characters: each becomes U+FFFD."""
    return _NOT_XML.sub("\ufffd", text)


def _briefs(findings: list[Finding]) -> list[list[Any]]:
    """What JUnit shows of each finding: ``[check, file, line, severity, text]``."""
    return [[f.check, f.file, f.line, f.severity, _line(f)] for f in findings]


def _by_check(ctx: ReportContext, previous: dict[str, list[Any]]
              ) -> tuple[dict[str, list[list[Any]]], dict[str, list[Any]]]:
    """The briefs of the listed findings by check, in report order, and each part's briefs as
    fragments to record (no bytes of the file: JUnit regroups the findings by file).  A part's
    briefs are the ``previous`` run's while its key is unchanged: the part is not read."""
    fragments: dict[str, list[Any]] = {}
    by_check: dict[str, list[list[Any]]] = {}
    for part in ctx.parts:
        if not part.count:
            continue
        entry = previous.get(part.name)
        if part.key is not None and entry and entry[0] == part.key and isinstance(entry[3], list):
            rows = entry[3]
        else:
            rows = _briefs(part.findings())
        fragments[part.name] = [part.key, [], [], rows]
        for row in rows:
            by_check.setdefault(row[0], []).append(row)
    return by_check, fragments


@report("junit", "qa/junit.xml: a testsuite per check, a testcase per file, for CI test views")
def write_junit(ctx: ReportContext) -> Iterator[Output]:
    """Write ``qa/junit.xml``."""
    name = "junit.xml"
    dest = ctx.path(name)
    record = record_path(ctx.out, f"{ctx.folder}/{name}")
    kind = layout("junit")
    by_check, fragments = _by_check(ctx, read_record(dest, record, kind))
    run = ctx.summary["checks_run"]
    failures_total = 0
    with atomic_path(dest) as tmp, etree.xmlfile(str(tmp), encoding="utf-8") as xf:
        xf.write_declaration()
        totals = {"name": "tmpipe qa", "tests": "0", "failures": "0"}
        suites = []
        for check_id in run:
            rows = sorted(by_check.get(check_id, []), key=lambda r: (r[1], r[2]))
            files = [(file, list(group)) for file, group in itertools.groupby(rows, key=lambda r: r[1])]
            failed = sum(1 for _, group in files if any(severity_rank(r[3]) > 0 for r in group))
            suites.append((check_id, files, failed))
            failures_total += failed
        totals["tests"] = str(sum(max(len(files), 1) for _, files, _ in suites))
        totals["failures"] = str(failures_total)
        with xf.element("testsuites", totals):
            for check_id, files, failed in suites:
                title = ctx.checks[check_id]["title"]
                attrs = {"name": check_id, "tests": str(max(len(files), 1)), "failures": str(failed),
                         "errors": "0", "skipped": "0"}
                with xf.element("testsuite", attrs):
                    with xf.element("properties"):
                        xf.write(etree.Element("property", name="title", value=_clean(title)))
                        xf.write(etree.Element("property", name="severity",
                                               value=ctx.checks[check_id]["severity"]))
                    if not files:
                        xf.write(etree.Element("testcase", name="(all files)", classname=check_id))
                        continue
                    for file, group in files:
                        case = etree.Element("testcase", name=_clean(file), classname=check_id,
                                             file=_clean(file))
                        worst = max(group, key=lambda r: severity_rank(r[3]))[3]
                        body = _clean("\n".join(r[4] for r in group))
                        if worst == "info":
                            etree.SubElement(case, "system-out").text = body
                        else:
                            failure = etree.SubElement(case, "failure", type=worst,
                                                       message=_clean(f"{len(group)} {check_id} finding(s) "
                                                                      f"({title})"))
                            failure.text = body
                        xf.write(case)
    write_record(dest, record, kind, fragments)
    yield ctx.output(name, "junit")
