# cython: language_level=3, boundscheck=False, wraparound=False, initializedcheck=False
"""The compiled twin of ``spans.py`` (``scan_pairs``) and of ``document.illegal_chars``.

``spans.py`` is the reference: this module gives the same Pairs and Anomalies for any text
(``tests/test_core.py`` and the fuzz target hold it to that), and its docstring states the
rules.  Here the same rules are written as loops over the text's characters with C integers, in
place of regular expressions and slices: each recognizer below names the pattern of the
reference it stands for.  The rare paths (an anomaly's kind and message, its snippet, the twins
of quote-broken markup) call the reference; segments are ``cinline``'s.  ``pipeline.core``
decides whether it is used.
"""

from cpython.object cimport PyObject_GenericSetAttr, PyTypeObject
from cpython.unicode cimport PyUnicode_1BYTE_KIND, PyUnicode_2BYTE_KIND, PyUnicode_DATA, PyUnicode_KIND
from libc.stdint cimport uint8_t, uint16_t, uint32_t

from pipeline.ccommon cimport TMPIPE_SOURCE_SHA256, code_unit

from pipeline.model import Pair
from pipeline.extract.cinline import model_fields, parse_segment
from pipeline.extract.spans import (LineIndex, _malformed, _mismatch, _orphan_source, _quoted_twins,
                                    _unterminated)

__all__ = ["illegal_chars", "scan_pairs"]

#: The SHA-256 of this file when it was built (see ccommon.pxd).
SOURCE_SHA256 = TMPIPE_SOURCE_SHA256.decode("ascii")


cdef str TTU = "data-ttu-id="
cdef str STU = "data-stu-id="
cdef str TWIN = '</span><span class="sxs-lookup"><span data-stu-id="'
cdef str SOURCE_CLOSE = "</span></span>"
cdef Py_ssize_t TWIN_LEN = len(TWIN)
cdef Py_ssize_t STU_LEN = len(STU)


# -- the model's objects (see cinline) ------------------------------------------------------

cdef extern from "Python.h":
    object PyType_GenericAlloc(PyTypeObject* type, Py_ssize_t items)
    void PyObject_GC_UnTrack(object obj)


_PAIR = model_fields(Pair, ("id", "source", "target", "line", "end_line", "origin", "score"))
cdef object PAIR_ORIGIN = _PAIR["origin"], PAIR_SCORE = _PAIR["score"]


cdef object _pair_of(str seg_id, source, target, Py_ssize_t line, Py_ssize_t end_line):
    pair = PyType_GenericAlloc(<PyTypeObject*>Pair, 0)
    PyObject_GenericSetAttr(pair, "id", seg_id)
    PyObject_GenericSetAttr(pair, "source", source)
    PyObject_GenericSetAttr(pair, "target", target)
    PyObject_GenericSetAttr(pair, "line", line)
    PyObject_GenericSetAttr(pair, "end_line", end_line)
    PyObject_GenericSetAttr(pair, "origin", PAIR_ORIGIN)
    PyObject_GenericSetAttr(pair, "score", PAIR_SCORE)
    PyObject_GC_UnTrack(pair)
    return pair


# -- line numbers ---------------------------------------------------------------------------

cdef class _Lines:
    """``LineIndex.line`` for text without CR, counted here; text with CR asks the LineIndex."""

    cdef str text
    cdef object index
    cdef Py_ssize_t offset, line

    def __cinit__(self, str text, index):
        self.text = text
        self.index = index if "\r" in text else None
        self.offset = 0
        self.line = 1

    cdef Py_ssize_t at(self, Py_ssize_t offset) except -1:
        if self.index is not None:
            return self.index.line(offset)
        if offset < self.offset:
            self.offset, self.line = 0, 1
        self.line += self.text.count("\n", self.offset, offset)
        self.offset = offset
        return self.line


# -- the scanner ----------------------------------------------------------------------------

cdef inline bint _id_char(Py_UCS4 c):
    """``[^"<>\\s]``"""
    return c != '"' and c != '<' and c != '>' and not c.isspace()


cdef Py_ssize_t _id_end(str text, Py_ssize_t at, Py_ssize_t limit):
    while at < limit and _id_char(text[at]):
        at += 1
    return at


cdef Py_ssize_t _opening(str text, Py_ssize_t pos, Py_ssize_t* id_end):
    """``_OPEN.match(text, pos - 6)``: the end of ``<span data-ttu-id="ID">``, or -1; ``pos`` is
    where ``data-ttu-id=`` is; the id is ``text[pos + 13:id_end[0]]``."""
    cdef Py_ssize_t size = len(text), end
    if pos < 6 or not text.startswith("<span ", pos - 6) or pos + 13 > size or text[pos + 12] != '"':
        return -1
    end = _id_end(text, pos + 13, size)
    if end == pos + 13 or end + 1 >= size or text[end] != '"' or text[end + 1] != '>':
        return -1
    id_end[0] = end
    return end + 2


cdef Py_ssize_t _twin(str text, Py_ssize_t start, Py_ssize_t limit, Py_ssize_t* id_end):
    """``_TWIN.search(text, start, limit)``: where the first source twin starts, or -1."""
    cdef Py_ssize_t at, end
    if start > limit:
        return -1
    at = text.find(TWIN, start, limit)
    while at >= 0:
        end = _id_end(text, at + TWIN_LEN, limit)
        if end > at + TWIN_LEN and end + 1 < limit and text[end] == '"' and text[end + 1] == '>':
            id_end[0] = end
            return at
        at = text.find(TWIN, at + 1, limit)
    return -1


cdef inline int _span_step(str text, Py_ssize_t at, Py_ssize_t end):
    """+1 for ``<span[\\s>]`` at ``at``, -1 for ``</span>``, 0 otherwise; within ``end``."""
    cdef Py_UCS4 c
    if at + 6 <= end and text[at + 1] == 's' and text[at + 2] == 'p' and text[at + 3] == 'a' \
            and text[at + 4] == 'n':
        c = text[at + 5]
        return 1 if c == '>' or c.isspace() else 0
    if at + 7 <= end and text[at + 1] == '/' and text[at + 2] == 's' and text[at + 3] == 'p' \
            and text[at + 4] == 'a' and text[at + 5] == 'n' and text[at + 6] == '>':
        return -1
    return 0


cdef Py_ssize_t _balance(str text, Py_ssize_t start, Py_ssize_t end):
    """``_balance(text[start:end])[0]``: spans opened minus spans closed."""
    cdef Py_ssize_t depth = 0
    cdef Py_ssize_t at = text.find("<", start, end)
    while at >= 0:
        depth += _span_step(text, at, end)
        at = text.find("<", at + 1, end)
    return depth


cdef Py_ssize_t _source_end(str text, Py_ssize_t start, Py_ssize_t limit, Py_ssize_t target_excess):
    """``_source_end``, or -1 for None.  The balance of ``text[start:candidate]`` grows with the
    candidate, so it is counted once over the text, and a prefix that closed more spans than it
    opened rules out every later candidate too.  (No span tag can straddle a candidate: both
    begin with the ``<`` that a candidate begins with.)"""
    cdef Py_ssize_t first = -1, balanced = -1, depth = 0, cursor = start, lt
    cdef Py_ssize_t at = text.find(SOURCE_CLOSE, start, limit)
    while at >= 0:
        lt = text.find("<", cursor, at)
        while lt >= 0:
            depth += _span_step(text, lt, at)
            if depth < 0:
                return balanced if balanced >= 0 else first
            lt = text.find("<", lt + 1, at)
        cursor = at
        if depth == target_excess:
            return at
        if first < 0:
            first = at
        if balanced < 0 and depth == 0:
            balanced = at
        at = text.find(SOURCE_CLOSE, at + 1, limit)
    return balanced if balanced >= 0 else first


def scan_pairs(str text, lines=None):
    """Yield every pair and anomaly in ``text``, in document order (``spans.scan_pairs``)."""
    cdef Py_ssize_t size = len(text), pos, limit, opening_end, id_end = 0, twin, twin_id_end = 0
    cdef Py_ssize_t end, line, at, n
    if lines is None:
        lines = LineIndex(text)
    cdef _Lines line_at = _Lines(text, lines)
    cdef list starts = []
    pos = text.find(TTU)
    while pos >= 0:
        starts.append(pos)
        pos = text.find(TTU, pos + 12)
    cdef set claimed = set()
    cdef list items = []
    cdef Py_ssize_t count = len(starts)
    cdef str seg_id
    for n in range(count):
        pos = starts[n]
        limit = starts[n + 1] if n + 1 < count else size
        line = line_at.at(pos)
        opening_end = _opening(text, pos, &id_end)
        twin = _twin(text, opening_end, limit, &twin_id_end) if opening_end >= 0 else -1
        if twin < 0:
            item = _malformed(text, pos, limit, line)
            if item.kind == "broken-quote" or item.kind == "swallowed":
                claimed.update(_quoted_twins(text, pos, limit, item.id))
            items.append(item)
            continue
        claimed.add(twin + TWIN_LEN - 13)
        seg_id = text[pos + 13:id_end]
        if text[twin + TWIN_LEN:twin_id_end] != seg_id:
            items.append(_mismatch(text, pos, line, seg_id, text[twin + TWIN_LEN:twin_id_end]))
            continue
        end = _source_end(text, twin_id_end + 2, limit, _balance(text, opening_end, twin))
        if end < 0:
            items.append(_unterminated(text, pos, line, seg_id))
            continue
        items.append(_pair_of(seg_id, parse_segment(text[twin_id_end + 2:end]), parse_segment(text[opening_end:twin]),
                              line, line_at.at(end + 13)))
    at = text.find(STU)
    while at >= 0:
        if at not in claimed:
            items.append(_orphan_source(text, at, lines))
        at = text.find(STU, at + STU_LEN)
    return iter(items)


# -- characters XML forbids (document.py) ---------------------------------------------------

cdef void _illegal(const code_unit* data, Py_ssize_t size, list found) except *:
    cdef Py_ssize_t i
    cdef uint32_t c
    for i in range(size):
        c = data[i]
        if (c < 0x20 and c != 0x09 and c != 0x0A and c != 0x0D) or 0xD800 <= c <= 0xDFFF or c == 0xFFFE \
                or c == 0xFFFF:
            found.append(i)


def illegal_chars(str text):
    """``document.illegal_chars``: offsets of ``XML_ILLEGAL``'s characters (C0 controls but tab, LF
    and CR; surrogates; U+FFFE and U+FFFF), read from the string's storage at its width."""
    cdef list found = []
    cdef int kind = PyUnicode_KIND(text)
    cdef void* data = PyUnicode_DATA(text)
    if kind == PyUnicode_1BYTE_KIND:
        _illegal(<const uint8_t*> data, len(text), found)
    elif kind == PyUnicode_2BYTE_KIND:
        _illegal(<const uint16_t*> data, len(text), found)
    else:
        _illegal(<const uint32_t*> data, len(text), found)
    return found
