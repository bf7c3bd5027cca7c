"""Helpers for the QA tests: the planted-defect fixture corpus and its expectations.

Every planted case in ``tests/fixtures/qa/corpus`` is announced by a comment on
the line before its pair: ``<!-- expect CHECK [SEVERITY] -->`` (the check must
report that segment) or ``<!-- clean CHECK -->`` (a near miss it must not report).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

QA_FIXTURES = Path(__file__).resolve().parent / "fixtures" / "qa"
QA_CORPUS = QA_FIXTURES / "corpus"
QA_ENGLISH = QA_FIXTURES / "english"
QA_CONFIG = QA_FIXTURES / "tmpipe.toml"

_MARK = re.compile(r"<!-- (expect|clean) ([a-z-]+)(?: (error|warning|info))? -->")
_ID = re.compile(r'data-ttu-id="([^"]+)"')


@dataclass(frozen=True)
class Case:
    """One planted expectation."""

    expect: bool
    check: str
    severity: str | None
    file: str
    line: int
    id: str

    def __str__(self) -> str:
        return f"{'expect' if self.expect else 'clean'}-{self.check}-{self.file}:{self.line}"


def cases() -> list[Case]:
    """Every expectation written in the fixture corpus, in file order."""
    found = []
    for path in sorted(QA_CORPUS.rglob("*.md")):
        lines = path.read_text(encoding="utf-8").splitlines()
        rel = path.relative_to(QA_CORPUS).as_posix()
        for i, line in enumerate(lines):
            mark = _MARK.search(line)
            if mark:
                seg = _ID.search(lines[i + 1])
                assert seg, f"{rel}:{i + 1}: a QA mark must precede a pair"
                found.append(Case(mark.group(1) == "expect", mark.group(2), mark.group(3), rel, i + 2,
                                  seg.group(1)))
    return found
