"""Reports written part by part: a part's rendering is copied from the previous report while
its key is unchanged.

A QA run hands the reports its listed findings by part (:class:`~pipeline.qa.kept.Kept`), each
with a key that names exactly the findings it lists.  The list-like reports (``qa-json``,
``sarif``, ``qa-html``) write each part's findings as one fragment of the file through a
:class:`~pipeline.export.splice.Splicer`, as the exports write articles: a rebuild copies the
fragments of every part whose key did not change, and only reads and renders the others.
A stored part that is copied is never read from the cache.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

from ..export.splice import Splicer
from ..qa.findings import Finding
from ..qa.kept import Kept

__all__ = ["listed", "write_parts"]


def listed(parts: Iterable[Kept], limit: int | None = None) -> Iterator[tuple[Kept, int]]:
    """``(part, n)`` for each part with findings, ``n`` of them listed (all, until ``limit``
    findings in all)."""
    written = 0
    for part in parts:
        count = part.count
        if not count:
            continue
        if limit is not None and written + count > limit:
            if written < limit:
                yield part, limit - written
            return
        yield part, count
        written += count


def write_parts(doc: Splicer, parts: Iterable[Kept], render: Callable[[list[Finding]], str], *,
                first: str, sep: str, limit: int | None = None) -> int:
    """Write the findings of ``parts`` into ``doc``, one fragment per part: copied from the
    previous file when the part's key is the recorded one, else ``render(findings)`` (the
    findings joined by ``sep``).  ``first`` goes before the first finding and ``sep`` between
    two; at most ``limit`` findings.  Returns how many were written."""
    written = 0
    for part, n in listed(parts, limit):
        # the separator before a part is part of its fragment: runs of copied fragments are one copy
        lead = sep if written else first
        key = None if part.key is None else f"{part.key}/{n}/{lead == first}"
        if key is None or doc.reuse(part.name, key, {}) is None:
            doc.add(part.name, key or "", lead + render(part.findings()[:n]), None, n)
        written += n
    return written
