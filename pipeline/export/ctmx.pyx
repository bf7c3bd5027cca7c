# cython: language_level=3, boundscheck=False, wraparound=False, initializedcheck=False
"""The compiled twin of ``tmx.py``'s part renderer, ``_tus``: the ``tu`` of each unit an article shows first.

``tmx.py`` is the reference: this module writes the same text and counts for any part
(``tests/test_core_export.py`` holds it to that), and its docstring states the principles.  Here
the same steps run as C over each side's runs, escaping and cleaning with ``cxml``; what units of
an article share is written once, as there.
"""

from pipeline.ccommon cimport TMPIPE_SOURCE_SHA256
from pipeline.export.cxml cimport ATTR, CLEAN, clean_runs, escape

import json

from pipeline.model import Text
from pipeline.output import Rendered
from pipeline.export.ccodes import link_codes
from pipeline.export.names import translation_label
from pipeline.export.tmx import _MERGED_PARAGRAPH, PAIRED_TYPES, PLACEHOLDER_TYPES

__all__ = ["_tus"]

#: The SHA-256 of this file when it was built (see ccommon.pxd).
SOURCE_SHA256 = TMPIPE_SOURCE_SHA256.decode("ascii")

cdef dict EMPTY_IDS = {}
cdef object _search_merged = _MERGED_PARAGRAPH.search
cdef object _dumps = json.dumps


cdef str _code_type(str kind, str type_):
    cdef Py_ssize_t ignored = 0
    table = PAIRED_TYPES if kind != "standalone" else PLACEHOLDER_TYPES
    return escape(table.get(type_) or f"x-{type_}", ATTR, &ignored)


cdef str _prop(str type_, str value, str indent, Py_ssize_t* count):
    """A ``prop`` element; ``value`` cleaned here, counted in ``count``."""
    return f'\n{indent}<prop type="{type_}">{escape(value, CLEAN, count)}</prop>'


cdef str _tuv(str lang, tuple seg):
    cdef Py_ssize_t ignored = 0
    lead, content, trail = seg
    props = ""
    if lead:
        props = _prop("x-leading-whitespace", _dumps(lead), "        ", &ignored)
    if trail:
        props += _prop("x-trailing-whitespace", _dumps(trail), "        ", &ignored)
    return f'\n      <tuv xml:lang="{lang}">{props}\n        <seg>{content}</seg>\n      </tuv>'


cdef str _code_xml(code, str raw, dict ids):
    cdef Py_ssize_t ignored = 0
    cdef str kind = code.kind
    if kind == "begin":
        return (f'<bpt i="{code.pair}" x="{ids[code.pair]}" type="{_code_type(kind, code.type)}">'
                f'{escape(raw, 0, &ignored)}</bpt>')
    if kind == "end":
        return f'<ept i="{code.pair}">{escape(raw, 0, &ignored)}</ept>'
    return f'<ph x="{ids[code.pair]}" type="{_code_type(kind, code.type)}">{escape(raw, 0, &ignored)}</ph>'


cdef void _tuck(tuple runs, list raws, Py_ssize_t first, Py_ssize_t stop, Py_ssize_t step, bint forward):
    """``tmx._tuck``: the whitespace between the codes at one end and the first text into the
    nearest code."""
    cdef Py_ssize_t index = first, code_at = -1
    cdef str raw, kept
    while index != stop:
        if type(runs[index]) is not Text:
            code_at = index
        elif raws[index]:
            if code_at < 0:
                return
            raw = raws[index]
            kept = raw.lstrip() if forward else raw.rstrip()
            if len(kept) < len(raw):
                if forward:
                    raws[code_at] = raws[code_at] + raw[:len(raw) - len(kept)]
                else:
                    raws[code_at] = raw[len(kept):] + raws[code_at]
                raws[index] = kept
            if kept:
                return
        index += step


cdef tuple _seg(tuple runs, dict ids):
    """``tmx._seg``: ``(leading whitespace, seg content, trailing whitespace)``."""
    cdef Py_ssize_t ignored = 0, last, at
    cdef str text, kept, core, lead, trail
    cdef list raws, out
    if len(runs) == 1 and type(runs[0]) is Text:
        text = runs[0].raw
        kept = text.lstrip()
        core = kept.rstrip()
        return text[:len(text) - len(kept)], escape(core, 0, &ignored), kept[len(core):]
    if not runs:
        return "", "", ""
    raws = [run.raw for run in runs]
    last = len(raws) - 1
    lead = trail = ""
    if type(runs[0]) is Text:
        kept = raws[0].lstrip()
        lead = raws[0][:len(raws[0]) - len(kept)]
        raws[0] = kept
    if type(runs[last]) is Text:
        kept = raws[last].rstrip()
        trail = raws[last][len(kept):]
        raws[last] = kept
    if type(runs[0]) is not Text or not raws[0]:
        _tuck(runs, raws, 0, last + 1, 1, True)
    if type(runs[last]) is not Text or not raws[last]:
        _tuck(runs, raws, last, -1, -1, False)
    out = []
    for at in range(last + 1):
        run = runs[at]
        out.append(escape(raws[at], 0, &ignored) if type(run) is Text else _code_xml(run, raws[at], ids))
    return lead, "".join(out), trail


cdef inline bint _plain(tuple runs):
    return len(runs) <= 1 and (not runs or type(runs[0]) is Text)


cdef tuple _sides(unit, Py_ssize_t* count):
    cdef tuple source = clean_runs(unit.source.runs, count), target = clean_runs(unit.target.runs, count)
    if _plain(source) and _plain(target):
        return _seg(source, EMPTY_IDS), _seg(target, EMPTY_IDS)
    src_ids, tgt_ids = link_codes(source, target)
    return _seg(source, src_ids), _seg(target, tgt_ids)


def _tus(part, str src_lang, str tgt_lang):
    """The ``tu`` of each unit an article shows first (``tmx._tus``)."""
    cdef Py_ssize_t count = 0, counted = 0
    cdef list units = part.rows, out = []
    if not units:
        return Rendered("", {"units": 0, "illegal_chars": 0})
    article = units[0].article
    file_prop = _prop("x-file", article.path, "      ", &counted) if article.path else ""
    meta = "".join([_prop(type_, value, "      ", &counted) for type_, value in (
        ("x-source-commit", article.source_commit), ("x-locfileid", article.locfileid),
        ("x-lasthandoff", article.lasthandoff)) if value])
    translation_type = article.translation_type
    for unit in units:
        count += counted  # the article's props count as written (so cleaned) for every unit
        repetitions, mt_repetitions, seg_id = unit.repetitions, unit.mt_repetitions, unit.seg_id
        label = translation_label(translation_type, repetitions, mt_repetitions)
        props = (f'{file_prop}{_prop("x-id", seg_id, "      ", &count) if seg_id else ""}'
                 f'\n      <prop type="x-line">{unit.line}</prop>'
                 f'{_prop("x-translation-type", label, "      ", &count) if label else ""}{meta}'
                 f'\n      <prop type="x-repetitions">{repetitions}</prop>'
                 + (f'\n      <prop type="x-mt-repetitions">{mt_repetitions}</prop>' if mt_repetitions else "")
                 + (f'\n      <prop type="x-origin">aligned</prop>\n      <prop type="x-align-score">'
                    f'{unit.score:.3f}</prop>' if unit.origin == "aligned" and unit.score is not None else ""))
        source, target = _sides(unit, &count)
        segtype = ' segtype="paragraph"' if _search_merged(seg_id) else ""
        out.append(f'\n    <tu tuid="{unit.key.hex()}" usagecount="{repetitions}"{segtype}>{props}'
                   f'{_tuv(src_lang, source)}{_tuv(tgt_lang, target)}\n    </tu>')
    return Rendered("".join(out), {"units": len(units), "illegal_chars": count})
