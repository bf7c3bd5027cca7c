"""The memo of QA's segment findings: an article's findings, recalled by the next run with the same settings.

Kept in ``OUT/.tmpipe-cache/qa-memo.sqlite`` (:class:`~pipeline.store.Memo`), keyed by locale and
article path, scoped by the digest of the segment checks' settings
(:func:`~pipeline.qa.settings_digest`).  Each entry holds the article's content hash, what the
corpus facts said of its sources and its findings, as JSON: a rebuild checks only the articles
whose content changed (or whose sources the facts now judge otherwise).  An article whose findings
would not read back equal is not stored (and so checked on every run).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from ..qa import Finding, Recalled
from ..rows import ArticleKey
from ..store import Memo

__all__ = ["QaMemo", "decode", "encode"]

_WRITE_BATCH = 200  # articles kept at a time


def encode(article: ArticleKey, facts: list[tuple[str, str]], findings: Sequence[Finding]) -> str | None:
    """An article's entry as JSON, or None when its findings do not read back equal."""
    entry = {"sha256": article.sha256, "facts": [list(fact) for fact in facts],
             "findings": [[f.check, f.severity, f.line, f.id, f.source, f.target, f.message, f.extra, f.key]
                          for f in findings]}
    try:
        text = json.dumps(entry, ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError):
        return None
    # JSON keeps int, float and bool apart, but not tuples and lists, nor int and str keys
    return text if json.loads(text) == entry else None


def decode(text: str, locale: str, article: ArticleKey) -> Recalled | None:
    """The entry :func:`encode` stored, or None when it was kept for other content."""
    entry = json.loads(text)
    if entry["sha256"] != article.sha256:
        return None
    return Recalled([(source, said) for source, said in entry["facts"]],
                    [Finding(check, severity, locale, article.path, line, seg_id, source, target, message, extra, key)
                     for check, severity, line, seg_id, source, target, message, extra, key in entry["findings"]])


def _key(locale: str, path: str) -> bytes:
    return f"{locale}\0{path}".encode()


class QaMemo:
    """A :class:`~pipeline.qa.ArticleMemo` in a memo file."""

    def __init__(self, path: Path, scope: str) -> None:
        self.memo = Memo(path, scope)
        self._pending: list[tuple[bytes, str]] = []

    def recall(self, locale: str, articles: Sequence[ArticleKey]) -> dict[str, Recalled]:
        stored = self.memo.get(_key(locale, article.path) for article in articles)
        found = {}
        for article in articles:
            text = stored.get(_key(locale, article.path))
            if text is None:
                continue
            try:
                kept = decode(text, locale, article)
            except (ValueError, TypeError, KeyError):  # not what encode() writes: check the article again
                continue
            if kept is not None:
                found[article.path] = kept
        return found

    def keep(self, locale: str, article: ArticleKey, facts: list[tuple[str, str]], findings: Sequence[Finding]) -> None:
        text = encode(article, facts, findings)
        if text is not None:
            self._pending.append((_key(locale, article.path), text))
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
