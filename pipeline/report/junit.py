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

from lxml import etree

from ..atomic import atomic_path
from ..export.registry import Output
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


@report("junit")
def write_junit(ctx: ReportContext) -> Iterator[Output]:
    """Write ``qa/junit.xml``."""
    name = "junit.xml"
    by_check: dict[str, list[Finding]] = {}
    for finding in ctx.findings:
        by_check.setdefault(finding.check, []).append(finding)
    run = ctx.summary["checks_run"]
    failures_total = 0
    with atomic_path(ctx.path(name)) as tmp, etree.xmlfile(str(tmp), encoding="utf-8") as xf:
        xf.write_declaration()
        totals = {"name": "tmpipe qa", "tests": "0", "failures": "0"}
        suites = []
        for check_id in run:
            findings = sorted(by_check.get(check_id, []), key=lambda f: (f.file, f.line))
            files = [(file, list(group)) for file, group in itertools.groupby(findings, key=lambda f: f.file)]
            failed = sum(1 for _, group in files if any(severity_rank(f.severity) > 0 for f in group))
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
                        worst = max(group, key=lambda f: severity_rank(f.severity)).severity
                        body = _clean("\n".join(_line(f) for f in group))
                        if worst == "info":
                            etree.SubElement(case, "system-out").text = body
                        else:
                            failure = etree.SubElement(case, "failure", type=worst,
                                                       message=_clean(f"{len(group)} {check_id} finding(s) "
                                                                      f"({title})"))
                            failure.text = body
                        xf.write(case)
    yield ctx.output(name, "junit")
