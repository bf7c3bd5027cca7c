"""``junit``: JUnit XML for CI test views: a testsuite per check, a testcase per file.

A file with an ``error`` or ``warning`` finding is a failed testcase (``type`` is
the worst severity) listing every finding as ``file:line: message``; a file
with ``info`` findings only passes and lists them in ``system-out``; a check
with no finding has one passing testcase, so every check that ran shows up.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator

from lxml import etree

from ..chars import REPLACEMENT, XML_ILLEGAL
from ..qa.findings import Finding, severity_rank
from .registry import Report, ReportContext, register

__all__ = ["JUNIT"]


def _line(finding: Finding) -> str:
    where = f"{finding.file}:{finding.line}" if finding.line else finding.file
    seg = f" [{finding.id}]" if finding.id else ""
    return f"{finding.severity}: {where}{seg}: {finding.message}"


def _clean(text: str) -> str:
    """XML 1.0 cannot hold most control characters: each becomes U+FFFD."""
    return XML_ILLEGAL.sub(REPLACEMENT, text)


def _suite(ctx: ReportContext, check_id: str, findings: list[Finding]) -> tuple[etree._Element, int]:
    """One check's testsuite and how many of its testcases failed."""
    rows = sorted(findings, key=lambda f: (f.file, f.line))
    files = [(file, list(group)) for file, group in itertools.groupby(rows, key=lambda f: f.file)]
    failed = sum(1 for _, group in files if any(severity_rank(f.severity) > 0 for f in group))
    title = ctx.checks[check_id]["title"]
    suite = etree.Element("testsuite", {"name": check_id, "tests": str(max(len(files), 1)), "failures": str(failed),
                                        "errors": "0", "skipped": "0"})
    properties = etree.SubElement(suite, "properties")
    etree.SubElement(properties, "property", name="title", value=_clean(title))
    etree.SubElement(properties, "property", name="severity", value=ctx.checks[check_id]["severity"])
    if not files:
        etree.SubElement(suite, "testcase", name="(all files)", classname=check_id)
    for file, group in files:
        case = etree.SubElement(suite, "testcase", name=_clean(file), classname=check_id, file=_clean(file))
        worst = max(group, key=lambda f: severity_rank(f.severity)).severity
        body = _clean("\n".join(_line(f) for f in group))
        if worst == "info":
            etree.SubElement(case, "system-out").text = body
        else:
            failure = etree.SubElement(case, "failure", type=worst,
                                       message=_clean(f"{len(group)} {check_id} finding(s) ({title})"))
            failure.text = body
    return suite, failed


def render_junit(ctx: ReportContext) -> Iterator[str]:
    """A testsuite per check that ran, a testcase per file."""
    by_check: dict[str, list[Finding]] = {}
    for finding in ctx.findings:
        by_check.setdefault(finding.check, []).append(finding)
    suites = [_suite(ctx, check_id, by_check.get(check_id, [])) for check_id in ctx.summary["checks_run"]]
    root = etree.Element("testsuites", {"name": "tmpipe qa",
                                        "tests": str(sum(int(s.get("tests")) for s, _ in suites)),
                                        "failures": str(sum(failed for _, failed in suites))})
    root.extend(suite for suite, _ in suites)
    yield etree.tostring(root, xml_declaration=True, encoding="utf-8").decode("utf-8")


JUNIT = register(Report("junit", "junit.xml", "qa/junit.xml: a testsuite per check, a testcase per file, for CI test views",
                        render_junit))
