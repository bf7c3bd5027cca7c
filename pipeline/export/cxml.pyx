# cython: language_level=3, boundscheck=False, wraparound=False, initializedcheck=False
"""The compiled twin of ``xml.py``'s escaping and cleaning, for the compiled renderers (``cxml.pxd``).

``xml.py`` is the reference (``escape_text``, ``escape_attr``, ``Cleaner``): this module gives the
same text for any string (``tests/test_core_export.py`` holds it to that).  Here a string is read at
the width CPython stores it in, once to find whether anything is to be written otherwise (most
strings: none, and the string itself is the answer) and how long the result is, then once more to
write the result into a string made at its final size.
"""

from cpython.unicode cimport (PyUnicode_1BYTE_KIND, PyUnicode_2BYTE_KIND, PyUnicode_DATA, PyUnicode_KIND,
                              PyUnicode_READ, PyUnicode_WRITE)
from libc.stdint cimport uint8_t, uint16_t, uint32_t

from pipeline.ccommon cimport TMPIPE_SOURCE_SHA256, code_unit

from pipeline.model import Code, Text

__all__ = ["clean_text", "escape_attr", "escape_text"]

#: The SHA-256 of this file when it was built (see ccommon.pxd).
SOURCE_SHA256 = TMPIPE_SOURCE_SHA256.decode("ascii")

cdef extern from "Python.h":
    object PyUnicode_New(Py_ssize_t size, Py_UCS4 maxchar)

cdef Py_UCS4 REPLACEMENT = 0xFFFD


cdef inline bint _illegal(Py_UCS4 c):
    """``chars.XML_ILLEGAL``: C0 controls but tab, LF and CR; surrogates; U+FFFE, U+FFFF."""
    return (c < 0x20 and c != 9 and c != 10 and c != 13) or 0xD800 <= c <= 0xDFFF or c == 0xFFFE or c == 0xFFFF


# What each character below 256 is: escaped in content (xml._TEXT), in attributes too (xml._ATTR),
# XML-illegal.  A mode's mask picks the kinds that make a string need writing otherwise.
cdef enum:
    IN_TEXT = 1
    IN_ATTR = 2
    ILLEGAL = 4

cdef unsigned char KINDS[256]
for _c in range(256):
    KINDS[_c] = ((IN_TEXT if chr(_c) in "&<>\r" else 0) | (IN_ATTR if chr(_c) in '"\n\t' else 0)
                 | (ILLEGAL if _illegal(_c) else 0))


cdef inline unsigned char _mask(int mode):
    if mode & ONLY:
        return ILLEGAL if mode & CLEAN else 0
    return IN_TEXT | (IN_ATTR if mode & ATTR else 0) | (ILLEGAL if mode & CLEAN else 0)


cdef bint _needs(const code_unit* data, Py_ssize_t size, unsigned char mask):
    """Whether a character of ``data`` is of a kind in ``mask`` (the loop most strings end in)."""
    cdef Py_ssize_t i
    cdef Py_UCS4 c
    for i in range(size):
        c = data[i]
        if code_unit is uint8_t:
            if KINDS[c] & mask:
                return True
        elif c < 256:
            if KINDS[c] & mask:
                return True
        elif mask & ILLEGAL and (0xD800 <= c <= 0xDFFF or c == 0xFFFE or c == 0xFFFF):
            return True
    return False


cdef inline bint _any(str text, unsigned char mask):
    cdef int kind = PyUnicode_KIND(text)
    cdef void* data = PyUnicode_DATA(text)
    if kind == PyUnicode_1BYTE_KIND:
        return _needs(<const uint8_t*>data, len(text), mask)
    if kind == PyUnicode_2BYTE_KIND:
        return _needs(<const uint16_t*>data, len(text), mask)
    return _needs(<const uint32_t*>data, len(text), mask)


cdef inline Py_ssize_t _longer(Py_UCS4 c, int mode):
    """How many characters more than one ``c`` is written as (``xml._TEXT``, ``xml._ATTR``)."""
    if mode & ONLY:
        return 0
    if c == '&' or c == '\r':
        return 4  # &amp; &#13;
    if c == '<' or c == '>':
        return 3
    if mode & ATTR:
        if c == '"':
            return 5
        if c == '\n':
            return 4
        if c == '\t':
            return 3
    return 0


cdef str escape(str text, int mode, Py_ssize_t* replaced):
    """``text`` cleaned (with ``CLEAN``: its XML-illegal characters become U+FFFD, added to
    ``replaced``) and escaped as element content, or as an attribute value with ``ATTR``."""
    cdef Py_ssize_t size = len(text), longer = 0, bad = 0, i, j = 0
    cdef int kind, out_kind
    cdef void* data
    cdef void* out_data
    cdef Py_UCS4 maxchar = 0, c
    cdef str out, written
    if not _any(text, _mask(mode)):
        return text
    kind = PyUnicode_KIND(text)
    data = PyUnicode_DATA(text)
    for i in range(size):  # the length and widest character of what is written
        c = PyUnicode_READ(kind, data, i)
        if mode & CLEAN and _illegal(c):
            bad += 1
            c = REPLACEMENT
        else:
            longer += _longer(c, mode)
        if c > maxchar:
            maxchar = c
    replaced[0] += bad
    out = <str>PyUnicode_New(size + longer, maxchar)
    out_kind = PyUnicode_KIND(out)
    out_data = PyUnicode_DATA(out)
    for i in range(size):
        c = PyUnicode_READ(kind, data, i)
        written = None
        if mode & CLEAN and _illegal(c):
            c = REPLACEMENT
        elif mode & ONLY:
            pass
        elif c == '&':
            written = "&amp;"
        elif c == '<':
            written = "&lt;"
        elif c == '>':
            written = "&gt;"
        elif c == '\r':
            written = "&#13;"
        elif mode & ATTR:
            if c == '"':
                written = "&quot;"
            elif c == '\n':
                written = "&#10;"
            elif c == '\t':
                written = "&#9;"
        if written is None:
            PyUnicode_WRITE(out_kind, out_data, j, c)
            j += 1
        else:
            for c in written:
                PyUnicode_WRITE(out_kind, out_data, j, c)
                j += 1
    return out


cdef bint has_illegal(str text):
    return _any(text, ILLEGAL)


cdef str clean(str text, Py_ssize_t* replaced):
    """``Cleaner.__call__``: ``text`` with its XML-illegal characters replaced (counted)."""
    if not has_illegal(text):
        return text
    return escape(text, CLEAN | ONLY, replaced)


cdef tuple clean_runs(tuple runs, Py_ssize_t* replaced):
    """``Cleaner.runs``: the runs cleaned, the same tuple when none needs it (most)."""
    for run in runs:
        if has_illegal(run.raw):
            break
    else:
        return runs
    return tuple([Text(clean(r.raw, replaced)) if isinstance(r, Text) else Code(r.kind, r.type, clean(r.raw, replaced), r.pair)
                  for r in runs])


def escape_text(str text):
    """``xml.escape_text``."""
    cdef Py_ssize_t replaced = 0
    return escape(text, 0, &replaced)


def escape_attr(str text):
    """``xml.escape_attr``."""
    cdef Py_ssize_t replaced = 0
    return escape(text, ATTR, &replaced)


def clean_text(str text):
    """``(Cleaner()(text), its count)``."""
    cdef Py_ssize_t replaced = 0
    return clean(text, &replaced), replaced
