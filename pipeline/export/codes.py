"""Inline codes across the two sides of a unit: ids that link them, and whitespace at the edges.

1. **Outer whitespace** (``str.isspace`` characters, NBSP included) is moved out of TMX
   segments and PO messages: :func:`trim_runs` takes it off the first and last text runs,
   and the exporter stores it beside the segment so the raw text can still be rebuilt.
2. **Inline codes** keep their original markup as their content; a target code gets the
   id of the source code it corresponds to (:func:`link_codes`), so tools can match codes
   across languages.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..model import Code, Run, Text

__all__ = ["link_codes", "trim_runs", "tuck_edge_whitespace", "well_nested"]


def trim_runs(runs: tuple[Run, ...]) -> tuple[str, tuple[Run, ...], str]:
    """``(leading, runs, trailing)``: outer whitespace of the first/last text runs taken off.

    Only text runs at the very edges are trimmed; whitespace inside a leading
    code's content stays where it is.  ``leading + raw(runs) + trailing`` is the
    original raw text.
    """
    lead = trail = ""
    out = list(runs)
    if out and isinstance(out[0], Text):
        raw = out[0].raw
        kept = raw.lstrip()
        lead = raw[:len(raw) - len(kept)]
        out[0] = Text(kept)
    if out and isinstance(out[-1], Text):
        raw = out[-1].raw
        kept = raw.rstrip()
        trail = raw[len(kept):]
        out[-1] = Text(kept)
    return lead, tuple(r for r in out if not (isinstance(r, Text) and not r.raw)), trail


def _logical(runs: Iterable[Run]) -> list[tuple[int, str, str, str]]:
    """``(pair, class, type, markup)`` per code in order of its start; markup joins both halves."""
    found: dict[int, list[str]] = {}
    order: list[tuple[int, str, str]] = []
    for run in runs:
        if not isinstance(run, Code):
            continue
        if run.kind == "end":
            found.setdefault(run.pair, []).append(run.raw)
            continue
        found[run.pair] = [run.raw]
        order.append((run.pair, "paired" if run.kind == "begin" else "standalone", run.type))
    return [(pair, cls, type_, "\0".join(found[pair])) for pair, cls, type_ in order]


def link_codes(source: Iterable[Run], target: Iterable[Run]) -> tuple[dict[int, int], dict[int, int]]:
    """Ids linking corresponding codes: ``({source pair: id}, {target pair: id})``.

    A source code's id is its pair number.  A target code takes the id of the
    first unused source code with the same markup, else with the same kind and
    type; codes with no counterpart get fresh ids above every source id.
    """
    source_codes = [run for run in source if type(run) is Code]
    target_codes = [run for run in target if type(run) is Code]
    if source_codes == target_codes:  # the same codes in the same order (most units): ids as they are
        ids = {code.pair: code.pair for code in source_codes}
        return ids, ids.copy()
    src, tgt = _logical(source_codes), _logical(target_codes)
    src_ids = {pair: pair for pair, *_ in src}
    tgt_ids: dict[int, int] = {}
    used: set[int] = set()
    for exact in (True, False):
        for pair, cls, type_, markup in tgt:
            if pair in tgt_ids:
                continue
            for s_pair, s_cls, s_type, s_markup in src:
                if s_pair not in used and s_cls == cls and s_type == type_ and (not exact or s_markup == markup):
                    tgt_ids[pair] = s_pair
                    used.add(s_pair)
                    break
    fresh = max(src_ids.values(), default=0)
    for pair, *_ in tgt:
        if pair not in tgt_ids:
            fresh += 1
            tgt_ids[pair] = fresh
    return src_ids, tgt_ids


def well_nested(runs: Iterable[Run]) -> bool:
    """Whether every begin/end pair closes in the reverse order it opened."""
    stack: list[int] = []
    for run in runs:
        if isinstance(run, Code) and run.kind == "begin":
            stack.append(run.pair)
        elif isinstance(run, Code) and run.kind == "end":
            if not stack or stack.pop() != run.pair:
                return False
    return not stack


def tuck_edge_whitespace(runs: tuple[Run, ...]) -> tuple[Run, ...]:
    """Move whitespace that separates leading/trailing codes from the text into those codes.

    ``[ph, Text(" requires")]`` becomes ``[ph + " ", Text("requires")]`` and
    ``[Text("value: "), ph]`` becomes ``[Text("value:"), " " + ph]``; the raw text
    (all runs joined) is unchanged.
    """
    out = list(runs)
    for forward in (True, False):
        order = range(len(out)) if forward else range(len(out) - 1, -1, -1)
        code_at = None
        for index in order:
            run = out[index]
            if isinstance(run, Code):
                code_at = index
                continue
            if code_at is None:
                break
            kept = run.raw.lstrip() if forward else run.raw.rstrip()
            moved = run.raw[:len(run.raw) - len(kept)] if forward else run.raw[len(kept):]
            code = out[code_at]
            assert isinstance(code, Code)
            out[code_at] = Code(code.kind, code.type, code.raw + moved if forward else moved + code.raw, code.pair)
            out[index] = Text(kept)
            if kept:
                break
    return tuple(run for run in out if not (isinstance(run, Text) and not run.raw))
