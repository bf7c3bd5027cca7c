# cython: language_level=3, boundscheck=False, wraparound=False, initializedcheck=False
"""The compiled twin of ``xliff2.py``'s part renderer, ``_article``: one article's ``<file>``.

``xliff2.py`` is the reference: this module writes the same text and counts for any part
(``tests/test_core_export.py`` holds it to that), and its docstring states the principles.  The
``<file>`` header (once per article), the code types and text holding characters XML forbids
(written as ``<cp>``) are the reference's own.
"""

from pipeline.ccommon cimport TMPIPE_SOURCE_SHA256
from pipeline.export.cxml cimport ATTR, CLEAN, escape, has_illegal

from pipeline.model import Code, Text
from pipeline.output import Rendered
from pipeline.export.ccodes import link_codes, well_nested
from pipeline.export.names import unique_id
from pipeline.export.xliff2 import _NMTOKEN, _Text, _file_start, _state, _types
from pipeline.export.xml import Cleaner

__all__ = ["_article"]

#: The SHA-256 of this file when it was built (see ccommon.pxd).
SOURCE_SHA256 = TMPIPE_SOURCE_SHA256.decode("ascii")

cdef object _fullmatch_nmtoken = _NMTOKEN.fullmatch


cdef str _text(str text, Py_ssize_t* cps):
    """``xliff2._Text``: escaped, the characters XML forbids as ``<cp hex>`` (counted)."""
    cdef Py_ssize_t ignored = 0
    if not has_illegal(text):
        return escape(text, 0, &ignored)
    writer = _Text()
    written = writer(text)
    cps[0] += writer.cps
    return written


cdef str _content(tuple runs, dict ids, dict data, Py_ssize_t* cps):
    """``xliff2._content``: text, ``pc``/``ph`` (or ``sc``/``ec``) referring to ``data``."""
    cdef bint nested = well_nested(runs)
    cdef list out = []
    cdef dict ends
    if nested:
        ends = {run.pair: run.raw for run in runs if isinstance(run, Code) and run.kind == "end"}
    for run in runs:
        if isinstance(run, Text):
            out.append(_text(run.raw, cps))
            continue
        kind = run.kind
        if kind == "standalone":
            out.append(f'<ph id="{ids[run.pair]}" dataRef="{data[run.raw]}" {_types(run.type)}></ph>')
        elif not nested:
            if kind == "end":
                out.append(f'<ec startRef="{ids[run.pair]}" dataRef="{data[run.raw]}"></ec>')
            else:
                out.append(f'<sc id="{ids[run.pair]}" dataRef="{data[run.raw]}" {_types(run.type)}></sc>')
        elif kind == "begin":
            out.append(f'<pc id="{ids[run.pair]}" dataRefStart="{data[run.raw]}"'
                       f' dataRefEnd="{data[ends[run.pair]]}" {_types(run.type)}>')
        else:
            out.append("</pc>")
    return "".join(out)


cdef inline bint _one_text(tuple runs):
    return len(runs) == 0 or (len(runs) == 1 and type(runs[0]) is not Code)


cdef tuple _body(row, Py_ssize_t* cps):
    """``xliff2._body``: ``(originalData element, source content, target content)``."""
    cdef tuple source = row.source.runs, target = row.target.runs
    cdef dict data
    if _one_text(source) and _one_text(target):
        return "", _text(source[0].raw, cps) if source else "", _text(target[0].raw, cps) if target else ""
    src_ids, tgt_ids = link_codes(source, target)
    data = {}
    for run in source + target:
        if type(run) is Code:
            data.setdefault(run.raw, f"d{len(data) + 1}")
    source_xml = _content(source, src_ids, data, cps)
    target_xml = _content(target, tgt_ids, data, cps)
    original = "".join([f'\n        <data id="{data_id}">{_text(raw, cps)}</data>' for raw, data_id in data.items()])
    if original:
        original = f"\n      <originalData>{original}\n      </originalData>"
    return original, source_xml, target_xml


def _article(part):
    """One article's ``<file>``, each occurrence a ``unit`` (``xliff2._article``)."""
    cdef list rows = part.rows, out
    cdef Py_ssize_t count, counted = 0, cps = 0, ignored = 0
    cdef set seen = set()
    header = Cleaner()
    out = [_file_start(part, header)]
    count = header.count
    article = rows[0].article
    path = escape(article.path, CLEAN, &counted)
    type_note = (f'\n        <note category="translation-type">{escape(article.translation_type, CLEAN, &counted)}</note>'
                 if article.translation_type else "")
    mt = article.translation_type == "MT"
    for row in rows:
        count += counted
        seg_id = row.id
        unit_id = seg_id if _fullmatch_nmtoken(seg_id) else "unit"
        if unit_id in seen:
            unit_id = unique_id(unit_id, seen)
        else:
            seen.add(unit_id)
        original, source, target = _body(row, &cps)
        state = _state(row, mt)
        out.append(f'\n    <unit id="{escape(unit_id, ATTR, &ignored)}" name="{escape(seg_id, ATTR | CLEAN, &count)}"'
                   f' xml:space="preserve">'
                   f'\n      <notes>'
                   f'\n        <note category="location">{path}:{row.line}</note>{type_note}'
                   f'\n      </notes>{original}'
                   f'\n      <segment {state}>'
                   f'\n        <source>{source}</source>'
                   f'\n        <target>{target}</target>'
                   f'\n      </segment>'
                   f'\n    </unit>')
    out.append("\n  </file>")
    return Rendered("".join(out), {"units": len(rows), "illegal_chars": count + cps})
