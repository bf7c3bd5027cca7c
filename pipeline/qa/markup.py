"""Markup mismatch: the inline codes of the target differ from the source's.

Codes are compared as a multiset of signatures: the type for paired markup
(``bold``, ``link``, ``html:td``…), the exact text for code that must not change
(inline code, ``<xref:…>``, ``[!INCLUDE…]``).  Bold written ``**`` in one side and
``<strong>`` in the other is the same signature.  Markup characters left as text
in the target (``**`` or ``](`` that no longer pair up) are a broken pair.  URLs
are left to ``url-mismatch``.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator

from ..model import Code, Segment, Text
from .findings import Finding
from .registry import CheckContext, QaSegment, check

__all__ = ["markup_mismatch", "signatures"]

_TAG = re.compile(r"</?\s*([A-Za-z][A-Za-z0-9-]*)")
_EXACT = {"code", "xref", "include"}
_STRAY = re.compile(r"\*\*|__|\]\(|`|</?[A-Za-z][A-Za-z0-9-]*[\s>/]")


def _signature(code: Code) -> str:
    if code.type in _EXACT and code.kind == "standalone":
        return f"{code.type}:{code.raw}"
    if code.type in ("html", "span", "ulined", "sup", "sub", "lb") or code.raw.startswith("<"):
        match = _TAG.match(code.raw)
        name = match.group(1).lower() if match else code.type
        if code.type in ("bold", "italic", "link", "image", "code"):
            name = code.type
        return f"{code.kind}:{name}"
    return f"{code.kind}:{code.type}"


def signatures(segment: Segment) -> Counter[str]:
    """The multiset of code signatures of a segment."""
    return Counter(_signature(code) for code in segment.codes)


def _stray(segment: Segment) -> Counter[str]:
    return Counter(m.group().strip() for run in segment.runs if isinstance(run, Text)
                   for m in _STRAY.finditer(run.raw))


@check("markup-mismatch", severity="error")
def markup_mismatch(seg: QaSegment, ctx: CheckContext) -> Iterator[Finding]:
    """Inline markup differs between source and target (missing, extra or broken pairs)."""
    source, target = seg.source, seg.target
    if not source.codes and not target.codes and "<" not in seg.row.target_raw and "*" not in seg.row.target_raw:
        return
    want, have = signatures(source), signatures(target)
    missing, extra = want - have, have - want
    stray = _stray(target) - _stray(source)
    if not (missing or extra or stray):
        return
    parts = []
    if missing:
        parts.append("missing " + ", ".join(_show(missing)))
    if extra:
        parts.append("extra " + ", ".join(_show(extra)))
    if stray:
        parts.append("broken markup left as text: " + ", ".join(_show(stray)))
    yield seg.finding(ctx, "; ".join(parts), missing=sorted(missing.elements()), extra=sorted(extra.elements()),
                      stray=sorted(stray.elements()))


def _show(counter: Counter[str]) -> list[str]:
    return [f"{name}" + (f" ×{n}" if n > 1 else "") for name, n in sorted(counter.items())]
