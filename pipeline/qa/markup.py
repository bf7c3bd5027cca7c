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

from ..extract.inline import _START, parse_segment  # _START: what every inline code starts with
from ..model import Code, Segment, Text
from .findings import Finding
from .registry import CheckContext, QaSegment, check, source_memo

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
    found = [m.group().strip() for run in segment.runs if isinstance(run, Text) for m in _STRAY.finditer(run.raw)]
    return Counter(found) if found else Counter()


@source_memo
def _source_signatures(raw: str) -> Counter[str]:
    """Signatures of a source's codes (read-only: shared by every unit with this source)."""
    return signatures(parse_segment(raw))


@source_memo
def _source_stray(raw: str) -> Counter[str]:
    """Broken markup of a source (read-only: shared by every unit with this source)."""
    return _stray(parse_segment(raw))


def _target_stray(seg: QaSegment) -> Counter[str]:
    """``_stray(seg.target)``, parsing only when the text may hold broken markup: without ``&`` in
    the target its text runs are written as read, so no ``_STRAY`` in their joined text (the
    stored ``target_text``) means none in any of them."""
    if "&" not in seg.row.target_raw and _STRAY.search(seg.row.target_text) is None:
        return Counter()
    return _stray(seg.target)


@check("markup-mismatch", severity="error")
def markup_mismatch(seg: QaSegment, ctx: CheckContext) -> Iterator[Finding]:
    """Inline markup differs between source and target (missing, extra or broken pairs)."""
    source_raw, target_raw = seg.row.source_raw, seg.row.target_raw
    if _START.search(source_raw) is None and _START.search(target_raw) is None:
        return  # neither side holds markup (nor a "<" or "*")
    if source_raw == target_raw:
        return  # the same text parses the same
    target_codes = seg.target_codes
    if not target_codes and "<" not in target_raw and "*" not in target_raw and not seg.source_codes:
        return
    want = _source_signatures(source_raw)
    have, target_stray = Counter(map(_signature, target_codes)), _target_stray(seg)
    if want == have and not target_stray:
        return
    stray = target_stray - _source_stray(source_raw) if target_stray else target_stray
    missing, extra = want - have, have - want
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
