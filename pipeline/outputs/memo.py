"""The memo of QA's segment findings: a unit's findings, recalled by the next run with the same settings.

Kept in ``OUT/.tmpipe-cache/qa-memo.sqlite`` (:class:`~pipeline.store.Memo`), keyed by the unit's
key (its locales and texts) with what the corpus facts say of its source, scoped by the digest of
the segment checks' settings (:func:`~pipeline.qa.settings_digest`): a rebuild checks only the
units it has not seen.
Findings are stored as JSON; a unit whose findings would not read back equal is not stored
(and so checked on every run).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from ..qa import Finding
from ..rows import QaUnit, QaUnitKey
from ..store import Memo

__all__ = ["QaMemo", "decode", "encode"]

_WRITE_BATCH = 1000


def encode(findings: Sequence[Finding], source_raw: str, target_raw: str) -> str | None:
    """A unit's findings as JSON (``""`` for none), or None when they do not read back equal.

    The source and target are left out when they are the unit's own (they nearly always are)."""
    if not findings:
        return ""
    rows = [[f.check, f.severity, f.locale, None if f.source == source_raw else f.source,
             None if f.target == target_raw else f.target, f.message, f.extra, f.key] for f in findings]
    try:
        text = json.dumps(rows, ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError):
        return None
    # JSON keeps int, float and bool apart, but not tuples and lists, nor int and str keys
    return text if json.loads(text) == rows else None


def decode(text: str, source_raw: str, target_raw: str) -> tuple[Finding, ...]:
    """The findings :func:`encode` stored (location fields blank, as a segment check leaves them)."""
    if not text:
        return ()
    return tuple(Finding(check, severity, locale, "", 0, "", source_raw if source is None else source,
                         target_raw if target is None else target, message, extra, key)
                 for check, severity, locale, source, target, message, extra, key in json.loads(text))


class QaMemo:
    """A :class:`~pipeline.qa.UnitMemo` in a memo file."""

    def __init__(self, path: Path, scope: str) -> None:
        self.memo = Memo(path, scope)
        self._pending: list[tuple[bytes, str]] = []

    def recall(self, units: Sequence[tuple[bytes, QaUnitKey]]) -> dict[bytes, tuple[Finding, ...]]:
        stored = self.memo.get(key for key, _ in units)
        found = {}
        for key, unit in units:
            text = stored.get(key)
            if text is None:
                continue
            try:
                found[key] = decode(text, unit.source_raw, unit.target_raw)
            except (ValueError, TypeError):  # not what encode() writes: check the unit again
                continue
        return found

    def keep(self, key: bytes, unit: QaUnit, findings: Sequence[Finding]) -> None:
        text = encode(findings, unit.source_raw, unit.target_raw)
        if text is not None:
            self._pending.append((key, text))
            if len(self._pending) >= _WRITE_BATCH:
                self.memo.put(self._pending)
                self._pending = []

    def commit(self) -> None:
        """Keep what this run checked (call once the run succeeded)."""
        self.memo.put(self._pending)
        self._pending = []
        self.memo.commit()

    def close(self) -> None:
        self.memo.close()
