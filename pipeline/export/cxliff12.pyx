# cython: language_level=3, boundscheck=False, wraparound=False, initializedcheck=False
"""The compiled twin of ``xliff12.py``'s part renderer, ``_article``: one article's ``<file>``.

``xliff12.py`` is the reference: this module writes the same text and counts for any part
(``tests/test_core_export.py`` holds it to that), and its docstring states the principles.  The
``<file>`` header, written once per article, is the reference's own.
"""

from pipeline.ccommon cimport TMPIPE_SOURCE_SHA256
from pipeline.export.cxml cimport ATTR, CLEAN, clean, clean_runs, escape

from pipeline.model import Code, Text
from pipeline.output import Rendered
from pipeline.export.ccodes import link_codes
from pipeline.export.names import unique_id
from pipeline.export.xliff12 import _FILE_END, _MT_NOTE, _ctype, _file_start, _state
from pipeline.export.xml import Cleaner

__all__ = ["_article"]

#: The SHA-256 of this file when it was built (see ccommon.pxd).
SOURCE_SHA256 = TMPIPE_SOURCE_SHA256.decode("ascii")


cdef str _content(tuple runs, dict ids):
    """``xliff12._content``: text, and ``bpt``/``ept``/``ph`` holding the markup."""
    cdef Py_ssize_t ignored = 0
    cdef list out = []
    for run in runs:
        if type(run) is Text:
            out.append(escape(run.raw, 0, &ignored))
            continue
        id_ = ids[run.pair]
        kind = run.kind
        if kind == "begin":
            out.append(f'<bpt id="{id_}" rid="{id_}" ctype="{_ctype(kind, run.type)}">'
                       f'{escape(run.raw, 0, &ignored)}</bpt>')
        elif kind == "end":
            out.append(f'<ept id="{id_}" rid="{id_}">{escape(run.raw, 0, &ignored)}</ept>')
        else:
            out.append(f'<ph id="{id_}" ctype="{_ctype(kind, run.type)}">{escape(run.raw, 0, &ignored)}</ph>')
    return "".join(out)


cdef inline bint _one_text(tuple runs):
    return len(runs) == 0 or (len(runs) == 1 and type(runs[0]) is not Code)


cdef tuple _contents(row, Py_ssize_t* count):
    """``xliff12._contents``: source and target content, cleaned."""
    cdef Py_ssize_t ignored = 0
    cdef tuple source = clean_runs(row.source.runs, count), target = clean_runs(row.target.runs, count)
    if _one_text(source) and _one_text(target):
        return (escape(source[0].raw, 0, &ignored) if source else "",
                escape(target[0].raw, 0, &ignored) if target else "")
    src_ids, tgt_ids = link_codes(source, target)
    return _content(source, src_ids), _content(target, tgt_ids)


def _article(part, str src, str tgt):
    """One article's ``<file>``, each occurrence a ``trans-unit`` (``xliff12._article``)."""
    cdef list rows = part.rows, out
    cdef Py_ssize_t count, counted = 0, illegal, ignored = 0
    cdef set seen = set()
    header = Cleaner()
    out = [_file_start(part.values["signature"], rows[0], src, tgt, header)]
    count = header.count
    article = rows[0].article
    path = escape(article.path, CLEAN, &counted)
    mt = article.translation_type == "MT"
    label = _MT_NOTE if mt else clean(article.translation_type or "", &counted)
    note = f'\n        <note from="tmpipe">{escape(label, 0, &ignored)}</note>' if label else ""
    for row in rows:
        illegal = count
        resname = clean(row.id, &count)
        count += count - illegal + counted  # the id is cleaned twice; path and note again
        unit_id = resname or "segment"
        if unit_id in seen:
            unit_id = unique_id(unit_id, seen)
        else:
            seen.add(unit_id)
        resname_attr = escape(resname, ATTR, &ignored)
        source, target = _contents(row, &count)
        state = _state(row, mt)
        out.append(f'\n      <trans-unit id="{resname_attr if unit_id is resname else escape(unit_id, ATTR, &ignored)}"'
                   f' resname="{resname_attr}" xml:space="preserve">'
                   f'\n        <source>{source}</source>'
                   f'\n        <target {state} xml:lang="{tgt}">{target}</target>'
                   f'\n        <context-group purpose="location">'
                   f'\n          <context context-type="sourcefile">{path}</context>'
                   f'\n          <context context-type="linenumber">{row.line}</context>'
                   f'\n        </context-group>{note}'
                   f'\n      </trans-unit>')
    out.append(_FILE_END)
    return Rendered("".join(out), {"units": len(rows), "illegal_chars": count})
