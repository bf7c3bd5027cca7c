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
    return _sig(code.kind, code.type, code.raw)


def _sig(kind: str, type_: str, raw: str) -> str:
    if type_ in _EXACT and kind == "standalone":
        return f"{type_}:{raw}"
    if type_ in ("html", "span", "ulined", "sup", "sub", "lb") or raw.startswith("<"):
        match = _TAG.match(raw)
        name = match.group(1).lower() if match else type_
        if type_ in ("bold", "italic", "link", "image", "code"):
            name = type_
        return f"{kind}:{name}"
    return f"{kind}:{type_}"


def signatures(segment: Segment) -> Counter[str]:
    """The multiset of code signatures of a segment."""
    return Counter(_signature(code) for code in segment.codes)


def _stray(segment: Segment) -> Counter[str]:
    found = [m.group().strip() for run in segment.runs if isinstance(run, Text) for m in _STRAY.finditer(run.raw)]
    return Counter(found) if found else Counter()


def _target_stray(seg: QaSegment) -> Counter[str]:
    """``_stray(seg.target)``, looked for run by run only when the text may hold broken markup:
    without ``&`` in the target its text runs are written as read, so no ``_STRAY`` in their
    joined text (the stored ``target_text``) means none in any of them."""
    if "&" not in seg.row.target_raw and _STRAY.search(seg.row.target_text) is None:
        return Counter()
    return _stray(seg.target)


@check("markup-mismatch", severity="error")
def markup_mismatch(seg: QaSegment, ctx: CheckContext) -> Iterator[Finding]:
    """Inline markup differs between source and target (missing, extra or broken pairs)."""
    source_raw, target_raw = seg.row.source_raw, seg.row.target_raw
    if source_raw == target_raw:
        return  # the same text, the same codes
    if not seg.target_codes and not seg.source_codes and _STRAY.search(seg.row.target_text) is None \
            and "&" not in target_raw:
        return  # no markup on either side, and none left as text
    have = signatures(seg.target)
    if not have and "<" not in target_raw and "*" not in target_raw and not seg.source_codes:
        return
    want = signatures(seg.source)
    target_stray = _target_stray(seg)
    if want == have and not target_stray:
        return
    stray = target_stray - _stray(seg.source) if target_stray else target_stray
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
