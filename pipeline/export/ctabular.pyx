# cython: language_level=3, boundscheck=False, wraparound=False, initializedcheck=False
"""The compiled twin of ``tabular.py``'s ``segment_cells``, ``unit_cells`` and ``_csv``.

``tabular.py`` is the reference (``tests/test_core_export.py`` holds this module to it).  The
cells take each side's raw and plain text from its runs as ``Segment.raw`` and ``Segment.text``
do; ``_csv`` writes rows as ``csv.writer`` does with its default dialect (``excel``: comma,
double quote doubled, CRLF, a field quoted when it holds a comma, a quote, CR or LF; ``None`` as
nothing, a float as its ``repr``, anything else as its ``str``; a row of one empty field as ``""``).
"""

from cpython.unicode cimport PyUnicode_1BYTE_KIND, PyUnicode_2BYTE_KIND, PyUnicode_DATA, PyUnicode_KIND
from libc.stdint cimport uint8_t, uint16_t, uint32_t

from pipeline.ccommon cimport TMPIPE_SOURCE_SHA256, code_unit

import html

from pipeline.model import Text

__all__ = ["_csv", "segment_cells", "unit_cells"]

#: The SHA-256 of this file when it was built (see ccommon.pxd).
SOURCE_SHA256 = TMPIPE_SOURCE_SHA256.decode("ascii")

cdef object _unescape = html.unescape


cdef str _raw(tuple runs):
    """``Segment.raw``."""
    return runs[0].raw if len(runs) == 1 else "".join([run.raw for run in runs])


cdef inline str _plain(str raw):
    """``Text.text``."""
    return _unescape(raw) if "&" in raw else raw


cdef str _text(tuple runs):
    """``Segment.text``."""
    if len(runs) == 1 and type(runs[0]) is Text:
        return _plain(runs[0].raw)
    return "".join([_plain(run.raw) for run in runs if isinstance(run, Text)])


def segment_cells(row):
    """An occurrence's cells, in ``SEGMENT_COLUMNS`` order (``tabular.segment_cells``)."""
    article = row.article
    cdef tuple source = row.source.runs, target = row.target.runs
    return (article.locale, article.path, row.line, row.end_line, row.id, _raw(source), _raw(target),
            _text(source), _text(target), article.translation_type, article.source_commit, article.locfileid,
            article.lasthandoff, article.source_locale, row.unit_id, row.seq, row.origin, row.score)


def unit_cells(unit):
    """A unit's cells, in ``UNIT_COLUMNS`` order (``tabular.unit_cells``)."""
    article = unit.article
    cdef tuple source = unit.source.runs, target = unit.target.runs
    return (unit.id, unit.source_locale, unit.target_locale, _raw(source), _raw(target), _text(source),
            _text(target), unit.repetitions, unit.mt_repetitions, article.path, unit.seg_id, unit.line,
            article.translation_type, article.source_commit, article.locfileid, article.lasthandoff, unit.origin,
            unit.score)


cdef bint _quoted(const code_unit* data, Py_ssize_t size):
    cdef Py_ssize_t i
    cdef Py_UCS4 c
    for i in range(size):
        c = data[i]
        if c == ',' or c == '"' or c == '\r' or c == '\n':
            return True
    return False


cdef str _field(value):
    """One field as ``csv.writer`` writes it."""
    cdef str text
    cdef int kind
    cdef bint quote
    if value is None:
        return ""
    if type(value) is str:
        text = <str>value
    elif isinstance(value, float):
        text = repr(value)
    else:
        text = str(value)
    kind = PyUnicode_KIND(text)
    if kind == PyUnicode_1BYTE_KIND:
        quote = _quoted(<const uint8_t*>PyUnicode_DATA(text), len(text))
    elif kind == PyUnicode_2BYTE_KIND:
        quote = _quoted(<const uint16_t*>PyUnicode_DATA(text), len(text))
    else:
        quote = _quoted(<const uint32_t*>PyUnicode_DATA(text), len(text))
    if not quote:
        return text
    return '"' + text.replace('"', '""') + '"'


def _csv(rows):
    """The rows as CSV text (``tabular._csv``)."""
    cdef list out = [], fields
    for row in rows:
        fields = [_field(value) for value in row]
        if len(fields) == 1 and not fields[0]:
            out.append('""\r\n')
            continue
        out.append(",".join(fields))
        out.append("\r\n")
    return "".join(out)
